"""Roster import at province size, and the query counts of the main pages at two organisation sizes.

    .venv/bin/python bench/roster_import.py [--rows 50000] [--quick]

Generates a synthetic roster (org.demo), writes it as CSV and xlsx, imports each into a fresh
database in a child process (wall time and peak memory of that process), then opens the main
pages at the demo size and at the large size and prints their query counts side by side.
Uses SQLite under a temporary folder, or PostgreSQL when DATABASE_URL is set (databases
terang_bench_csv, terang_bench_xlsx and terang_bench_small are created anew on that server, and
left there after the run).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 20.0


def _env(db_url: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "terang.settings"}
    env.pop("TERANG_TESTING", None)
    return env


def _terang(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `terang …` as a child; wall seconds, peak RSS of the child (MB), and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"terang {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall, max(peak, before) / 1024, proc.stdout.strip()


PAGE_SCRIPT = r"""
import django, json, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db.models import Count
from accounts.models import User
from org.models import Employee, Unit

admin = User.objects.get(username="admin")
big_unit = Unit.objects.annotate(n=Count("employees")).order_by("-n").first()
head = Employee.objects.filter(position__is_head=True, unit=big_unit).first()
big_team_head = Employee.objects.annotate(n=Count("team")).order_by("-n").first()
pages = {
    "organisation tree": ("/organisasi/", admin),
    f"largest unit ({big_unit.employees.count()} people)": (f"/organisasi/unit/{big_unit.pk}/", admin),
    "employee profile (largest team)": (f"/organisasi/pegawai/{big_team_head.pk}/", admin),
    "employee list": ("/organisasi/pegawai/", admin),
    "home (admin)": ("/", admin),
    "home (largest team)": ("/", User.objects.get(employee=big_team_head)),
    "audit trail": ("/audit/", admin),
    "API employees": ("/api/employees?limit=100", admin),
}
out = {}
for name, (url, user) in pages.items():
    client = Client()
    client.force_login(user, backend="accounts.backends.NipOrEmailBackend")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    out[name.split(" (")[0] if name.startswith("largest unit") else name] = (len(ctx.captured_queries), status)
print(json.dumps(out))
"""


def _page_queries(env: dict[str, str]) -> dict[str, tuple[int, int]]:
    import json

    env = {**env, "ALLOWED_HOSTS": "testserver"}
    proc = subprocess.run([sys.executable, "-c", PAGE_SCRIPT], env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    args = parser.parse_args()
    rows = args.rows // 10 if args.quick else args.rows

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terang.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    from bench.databases import fresh_database
    from org.demo import generate_city
    from org.roster_file import write_roster

    with tempfile.TemporaryDirectory(prefix="terang-bench-") as tmpdir:
        tmp = Path(tmpdir)
        start = time.perf_counter()
        data = generate_city(rows, seed=7)
        csv_path, xlsx_path = tmp / "roster.csv", tmp / "roster.xlsx"
        csv_path.write_bytes(write_roster(data, "csv"))
        xlsx_path.write_bytes(write_roster(data, "xlsx"))
        print(
            f"roster generated: {len(data)} rows in {time.perf_counter() - start:.1f} s "
            f"(csv {csv_path.stat().st_size / 1e6:.1f} MB, xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB)"
        )
        base_url = os.environ.get("DATABASE_URL", "")
        backend = "PostgreSQL" if base_url.startswith("postgres") else "SQLite"
        print(f"database: {backend}\n")
        print(f"{'import':<34}{'seconds':>10}{'peak MB':>10}{'rows/s':>10}  target < {TARGET_SECONDS:.0f} s")
        for label, path in (("csv, new roster", csv_path), ("xlsx, new roster", xlsx_path)):
            env = _env(fresh_database(base_url, tmp, label.split(",")[0])[0])
            _terang(["migrate", "-v0"], env)
            wall, peak, _out = _terang(["import_roster", str(path)], env)
            met = "met" if wall < TARGET_SECONDS or args.quick else "NOT met"
            print(f"{label:<34}{wall:>10.1f}{peak:>10.0f}{len(data) / wall:>10.0f}  {met}")
            if label.startswith("csv"):
                wall2, peak2, _ = _terang(["import_roster", str(path)], env)
                label2 = "csv, same roster again (no change)"
                print(f"{label2:<34}{wall2:>10.1f}{peak2:>10.0f}{len(data) / wall2:>10.0f}")
                large_env = env

        small_env = _env(fresh_database(base_url, tmp, "small")[0])
        _terang(["migrate", "-v0"], small_env)
        _terang(["load_demo", "--employees", "2500"], small_env)
        _terang(["load_demo"], large_env)  # demo accounts on the large roster
        small, large = _page_queries(small_env), _page_queries(large_env)
        print(f"\n{'page queries':<34}{'2.5k':>8}{f'{len(data) // 1000}k':>8}{'ratio':>8}")
        for name in small:
            a, b = small[name][0], large.get(name, (0, 0))[0]
            ok = "" if small[name][1] == large.get(name, (0, 0))[1] == 200 else "  (not 200!)"
            print(f"{name:<34}{a:>8}{b:>8}{b / a:>8.2f}{ok}")


if __name__ == "__main__":
    main()
