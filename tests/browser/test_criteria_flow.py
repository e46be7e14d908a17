"""Criteria drafted together, driven in headless Chromium by the people who do it.

The head of the seksi opens a drafting round; the pegawai, told by a notification, proposes an
indicator; a colleague votes for it and comments; the head closes the round and adopts the proposal
with a reason; the pegawai then takes the adopted indicator into their SKP from the library and the
SKP page says where it came from. Only the period and the pegawai's draft SKP with one RHK are set up
beforehand by services; everything else goes through the pages, each person in their own context.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_period
from tests.browser.test_performance_cycle import Office, _disclosure, _menu, _said

pytestmark = pytest.mark.browser

RHK_TEXT = "Layanan aplikasi daerah berjalan andal"
TITLE = "Aduan layanan aplikasi selesai tepat waktu"
INDICATOR = "Persentase aduan layanan aplikasi yang selesai dalam 3 hari kerja"
MEASUREMENT = "Aduan selesai dalam 3 hari kerja dibagi seluruh aduan bulan itu, dari catatan helpdesk."
REASON = "Rumusan jelas, datanya tersedia di helpdesk, dan mayoritas seksi setuju."


@pytest.fixture
def office(browser_city, browser, live_server):
    emp = browser_city.employees
    office = Office(browser, live_server.url, {key: emp[key].nip for key in ("pegawai", "pppk", "penilai")})
    yield office
    office.close()


@pytest.fixture
def draft_skp(browser_city):
    from performance import services as s

    city = browser_city
    period = make_period(city.user("admin"))
    user, employee = city.user("pegawai"), city.employees["pegawai"]
    skp = s.skp_start(actor=user, period=period, employee=employee)
    s.rhk_save(actor=user, skp=skp, text=RHK_TEXT, kind="UTAMA")
    return skp


def _head_opens_round(page: Page) -> None:
    _menu(page, "Kriteria")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pustaka kriteria")
    expect(page.get_by_text("Belum ada kriteria yang ditetapkan.")).to_be_visible()
    page.get_by_role("navigation", name="Menu kriteria").get_by_role("link", name="Putaran penyusunan").click()
    page.get_by_role("link", name="Buka putaran baru").click()
    expect(page.get_by_role("combobox", name="Unit kerja")).to_have_text(re.compile("Seksi Layanan"))
    page.get_by_role("textbox", name="Judul putaran").fill("Indikator Seksi Layanan 2026")
    closes = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Ditutup").fill(closes)
    page.get_by_role("button", name="Buka putaran").click()
    _said(page, "Putaran dibuka. Seluruh ASN Seksi Layanan diberi tahu.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Terbuka")


def _pegawai_proposes(page: Page) -> None:
    _menu(page, "Kinerja saya")
    page.get_by_role("link", name=re.compile(r"^Putaran penyusunan kriteria Seksi Layanan dibuka")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indikator Seksi Layanan 2026")
    form = _disclosure(page.locator("#usul"), "Tulis usulan kriteria baru")
    form.get_by_role("textbox", name="Judul kriteria").fill(TITLE)
    expect(form.get_by_label("Contoh Di Atas Ekspektasi")).to_be_hidden()  # a rubric's field, not an indicator's
    form.get_by_role("textbox", name="Rumusan indikator atau perilaku").fill(INDICATOR)
    form.get_by_role("combobox", name="Aspek").select_option(label="Kualitas")
    form.get_by_role("combobox", name="Cara ukur").select_option(label="Kuantitatif")
    form.get_by_role("textbox", name="Satuan").fill("persen")
    form.get_by_role("textbox", name="Cara mengukur").fill(MEASUREMENT)
    form.get_by_role("textbox", name="Bukti dukung yang diharapkan").fill("Rekap tiket helpdesk per bulan")
    form.get_by_role("textbox", name="Alasan usulan").fill("Agar waktu layanan diukur sama bagi semua.")
    form.get_by_role("button", name="Ajukan usulan").click()
    _said(page, "Usulan diajukan.")
    proposal = page.get_by_role("article", name=re.compile(TITLE))
    expect(proposal).to_contain_text("Diusulkan Pegawai Empat")
    expect(proposal).to_contain_text("Setuju: 0")


def _colleague_votes_and_comments(page: Page) -> None:
    _menu(page, "Kriteria")
    page.get_by_role("navigation", name="Menu kriteria").get_by_role("link", name="Putaran penyusunan").click()
    page.get_by_role("link", name="Indikator Seksi Layanan 2026").click()
    proposal = page.get_by_role("article", name=re.compile(TITLE))
    expect(proposal).to_contain_text("Anda belum memberi suara.")
    proposal.get_by_role("button", name=re.compile("^Setuju")).click()
    expect(proposal.get_by_role("status")).to_have_text("Suara Anda tercatat: setuju.")
    expect(proposal).to_contain_text("Setuju: 1")
    proposal.get_by_role("button", name=re.compile("^Tidak setuju")).click()  # changeable until the round closes
    expect(proposal.get_by_role("status")).to_have_text("Suara Anda tercatat: tidak setuju.")
    proposal.get_by_role("button", name=re.compile("^Setuju")).click()
    expect(proposal).to_contain_text("Setuju: 1")
    expect(proposal).to_contain_text("Tidak setuju: 0")
    thread = _disclosure(proposal, "0 komentar")
    thread.get_by_role("textbox", name="Komentar Anda").fill("Datanya sudah ada di helpdesk.")
    thread.get_by_role("button", name="Kirim komentar").click()
    expect(proposal.get_by_role("status")).to_have_text("Komentar terkirim.")
    expect(proposal).to_contain_text("Datanya sudah ada di helpdesk.")


def _head_closes_and_adopts(page: Page) -> None:
    page.reload()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tutup putaran sekarang").click()
    _said(page, "Putaran ditutup.")
    expect(page.get_by_text("1 usulan menunggu putusan Anda.")).to_be_visible()
    page.get_by_role("article", name=re.compile(TITLE)).get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    decide = page.locator("#putusan")
    decide.get_by_role("radio", name="Terima: terbitkan sebagai versi baru").check()
    decide.get_by_role("textbox", name="Alasan putusan").fill(REASON)
    decide.get_by_role("button", name="Simpan putusan").click()
    _said(page, "Usulan diterima. Kriteria terbit di pustaka sebagai versi 1.")
    expect(page.locator(".crit-decision")).to_contain_text(REASON)
    page.get_by_role("link", name="Buka di pustaka kriteria").click()
    expect(page.get_by_role("heading", name="Versi yang berlaku: versi 1")).to_be_visible()


def _pegawai_takes_it_into_the_skp(page: Page) -> None:
    _menu(page, "Kinerja saya")
    expect(page.get_by_role("link", name=re.compile(r"diterima dan terbit sebagai versi 1"))).to_be_visible()
    page.get_by_role("link", name="Lanjutkan menyusun SKP").click()
    card = page.get_by_role("article", name=re.compile(RHK_TEXT))
    form = _disclosure(card, "Tambah indikator")
    form.get_by_role("combobox", name="Ambil dari pustaka kriteria").select_option(label=f"{TITLE} (v1, Seksi Layanan)")
    expect(form.get_by_role("textbox", name="Indikator kinerja")).to_have_value(INDICATOR)
    expect(form.get_by_role("textbox", name="Satuan")).to_have_value("persen")
    expect(form.get_by_role("combobox", name="Aspek")).to_have_value("KUALITAS")
    form.get_by_role("textbox", name="Target (angka)").fill("95")
    form.locator("form").get_by_role("button", name="Tambah indikator").click()
    _said(page, "Indikator ditambahkan.")
    indicator = card.get_by_role("region", name=INDICATOR)
    expect(indicator).to_contain_text("Target: 95 persen")
    expect(indicator.get_by_role("link", name="dari pustaka kriteria, versi 1")).to_be_visible()


def test_propose_vote_adopt_and_use_in_an_skp(office, draft_skp):
    from criteria.models import CriterionVersion, Vote
    from performance.models import Indicator

    _head_opens_round(office.desk("penilai"))
    _pegawai_proposes(office.desk("pegawai"))
    _colleague_votes_and_comments(office.desk("pppk"))
    _head_closes_and_adopts(office.desk("penilai"))
    _pegawai_takes_it_into_the_skp(office.desk("pegawai"))

    version = CriterionVersion.objects.get()
    assert (version.number, version.status, version.adoption_reason) == (1, "adopted", REASON)
    assert list(Vote.objects.values_list("value", flat=True)) == [1]
    assert Indicator.objects.get(rhk__skp=draft_skp).criterion_version == version
