"""One whole performance cycle, driven in headless Chromium by the people who do it.

The employee plans, the pejabat penilai agrees, the employee records a realisation with evidence,
the pejabat penilai rates, BKPSDM finalises, the pimpinan publishes, the employee objects, the
atasan pejabat penilai decides, and the employee downloads the documents. Only the period is set up
beforehand by a service, as BKPSDM would have done; everything else goes through the pages. Each
person works in their own browser context (their own cookies), so nobody borrows a session.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conftest import PASSWORD, make_period
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

RHK_TEXT = "Layanan aplikasi daerah berjalan andal"
INDICATOR_TEXT = "Jumlah aplikasi yang dipelihara"
FILE_TITLE = "Daftar aplikasi yang dipelihara"
LINK_TITLE = "Laporan pemeliharaan di drive kantor"
LINK_URL = "https://drive.contoh.example/laporan-pemeliharaan"
WORK_REASON = "Dua aplikasi tambahan belum lolos uji keamanan, jadi capaiannya belum dapat dihitung penuh."
OBJECTION_REASON = (
    "Kedua aplikasi tambahan sudah lolos uji keamanan pada bulan Desember; berita acaranya ada di bukti dukung."
)
DECISION_REASON = (
    "Berita acara uji keamanan sah; capaian 12 aplikasi diakui penuh sehingga hasil kerja di atas ekspektasi."
)
ABOVE, MEETS = "Di Atas Ekspektasi", "Sesuai Ekspektasi"
# Four of the seven values above and none below: the per-value suggestion is Di Atas, as rated overall.
VALUES_ABOVE = ["Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis"]
VALUES_MEETS = ["Loyal", "Adaptif", "Kolaboratif"]


# ---------------------------------------------------------------------------------------------
# Helpers: people at their desks, and the small gestures every page needs


class Office:
    """One browser context per person, each logged in through the real form on first use."""

    def __init__(self, browser, base_url: str, logins: dict[str, str]):
        self.browser, self.base_url, self.logins = browser, base_url, logins
        self.contexts: dict = {}
        self.pages: dict[str, Page] = {}

    def desk(self, who: str) -> Page:
        if who not in self.pages:
            ctx = self.browser.new_context(
                base_url=self.base_url, locale="id-ID", viewport={"width": 1280, "height": 900}
            )
            ctx.set_default_timeout(TIMEOUT_MS)
            self.contexts[who] = ctx
            page = ctx.new_page()
            page.goto("/akun/masuk/")
            page.get_by_label("NIP atau email").fill(self.logins[who])
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk", exact=True).click()
            expect(page.get_by_role("heading", name="Perlu tindakan Anda")).to_be_visible()
            self.pages[who] = page
        return self.pages[who]

    def close(self) -> None:
        for ctx in self.contexts.values():
            ctx.close()


@pytest.fixture
def office(browser_city, browser, live_server):
    emp = browser_city.employees
    logins = {key: emp[key].nip for key in ("pegawai", "penilai", "atasan")}
    logins.update(admin="admin", pimpinan="pimpinan")
    office = Office(browser, live_server.url, logins)
    yield office
    office.close()


def _menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=name, exact=True).click()


def _said(page: Page, text: str) -> None:
    """A confirmation the page announces (a flash message or an htmx notice)."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _disclosure(scope: Locator, summary: str) -> Locator:
    """Open the <details> whose summary reads `summary` and return it."""
    details = scope.locator("details").filter(has=scope.page.locator("summary", has_text=summary)).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(details).to_have_attribute("open", "")
    return details


def _pick(group: Locator, level: str) -> None:
    group.get_by_role("radio", name=level, exact=True).check()


def _small_pdf(path: Path) -> Path:
    """A real one-page PDF (catalog, page tree, page, font, content stream and a correct xref)."""
    text = b"BT /F1 12 Tf 72 720 Td (Daftar aplikasi yang dipelihara: 12) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _get_pdf(page: Page, link: Locator) -> bytes:
    """Follow a document link with the person's own session and check that a PDF comes back."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok, f"{link.get_attribute('href')} answered {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF"), body[:40]
    return body


def _set_stage(admin: Page, period_name: str, stage: str) -> None:
    """BKPSDM moves the period to the next stage on the period page."""
    _menu(admin, "Periode")
    admin.get_by_role("link", name=period_name, exact=True).click()
    admin.get_by_role("combobox", name="Tahap").select_option(label=stage)
    admin.get_by_role("button", name="Simpan tahap").click()
    _said(admin, "Tahap periode diubah.")
    expect(admin.get_by_role("heading", level=1)).to_contain_text(stage)


# ---------------------------------------------------------------------------------------------
# The steps of the cycle, each by the person who does it


def _pegawai_plans(page: Page, period_name: str) -> None:
    _menu(page, "Kinerja saya")
    expect(page.get_by_role("heading", name=f"SKP {period_name}")).to_be_visible()
    page.get_by_role("button", name="Mulai menyusun SKP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SKP Pegawai Empat")
    expect(page.get_by_text("Belum ada RHK.")).to_be_visible()

    new_rhk = _disclosure(page.locator("#rencana"), "Tambah RHK")
    new_rhk.get_by_role("combobox", name="Jenis RHK").select_option(label="Utama")
    new_rhk.get_by_role("textbox", name="Rencana hasil kerja").fill(RHK_TEXT)
    new_rhk.locator("form").get_by_role("button", name="Tambah RHK").click()
    _said(page, "RHK ditambahkan.")

    card = page.get_by_role("article", name=re.compile(RHK_TEXT))
    expect(card.get_by_role("heading", level=3)).to_contain_text("Utama")
    expect(card).to_contain_text("Belum ada indikator.")
    form = _disclosure(card, "Tambah indikator")
    form.get_by_role("textbox", name="Indikator kinerja").fill(INDICATOR_TEXT)
    form.get_by_role("combobox", name="Aspek").select_option(label="Kuantitas")
    form.get_by_role("combobox", name="Cara ukur").select_option(label="Kuantitatif")
    form.get_by_role("textbox", name="Target (angka)").fill("10")
    form.get_by_role("textbox", name="Satuan").fill("aplikasi")
    form.get_by_role("combobox", name="Arah").select_option(label="Makin tinggi makin baik")
    form.locator("form").get_by_role("button", name="Tambah indikator").click()
    _said(page, "Indikator ditambahkan.")
    indicator = card.get_by_role("region", name=INDICATOR_TEXT)
    expect(indicator).to_contain_text("Target: 10 aplikasi")

    page.get_by_role("button", name="Ajukan ke pejabat penilai").click()
    _said(page, "SKP diajukan ke pejabat penilai.")
    expect(page.get_by_role("heading", name=re.compile("Status SKP"))).to_contain_text("Diajukan")
    expect(page.get_by_text("Menunggu persetujuan Kasi Tiga.")).to_be_visible()


def _penilai_agrees(page: Page) -> None:
    page.get_by_role("link", name="1 SKP menunggu persetujuan Anda.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tim saya")
    row = page.get_by_role("row").filter(has_text="Pegawai Empat")
    expect(row).to_contain_text("Diajukan")
    row.get_by_role("link", name="Pegawai Empat").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("SKP Pegawai Empat")
    expect(page.get_by_role("article", name=re.compile(RHK_TEXT))).to_contain_text("Target: 10 aplikasi")
    page.get_by_role("button", name="Setujui", exact=True).click()
    _said(page, "SKP disetujui.")
    expect(page.get_by_role("heading", name=re.compile("Status SKP"))).to_contain_text("Disetujui")


def _pegawai_records(page: Page, pdf: Path) -> None:
    _menu(page, "Kinerja saya")
    expect(page.get_by_role("link", name="SKP Anda disetujui pejabat penilai.")).to_be_visible()  # notification
    page.get_by_role("link", name="Buka SKP dan realisasi").click()

    indicator = page.get_by_role("region", name=INDICATOR_TEXT)
    cell = indicator.locator(".cell").filter(has=page.get_by_role("heading", name=re.compile(r"^Triwulan IV\b")))
    expect(cell).to_contain_text("Belum diisi.")
    form = _disclosure(cell, "Isi realisasi")
    form.get_by_role("textbox", name="Realisasi (aplikasi)").fill("12")
    form.get_by_role("button", name="Simpan realisasi").click()
    expect(cell.get_by_role("status")).to_have_text("Realisasi disimpan.")
    expect(cell.locator(".real")).to_have_text("12 aplikasi")
    expect(cell).to_contain_text("Belum ada bukti dukung.")

    evidence = _disclosure(cell, "Tambah bukti dukung")
    evidence.get_by_label("Judul (tidak wajib)", exact=True).fill(FILE_TITLE)
    evidence.get_by_label("Berkas", exact=True).set_input_files(pdf)
    evidence.get_by_role("button", name="Unggah").click()
    expect(cell.get_by_role("status")).to_have_text("Berkas bukti dukung diunggah.")

    evidence = _disclosure(cell, "Tambah bukti dukung")
    evidence.get_by_label("Atau tautan (https://…)").fill(LINK_URL)
    evidence.get_by_label("Judul tautan (tidak wajib)").fill(LINK_TITLE)
    evidence.get_by_role("button", name="Tambah tautan").click()
    expect(cell.get_by_role("status")).to_have_text("Tautan bukti dukung ditambahkan.")

    listed = cell.get_by_role("list", name="Bukti dukung").get_by_role("listitem")
    expect(listed).to_have_count(2)
    file_link = listed.get_by_role("link", name=FILE_TITLE)
    expect(file_link).to_be_visible()
    expect(listed.get_by_role("link", name=LINK_TITLE)).to_have_attribute("href", LINK_URL)
    # The uploaded file comes back as it was sent, to its owner.
    assert _get_pdf(page, file_link) == pdf.read_bytes()

    page.reload()  # the whole page now counts the realisation, and the evidence is still there
    expect(indicator).to_contain_text("Capaian: 120%")
    expect(cell.get_by_role("list", name="Bukti dukung").get_by_role("listitem")).to_have_count(2)


def _penilai_rates(page: Page) -> None:
    _menu(page, "Tim saya")
    page.get_by_role("row").filter(has_text="Pegawai Empat").get_by_role("link", name="Belum dinilai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluasi kinerja Pegawai Empat")
    achievements = page.locator("table.ev-achievements")
    expect(achievements).to_contain_text("12 aplikasi")
    expect(achievements).to_contain_text("120%")
    expect(page.locator(".ev-suggestion")).to_contain_text(f"Saran: {ABOVE}")

    work = page.get_by_role("group", name="2. Penilaian hasil kerja")
    _pick(work, MEETS)  # below the suggestion: a reason is needed
    for name in VALUES_ABOVE:
        _pick(page.get_by_role("group", name=name, exact=True), ABOVE)
    for name in VALUES_MEETS:
        _pick(page.get_by_role("group", name=name, exact=True), MEETS)
    _pick(page.get_by_role("group", name="Penilaian perilaku kerja secara keseluruhan"), ABOVE)
    preview = page.locator("#pratinjau")
    expect(preview).to_contain_text("Predikat bila disimpan: Baik")
    expect(preview).to_contain_text(f"Penilaian hasil kerja berbeda dari saran ({ABOVE}): tuliskan alasannya.")

    page.get_by_role("button", name="Simpan penilaian").click()  # without the reason
    expect(page.get_by_role("alert").filter(has_text="Ada isian yang belum lengkap.")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_text(
        "Penilaian hasil kerja Anda berbeda dari saran yang dihitung dari capaian RHK. Tuliskan alasannya."
    )
    expect(page.get_by_text("Tersimpan:")).to_have_count(0)
    # What was chosen is kept.
    expect(work.get_by_role("radio", name=MEETS, exact=True)).to_be_checked()
    expect(page.get_by_role("group", name="Kompeten", exact=True).get_by_role("radio", name=ABOVE)).to_be_checked()

    page.get_by_role("textbox", name="Alasan penilaian hasil kerja").fill(WORK_REASON)
    page.get_by_role("textbox", name="Catatan untuk pegawai").fill("Pertahankan dokumentasi uji keamanan.")
    page.get_by_role("button", name="Simpan penilaian").click()
    _said(page, "Penilaian disimpan. Predikat: Baik.")
    expect(page.get_by_text("Tersimpan:")).to_be_visible()
    expect(page.locator(".alert").filter(has_text="Tersimpan:")).to_contain_text("predikat Baik")
    expect(page.locator("#pratinjau .ev-predikat")).to_have_text("Baik")


def _pimpinan_sets_org_result(page: Page) -> None:
    _menu(page, "Dasbor kinerja")
    page.get_by_role("link", name="Dinas Kominfo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Kominfo")
    expect(page.get_by_text("Capaian kinerja organisasi belum ditetapkan.")).to_be_visible()
    page.get_by_role("combobox", name="Capaian kinerja organisasi").select_option(label="Baik")
    page.get_by_role("textbox", name="Catatan atau dasar penetapan").fill("Hasil evaluasi SAKIP tahun berjalan.")
    page.get_by_role("button", name="Simpan capaian").click()
    _said(page, "Capaian kinerja organisasi disimpan.")
    expect(page.locator("section", has=page.get_by_role("heading", name="Capaian kinerja organisasi"))).to_contain_text(
        "ditetapkan oleh"
    )
    # One Baik out of one breaks the Baik pattern: the page says so before anyone finalises.
    expect(page.get_by_role("status").filter(has_text="Peringatan kuota")).to_be_visible()
    expect(page.get_by_role("button", name="Finalisasi perangkat daerah ini")).to_have_count(0)  # BKPSDM's step


def _admin_finalises(page: Page) -> None:
    _menu(page, "Dasbor kinerja")
    page.get_by_role("link", name="Dinas Kominfo", exact=True).click()
    final = page.locator("section", has=page.get_by_role("heading", name="Finalisasi"))
    expect(final).to_contain_text("Distribusi belum sesuai pola organisasi.")
    final.get_by_role("textbox", name="Alasan").fill(
        "Unit kecil: satu pegawai dinilai, pola distribusi belum bermakna."
    )
    final.get_by_role("button", name="Finalisasi perangkat daerah ini").click()
    _said(page, "Evaluasi di Dinas Kominfo sudah final.")
    expect(final).to_contain_text("Difinalisasi oleh")
    expect(final).to_contain_text("Unit kecil: satu pegawai dinilai")
    expect(page.get_by_role("row").filter(has_text="Pegawai Empat")).to_contain_text("Final")


def _pimpinan_publishes(page: Page, period_name: str) -> None:
    _menu(page, "Dasbor kinerja")
    page.get_by_role("link", name=period_name, exact=True).click()
    page.get_by_role("link", name="Umumkan hasil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Umumkan hasil evaluasi {period_name}")
    expect(page.get_by_text("1 hasil evaluasi sudah final dan akan diumumkan.")).to_be_visible()
    page.get_by_role("button", name="Ya, umumkan hasil").click()
    _said(page, "1 hasil evaluasi diumumkan.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diumumkan")


def _pegawai_objects(page: Page) -> None:
    _menu(page, "Kinerja saya")
    expect(page.get_by_role("link", name=re.compile(r"^Hasil evaluasi kinerja diumumkan\."))).to_be_visible()
    page.get_by_role("link", name="Lihat hasil evaluasi kinerja").click()

    result = page.get_by_role("region", name=re.compile("Hasil evaluasi"))
    expect(result.get_by_role("heading", level=2)).to_contain_text("Diumumkan")
    expect(result.locator(".ev-predikat")).to_have_text("Baik")
    facts = result.locator("dl.facts")
    expect(facts.locator("dt:text-is('Hasil kerja') + dd")).to_have_text(MEETS)
    expect(facts.locator("dt:text-is('Dari capaian RHK') + dd")).to_contain_text(f"Saran: {ABOVE}")
    expect(facts.locator("dt:text-is('Alasan penilaian hasil kerja') + dd")).to_have_text(WORK_REASON)
    expect(facts.locator("dt:text-is('Perilaku kerja') + dd")).to_have_text(ABOVE)
    expect(facts.locator("dt:text-is('Catatan pejabat penilai') + dd")).to_have_text(
        "Pertahankan dokumentasi uji keamanan."
    )
    values = page.get_by_role("table").filter(has_text="Ekspektasi khusus pimpinan")
    for name, level in [("Kompeten", ABOVE), ("Loyal", MEETS)]:
        row = values.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{name}")))
        expect(row.get_by_role("cell").last).to_have_text(level)

    objection = page.locator("#keberatan")
    expect(objection).to_contain_text("ajukan keberatan tertulis")
    objection.get_by_role("textbox", name="Alasan keberatan").fill(OBJECTION_REASON)
    objection.get_by_role("button", name="Ajukan keberatan").click()
    _said(page, "Keberatan Anda diajukan kepada atasan pejabat penilai.")
    expect(page).to_have_url(re.compile(r"/kinerja/keberatan/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Keberatan atas hasil evaluasi Pegawai Empat")
    expect(page.locator("dt:text-is('Kepada') + dd")).to_contain_text("Kabid Dua")
    expect(page.get_by_text("Keberatan ini menunggu keputusan atasan pejabat penilai.")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan keputusan (final)")).to_have_count(0)


def _atasan_decides(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="1 pemberitahuan belum dibaca.").click()
    page.get_by_role("link", name="Keberatan atas hasil evaluasi kinerja Pegawai Empat diajukan.").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Keberatan atas hasil evaluasi Pegawai Empat")
    expect(page.get_by_text(OBJECTION_REASON)).to_be_visible()
    original = page.locator("section", has=page.get_by_role("heading", name="Hasil awal yang diajukan keberatan"))
    expect(original.locator("dt:text-is('Predikat') + dd")).to_have_text("Baik")
    expect(original).to_contain_text(WORK_REASON)

    decide = page.locator("section", has=page.get_by_role("heading", name="Putuskan keberatan"))
    _pick(decide.get_by_role("group", name="Keputusan"), "Hasil diubah")
    decide.get_by_role("combobox", name="Hasil kerja yang baru").select_option(label=ABOVE)
    expect(decide.get_by_role("combobox", name="Perilaku kerja yang baru")).to_have_value("DI_ATAS")
    decide.get_by_role("textbox", name="Alasan keputusan").fill(DECISION_REASON)
    decide.get_by_role("button", name="Simpan keputusan (final)").click()

    _said(page, "Keputusan atas keberatan disimpan. Keputusan ini final.")
    decision = page.locator("section", has=page.get_by_role("heading", name="Keputusan (final)"))
    expect(decision).to_contain_text("Atasan pejabat penilai mengubah hasil.")
    expect(decision).to_contain_text(DECISION_REASON)
    # Final: the form is gone, and the original result is still on record beside the decision.
    expect(page.get_by_role("button", name="Simpan keputusan (final)")).to_have_count(0)
    expect(page.get_by_role("heading", name="Putuskan keberatan")).to_have_count(0)
    _compare(decision)


def _compare(scope: Locator) -> None:
    table = scope.locator("table.ev-compare")
    expect(table.get_by_role("columnheader")).to_have_text(["", "Hasil awal", "Setelah keputusan"])
    expect(table.get_by_role("row").filter(has_text="Hasil kerja").get_by_role("cell")).to_have_text([MEETS, ABOVE])
    expect(table.get_by_role("row").filter(has_text="Perilaku kerja").get_by_role("cell")).to_have_text([ABOVE, ABOVE])
    expect(table.get_by_role("row").filter(has_text="Predikat").get_by_role("cell")).to_have_text(
        ["Baik", "Sangat Baik"]
    )


def _pegawai_sees_decision_and_downloads(page: Page) -> None:
    _menu(page, "Kinerja saya")
    page.get_by_role("link", name="Keberatan sudah diputus: hasil diubah.").click()
    expect(page.get_by_role("heading", name="Keputusan (final)")).to_be_visible()
    page.get_by_role("navigation", name="Jejak halaman").get_by_role("link", name="Evaluasi kinerja").click()

    result = page.get_by_role("region", name=re.compile("Hasil evaluasi"))
    expect(result.locator(".ev-predikat")).to_have_text("Sangat Baik")
    expect(result).to_contain_text("diubah karena keberatan")
    objection = page.locator("#keberatan")
    expect(objection.locator("table.ev-compare caption")).to_have_text(
        "Hasil diubah oleh keputusan atasan pejabat penilai (final)."
    )
    _compare(objection)
    expect(objection).to_contain_text(DECISION_REASON)
    expect(objection.get_by_role("button", name="Ajukan keberatan")).to_have_count(0)  # one objection only

    _get_pdf(page, page.get_by_role("link", name="Unduh SKP (PDF)"))
    _get_pdf(page, page.get_by_role("link", name="Unduh dokumen evaluasi (PDF)"))


# ---------------------------------------------------------------------------------------------


def test_one_whole_performance_cycle(browser_city, office, settings, tmp_path):
    from performance.models import Evaluation, Objection

    settings.PRIVATE_STORAGE_DIR = tmp_path / "private"  # uploads stay out of the repository's var/
    year = timezone.localdate().year
    # What BKPSDM has done before anyone logs in: a period, open for planning.
    period = make_period(browser_city.user("admin"), year=year)
    assert period.status == "planning"
    period_name = period.name

    pegawai = office.desk("pegawai")
    _pegawai_plans(pegawai, period_name)

    _penilai_agrees(office.desk("penilai"))

    admin = office.desk("admin")
    _set_stage(admin, period_name, "Pelaksanaan")
    _pegawai_records(pegawai, _small_pdf(tmp_path / "daftar-aplikasi.pdf"))

    _set_stage(admin, period_name, "Evaluasi")
    _penilai_rates(office.desk("penilai"))

    pimpinan = office.desk("pimpinan")
    _pimpinan_sets_org_result(pimpinan)
    _admin_finalises(admin)
    _pimpinan_publishes(pimpinan, period_name)

    _pegawai_objects(pegawai)
    _atasan_decides(office.desk("atasan"))
    _pegawai_sees_decision_and_downloads(pegawai)

    # What the pages did is what was stored.
    evaluation = Evaluation.objects.get(skp__employee=browser_city.employees["pegawai"], skp__period=period)
    assert (evaluation.status, evaluation.predikat, evaluation.changed_by_objection) == (
        "published",
        "SANGAT_BAIK",
        True,
    )
    objection = Objection.objects.get(evaluation=evaluation)
    assert objection.original["predikat"] == "BAIK"
    assert objection.reviewer_id == browser_city.employees["atasan"].pk
