# Terang: two commands on a fresh machine.
#   make run    set up everything and serve http://127.0.0.1:8000 with the demo city
#   make test   set up everything and run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint format messages setup setup-dev syslibs browser clean worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed packages are re-synced whenever a lock file changes.
$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

$(VENV)/.bench-installed: requirements/bench.txt $(VENV)/.dev-installed
	$(BIN)/pip install --quiet -r requirements/bench.txt
	touch $@

setup: $(VENV)/.base-installed syslibs
setup-dev: $(VENV)/.dev-installed syslibs

# WeasyPrint (PDF documents) needs Pango; install Debian's when missing and allowed.
syslibs:
	@if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p | grep -q 'libpangoft2-1.0.so'; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Memasang Pango (Debian) untuk dokumen PDF..."; \
	  (apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)); \
	else \
	  echo "Dokumen PDF butuh Pango: jalankan 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0'."; \
	fi

var:
	mkdir -p var

run: setup var
	DJANGO_DEBUG=true $(BIN)/terang migrate --noinput
	DJANGO_DEBUG=true $(BIN)/terang compilemessages --ignore=.venv -v0 2>/dev/null || true
	DJANGO_DEBUG=true $(BIN)/terang load_demo
	@echo ""
	@echo "Terang berjalan di http://127.0.0.1:8000  (Ctrl+C untuk berhenti)"
	@trap 'kill 0' EXIT; \
	  DJANGO_DEBUG=true $(BIN)/terang db_worker --interval 0.5 >var/worker.log 2>&1 & \
	  DJANGO_DEBUG=true $(BIN)/terang runserver 127.0.0.1:8000

worker: setup
	DJANGO_DEBUG=true $(BIN)/terang db_worker

# Browser tests need Debian's chromium; install it when missing and allowed.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Memasang chromium (Debian) untuk uji peramban..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Uji peramban butuh /usr/bin/chromium: jalankan 'sudo apt-get install chromium'. Uji peramban dilewati."; \
	fi

test: setup-dev browser
	$(BIN)/ruff check .
	$(BIN)/pytest --ds=terang.test_settings -n 2 --dist loadgroup

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup-dev
	DJANGO_DEBUG=true $(BIN)/terang makemessages -l en --ignore=.venv --ignore=var --ignore=bench --no-obsolete --add-location=file
	DJANGO_DEBUG=true $(BIN)/terang compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
