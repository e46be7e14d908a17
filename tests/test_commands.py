"""The command line: `terang` is manage.py; import, export, demo and deploy checks behave as documented."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import base_rows, csv_bytes
from org.models import Employee

ROOT = Path(__file__).resolve().parent.parent
TERANG = ROOT / ".venv" / "bin" / "terang"


@pytest.mark.django_db
def test_import_roster_command_saves_and_reports(tmp_path, capsys):
    path = tmp_path / "daftar.csv"
    path.write_bytes(csv_bytes(base_rows(), sep=";"))
    call_command("import_roster", str(path))
    assert "7 baru" in capsys.readouterr().out
    assert Employee.objects.count() == 7


@pytest.mark.django_db
def test_import_roster_dry_run_saves_nothing(tmp_path, capsys):
    path = tmp_path / "daftar.csv"
    path.write_bytes(csv_bytes(base_rows()))
    call_command("import_roster", str(path), "--dry-run")
    assert "tidak disimpan" in capsys.readouterr().out
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_import_roster_command_fails_with_every_row_listed(tmp_path, capsys):
    rows = base_rows()
    rows[1]["JENIS_KELAMIN"] = "X"
    rows[5]["TANGGAL_LAHIR"] = "1971-13-40"
    path = tmp_path / "daftar.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("import_roster", str(path))
    err = capsys.readouterr().err
    assert "baris 3" in err
    assert "baris 7" in err
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_import_roster_names_a_missing_file():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_roster", "/tidak/ada.xlsx")


@pytest.mark.django_db
def test_export_roster_neutralises_formulas(city, tmp_path):
    Employee.objects.filter(pk=city.employees["pegawai"].pk).update(name='=HYPERLINK("http://x")')
    out = tmp_path / "ekspor.csv"
    call_command("export_roster", "--format", "csv", "--output", str(out))
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7
    assert next(r for r in rows if r["NIP"] == city.employees["pegawai"].nip)["NAMA"].startswith("'=")


@pytest.mark.django_db
def test_load_demo_builds_a_city_once_and_prints_accounts(capsys):
    call_command("load_demo", "--employees", "400")
    out = capsys.readouterr().out
    assert "admin" in out
    assert "Pejabat penilai" in out
    count = Employee.objects.count()
    assert count >= 400
    # Every active employee below a dinas head has an appraiser from the chain.
    missing = (
        Employee.objects.filter(penilai__isnull=True)
        .exclude(position__kind__in=["JPT_PRATAMA"])
        .exclude(unit__name__startswith="Kecamatan")
    )
    assert not missing.exists()
    call_command("load_demo", "--employees", "400")
    assert Employee.objects.count() == count


def _run(args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TERANG_"))}
    env.update(env_extra)
    return subprocess.run([str(TERANG), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.skipif(not TERANG.exists(), reason="the console script is installed by `make test`")
def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "SECRET_KEY": "k" * 64 + "-production-like-secret-for-the-check",
            "ALLOWED_HOSTS": "terang.example.go.id",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TERANG_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not TERANG.exists(), reason="the console script is installed by `make test`")
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_terang_is_the_manage_py_entry_point():
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "help", "import_roster"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "DJANGO_DEBUG": "true"},
    )
    assert result.returncode == 0
    assert "--dry-run" in result.stdout
