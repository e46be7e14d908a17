"""The evaluation pages as each persona drives them: rating, results, objections, periods, the HR
dashboard, finalisation and publication, with a role matrix and query counts at two sizes."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import base_rows, csv_bytes, roster_row
from org.models import Employee, Unit
from org.services import roster_import
from performance import services as s
from performance.models import (
    Evaluation,
    EvaluationStatus,
    Objection,
    OrgResult,
    Period,
    PeriodStatus,
    Skp,
    SkpStatus,
    UnitFinalisation,
)

pytestmark = pytest.mark.django_db

VALUES = ["pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
ALL_SESUAI = dict.fromkeys(VALUES, "SESUAI")
PERSONAS = [
    "pegawai",
    "penilai",
    "atasan",
    "kadis",
    "pppk",
    "kadis_lain",
    "lain",
    "admin",
    "auditor",
    "pimpinan",
    "panitia",
    "outsider",
]
OFFICE = {"admin", "auditor", "pimpinan"}
LINE = {"penilai", "atasan", "kadis"}


# ---------------------------------------------------------------------------------------------
# The year, step by step (as in test_services.test_whole_year_to_objection)


def record_year(cycle) -> None:
    """Realisations for the year: the UTAMA indicator at 120% (Di Atas), the kualitatif one judged Sesuai."""
    city = cycle.city
    cycle.to_status(PeriodStatus.DOING)
    tw = cycle.slices()
    pegawai = city.user("pegawai")
    s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=tw[3], value="12")
    qreal = s.realisation_save(actor=pegawai, indicator=cycle.qual, slice=tw[3], text="Materi disetujui")
    s.realisation_assess(actor=city.user("penilai"), realisation=qreal, level="SESUAI")
    cycle.to_status(PeriodStatus.EVALUATION)


def rate_year(cycle) -> Evaluation:
    record_year(cycle)
    return s.evaluation_rate(
        actor=cycle.city.user("penilai"),
        skp=cycle.skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
        note="Pertahankan kualitas layanan.",
    )


def dinas(cycle) -> Unit:
    return Unit.objects.get(pk=cycle.skp.unit.ancestor_ids()[1])


def finalise_year(cycle) -> Evaluation:
    evaluation = rate_year(cycle)
    city = cycle.city
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=dinas(cycle), predikat="BAIK")
    s.unit_finalise(actor=city.user("admin"), period=cycle.period, unit=dinas(cycle), reason="Unit kecil")
    evaluation.refresh_from_db()
    return evaluation


def publish_year(cycle) -> Evaluation:
    evaluation = finalise_year(cycle)
    s.period_publish(actor=cycle.city.user("pimpinan"), period=cycle.period, today=timezone.localdate())
    evaluation.refresh_from_db()
    cycle.period.refresh_from_db()
    return evaluation


def file_objection(cycle, evaluation) -> Objection:
    return s.objection_file(
        actor=cycle.city.user("pegawai"),
        evaluation=evaluation,
        reason="Bukti dukung triwulan IV belum dipertimbangkan pejabat penilai.",
    )


def rating_post(**overrides) -> dict:
    data = {
        "work_level": "DI_ATAS",
        "behaviour_level": "SESUAI",
        "work_justification": "",
        "behaviour_justification": "",
        "note": "",
        "version": "",
    }
    data.update({f"value_{code}": level for code, level in ALL_SESUAI.items()})
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Role matrix


def _matrix(login, city, url, allowed, method="get", data=None):
    outcome = {}
    for who in PERSONAS:
        client = login(city.user(who))
        response = getattr(client, method)(url, data or {})
        outcome[who] = response.status_code
    expected = {who: (200 if who in allowed else 404) for who in PERSONAS}
    assert outcome == expected


def test_rating_page_is_for_the_line_and_office_while_the_employee_waits(cycle, city, login):
    rate_year(cycle)
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    _matrix(login, city, url, LINE | OFFICE)


def test_published_result_is_seen_by_the_employee_their_line_and_office(cycle, city, login):
    publish_year(cycle)
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    _matrix(login, city, url, {"pegawai"} | LINE | OFFICE)


def test_anonymous_visitors_are_sent_to_login(cycle, client):
    for url in [
        reverse("performance:evaluation", args=[cycle.skp.pk]),
        reverse("performance:dashboard"),
        reverse("performance:periods"),
        reverse("performance:history", args=[cycle.skp.employee_id]),
        reverse("performance:skp_pdf", args=[cycle.skp.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/akun/" in response["Location"]


def test_office_pages_matrix(cycle, city, login):
    rate_year(cycle)
    unit = dinas(cycle)
    period = cycle.period
    _matrix(login, city, reverse("performance:periods"), OFFICE)
    _matrix(login, city, reverse("performance:period", args=[period.pk]), OFFICE)
    _matrix(login, city, reverse("performance:dashboard"), OFFICE)
    _matrix(login, city, reverse("performance:unit", args=[unit.pk]), OFFICE)
    _matrix(login, city, reverse("performance:unit_xlsx", args=[unit.pk]), OFFICE)
    _matrix(login, city, reverse("performance:period_publish", args=[period.pk]), {"pimpinan"})


def test_history_follows_who_may_see_the_employee(cycle, city, login):
    publish_year(cycle)
    url = reverse("performance:history", args=[cycle.skp.employee_id])
    _matrix(login, city, url, {"pegawai"} | LINE | OFFICE)


def test_objection_page_matrix(cycle, city, login):
    evaluation = publish_year(cycle)
    objection = file_objection(cycle, evaluation)
    _matrix(login, city, reverse("performance:objection", args=[objection.pk]), {"pegawai"} | LINE | OFFICE)


def test_office_actions_refuse_everyone_else(cycle, city, login):
    rate_year(cycle)
    unit = dinas(cycle)
    period = cycle.period
    actions = [
        (reverse("performance:unit_org_result", args=[unit.pk]), {"predikat": "BAIK"}, {"admin", "pimpinan"}),
        (reverse("performance:unit_finalise", args=[unit.pk]), {"reason": "x"}, {"admin"}),
        (reverse("performance:period_publish", args=[period.pk]), {}, {"pimpinan"}),
        (reverse("performance:periods"), {"year": 2030}, {"admin"}),
        (reverse("performance:period", args=[period.pk]), {"status": "doing", "version": 1}, {"admin"}),
    ]
    for url, data, allowed in actions:
        for who in set(PERSONAS) - allowed:
            assert login(city.user(who)).post(url, data).status_code == 404, (url, who)
    assert not OrgResult.objects.exists() and not UnitFinalisation.objects.exists()
    period.refresh_from_db()
    assert period.status == PeriodStatus.EVALUATION


def test_only_the_penilai_may_post_a_rating(cycle, city, login):
    record_year(cycle)
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    for who in ["pegawai", "atasan", "kadis", "admin", "pimpinan"]:
        assert login(city.user(who)).post(url, rating_post()).status_code == 404
    assert not Evaluation.objects.filter(skp=cycle.skp).exists()


# ---------------------------------------------------------------------------------------------
# Rating


def test_rating_page_explains_the_suggestion_and_shows_the_berakhlak_values(cycle, city, login):
    s.expectations_set(
        actor=city.user("penilai"), skp=cycle.skp, texts={"pelayanan": "Aduan warga dijawab dalam satu hari kerja"}
    )
    cycle.skp.refresh_from_db()
    s.skp_submit(actor=city.user("pegawai"), skp=cycle.skp)
    s.skp_review(actor=city.user("penilai"), skp=cycle.skp, agree=True)
    record_year(cycle)
    page = login(city.user("penilai")).get(reverse("performance:evaluation", args=[cycle.skp.pk])).content.decode()
    assert "Saran: Di Atas Ekspektasi — 1 dari 1 RHK utama di atas ekspektasi dan tidak ada yang di bawah." in page
    assert "Berorientasi Pelayanan" in page and "membantu orang lain belajar" in page
    assert "Aduan warga dijawab dalam satu hari kerja" in page
    assert "120" in page  # capaian of the UTAMA indicator
    assert 'name="version"' in page


def test_rating_that_differs_from_the_suggestion_needs_a_reason_and_keeps_what_was_typed(cycle, city, login):
    record_year(cycle)
    client = login(city.user("penilai"))
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    response = client.post(url, rating_post(work_level="SESUAI", note="Catatan yang sudah diketik"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "berbeda dari saran" in page
    # The service's message stands next to the reason field, and the form says so at the top.
    assert page.index('for="id_work_justification"') < page.index("berbeda dari saran yang dihitung")
    assert "Ada isian yang belum lengkap" in page
    assert "Catatan yang sudah diketik" in page
    assert re.search(r'name="work_level" value="SESUAI"[^>]*checked', page)
    assert not Evaluation.objects.filter(skp=cycle.skp).exists()

    response = client.post(
        url, rating_post(work_level="SESUAI", work_justification="Satu RHK utama selesai terlambat.")
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(skp=cycle.skp)
    assert evaluation.work_level == "SESUAI" and evaluation.predikat == "BAIK"
    assert evaluation.work_justification == "Satu RHK utama selesai terlambat."
    page = client.get(url).content.decode()
    assert "Predikat: Baik" in page  # the success message
    assert "Baik" in page


def test_behaviour_that_differs_from_the_values_needs_a_reason(cycle, city, login):
    record_year(cycle)
    client = login(city.user("penilai"))
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    response = client.post(url, rating_post(behaviour_level="DI_ATAS"))
    assert "berbeda dari penilaian per nilai BerAKHLAK" in response.content.decode()
    response = client.post(url, rating_post(behaviour_level="DI_ATAS", behaviour_justification="Inisiatif menonjol"))
    assert response.status_code == 302
    assert Evaluation.objects.get(skp=cycle.skp).predikat == "SANGAT_BAIK"


def test_a_rating_that_differs_from_the_360_input_needs_a_reason(cycle, city, login):
    record_year(cycle)
    peers = ["pppk", "atasan", "kadis"]
    s.peer_request(
        actor=city.user("penilai"),
        skp=cycle.skp,
        respondents=[city.employees[p] for p in peers],
        relation="peer",
    )
    for p in peers:
        request = cycle.skp.peer_requests.get(respondent=city.employees[p])
        s.peer_answer(actor=city.user(p), request=request, levels=dict.fromkeys(VALUES, "DI_ATAS"))
    client = login(city.user("penilai"))
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    page = client.get(url).content.decode()
    assert "Masukan 360 dari 3 rekan kerja/bawahan" in page
    assert "Secara keseluruhan: Di Atas Ekspektasi." in page
    response = client.post(url, rating_post())
    page = response.content.decode()
    assert "berbeda dari masukan 360 (Di Atas Ekspektasi): tuliskan alasannya" in page
    assert page.index('for="id_behaviour_justification"') < page.index("dari masukan 360. Tuliskan alasannya.")
    assert not Evaluation.objects.filter(skp=cycle.skp).exists()
    response = client.post(url, rating_post(behaviour_justification="Masukan 360 belum melihat tugas lapangan"))
    assert response.status_code == 302


def test_a_missing_value_level_is_shown_next_to_the_value(cycle, city, login):
    record_year(cycle)
    data = rating_post()
    del data["value_loyal"]
    response = login(city.user("penilai")).post(reverse("performance:evaluation", args=[cycle.skp.pk]), data)
    assert response.status_code == 200
    assert "Pilih tingkat untuk nilai ini." in response.content.decode()


def test_a_stale_version_is_refused_with_the_typed_values_kept(cycle, city, login):
    evaluation = rate_year(cycle)
    client = login(city.user("penilai"))
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    stale = evaluation.version - 1
    response = client.post(
        url,
        rating_post(version=stale, behaviour_level="DI_ATAS", behaviour_justification="Alasan yang diketik"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "baru saja diubah orang lain" in page
    assert "Alasan yang diketik" in page
    assert f'name="version" value="{evaluation.version}"' in page
    evaluation.refresh_from_db()
    assert evaluation.behaviour_level == "SESUAI"
    # Having seen the current state, a deliberate second save goes through.
    response = client.post(
        url,
        rating_post(version=evaluation.version, behaviour_level="DI_ATAS", behaviour_justification="Alasan"),
    )
    assert response.status_code == 302


def test_the_predikat_preview_follows_the_matrix_and_names_the_reasons_needed(cycle, city, login):
    record_year(cycle)
    client = login(city.user("penilai"))
    url = reverse("performance:evaluation_preview", args=[cycle.skp.pk])
    params = {"work_level": "SESUAI", "behaviour_level": "DI_BAWAH", **{f"value_{k}": v for k, v in ALL_SESUAI.items()}}
    response = client.get(url, params, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="pratinjau"' in page
    assert "Kurang/Misconduct" in page
    assert "berbeda dari saran (Di Atas Ekspektasi)" in page
    assert "berbeda dari saran per nilai (Sesuai Ekspektasi)" in page
    assert login(city.user("atasan")).get(url, params).status_code == 404


def test_the_rating_form_is_closed_before_the_evaluation_stage(cycle, city, login):
    cycle.to_status(PeriodStatus.DOING)
    page = login(city.user("penilai")).get(reverse("performance:evaluation", args=[cycle.skp.pk])).content.decode()
    assert "belum dinilai" in page
    assert "Simpan penilaian" not in page


# ---------------------------------------------------------------------------------------------
# The employee's result and objections


def test_employee_sees_reasons_predikat_credit_and_the_objection_deadline(cycle, city, login):
    evaluation = publish_year(cycle)
    page = login(city.user("pegawai")).get(reverse("performance:evaluation", args=[cycle.skp.pk])).content.decode()
    deadline = evaluation.published_on + timedelta(days=cycle.period.objection_days)
    assert "Hasil kerja Di Atas Ekspektasi dan perilaku kerja Sesuai Ekspektasi menghasilkan predikat Baik" in page
    assert "Saran: Di Atas Ekspektasi" in page
    assert "Pertahankan kualitas layanan." in page
    assert "12,5" in page  # credit points of an Ahli Pertama with Baik
    assert "Ajukan keberatan" in page
    assert f"{deadline.day} " in page and str(deadline.year) in page


def test_objection_within_the_deadline_is_filed(cycle, city, login):
    evaluation = publish_year(cycle)
    client = login(city.user("pegawai"))
    response = client.post(
        reverse("performance:objection_file", args=[cycle.skp.pk]),
        {"reason": "Bukti dukung triwulan IV belum dipertimbangkan pejabat penilai."},
    )
    objection = Objection.objects.get(evaluation=evaluation)
    assert response.status_code == 302
    assert response["Location"] == reverse("performance:objection", args=[objection.pk])
    assert objection.reviewer_id == city.employees["atasan"].pk
    page = client.get(reverse("performance:evaluation", args=[cycle.skp.pk])).content.decode()
    assert "Lihat keberatan" in page and "Ajukan keberatan" not in page


def test_objection_after_the_deadline_is_refused_with_the_date(cycle, city, login):
    evaluation = publish_year(cycle)
    late = timezone.localdate() - timedelta(days=cycle.period.objection_days + 1)
    Evaluation.objects.filter(pk=evaluation.pk).update(published_on=late)
    client = login(city.user("pegawai"))
    url = reverse("performance:evaluation", args=[cycle.skp.pk])
    page = client.get(url).content.decode()
    assert "sudah lewat" in page and "Ajukan keberatan" not in page
    response = client.post(
        reverse("performance:objection_file", args=[cycle.skp.pk]),
        {"reason": "Bukti dukung triwulan IV belum dipertimbangkan pejabat penilai."},
    )
    assert response.status_code == 200
    assert "Batas waktu keberatan sudah lewat" in response.content.decode()
    assert not Objection.objects.exists()


def test_only_the_employee_may_file_an_objection(cycle, city, login):
    publish_year(cycle)
    url = reverse("performance:objection_file", args=[cycle.skp.pk])
    for who in ["penilai", "atasan", "admin"]:
        response = login(city.user(who)).post(url, {"reason": "Saya keberatan atas nama pegawai ini."})
        assert response.status_code == 404
    assert not Objection.objects.exists()


def test_the_atasan_decides_once_and_the_decision_is_final(cycle, city, login):
    evaluation = publish_year(cycle)
    objection = file_objection(cycle, evaluation)
    url = reverse("performance:objection", args=[objection.pk])
    decision = {"decision": "change", "work_level": "DI_ATAS", "behaviour_level": "DI_ATAS", "reason": "Bukti kuat"}
    assert login(city.user("penilai")).post(url, decision).status_code == 404
    client = login(city.user("atasan"))
    page = client.get(url).content.decode()
    assert "Putuskan keberatan" in page and "Bukti dukung triwulan IV" in page
    assert client.post(url, decision).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.predikat == "SANGAT_BAIK" and evaluation.changed_by_objection

    response = client.post(url, {**decision, "work_level": "DI_BAWAH", "reason": "berubah pikiran"}, follow=True)
    assert "keputusan bersifat final" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.predikat == "SANGAT_BAIK"

    page = login(city.user("pegawai")).get(reverse("performance:evaluation", args=[cycle.skp.pk])).content.decode()
    assert "Hasil awal" in page and "Setelah keputusan" in page
    assert "<td>Baik</td><td>Sangat Baik</td>" in page  # predikat: before, after


def test_a_change_decision_without_new_levels_is_explained(cycle, city, login):
    evaluation = publish_year(cycle)
    objection = file_objection(cycle, evaluation)
    response = login(city.user("atasan")).post(
        reverse("performance:objection", args=[objection.pk]), {"decision": "change", "reason": "Bukti kuat"}
    )
    assert response.status_code == 200
    assert "Pilih penilaian hasil kerja dan perilaku kerja yang baru" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == "filed"


# ---------------------------------------------------------------------------------------------
# Periods, org result, finalisation, publication


def test_admin_creates_a_period_and_sees_its_rules_in_words(city, login):
    client = login(city.user("admin"))
    data = {
        "year": 2027,
        "name": "Kinerja 2027",
        "scheme": "SEMESTER",
        "planning_opens": "2027-01-01",
        "planning_closes": "2027-01-31",
        "evaluation_opens": "2027-12-01",
        "evaluation_closes": "2028-01-31",
        "objection_days": 14,
    }
    response = client.post(reverse("performance:periods"), data)
    period = Period.objects.get(year=2027)
    assert response.status_code == 302
    assert period.slices.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "paling banyak 70% pegawai Sangat Baik" in page
    assert "tidak boleh ada pegawai Sangat Baik" in page
    assert "Semester I" in page
    response = client.post(reverse("performance:periods"), data)
    assert "sudah ada" in response.content.decode()


def test_period_dates_out_of_order_are_explained(city, login):
    response = login(city.user("admin")).post(
        reverse("performance:periods"),
        {
            "year": 2027,
            "scheme": "TRIWULAN",
            "planning_opens": "2027-02-01",
            "planning_closes": "2027-01-01",
            "evaluation_opens": "2027-12-01",
            "evaluation_closes": "2028-01-31",
            "objection_days": 14,
        },
    )
    assert response.status_code == 200
    assert "Tanggal tutup tidak boleh sebelum tanggal buka" in response.content.decode()


def test_period_status_changes_with_a_version_check(cycle, city, login):
    period = cycle.period
    url = reverse("performance:period", args=[period.pk])
    assert login(city.user("pimpinan")).post(url, {"status": "doing", "version": period.version}).status_code == 404
    client = login(city.user("admin"))
    assert client.post(url, {"status": "doing", "version": period.version}).status_code == 302
    response = client.post(url, {"status": "evaluation", "version": period.version})
    assert "baru saja diubah orang lain" in response.content.decode()
    period.refresh_from_db()
    assert period.status == "doing"


def test_pimpinan_sets_the_org_result_and_the_warnings_read_as_sentences(cycle, city, login):
    rate_year(cycle)
    unit = dinas(cycle)
    url = reverse("performance:unit_org_result", args=[unit.pk])
    assert login(city.user("auditor")).post(url, {"predikat": "BAIK"}).status_code == 404
    client = login(city.user("pimpinan"))
    response = client.post(url, {"predikat": "BAIK", "note": "LKjIP 2026"})
    assert response.status_code == 302
    assert OrgResult.objects.get(unit=unit).predikat == "BAIK"
    page = client.get(response["Location"]).content.decode()
    assert "Paling banyak 0 dari 1 pegawai boleh Baik; sekarang 1." in page
    assert "Harus ada sekurang-kurangnya satu pegawai Butuh Perbaikan atau Kurang/Misconduct; sekarang 0." in page
    assert 'id="data-distribusi"' in page and "chart.umd.min.js" in page
    assert "Finalisasi perangkat daerah ini" not in page  # finalising is the admin's


def test_finalise_needs_a_reason_when_the_distribution_breaks_the_pattern(cycle, city, login):
    evaluation = rate_year(cycle)
    unit = dinas(cycle)
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=unit, predikat="BAIK")
    url = reverse("performance:unit_finalise", args=[unit.pk])
    assert login(city.user("pimpinan")).post(url, {"reason": "x"}).status_code == 404
    client = login(city.user("admin"))
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Tuliskan alasan untuk tetap memfinalisasi" in response.content.decode()
    assert not UnitFinalisation.objects.exists()
    response = client.post(url, {"reason": "Unit kecil; pola tidak bermakna"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINAL
    page = client.get(response["Location"]).content.decode()
    assert "Unit kecil; pola tidak bermakna" in page


def test_finalise_without_warnings_needs_no_reason(cycle, city, login):
    rate_year(cycle)
    unit = dinas(cycle)
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=unit, predikat="ISTIMEWA")
    response = login(city.user("admin")).post(reverse("performance:unit_finalise", args=[unit.pk]), {"reason": ""})
    assert response.status_code == 302
    assert UnitFinalisation.objects.get().reason == ""


def test_only_pimpinan_publishes_after_a_confirm_page(cycle, city, login):
    evaluation = finalise_year(cycle)
    url = reverse("performance:period_publish", args=[cycle.period.pk])
    for who in ["admin", "auditor", "penilai"]:
        assert login(city.user(who)).post(url).status_code == 404
    client = login(city.user("pimpinan"))
    page = client.get(url).content.decode()
    assert "1 hasil evaluasi sudah final" in page and "Ya, umumkan hasil" in page
    response = client.post(url, follow=True)
    assert "hasil evaluasi diumumkan" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED
    assert evaluation.published_on == timezone.localdate()


def test_history_lists_the_result_and_the_change_by_objection(cycle, city, login):
    evaluation = publish_year(cycle)
    objection = file_objection(cycle, evaluation)
    s.objection_decide(
        actor=city.user("atasan"),
        objection=objection,
        change=True,
        reason="Bukti kuat",
        work_level="DI_ATAS",
        behaviour_level="DI_ATAS",
    )
    page = login(city.user("pegawai")).get(reverse("performance:history", args=[cycle.skp.employee_id]))
    text = page.content.decode()
    assert "Sangat Baik" in text and "diubah dari Baik" in text


def test_history_hides_a_result_the_employee_may_not_see_yet(cycle, city, login):
    rate_year(cycle)
    page = login(city.user("pegawai")).get(reverse("performance:history", args=[cycle.skp.employee_id]))
    text = page.content.decode()
    assert "Hasil belum tersedia bagi Anda" in text
    assert "Di Atas Ekspektasi" not in text


# ---------------------------------------------------------------------------------------------
# Query counts at two sizes


def grow(cycle, n: int) -> None:
    """n more employees across new perangkat daerah, each with an agreed SKP and a rating."""
    rows = base_rows()
    for i in range(n):
        rows.append(
            roster_row(
                f"19950101202001{1 if i % 2 else 2}{i + 100:03d}",
                f"Staf {i}",
                "P" if i % 2 == 0 else "L",
                "01/01/1995",
                "II/c",
                "Pengolah Data",
                "Pelaksana",
                f"Dinas Baru {i % 5} > Bidang {i % 2}",
                "PNS",
            )
        )
    assert roster_import(actor=None, data=csv_bytes(rows), filename="besar.csv").ok
    period = cycle.period
    have = set(Skp.objects.filter(period=period).values_list("employee_id", flat=True))
    new = [e for e in Employee.objects.select_related("position").filter(is_active=True) if e.pk not in have]
    skps = Skp.objects.bulk_create(
        Skp(
            period=period,
            employee=e,
            penilai_id=e.penilai_id,
            atasan_penilai_id=e.atasan_penilai_id,
            unit_id=e.unit_id,
            position_name=e.position.name,
            status=SkpStatus.AGREED,
        )
        for e in new
    )
    levels = ["DI_ATAS", "SESUAI", "DI_BAWAH"]
    Evaluation.objects.bulk_create(
        Evaluation(
            skp=skp,
            status=EvaluationStatus.RATED,
            work_level=levels[i % 3],
            behaviour_level="SESUAI",
            behaviour_levels=ALL_SESUAI,
            predikat=s.rules.predikat(levels[i % 3], "SESUAI").value,
        )
        for i, skp in enumerate(skps)
    )
    for unit in Unit.objects.filter(depth=1):
        s.org_result_set(actor=cycle.city.user("pimpinan"), period=period, unit=unit, predikat="BAIK")


PAGES = [
    ("dashboard", lambda c: reverse("performance:dashboard"), "admin"),
    ("unit", lambda c: reverse("performance:unit", args=[dinas(c).pk]), "pimpinan"),
    ("periods", lambda c: reverse("performance:periods"), "admin"),
    ("history", lambda c: reverse("performance:history", args=[c.skp.employee_id]), "pegawai"),
]


@pytest.mark.parametrize(("name", "url", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count_does_not_grow_with_the_organisation(
    cycle, city, login, name, url, who, django_assert_max_num_queries
):
    rate_year(cycle)
    client = login(city.user(who))
    client.get(url(cycle))
    with django_assert_max_num_queries(20) as small:
        assert client.get(url(cycle)).status_code == 200
    grow(cycle, 60)
    assert Unit.objects.filter(depth=1).count() == 7
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(cycle))
        assert response.status_code == 200


def test_dashboard_counts_each_perangkat_daerah(cycle, city, login):
    rate_year(cycle)
    grow(cycle, 10)
    page = login(city.user("admin")).get(reverse("performance:dashboard")).content.decode()
    assert "Dinas Baru 0" in page and "Dinas Kominfo" in page
    assert "peringatan pola distribusi" in page


def test_evaluation_page_query_count_does_not_grow_with_the_skp(cycle, city, login, django_assert_max_num_queries):
    # A second SKP under the same penilai, three times as long, rated alongside the first.
    user = city.user("pppk")
    skp = s.skp_start(actor=user, period=cycle.period, employee=city.employees["pppk"])
    for i in range(6):
        rhk = s.rhk_save(actor=user, skp=skp, text=f"RHK {i}", kind="UTAMA" if i % 2 else "TAMBAHAN")
        for j in range(3):
            s.indicator_save(
                actor=user,
                rhk=rhk,
                text=f"Indikator {i}.{j}",
                aspect="KUANTITAS",
                kind="KUANTITATIF",
                target_value="5",
                target_unit="dokumen",
            )
    skp.refresh_from_db()
    s.skp_submit(actor=user, skp=skp)
    s.skp_review(actor=city.user("penilai"), skp=skp, agree=True)
    rate_year(cycle)
    client = login(city.user("penilai"))
    small_url = reverse("performance:evaluation", args=[cycle.skp.pk])
    client.get(small_url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(small_url).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("performance:evaluation", args=[skp.pk])).status_code == 200


def test_a_period_added_in_settings_gets_its_slices_and_bad_thresholds_are_a_message(city, client):
    from performance.models import Period

    admin = city.user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin, backend="accounts.backends.NipOrEmailBackend")
    data = {
        "year": "2030",
        "name": "Kinerja 2030",
        "scheme": "SEMESTER",
        "planning_opens": "2030-01-01",
        "planning_closes": "2030-01-31",
        "evaluation_opens": "2030-12-01",
        "evaluation_closes": "2031-01-31",
        "objection_days": "14",
        "distribution_rules": "{}",
        "achievement_rule": '{"above_at": "90", "meets_at": "100"}',
    }
    response = client.post("/admin/performance/period/add/", data)
    assert response.status_code == 200 and "Ambang" in response.content.decode()
    data["achievement_rule"] = '{"above_at": "110", "meets_at": "100"}'
    assert client.post("/admin/performance/period/add/", data).status_code == 302
    period = Period.objects.get(year=2030)
    assert list(period.slices.values_list("code", flat=True)) == ["S1", "S2"]


def test_the_pimpinan_decides_a_heads_objection_on_the_page(city, login):
    from performance.tests.test_services import head_objection

    objection = head_objection(city)
    url = f"/kinerja/keberatan/{objection.pk}/"
    assert login(city.user("admin")).post(url, {"decision": "keep", "reason": "x"}).status_code == 404
    response = login(city.user("pimpinan")).post(url, {"decision": "keep", "reason": "Sudah sesuai"}, follow=True)
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.status == "decided" and objection.decision_reason == "Sudah sesuai"
