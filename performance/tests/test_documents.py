"""The documents: the SKP and the evaluation document as real A4 PDFs shaped like the official forms,
and a perangkat daerah's results as a spreadsheet that opens cleanly."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from org.models import Employee
from performance import documents
from performance import services as s
from performance.models import Skp
from performance.tests.test_views_eval import OFFICE, PERSONAS, dinas, file_objection, publish_year, rate_year

pytestmark = pytest.mark.django_db


def _skp(cycle) -> Skp:
    from performance.selectors_eval import skp_for_document

    return skp_for_document(user=cycle.city.user("admin"), pk=cycle.skp.pk)


def assert_pdf(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-1024:]
    assert len(data) > 5_000
    return data


def test_skp_pdf_is_a_real_pdf_for_those_who_may_see_the_skp(cycle, city, login):
    url = reverse("performance:skp_pdf", args=[cycle.skp.pk])
    allowed = {"pegawai", "penilai", "atasan", "kadis"} | OFFICE
    for who in PERSONAS:
        response = login(city.user(who)).get(url)
        if who in allowed:
            assert_pdf(response)
            assert city.employees["pegawai"].nip in response["Content-Disposition"]
        else:
            assert response.status_code == 404, who


def test_skp_document_has_the_official_parts(cycle, city):
    s.expectations_set(
        actor=city.user("penilai"), skp=cycle.skp, texts={"kolaboratif": "Berbagi data dengan bidang lain"}
    )
    html = documents.skp_document_html(_skp(cycle))
    pegawai, penilai = city.employees["pegawai"], city.employees["penilai"]
    assert pegawai.nip in html and penilai.nip in html
    assert "Penata Muda, III/a" in html  # pangkat/golongan of the employee
    assert "PEGAWAI YANG DINILAI" in html and "PEJABAT PENILAI KINERJA" in html
    assert "Rencana Hasil Kerja Pimpinan yang Diintervensi" in html
    assert html.index("KINERJA UTAMA") < html.index("Layanan aplikasi daerah") < html.index("KINERJA TAMBAHAN")
    assert html.index("KINERJA TAMBAHAN") < html.index("Pendampingan literasi digital")
    assert "10 aplikasi" in html and "Materi disetujui kepala bidang" in html
    assert "Berorientasi Pelayanan" in html and "Membantu orang lain belajar" in html
    assert "Berbagi data dengan bidang lain" in html
    for section in ("Dukungan sumber daya", "Skema pertanggungjawaban", "Konsekuensi"):
        assert section in html
    assert "Sawahlunto, " in html  # place and date above the pejabat penilai's signature
    assert "DRAF" in html  # the expectation change sent the SKP back to draft


def test_agreed_skp_document_is_not_marked_draft(cycle):
    html = documents.skp_document_html(_skp(cycle))
    assert "DRAF" not in html
    assert "size: A4" in html


def test_evaluation_pdf_exists_once_rated_and_follows_who_may_see_the_evaluation(cycle, city, login):
    url = reverse("performance:evaluation_pdf", args=[cycle.skp.pk])
    assert login(city.user("penilai")).get(url).status_code == 404  # nothing rated yet
    rate_year(cycle)
    assert_pdf(login(city.user("penilai")).get(url))
    assert login(city.user("pegawai")).get(url).status_code == 404  # not final yet
    publish_year_after_rating(cycle)
    allowed = {"pegawai", "penilai", "atasan", "kadis"} | OFFICE
    for who in PERSONAS:
        response = login(city.user(who)).get(url)
        if who in allowed:
            assert_pdf(response)
        else:
            assert response.status_code == 404, who


def publish_year_after_rating(cycle):
    city = cycle.city
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas(cycle), predikat="BAIK")
    s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas(cycle), reason="Unit kecil")
    s.period_publish(actor=city.user("pimpinan"), period=cycle.period)


def test_evaluation_document_names_everyone_and_explains_the_predikat(cycle, city):
    publish_year(cycle)
    html = documents.evaluation_document_html(_skp(cycle))
    for who in ("pegawai", "penilai", "atasan"):
        assert city.employees[who].nip in html
    assert "Dokumen Evaluasi Kinerja Pegawai" in html
    assert "ATASAN PEJABAT PENILAI KINERJA" in html
    assert "Capaian kinerja organisasi" in html and "BAIK" in html
    assert "PREDIKAT KINERJA PEGAWAI:" in html
    assert "menghasilkan predikat Baik" in html
    assert "Saran: Di Atas Ekspektasi" in html
    assert "120%" in html
    assert "Pertahankan kualitas layanan." in html
    assert "Angka kredit: 12,5" in html
    assert "BELUM FINAL" not in html
    assert "Keberatan" not in html


def test_evaluation_document_says_when_an_objection_changed_the_result(cycle, city):
    evaluation = publish_year(cycle)
    objection = file_objection(cycle, evaluation)
    s.objection_decide(
        actor=city.user("atasan"),
        objection=objection,
        change=True,
        reason="Bukti triwulan IV kuat",
        work_level="DI_ATAS",
        behaviour_level="DI_ATAS",
    )
    html = documents.evaluation_document_html(_skp(cycle))
    assert "Hasil diubah." in html
    assert "Hasil awal" in html and "Setelah keputusan keberatan" in html
    assert "Bukti triwulan IV kuat" in html
    assert "SANGAT BAIK" in html
    assert "keputusan keberatan" in html  # the atasan's signature block


def test_rated_but_not_final_document_is_marked(cycle):
    rate_year(cycle)
    html = documents.evaluation_document_html(_skp(cycle))
    assert "BELUM FINAL" in html


def test_unit_xlsx_has_text_nips_a_frozen_header_and_no_formulas(cycle, city, login):
    publish_year(cycle)
    Employee.objects.filter(pk=city.employees["pegawai"].pk).update(name='=HYPERLINK("http://x","klik")')
    unit = dinas(cycle)
    response = login(city.user("auditor")).get(
        reverse("performance:unit_xlsx", args=[unit.pk]), {"periode": cycle.period.pk}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["NIP", "NAMA", "JABATAN", "UNIT_KERJA"]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["NIP"].value == city.employees["pegawai"].nip
    assert isinstance(row["NIP"].value, str) and row["NIP"].number_format == "@"
    assert row["NAMA"].value.startswith("'=")
    assert row["PREDIKAT"].value == "Baik"
    assert row["DIUBAH_KEBERATAN"].value == "Tidak"
    assert row["ANGKA_KREDIT"].value == pytest.approx(12.5)
    assert row["TANGGAL_PENGUMUMAN"].is_date
    assert row["UNIT_KERJA"].value == "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan"
    assert sheet.max_row == 2
