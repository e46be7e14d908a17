"""The results board and the public portal in headless Chromium, after a real publication.

The year is set up through the performance services (SKP, realisation, rating, finalisation) as
BKPSDM and the appraisers would have done, plus three more people in a small Badan Kecil; the
pimpinan's publication then queues the aggregate refresh, which the immediate task backend runs
on commit. The employee opens the board from the menu and reads their own percentile with its
explanation; a visitor without a login opens the portal from the footer and finds Dinas Sosial
(two people) hidden, with the reason.
"""

import re

import pytest
from playwright.sync_api import expect

from transparency.models import AggregateSnapshot
from transparency.tests.year import grow, publish, rated_year

pytestmark = pytest.mark.browser


@pytest.fixture
def published(browser_city):
    year = rated_year(browser_city)
    grow(year, {"Badan Kecil": 3})
    publish(year)  # commits: the refresh runs on commit
    snapshot = AggregateSnapshot.objects.get(period=year.period)
    assert snapshot.employees == 10
    return year


def test_employee_reads_own_percentile_and_the_portal_hides_a_small_unit(
    published, browser_city, log_in, browser, live_server
):
    page = log_in(browser_city.employees["pegawai"].nip)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Papan hasil", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Papan hasil")

    mine = page.get_by_role("region", name="Hasil Anda")
    expect(mine.locator(".ev-predikat")).to_have_text("Baik")
    expect(mine.locator(".tr-score")).to_have_text("4120,00")
    expect(mine).to_contain_text("Skor = poin predikat × 1.000 + rata-rata capaian RHK utama (%)")
    unit_pct = mine.locator(".tr-pct-unit")
    expect(unit_pct.locator(".tr-pct")).to_have_text("75")
    expect(unit_pct).to_contain_text("Skor Anda lebih tinggi daripada 75% rekan di Dinas Kominfo (5 orang")
    expect(mine.locator(".tr-explain")).to_have_text(
        "Persentil adalah persentase rekan dalam kelompok yang skornya lebih rendah dari Anda; rekan dengan "
        "skor sama dihitung setengah."
    )
    expect(mine.locator(".tr-pct-family")).to_contain_text("Tidak ditampilkan: kelompok ini kurang dari 5 orang")

    # The unit's distribution: a drawn chart with the same numbers in a table beside it.
    unit = page.get_by_role("region", name="Distribusi predikat di Dinas Kominfo")
    expect(unit.locator("canvas[data-drawn='1']")).to_have_count(1)
    counts = unit.get_by_role("table", name="Predikat di Dinas Kominfo")
    baik = counts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Baik", exact=True))
    expect(baik.get_by_role("cell")).to_have_text(["3", "60%"])
    # The organisation's summary marks Dinas Sosial as hidden.
    summary = page.get_by_role("region", name="Ringkasan organisasi per perangkat daerah")
    expect(summary.get_by_role("row").filter(has_text="Dinas Sosial")).to_contain_text(
        "disembunyikan: kurang dari 5 orang"
    )

    # A visitor without a login: a fresh browser context, through the footer link.
    visitor = browser.new_context(base_url=live_server.url, locale="id-ID")
    try:
        public = visitor.new_page()
        public.goto("/akun/masuk/")
        public.get_by_role("contentinfo").get_by_role("link", name="Portal publik").click()
        expect(public).to_have_url(re.compile(r"/publik/$"))
        expect(public.get_by_role("heading", level=1)).to_contain_text("Hasil kinerja ASN")
        table = public.get_by_role("table", name="Predikat, capaian, dan perubahan hasil per perangkat daerah")
        sosial = table.get_by_role("row").filter(has=public.get_by_role("rowheader", name="Dinas Sosial"))
        expect(sosial).to_contain_text("disembunyikan: kurang dari 5 orang")
        expect(sosial).to_contain_text("UU 27/2022")
        kominfo = table.get_by_role("row").filter(has=public.get_by_role("rowheader", name="Dinas Kominfo"))
        expect(kominfo.get_by_role("cell").first).to_have_text("5")
        expect(public.get_by_text("Pegawai Empat")).to_have_count(0)

        sosial.get_by_role("link", name="Dinas Sosial").click()
        expect(public.get_by_role("heading", level=1)).to_have_text("Dinas Sosial")
        spread = public.get_by_role("region", name="Sebaran predikat")
        expect(spread).to_contain_text("disembunyikan: kurang dari 5 orang")
        expect(spread.locator("canvas")).to_have_count(0)
    finally:
        visitor.close()
