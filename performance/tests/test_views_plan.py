"""The planning and doing pages as people drive them: who may open what, the SKP flow from start to
agreement, realisation and evidence, dialog kinerja, 360 with its anonymity rule, the team page, and
query counts that do not grow with a team or an SKP."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import base_rows, csv_bytes, make_period, roster_row
from org.models import Employee
from org.services import roster_import
from performance import rules, selectors
from performance import services as s
from performance.models import (
    Evidence,
    Message,
    Notification,
    PeerRequest,
    PeriodStatus,
    Realisation,
    Rhk,
    Skp,
    SkpStatus,
    Thread,
)

pytestmark = pytest.mark.django_db

SEKSI = "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EMPLOYEES = ["pegawai", "penilai", "atasan", "kadis", "pppk", "kadis_lain", "lain"]
OFFICE = ["admin", "auditor", "pimpinan", "panitia", "outsider"]


def _html(response) -> str:
    return response.content.decode()


def _grow_seksi(n: int) -> list[Employee]:
    """Add `n` staff to the pegawai's seksi: Kasi Tiga (the `penilai`) appraises them all."""
    rows = base_rows()
    for i in range(n):
        rows.append(
            roster_row(
                f"19950101202001{1 if i % 2 else 2}{i + 100:03d}",
                f"Staf {i:02d}",
                "P" if i % 2 == 0 else "L",
                "01/01/1995",
                "II/c",
                "Pengolah Data",
                "Pelaksana",
                SEKSI,
                "PNS",
            )
        )
    assert roster_import(actor=None, data=csv_bytes(rows), filename="besar.csv").ok
    return list(Employee.objects.filter(name__startswith="Staf ").order_by("name"))


def _user(employee):
    from accounts.models import User

    return User.objects.get(employee=employee)


def _draft_skp(city, period, who="pppk", n_rhk=1, n_ind=1):
    user = city.user(who) if isinstance(who, str) else _user(who)
    employee = city.employees[who] if isinstance(who, str) else who
    skp = s.skp_start(actor=user, period=period, employee=employee)
    for r in range(n_rhk):
        rhk = s.rhk_save(actor=user, skp=skp, text=f"RHK {r}", kind="UTAMA" if r == 0 else "TAMBAHAN")
        for i in range(n_ind):
            s.indicator_save(
                actor=user,
                rhk=rhk,
                text=f"Indikator {r}.{i}",
                aspect="KUANTITAS",
                kind="KUANTITATIF",
                target_value="10",
                target_unit="dokumen",
            )
    skp.refresh_from_db()
    return skp


# ---------------------------------------------------------------------------------------------
# Who may open what


def _skp_pages(cycle):
    skp = cycle.skp
    thread = s.thread_start(
        actor=cycle.city.user("pegawai"), skp=skp, subject="Target", body="Apakah target realistis?", rhk=cycle.utama
    )
    return [
        ("skp", reverse("performance:skp", args=[skp.pk])),
        ("thread", reverse("performance:thread", args=[thread.pk])),
    ]


# The pegawai's SKP: self, the reporting line above, the heads of the units above, office-wide readers.
SKP_READERS = {"pegawai", "penilai", "atasan", "kadis", "admin", "auditor", "pimpinan"}


@pytest.mark.parametrize("role", EMPLOYEES + OFFICE)
def test_skp_and_thread_pages_open_only_within_the_reporting_line(cycle, client, role):
    pages = _skp_pages(cycle)
    client.force_login(cycle.city.user(role), backend="accounts.backends.NipOrEmailBackend")
    for name, url in pages:
        expected = 200 if role in SKP_READERS else 404
        assert client.get(url).status_code == expected, f"{name} as {role}"


@pytest.mark.parametrize("role", EMPLOYEES + OFFICE)
@pytest.mark.parametrize("name", ["mine", "team", "peer"])
def test_own_work_pages_are_for_employees(cycle, client, role, name):
    client.force_login(cycle.city.user(role), backend="accounts.backends.NipOrEmailBackend")
    response = client.get(reverse(f"performance:{name}"))
    assert response.status_code == (200 if role in EMPLOYEES else 403)
    if role not in EMPLOYEES:
        assert "tidak terhubung dengan data pegawai" in _html(response)


@pytest.mark.parametrize("name", ["mine", "team", "peer"])
def test_anonymous_is_sent_to_login(cycle, client, name):
    response = client.get(reverse(f"performance:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_another_dinas_cannot_write_to_an_skp_it_cannot_see(cycle, login):
    client = login(cycle.city.user("lain"))
    skp = cycle.skp
    url = reverse("performance:rhk_add", args=[skp.pk])
    assert client.post(url, {"text": "Sisipan", "kind": "UTAMA", "version": skp.version}).status_code == 404
    assert client.post(reverse("performance:skp_review", args=[skp.pk]), {"decision": "agree"}).status_code == 404
    assert not Rhk.objects.filter(text="Sisipan").exists()


def test_auditor_reads_the_skp_without_any_form_and_cannot_write(cycle, login):
    client = login(cycle.city.user("auditor"))
    skp = cycle.skp
    html = _html(client.get(reverse("performance:skp", args=[skp.pk])))
    assert "Layanan aplikasi daerah berjalan andal" in html
    for action in ("Tambah RHK", "Setujui", "Ajukan ke pejabat penilai", "Isi realisasi", "Mulai dialog"):
        assert action not in html
    response = client.post(
        reverse("performance:rhk_add", args=[skp.pk]), {"text": "RHK auditor", "kind": "UTAMA", "version": skp.version}
    )
    assert response.status_code == 200
    assert "tidak dapat diubah" in _html(response)
    assert not Rhk.objects.filter(text="RHK auditor").exists()


def test_evidence_download_is_checked_like_the_skp(cycle, login, tmp_path, settings):
    settings.PRIVATE_STORAGE_DIR = tmp_path
    cycle.to_status(PeriodStatus.DOING)
    real = s.realisation_save(
        actor=cycle.city.user("pegawai"), indicator=cycle.quant, slice=cycle.slices()[0], value="3"
    )
    evidence = s.evidence_add_file(
        actor=cycle.city.user("pegawai"), realisation=real, upload=SimpleUploadedFile("laporan.pdf", PDF)
    )
    url = reverse("performance:evidence_download", args=[evidence.pk])
    response = login(cycle.city.user("penilai")).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert login(cycle.city.user("lain")).get(url).status_code == 404
    assert login(cycle.city.user("outsider")).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Planning: start → RHK → indicator → submit → return → edit → submit → agree


def test_the_whole_planning_flow_through_the_pages(cycle, login):
    city, period = cycle.city, cycle.period
    superior_rhk = s.rhk_save(
        actor=city.user("penilai"),
        skp=s.skp_start(actor=city.user("penilai"), period=period, employee=city.employees["penilai"]),
        text="Layanan seksi tepat waktu",
    )
    pppk = login(city.user("pppk"))

    html = _html(pppk.get(reverse("performance:mine")))
    assert "Anda belum mulai menyusun SKP" in html
    response = pppk.post(reverse("performance:skp_start"), {"period": period.pk})
    skp = Skp.objects.get(period=period, employee=city.employees["pppk"])
    assert response.status_code == 302 and response["Location"] == reverse("performance:skp", args=[skp.pk])

    page = _html(pppk.get(response["Location"]))
    assert "Layanan seksi tepat waktu" in page  # the superior's RHK is offered as the one to intervene
    response = pppk.post(
        reverse("performance:rhk_add", args=[skp.pk]),
        {"kind": "UTAMA", "text": "Tiket layanan selesai", "parent": superior_rhk.pk, "version": skp.version},
    )
    assert response.status_code == 302
    rhk = skp.rhks.get()
    assert rhk.parent == superior_rhk
    skp.refresh_from_db()
    html = _html(pppk.get(reverse("performance:skp", args=[skp.pk])))
    assert "Mendukung RHK atasan:</span> Layanan seksi tepat waktu" in html

    # Submitting an RHK without indicators is refused next to the button.
    response = pppk.post(reverse("performance:skp_submit", args=[skp.pk]), {"version": skp.version})
    assert "Setiap RHK perlu indikator" in _html(response)
    skp.refresh_from_db()
    assert skp.status == SkpStatus.DRAFT

    # An indicator without a number is refused with the service's message, what was typed kept.
    response = pppk.post(
        reverse("performance:indicator_add", args=[rhk.pk]),
        {"text": "Tiket selesai", "aspect": "KUANTITAS", "kind": "KUANTITATIF", "target_unit": "tiket",
         "direction": "HIGHER_BETTER", "version": skp.version},
    )  # fmt: skip
    assert response.status_code == 200
    html = _html(response)
    assert "Indikator kuantitatif perlu target berupa angka." in html
    assert "Tiket selesai</textarea>" in html
    response = pppk.post(
        reverse("performance:indicator_add", args=[rhk.pk]),
        {"text": "Tiket selesai", "aspect": "KUANTITAS", "kind": "KUANTITATIF", "target_value": "120",
         "target_unit": "tiket", "direction": "HIGHER_BETTER", "version": skp.version},
    )  # fmt: skip
    assert response.status_code == 302
    skp.refresh_from_db()

    assert pppk.post(reverse("performance:skp_submit", args=[skp.pk]), {"version": skp.version}).status_code == 302
    skp.refresh_from_db()
    assert skp.status == SkpStatus.SUBMITTED
    assert Notification.objects.filter(recipient=city.user("penilai"), url=f"/kinerja/skp/{skp.pk}/").exists()

    penilai = login(city.user("penilai"))
    html = _html(penilai.get(reverse("performance:skp", args=[skp.pk])))
    assert "Kembalikan dengan catatan" in html
    response = penilai.post(
        reverse("performance:skp_review", args=[skp.pk]), {"decision": "return", "comment": "", "version": skp.version}
    )
    assert "Tuliskan apa yang perlu diperbaiki" in _html(response)
    penilai.post(
        reverse("performance:skp_review", args=[skp.pk]),
        {"decision": "return", "comment": "Target tiket terlalu rendah", "version": skp.version},
    )
    skp.refresh_from_db()
    assert skp.status == SkpStatus.RETURNED

    pppk = login(city.user("pppk"))
    assert "Target tiket terlalu rendah" in _html(pppk.get(reverse("performance:mine")))
    indicator = rhk.indicators.get()
    response = pppk.post(
        reverse("performance:indicator_edit", args=[indicator.pk]),
        {"text": "Tiket selesai", "aspect": "KUANTITAS", "kind": "KUANTITATIF", "target_value": "150",
         "target_unit": "tiket", "direction": "HIGHER_BETTER", "version": skp.version},
    )  # fmt: skip
    assert response.status_code == 302
    skp.refresh_from_db()
    pppk.post(reverse("performance:skp_submit", args=[skp.pk]), {"version": skp.version})
    skp.refresh_from_db()

    penilai = login(city.user("penilai"))
    penilai.post(reverse("performance:skp_review", args=[skp.pk]), {"decision": "agree", "version": skp.version})
    skp.refresh_from_db()
    assert skp.status == SkpStatus.AGREED
    html = _html(login(city.user("pppk")).get(reverse("performance:skp", args=[skp.pk])))
    assert "Versi 3: Diajukan" in html and "Versi 2: Dikembalikan" in html and "Target tiket terlalu rendah" in html
    assert "Versi 4: Disetujui" in html


def test_start_can_copy_last_years_skp(city, login):
    admin = city.user("admin")
    earlier = make_period(admin, year=2025)
    _draft_skp(city, earlier, "pppk", n_rhk=2)
    period = make_period(admin, year=2026)
    client = login(city.user("pppk"))
    assert "Salin RHK dan indikator dari SKP tahun lalu" in _html(client.get(reverse("performance:mine")))
    client.post(reverse("performance:skp_start"), {"period": period.pk, "copy_previous": "on"})
    skp = Skp.objects.get(period=period, employee=city.employees["pppk"])
    assert sorted(skp.rhks.values_list("text", flat=True)) == ["RHK 0", "RHK 1"]


def test_a_form_from_an_older_version_says_so_and_keeps_what_was_typed(cycle, login):
    skp = cycle.skp
    old_version = skp.version
    s.rhk_save(actor=cycle.city.user("pegawai"), skp=skp, text="Diubah di tab lain", kind="TAMBAHAN")
    skp.refresh_from_db()
    client = login(cycle.city.user("pegawai"))
    response = client.post(
        reverse("performance:rhk_add", args=[skp.pk]),
        {"kind": "TAMBAHAN", "text": "Ketikan saya yang panjang", "version": old_version},
    )
    html = _html(response)
    assert response.status_code == 200
    assert "baru saja diubah orang lain" in html
    assert "Ketikan saya yang panjang</textarea>" in html
    # The form is re-armed with the current version: checking and saving again works.
    assert f'name="version" value="{skp.version}"' in html
    client.post(
        reverse("performance:rhk_add", args=[skp.pk]),
        {"kind": "TAMBAHAN", "text": "Ketikan saya yang panjang", "version": skp.version},
    )
    assert Rhk.objects.filter(skp=skp, text="Ketikan saya yang panjang").exists()


def test_rhk_cards_show_utama_first(city, login):
    period = make_period(city.user("admin"))
    user = city.user("pppk")
    skp = s.skp_start(actor=user, period=period, employee=city.employees["pppk"])
    s.rhk_save(actor=user, skp=skp, text="Tambahan ditulis dulu", kind="TAMBAHAN")
    s.rhk_save(actor=user, skp=skp, text="Utama ditulis belakangan", kind="UTAMA")
    html = _html(login(user).get(reverse("performance:skp", args=[skp.pk])))
    assert html.index("Utama ditulis belakangan") < html.index("Tambahan ditulis dulu")


def test_htmx_gets_only_the_changed_part(cycle, login):
    skp = cycle.skp
    response = login(cycle.city.user("pegawai")).post(
        reverse("performance:rhk_add", args=[skp.pk]),
        {"kind": "TAMBAHAN", "text": "RHK lewat htmx", "version": skp.version},
        HTTP_HX_REQUEST="true",
    )
    html = _html(response)
    assert response.status_code == 200
    assert 'id="skp-body"' in html and "<html" not in html
    assert "RHK ditambahkan." in html and "RHK lewat htmx" in html


def test_deleting_an_rhk_with_realisations_is_refused_beside_it(cycle, login):
    cycle.to_status(PeriodStatus.DOING)
    s.realisation_save(actor=cycle.city.user("pegawai"), indicator=cycle.quant, slice=cycle.slices()[0], value="4")
    skp = cycle.skp
    response = login(cycle.city.user("pegawai")).post(
        reverse("performance:rhk_delete", args=[cycle.utama.pk]), {"version": skp.version}
    )
    assert response.status_code == 200
    assert "sudah punya realisasi" in _html(response)
    assert Rhk.objects.filter(pk=cycle.utama.pk).exists()


def test_penilai_sets_expectations_with_the_guidance_shown(cycle, login):
    skp = cycle.skp
    client = login(cycle.city.user("penilai"))
    html = _html(client.get(reverse("performance:skp", args=[skp.pk])))
    assert "memahami dan memenuhi kebutuhan masyarakat" in html
    assert "ramah, cekatan, solutif, dan dapat diandalkan" in html
    assert "melakukan perbaikan tiada henti" in html
    client.post(
        reverse("performance:expectations", args=[skp.pk]),
        {"version": skp.version, "exp_pelayanan": "Membalas aduan warga dalam 1 hari kerja"},
    )
    assert skp.expectations.get(value="pelayanan").text == "Membalas aduan warga dalam 1 hari kerja"
    html = _html(login(cycle.city.user("pegawai")).get(reverse("performance:skp", args=[skp.pk])))
    assert "Membalas aduan warga dalam 1 hari kerja" in html


# ---------------------------------------------------------------------------------------------
# Doing: realisation and evidence


@pytest.fixture
def doing(cycle):
    cycle.to_status(PeriodStatus.DOING)
    return cycle


def test_realisation_is_saved_per_cell_with_a_comma_decimal(doing, login):
    tw1 = doing.slices()[0]
    client = login(doing.city.user("pegawai"))
    url = reverse("performance:realisation", args=[doing.quant.pk, tw1.pk])
    response = client.post(url, {"value": "7,5", "text": "", "version": ""}, HTTP_HX_REQUEST="true")
    html = _html(response)
    assert f'id="cell-{doing.quant.pk}-{tw1.pk}"' in html and "<html" not in html
    assert "Realisasi disimpan." in html
    real = Realisation.objects.get(indicator=doing.quant, slice=tw1)
    assert str(real.value) == "7.50"
    # Without JavaScript the form posts and the page comes back at the cell.
    response = client.post(url, {"value": "abc", "version": real.version})
    assert response.status_code == 200
    assert "harus berupa angka" in _html(response)


def test_penilai_judges_a_kualitatif_realisation(doing, login):
    tw1 = doing.slices()[0]
    real = s.realisation_save(
        actor=doing.city.user("pegawai"), indicator=doing.qual, slice=tw1, text="Materi disetujui"
    )
    client = login(doing.city.user("penilai"))
    html = _html(client.get(reverse("performance:skp", args=[doing.skp.pk])))
    assert "Nilai realisasi ini terhadap target" in html
    client.post(reverse("performance:realisation_assess", args=[real.pk]), {"level": "DI_ATAS"})
    real.refresh_from_db()
    assert real.assessed_level == "DI_ATAS"
    # The employee cannot judge their own work.
    response = login(doing.city.user("pegawai")).post(
        reverse("performance:realisation_assess", args=[real.pk]), {"level": "DI_BAWAH"}
    )
    assert "tidak berwenang" in _html(response)
    real.refresh_from_db()
    assert real.assessed_level == "DI_ATAS"


def test_evidence_link_double_submit_makes_one(doing, login):
    real = s.realisation_save(
        actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="3"
    )
    client = login(doing.city.user("pegawai"))
    data = {"url": "https://contoh.example/laporan", "title": "Laporan", "client_token": str(uuid.uuid4())}
    url = reverse("performance:evidence_link", args=[real.pk])
    client.post(url, data)
    client.post(url, data)
    assert Evidence.objects.filter(realisation=real).count() == 1


def test_evidence_file_upload_keeps_a_real_pdf_and_refuses_a_program(doing, login, tmp_path, settings):
    settings.PRIVATE_STORAGE_DIR = tmp_path
    real = s.realisation_save(
        actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="3"
    )
    client = login(doing.city.user("pegawai"))
    url = reverse("performance:evidence_file", args=[real.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("laporan.pdf", PDF), "client_token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )
    assert "Berkas bukti dukung diunggah." in _html(response)
    evidence = Evidence.objects.get(realisation=real)
    assert evidence.content_type == "application/pdf" and evidence.filename == "laporan.pdf"

    program = b"MZ\x90\x00" + b"\x00" * 200
    response = client.post(url, {"file": SimpleUploadedFile("laporan.pdf", program), "client_token": str(uuid.uuid4())})
    assert response.status_code == 200
    assert "Berkas ditolak karena berisi program yang dapat dijalankan" in _html(response)
    assert Evidence.objects.filter(realisation=real).count() == 1


def test_a_huge_evidence_upload_gets_a_clear_message(doing, login, tmp_path, settings):
    settings.PRIVATE_STORAGE_DIR = tmp_path
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 10_000
    real = s.realisation_save(
        actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="3"
    )
    response = login(doing.city.user("pegawai")).post(
        reverse("performance:evidence_file", args=[real.pk]),
        {"file": SimpleUploadedFile("besar.pdf", PDF + b"0" * 200_000), "client_token": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "Berkas terlalu besar" in _html(response)
    assert not Evidence.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_withdrawn_evidence_stays_visible_struck_through(doing, login):
    real = s.realisation_save(
        actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="3"
    )
    evidence = s.evidence_add_link(
        actor=doing.city.user("pegawai"), realisation=real, url="https://contoh.example/x", title="Foto kegiatan"
    )
    client = login(doing.city.user("pegawai"))
    client.post(reverse("performance:evidence_remove", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.removed_at is not None
    html = _html(login(doing.city.user("penilai")).get(reverse("performance:skp", args=[doing.skp.pk])))
    assert "<s>Foto kegiatan</s>" in html


# ---------------------------------------------------------------------------------------------
# Dialog kinerja


def test_dialog_both_ways_notifies_the_other_side(cycle, login):
    city, skp = cycle.city, cycle.skp
    pegawai = login(city.user("pegawai"))
    response = pegawai.post(
        reverse("performance:thread_start", args=[skp.pk]),
        {"rhk": cycle.utama.pk, "subject": "Target aplikasi", "body": "Apakah 10 aplikasi realistis?",
         "client_token": str(uuid.uuid4())},
    )  # fmt: skip
    thread = Thread.objects.get(skp=skp)
    assert response["Location"] == reverse("performance:thread", args=[thread.pk])
    assert thread.rhk == cycle.utama
    url = f"/kinerja/dialog/{thread.pk}/"
    assert Notification.objects.filter(recipient=city.user("penilai"), url=url).exists()
    # The SKP page shows the thread beside its RHK.
    assert "Target aplikasi" in _html(pegawai.get(reverse("performance:skp", args=[skp.pk])))

    penilai = login(city.user("penilai"))
    penilai.post(url, {"body": "Realistis, asal ada bukti.", "client_token": str(uuid.uuid4())})
    assert Notification.objects.filter(recipient=city.user("pegawai"), url=url).exists()
    html = _html(penilai.get(url))
    assert "Apakah 10 aplikasi realistis?" in html and "Realistis, asal ada bukti." in html

    # The atasan may read the dialog but not write in it.
    atasan = login(city.user("atasan"))
    html = _html(atasan.get(url))
    assert "Hanya pegawai dan pejabat penilainya yang dapat menulis" in html
    response = atasan.post(url, {"body": "Ikut campur"})
    assert "tidak berwenang" in _html(response)
    assert not Message.objects.filter(body="Ikut campur").exists()


def test_dialog_on_a_behaviour_value(cycle, login):
    response = login(cycle.city.user("penilai")).post(
        reverse("performance:thread_start", args=[cycle.skp.pk]),
        {"value": "kolaboratif", "subject": "Kerja tim", "body": "Mari bahas kerja sama lintas seksi."},
    )
    thread = Thread.objects.get(skp=cycle.skp)
    assert thread.value == "kolaboratif" and thread.rhk is None
    html = _html(login(cycle.city.user("pegawai")).get(response["Location"]))
    assert "Kolaboratif" in html and "terbuka dalam bekerja sama untuk menghasilkan nilai tambah" in html


# ---------------------------------------------------------------------------------------------
# 360


def test_360_answers_stay_hidden_until_three_and_are_final(cycle, login):
    staff = _grow_seksi(3)
    skp = cycle.skp
    penilai = login(cycle.city.user("penilai"))
    response = penilai.post(
        reverse("performance:peer_request", args=[skp.pk]),
        {"respondents": [e.pk for e in staff], "relation": "peer"},
    )
    assert response.status_code == 302
    assert PeerRequest.objects.filter(skp=skp).count() == 3

    answer = {f"level_{code}": "DI_ATAS" for code, _name, _lines in rules.BERAKHLAK}
    for employee in staff[:2]:
        client = login(_user(employee))
        html = _html(client.get(reverse("performance:peer")))
        assert "Pegawai Empat" in html and "memahami dan memenuhi kebutuhan masyarakat" in html
        request = PeerRequest.objects.get(skp=skp, respondent=employee)
        assert client.post(reverse("performance:peer_answer", args=[request.pk]), answer).status_code == 302

    pegawai = login(cycle.city.user("pegawai"))
    html = _html(pegawai.get(reverse("performance:skp", args=[skp.pk])))
    sentence = (
        "Masukan 360 ditampilkan setelah sekurang-kurangnya 3 orang menjawab, agar penjawab tidak dapat dikenali."
    )
    assert sentence in html
    assert "Kesimpulan (nilai tengah)" not in html
    assert not any(e.name in html for e in staff)

    last = login(_user(staff[2]))
    request = PeerRequest.objects.get(skp=skp, respondent=staff[2])
    incomplete = dict(answer)
    incomplete.pop("level_loyal")
    response = last.post(reverse("performance:peer_answer", args=[request.pk]), incomplete)
    assert "Pilih satu untuk nilai ini." in _html(response)
    last.post(reverse("performance:peer_answer", args=[request.pk]), answer)
    response = last.post(reverse("performance:peer_answer", args=[request.pk]), answer)
    assert "sudah dikirim dan tidak dapat diubah" in _html(response)

    html = _html(login(cycle.city.user("pegawai")).get(reverse("performance:skp", args=[skp.pk])))
    assert "Kesimpulan (nilai tengah)" in html
    assert not any(e.name in html for e in staff)


def test_360_can_only_be_requested_from_the_same_unit(cycle, login):
    response = login(cycle.city.user("penilai")).post(
        reverse("performance:peer_request", args=[cycle.skp.pk]),
        {"respondents": [cycle.city.employees["lain"].pk], "relation": "peer"},
    )
    assert response.status_code == 200
    assert not PeerRequest.objects.exists()


# ---------------------------------------------------------------------------------------------
# Tim saya


def test_team_page_filters_and_bulk_agrees_reporting_each_failure(cycle, login):
    city, period = cycle.city, cycle.period
    staff = _grow_seksi(2)
    submitted = [s.skp_submit(actor=_user(e), skp=_draft_skp(city, period, e)) for e in staff]
    pppk_skp = s.skp_submit(actor=city.user("pppk"), skp=_draft_skp(city, period, "pppk"))
    lain_skp = _draft_skp(city, period, "lain")

    client = login(city.user("penilai"))
    html = _html(client.get(reverse("performance:team"), {"status": "submitted"}))
    assert "Staf 00" in html and "Staf 01" in html and "Pegawai Lima" in html
    assert "Pegawai Empat" not in html  # agreed, filtered out
    html = _html(client.get(reverse("performance:team")))
    assert "Pegawai Empat" in html and "Belum dinilai" in html

    data = {
        "skp": [x.pk for x in submitted] + [pppk_skp.pk, lain_skp.pk],
        **{f"version_{x.pk}": x.version for x in submitted},
        f"version_{pppk_skp.pk}": pppk_skp.version - 1,  # changed since the page was opened
    }
    response = client.post(reverse("performance:team_approve"), data, follow=True)
    html = _html(response)
    assert "2 SKP disetujui: Staf 00, Staf 01." in html
    assert "Pegawai Lima: Data ini baru saja diubah orang lain." in html
    assert "1 SKP yang dipilih tidak ditemukan atau bukan tim Anda." in html
    statuses = dict(Skp.objects.filter(period=period).values_list("employee__name", "status"))
    assert statuses["Staf 00"] == statuses["Staf 01"] == SkpStatus.AGREED
    assert statuses["Pegawai Lima"] == SkpStatus.SUBMITTED
    assert statuses["Pegawai Tujuh"] == SkpStatus.DRAFT


def test_team_counts_realisations_of_the_last_ended_slice(doing):
    tw = doing.slices()
    s.realisation_save(actor=doing.city.user("pegawai"), indicator=doing.quant, slice=tw[0], value="2")
    page = selectors.team_page(user=doing.city.user("penilai"), today=date(2026, 5, 2))
    row = next(r for r in page.rows if r.skp and r.skp.pk == doing.skp.pk)
    assert page.checked_slice == tw[0]
    assert (row.realised, row.indicators) == (1, 2)


# ---------------------------------------------------------------------------------------------
# Home page tasks and notifications


def test_home_lists_what_waits_for_each_person(cycle, login):
    city = cycle.city
    staff = _grow_seksi(1)
    s.skp_submit(actor=city.user("pppk"), skp=_draft_skp(city, cycle.period, "pppk"))
    s.peer_request(actor=city.user("penilai"), skp=cycle.skp, respondents=staff, relation="peer")

    html = _html(login(city.user("penilai")).get(reverse("core:home")))
    assert "1 SKP menunggu persetujuan Anda." in html
    assert "Mulai menyusun SKP Kinerja 2026." in html  # the penilai has no SKP of their own yet
    assert "pemberitahuan belum dibaca" in html

    html = _html(login(_user(staff[0])).get(reverse("core:home")))
    assert "1 permintaan masukan 360 menunggu jawaban Anda." in html
    html = _html(login(city.user("admin")).get(reverse("core:home")))
    assert "SKP menunggu persetujuan" not in html


def test_home_reminds_of_the_realisation_due_this_quarter(doing):
    tasks = selectors.home_tasks(user=doing.city.user("pegawai"), today=date(2026, 8, 15))
    due = next(t for t in tasks if t["kind"] == "realisation")
    assert due["count"] == 2 and due["slice"].label == "Triwulan III" and due["deadline"] == date(2026, 9, 30)


def test_notifications_are_marked_read_only_for_their_owner(cycle, login):
    city = cycle.city
    mine = Notification.objects.filter(recipient=city.user("pegawai")).first()
    theirs = Notification.objects.create(recipient=city.user("lain"), text="Untuk orang lain")
    client = login(city.user("pegawai"))
    response = client.post(
        reverse("performance:notifications_read"), {"id": [str(mine.pk), str(theirs.pk), "bukan-uuid"]}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    response = client.post(reverse("performance:notifications_read"), {"all": "1"}, HTTP_HX_REQUEST="true")
    assert 'id="notif-list"' in _html(response)
    assert not Notification.objects.filter(recipient=city.user("pegawai"), read_at__isnull=True).exists()


def test_mine_shows_status_progress_and_notifications(doing, login):
    s.realisation_save(actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="8")
    html = _html(login(doing.city.user("pegawai")).get(reverse("performance:mine")))
    assert "Disetujui" in html
    assert "Capaian 80% — Di Bawah Ekspektasi" in html
    assert "SKP Anda disetujui pejabat penilai." in html  # the notification from the agreement


# ---------------------------------------------------------------------------------------------
# Query counts stay constant as a team or an SKP grows


def _count(client, url, django_assert_max_num_queries, grow):
    client.get(url)  # warm per-process caches
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    return len(small.captured_queries)


def test_team_page_query_count_does_not_grow_with_the_team(cycle, login, django_assert_max_num_queries):
    city, period = cycle.city, cycle.period
    client = login(city.user("penilai"))

    def grow():
        for e in _grow_seksi(22):  # 3 → 25 subordinates, each with an SKP and a dialog
            skp = _draft_skp(city, period, e)
            s.thread_start(actor=_user(e), skp=skp, subject="Tanya", body="Tanya target")

    _count(client, reverse("performance:team"), django_assert_max_num_queries, grow)


def _grow_skp(cycle):
    user = cycle.city.user("pegawai")
    skp = cycle.skp
    tw = cycle.slices()
    for r in range(10):
        rhk = s.rhk_save(actor=user, skp=skp, text=f"RHK tambahan {r}", kind="TAMBAHAN")
        for i in range(3):
            s.indicator_save(
                actor=user, rhk=rhk, text=f"Indikator {r}.{i}", aspect="KUANTITAS", kind="KUANTITATIF",
                target_value="5", target_unit="kegiatan",
            )  # fmt: skip
        s.thread_start(actor=user, skp=skp, rhk=rhk, subject=f"Dialog {r}", body="Pesan")
    skp.refresh_from_db()
    skp = s.skp_submit(actor=user, skp=skp)
    skp = s.skp_review(actor=cycle.city.user("penilai"), skp=skp, agree=True)
    for indicator in skp.rhks.get(text="RHK tambahan 0").indicators.all():
        for t in tw[:2]:
            real = s.realisation_save(actor=user, indicator=indicator, slice=t, value="2")
            s.evidence_add_link(actor=user, realisation=real, url="https://contoh.example/b")


@pytest.mark.parametrize("who", ["pegawai", "penilai"])
def test_skp_page_query_count_does_not_grow_with_the_skp(doing, login, who, django_assert_max_num_queries):
    s.realisation_save(actor=doing.city.user("pegawai"), indicator=doing.quant, slice=doing.slices()[0], value="2")
    client = login(doing.city.user(who))
    url = reverse("performance:skp", args=[doing.skp.pk])
    _count(client, url, django_assert_max_num_queries, lambda: _grow_skp(doing))


def test_mine_query_count_does_not_grow_with_the_skp(doing, login, django_assert_max_num_queries):
    client = login(doing.city.user("pegawai"))
    _count(client, reverse("performance:mine"), django_assert_max_num_queries, lambda: _grow_skp(doing))


def test_home_query_count_does_not_grow_with_the_team(cycle, login, django_assert_max_num_queries):
    city = cycle.city
    client = login(city.user("penilai"))

    def grow():
        for e in _grow_seksi(22):
            s.skp_submit(actor=_user(e), skp=_draft_skp(city, cycle.period, e))

    _count(client, reverse("core:home"), django_assert_max_num_queries, grow)


def test_objections_to_decide_show_on_home_and_their_list(cycle, city, login):
    from datetime import date

    from performance import services as ps
    from performance.models import PeriodStatus

    levels = dict.fromkeys(
        ["pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"], "SESUAI"
    )
    cycle.to_status(PeriodStatus.EVALUATION)
    evaluation = ps.evaluation_rate(
        actor=city.user("penilai"),
        skp=cycle.skp,
        work_level="SESUAI",
        behaviour_levels=levels,
        behaviour_level="SESUAI",
        work_justification="Belum ada realisasi",
    )
    dinas = cycle.skp.unit.parent.parent
    ps.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas, predikat="BAIK")
    ps.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas, reason="uji")
    today = date.today()
    ps.period_publish(actor=city.user("pimpinan"), period=cycle.period, today=today)
    evaluation.refresh_from_db()
    objection = ps.objection_file(
        actor=city.user("pegawai"), evaluation=evaluation, reason="Realisasi triwulan IV belum dihitung", today=today
    )
    client = login(city.user("atasan"))
    assert "1 keberatan menunggu keputusan Anda." in client.get("/").content.decode()
    page = client.get("/kinerja/keberatan/").content.decode()
    assert f"/kinerja/keberatan/{objection.pk}/" in page and "Pegawai Empat" in page
    # Someone who decides nothing sees an empty list, not someone else's objection.
    other = login(city.user("lain")).get("/kinerja/keberatan/").content.decode()
    assert "Pegawai Empat" not in other and "Tidak ada keberatan" in other


def test_skp_annex_is_written_on_the_page_and_needs_a_new_agreement(cycle, city, login):
    from audit.models import Event

    skp = cycle.skp
    client = login(city.user("pegawai"))
    page = client.get(f"/kinerja/skp/{skp.pk}/").content.decode()
    assert "Lampiran SKP" in page and "Simpan lampiran" in page
    response = client.post(
        f"/kinerja/skp/{skp.pk}/lampiran/",
        {
            "version": skp.version,
            "dukungan_sumber_daya": "Server dan akses internet kantor",
            "skema_pertanggungjawaban": "Laporan triwulanan ke kepala seksi",
            "konsekuensi": "",
        },
        follow=True,
    )
    assert "Lampiran SKP disimpan." in response.content.decode()
    skp.refresh_from_db()
    assert skp.dukungan_sumber_daya == "Server dan akses internet kantor" and skp.status == "draft"
    assert Event.objects.filter(action="performance.skp.annex", subject_employee_id=skp.employee_id).exists()
    # Someone who only reads the SKP (the atasan) sees the annex but gets no form.
    other = login(city.user("atasan")).get(f"/kinerja/skp/{skp.pk}/").content.decode()
    assert "Laporan triwulanan ke kepala seksi" in other and "Simpan lampiran" not in other
    stale = login(city.user("pegawai")).post(
        f"/kinerja/skp/{skp.pk}/lampiran/", {"version": 1, "konsekuensi": "x"}, follow=True
    )
    assert "baru saja diubah" in stale.content.decode()
