"""The foundation's main flows, driven in headless Chromium the way a user would: typing, clicking,
reading what the page says. Each test starts from a fresh browser context (no cookies)."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from conftest import PASSWORD, base_rows, csv_bytes, roster_row

pytestmark = pytest.mark.browser

SEKSI_LAYANAN = "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan"


def test_login_with_spaced_nip_lands_on_beranda_then_logout(browser_city, page, log_in):
    log_in("19900404 201503 2 004")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Perlu tindakan Anda")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pegawai Empat")
    expect(page.locator(".userbox")).to_contain_text("Pegawai Empat")
    expect(page.get_by_role("navigation", name="Menu utama")).to_be_visible()

    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    page.goto("/")  # the session is really gone: Beranda asks to log in again
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    expect(page.get_by_role("heading", name="Masuk ke Terang")).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_have_count(0)


def test_wrong_password_shows_indonesian_error_and_does_not_log_in(browser_city, page, log_in):
    log_in("199004042015032004", "bukan-sandinya")

    expect(page.get_by_role("alert")).to_have_text("NIP/email atau kata sandi salah. Periksa lalu coba lagi.")
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    # What was typed in the NIP field is kept; the password is not.
    expect(page.get_by_label("NIP atau email")).to_have_value("199004042015032004")
    expect(page.get_by_label("Kata sandi")).to_have_value("")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    expect(page.get_by_role("heading", name="Perlu tindakan Anda")).to_have_count(0)


def test_browse_the_organisation_tree_to_a_seksi(browser_city, page, log_in):
    log_in("199004042015032004")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Organisasi").click()
    expect(page.get_by_role("heading", name="Struktur organisasi")).to_be_visible()

    seksi = page.get_by_role("link", name="Seksi Layanan", exact=True)
    expect(seksi).to_be_hidden()  # collapsed below the dinas and the bidang
    for name in ["Dinas Kominfo", "Bidang Aplikasi"]:
        summary = page.locator("summary", has=page.get_by_role("link", name=name, exact=True))
        summary.locator(".count").click()  # the summary toggles; its link would navigate
        expect(summary.locator("xpath=..")).to_have_attribute("open", "")
    expect(seksi).to_be_visible()
    expect(seksi.locator("xpath=following-sibling::span[@class='count']")).to_have_text("(3)")

    seksi.click()
    expect(page.get_by_role("heading", level=1, name="Seksi Layanan")).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Jejak unit")
    expect(breadcrumb).to_contain_text("Dinas Kominfo")
    expect(breadcrumb).to_contain_text("Bidang Aplikasi")

    head = page.locator("section", has=page.get_by_role("heading", name="Kepala unit"))
    expect(head).to_contain_text("Kasi Tiga")
    expect(head).to_contain_text("Kepala Seksi Layanan")

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for name in ["Kasi Tiga", "Pegawai Empat", "Pegawai Lima"]:
        expect(rows.filter(has_text=name)).to_have_count(1)
    expect(rows.filter(has_text="Kasi Tiga").locator(".badge")).to_have_text("kepala")
    expect(page.locator("table")).not_to_contain_text("Pegawai Tujuh")  # another dinas


def _new_people(*, good: bool) -> list[dict]:
    dewi = roster_row(
        "199506062019032008",
        "Dewi Baru",
        "P",
        "06/06/1995",
        "III/a",
        "Analis Data",
        "Fungsional Ahli Pertama",
        SEKSI_LAYANAN,
        "PNS",
    )
    budi = roster_row(
        "199607072020121009",
        "Budi Baru",
        "L",
        "07/07/1996",
        "II/c",
        "Pengadministrasi Umum",
        "Pelaksana",
        SEKSI_LAYANAN,
        "PNS",
    )
    if not good:
        dewi["TANGGAL_LAHIR"] = "31/02/1995"  # no such day
        budi["NIP"] = "1996070720201210"  # two digits short
    return [
        roster_row(
            "199808082022032010",
            "Sari Baru",
            "P",
            "08/08/1998",
            "II/a",
            "Pengelola Arsip",
            "Pelaksana",
            SEKSI_LAYANAN,
            "PNS",
        ),
        dewi,
        budi,
    ]


def _upload(page, path: Path) -> None:
    page.goto("/organisasi/impor/")
    expect(page.get_by_role("heading", name="Impor daftar pegawai")).to_be_visible()
    page.get_by_label("Berkas daftar pegawai (.xlsx atau .csv)").set_input_files(path)
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("#import-status")).not_to_contain_text("Memeriksa", timeout=20_000)


def test_admin_imports_a_roster_fixes_the_errors_and_saves(browser_city, page, log_in, tmp_path, settings):
    from org.models import Employee

    settings.PRIVATE_STORAGE_DIR = tmp_path / "private"  # uploads stay out of the repository's var/
    log_in("admin")

    # 1. A file with two bad rows (header is row 1; base rows 2-8; Sari 9, Dewi 10, Budi 11).
    bad = tmp_path / "daftar-salah.csv"
    bad.write_bytes(csv_bytes(base_rows() + _new_people(good=False)))
    _upload(page, bad)

    expect(page.get_by_role("heading", level=1)).to_have_text("daftar-salah.csv")
    expect(page.get_by_role("alert")).to_contain_text("Tidak ada yang disimpan")
    errors = page.locator("#import-errors tbody tr")
    date_error = errors.filter(has=page.locator("td", has_text=re.compile(r"^TANGGAL_LAHIR$")))
    expect(date_error).to_have_count(1)
    expect(date_error.locator("td").nth(0)).to_have_text("10")
    expect(date_error.locator("td").nth(2)).to_contain_text("31/02/1995 tidak ada di kalender")
    nip_error = errors.filter(has=page.locator("td", has_text=re.compile(r"^NIP$")))
    expect(nip_error).to_have_count(1)
    expect(nip_error.locator("td").nth(0)).to_have_text("11")
    expect(nip_error.locator("td").nth(2)).to_contain_text("NIP harus 18 digit")
    expect(page.get_by_role("button", name="Simpan semua")).to_have_count(0)
    # All or nothing: the good new row in the same file was not saved either.
    assert not Employee.objects.filter(nip="199808082022032010").exists()
    assert Employee.objects.count() == 7

    # 2. The corrected file: preview, then save.
    page.get_by_role("link", name="Unggah berkas yang sudah diperbaiki").click()
    good = tmp_path / "daftar-benar.csv"
    good.write_bytes(csv_bytes(base_rows() + _new_people(good=True)))
    _upload(page, good)

    expect(page.get_by_role("status").filter(has_text="Berkas lolos pemeriksaan")).to_be_visible()
    facts = page.locator("#import-status dl.facts")
    expect(facts.locator("dt:text-is('Pegawai baru') + dd")).to_have_text("3")
    expect(facts.locator("dt:text-is('Tanpa perubahan') + dd")).to_have_text("7")
    assert not Employee.objects.filter(nip="199808082022032010").exists()  # a preview saves nothing

    page.get_by_role("button", name="Simpan semua").click()
    expect(page.get_by_role("status").filter(has_text="Tersimpan.")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Simpan semua")).to_have_count(0)
    sari = Employee.objects.select_related("unit").get(nip="199808082022032010")
    assert sari.unit.name == "Seksi Layanan"
    assert Employee.objects.count() == 10

    page.goto(f"/organisasi/unit/{sari.unit_id}/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.filter(has_text="Sari Baru")).to_contain_text("Pengelola Arsip")
    expect(rows.filter(has_text="Dewi Baru")).to_have_count(1)


def test_switch_language_to_english(browser_city, page):
    from django.utils import translation

    page.goto("/akun/masuk/")
    expect(page.get_by_role("heading", name="Masuk ke Terang")).to_be_visible()
    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()

    catalogue = Path(django_settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    if not catalogue.exists():
        pytest.xfail(f"English catalogue not compiled yet ({catalogue} missing): the page stays Indonesian")
    with translation.override("en"):
        heading = translation.gettext("Masuk ke Terang")
        button = translation.gettext("Masuk")
    assert heading != "Masuk ke Terang", "the login heading has no English translation yet"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main button[type=submit]")).to_have_text(button)

    # And back: the choice is remembered until switched again.
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Masuk ke Terang")).to_be_visible()


@pytest.mark.parametrize("who", ["199004042015032004", "admin"])
def test_home_fits_a_phone_without_horizontal_scroll(browser_city, browser, live_server, who):
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = ctx.new_page()
        page.goto("/akun/masuk/")
        page.get_by_label("NIP atau email").fill(who)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk", exact=True).click()
        expect(page.get_by_role("heading", name="Perlu tindakan Anda")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"Beranda is {width}px wide on a 360px screen: it scrolls sideways"
    finally:
        ctx.close()
