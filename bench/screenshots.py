"""Screenshots of the main pages of a running Terang with the demo city, for docs and review.

Start the demo first (``make run``), then::

    .venv/bin/python bench/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

Logs in as ``admin``, as the demo employee (a pelaksana in a Seksi Aplikasi, the one that
``load_demo`` prints) and as their pejabat penilai; their NIPs, SKPs and units are read from the
demo database (``TERANG_VAR_DIR``'s, as the server's). Needs Debian's Chromium at
/usr/bin/chromium and the background worker (``make run`` starts it). The import-with-errors shot
uploads a small broken CSV: nothing is saved, but the attempt is listed under "Impor sebelumnya"
and in the audit trail, like any upload. The fairness shots start one analysis of the 2025 BerAKHLAK
ratings of the whole organisation through the page and wait for it; each run adds one to the
period's history. The results board (/papan/) and the public portal (/publik/) are taken when they
answer 200, and skipped otherwise.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "terang-demo"  # noqa: S105  (the demo accounts' published password)
DONE_YEAR = 2025  # the demo's evaluated and announced year; the year after it is under way
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def demo_employee() -> dict:
    """The demo employee's NIP, unit and profile ids, read from the demo database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terang.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    from org.models import Employee

    # The same choice as `terang load_demo`: a pelaksana in Kominfo with a full reporting line.
    staff = (
        Employee.objects.filter(
            is_active=True,
            position__kind="PELAKSANA",
            unit__name__startswith="Seksi Aplikasi",
            penilai__isnull=False,
            atasan_penilai__isnull=False,
        )
        .order_by("nip")
        .first()
    )
    if staff is None:
        staff = Employee.objects.filter(is_active=True, penilai__isnull=False).order_by("nip").first()
    if staff is None:
        sys.exit("No employees in the database: run `make run` (it loads the demo city) first.")
    return {
        "nip": staff.nip,
        "pk": staff.pk,
        "unit_id": staff.unit_id,
        "name": staff.full_name,
        "penilai_nip": staff.penilai.nip,
        # The perangkat daerah (depth-1 unit) above the employee's unit, for the dashboard's unit page.
        "pd_id": staff.unit.ancestor_ids()[1],
    }


def demo_performance(employee: dict) -> dict:
    """The demo employee's current SKP and their evaluated 2025 SKP, with the 2025 period."""
    from performance.models import Skp

    skps = Skp.objects.filter(employee_id=employee["pk"]).order_by("-period__year", "pk")
    current = skps.first()
    done = skps.filter(period__year=DONE_YEAR).first()
    if current is None or done is None:
        sys.exit(f"The demo employee has no {DONE_YEAR} SKP: load the demo city with `terang load_demo`.")
    return {"skp_id": current.pk, "done_skp_id": done.pk, "done_period_id": done.period_id}


def broken_csv() -> bytes:
    """Three rows, two with mistakes an officer really makes: an impossible date, a short NIP."""
    from org.roster_file import COLUMNS

    unit = "Dinas Komunikasi dan Informatika > Sekretariat"
    rows = [
        ["199506062019032008", "Dewi Contoh", "P", "31/02/1995", "III/a", "Analis Data", "Fungsional Ahli Pertama"],
        ["1996070720201210", "Budi Contoh", "L", "07/07/1996", "II/c", "Pengadministrasi Umum", "Pelaksana"],
        ["199808082022032010", "Sari Contoh", "P", "08/08/1998", "II/a", "Pengelola Arsip", "Pelaksana"],
    ]
    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\n")
    for nip, nama, jk, lahir, gol, jabatan, jenis in rows:
        row = {
            "NIP": nip, "NAMA": nama, "JENIS_KELAMIN": jk, "TANGGAL_LAHIR": lahir, "GOL_RUANG": gol,
            "JABATAN": jabatan, "JENIS_JABATAN": jenis, "UNIT_KERJA": unit, "STATUS": "PNS",
            "EMAIL": f"{nama.lower().replace(' ', '.')}@contoh.example",
        }  # fmt: skip
        out.write(",".join(row.get(c, "") for c in COLUMNS) + "\n")
    return out.getvalue().encode("utf-8")


def wait_for_server(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"Terang does not answer at {url}/healthz; start it with `make run`.")
        time.sleep(1)


def log_in(page, username: str, password: str) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("NIP atau email").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_role("heading", name="Perlu tindakan Anda").wait_for()


def fairness_analysis(page, period_id: int) -> None:
    """Start an analysis of the period's BerAKHLAK ratings of everyone and wait on its page until it ends."""
    page.goto(f"/keadilan/?periode={period_id}")
    page.get_by_label("Cakupan").select_option(label="Seluruh organisasi")
    page.get_by_label("Penilaian yang dianalisis").select_option("perilaku")
    page.get_by_role("button", name="Jalankan", exact=True).click()
    page.wait_for_url("**/keadilan/analisis/*/")
    # The page polls while the worker runs, then reloads itself with the results (or the failure).
    results = page.get_by_role("heading", name="Posisi setiap penilai")
    failed = page.locator("#run-status .alert")
    results.or_(failed).wait_for(timeout=600_000)
    if failed.count():
        sys.exit(f"The fairness analysis failed: {failed.inner_text()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running Terang")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder for the PNGs")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="password of the demo accounts")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    wait_for_server(url)
    employee = demo_employee()
    perf = demo_performance(employee)
    taken: list[Path] = []

    def shot(page, name: str, *, full_page: bool = True, height: int | None = None) -> None:
        """The whole page, or with `height` only its top (in CSS pixels) when the rest is a long list."""
        page.wait_for_load_state("networkidle")
        path = out / f"{name}.png"
        if height is None:
            page.screenshot(path=str(path), full_page=full_page)
        else:
            height = min(height, page.evaluate("document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
            page.screenshot(path=str(path), full_page=True, clip=clip)
        taken.append(path)

    def shot_if_there(page, address: str, name: str, *, height: int | None = None) -> None:
        """Pages still being built: taken when they answer 200, skipped (and said so) otherwise."""
        response = page.goto(address)
        if response is not None and response.status == 200 and response.url.endswith(address):
            shot(page, name, height=height)
        else:
            status = response.status if response is not None else "no answer"
            print(f"skipped {name}: {address} answered {status} at {page.url}")

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        # --- as admin, desktop
        ctx = browser.new_context(base_url=url, locale="id-ID", viewport=DESKTOP)
        ctx.set_default_timeout(30_000)
        page = ctx.new_page()
        page.goto("/akun/masuk/")
        shot(page, "01-masuk")
        log_in(page, "admin", args.password)
        shot(page, "02-beranda-admin")
        page.goto("/organisasi/")
        shot(page, "03-organisasi")
        page.goto(f"/organisasi/unit/{employee['unit_id']}/")
        shot(page, "04-unit")
        page.goto(f"/organisasi/pegawai/{employee['pk']}/")
        shot(page, "05-profil-pegawai")
        page.goto("/organisasi/impor/")
        shot(page, "06-impor")
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / "daftar-contoh-salah.csv"
            csv.write_bytes(broken_csv())
            page.get_by_label("Berkas daftar pegawai (.xlsx atau .csv)").set_input_files(csv)
            page.get_by_role("button", name="Unggah dan periksa").click()
            # The demo server checks the file in its background worker; the page polls until done.
            page.locator("#import-errors").wait_for(timeout=60_000)
        shot(page, "07-impor-kesalahan")
        page.goto("/audit/")
        shot(page, "08-jejak-audit")
        page.goto("/kinerja/dasbor/")
        shot(page, "15-dasbor-kinerja")
        page.goto(f"/kinerja/dasbor/unit/{employee['pd_id']}/?periode={perf['done_period_id']}")
        page.locator("canvas[data-chart][data-drawn]").first.wait_for()
        shot(page, "16-dasbor-unit-sebaran", height=1800)
        fairness_analysis(page, perf["done_period_id"])
        shot(page, "18-analisis-keadilan", height=1800)
        page.goto(f"/keadilan/?periode={perf['done_period_id']}")
        shot(page, "17-keadilan")
        ctx.close()

        # --- as the demo employee, desktop and phone
        ctx = browser.new_context(base_url=url, locale="id-ID", viewport=DESKTOP)
        page = ctx.new_page()
        log_in(page, employee["nip"], args.password)
        shot(page, "09-beranda-pegawai")
        page.goto("/kinerja/")
        shot(page, "11-kinerja-saya")
        page.goto(f"/kinerja/skp/{perf['skp_id']}/")
        shot(page, "12-skp", height=2070)
        page.goto(f"/kinerja/skp/{perf['done_skp_id']}/evaluasi/")
        shot(page, "14-hasil-evaluasi")
        shot_if_there(page, "/papan/", "19-papan-hasil", height=2300)
        ctx.close()
        ctx = browser.new_context(
            base_url=url, locale="id-ID", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = ctx.new_page()
        log_in(page, employee["nip"], args.password)
        shot(page, "10-beranda-pegawai-ponsel")
        ctx.close()

        # --- as the demo employee's pejabat penilai, desktop
        ctx = browser.new_context(base_url=url, locale="id-ID", viewport=DESKTOP)
        page = ctx.new_page()
        log_in(page, employee["penilai_nip"], args.password)
        page.goto("/kinerja/tim/")
        shot(page, "13-tim-saya")
        ctx.close()

        # --- nobody logged in: the public portal
        ctx = browser.new_context(base_url=url, locale="id-ID", viewport=DESKTOP)
        page = ctx.new_page()
        shot_if_there(page, "/publik/", "20-portal-publik")
        ctx.close()
    finally:
        browser.close()
        pw.stop()

    print(f"{len(taken)} screenshots in {out} (employee: {employee['name']}, NIP {employee['nip']}):")
    for path in sorted(taken):
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
