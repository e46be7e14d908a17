"""Browser fixtures: one headless Debian Chromium per test session, a fresh context per test.

The pages are served by pytest-django's `live_server` (a real server thread on a transactional
test database), so the background roster check runs for real through the ImmediateBackend.
"""

import importlib
import os
from pathlib import Path

import pytest

from conftest import PASSWORD

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM would then
# refuse to be called from the test (SynchronousOnlyOperation). This is the usual workaround.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    pw = sync_api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as err:
        pw.stop()
        pytest.skip(f"Chromium at {CHROMIUM} could not be started: {err}")
    yield browser
    browser.close()
    pw.stop()


def _audit_guard(action: str) -> None:
    """Drop or recreate the SQLite triggers that make audit events append-only (migration 0002).

    A transactional test ends by deleting every row of every table, which those triggers refuse.
    PostgreSQL flushes with TRUNCATE, which row triggers do not see, so only SQLite needs this.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")
    statements = triggers.SQLITE_DOWN if action == "drop" else triggers.SQLITE_UP
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


@pytest.fixture(scope="module")
def _audit_guard_restored(django_db_blocker):
    """Module-scoped, so it tears down after the last test's flush: put the guard back for the
    tests that run next in this process."""
    yield
    with django_db_blocker.unblock():
        _audit_guard("create")


@pytest.fixture
def browser_db(_audit_guard_restored, transactional_db):
    """A database the live server thread can see, with the audit guard on during the test and
    lifted at teardown, just before pytest-django empties every table."""
    _audit_guard("create")
    yield
    _audit_guard("drop")


@pytest.fixture
def browser_city(browser_db, city):
    """The shared `city` personas, committed so the live server thread sees them."""
    return city


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def log_in(page):
    """Log in through the real form; returns the page, now on Beranda."""

    def _log_in(username: str, password: str = PASSWORD):
        page.goto("/akun/masuk/")
        page.get_by_label("NIP atau email").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_load_state()
        return page

    return _log_in
