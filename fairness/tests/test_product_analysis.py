"""Stored analyses: run through the background task, read on the HR page and in the appraiser's report."""

import pytest
from django.urls import reverse

from audit.models import Event
from fairness.models import AnalysisRun, RaterResult, RunStatus
from fairness.tests.test_product_year import build_year, fast_year, run_analysis
from org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(city):
    return build_year(city)


@pytest.fixture
def done_run(year, django_capture_on_commit_callbacks):
    return run_analysis(year, year.user("admin"), capture=django_capture_on_commit_callbacks)


def test_lenient_rater_is_flagged_with_the_right_sign(year, done_run):
    assert done_run.status == RunStatus.DONE, done_run.error
    assert done_run.progress == 100 and done_run.n_flagged == 1
    results = {r.employee_id: r for r in RaterResult.objects.filter(run=done_run, is_appraiser=True)}
    lenient = results[year.employee("kasi_data").pk]
    assert "lenient" in lenient.flags and lenient.severity < 0
    assert lenient.severity + 1.96 * lenient.se < 0  # the whole interval is on the lenient side
    others = [results[year.employee(k).pk] for k in ("penilai", "kasi_jaringan", "kasi_sandi")]
    assert all("lenient" not in r.flags and "severe" not in r.flags for r in others)
    # 4 appraisers and 16 staff answering 360 requests, all in one connected network.
    assert done_run.n_raters == 20
    assert done_run.results["report"]["connectivity"]["components"] == 1
    assert Event.objects.filter(action="fairness.analysis.start", object_id=str(done_run.pk)).exists()
    assert Event.objects.filter(action="fairness.analysis.finish", object_id=str(done_run.pk)).exists()


def test_hr_page_shows_raters_flags_reliability_connectivity_and_adverse_impact(year, done_run, login):
    response = login(year.user("admin")).get(reverse("fairness:analysis", args=[done_run.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert year.employee("kasi_data").full_name in html
    assert "Murah hati" in html and "<svg" in html
    assert "Krippendorff" in html and "ICC1" in html
    assert "Efek penilai hanya dapat dibandingkan di dalam satu komponen jaringan" in html
    assert "Dampak merugikan" in html and "Jenis kelamin" in html
    # 16 rated employees: age and golongan groups smaller than 5 are reported, but suppressed.
    assert "disembunyikan: kelompok di bawah 5 orang" in html
    assert "Sangat Baik/Baik" in html


def test_analysis_is_queued_as_background_work_and_the_page_polls_until_done(
    year, login, django_capture_on_commit_callbacks
):
    from fairness import services as fs

    admin = year.user("admin")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = fs.analysis_start(actor=admin, period=year.period, unit=None, kind="perilaku")
        again = fs.analysis_start(actor=admin, period=year.period, unit=None, kind="perilaku")
    assert again.pk == run.pk and len(callbacks) == 1
    client = login(admin)
    page = client.get(reverse("fairness:analysis", args=[run.pk]))
    assert b'hx-trigger="every 1s"' in page.content and b"<progress" in page.content
    partial = client.get(reverse("fairness:analysis", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"run-status" in partial.content
    callbacks[0]()
    finished = client.get(reverse("fairness:analysis", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert finished.headers.get("HX-Refresh") == "true"


def test_start_through_the_page_redirects_to_the_run(year, login, django_capture_on_commit_callbacks):
    client = login(year.user("admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("fairness:analysis_start"), {"periode": year.period.pk, "unit": "", "kind": "hasil_kerja"}
        )
    run = AnalysisRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("fairness:analysis", args=[run.pk])
    assert run.status == RunStatus.DONE and run.kind == "hasil_kerja"
    page = client.get(response.url)
    assert page.status_code == 200
    # One appraiser per employee: work-result severities cannot be compared, and the page says why.
    assert "tidak dapat dibandingkan langsung" in page.content.decode()
    assert run.results["achievement_n"] == 16
    # Against measured achievement the lenient head (Di Atas for the whole team) still stands out.
    from fairness.models import RaterResult

    flags = {rr.employee_id: rr.flags for rr in RaterResult.objects.filter(run=run, is_appraiser=True)}
    lenient = year.employee(year.lenient).pk
    assert "lenient_vs_achievement" in flags[lenient]
    assert not any("vs_achievement" in " ".join(f) for pk, f in flags.items() if pk != lenient)


def test_one_rater_only_fails_with_a_clear_indonesian_message_and_no_500(
    cycle, city, login, django_capture_on_commit_callbacks
):
    from performance import services as ps
    from performance.models import PeriodStatus

    cycle.to_status(PeriodStatus.DOING)
    cycle.to_status(PeriodStatus.EVALUATION)
    levels = dict.fromkeys(
        ["pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"], "SESUAI"
    )
    ps.evaluation_rate(
        actor=city.user("penilai"),
        skp=cycle.skp,
        work_level="SESUAI",
        behaviour_levels=levels,
        behaviour_level="SESUAI",
        work_justification="Bukti",
    )
    run = run_analysis(cycle.period, city.user("admin"), capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED and run.error_code == "one_rater_only"
    response = login(city.user("admin")).get(reverse("fairness:analysis", args=[run.pk]))
    assert response.status_code == 200
    assert "Belum cukup data: hanya ada satu penilai" in response.content.decode()


def test_a_period_without_ratings_fails_with_belum_cukup_data(city, login, django_capture_on_commit_callbacks):
    from conftest import make_period

    period = make_period(city.user("admin"))
    run = run_analysis(period, city.user("admin"), capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED and run.error_code == "empty_file"
    response = login(city.user("pimpinan")).get(reverse("fairness:analysis", args=[run.pk]))
    assert "Belum cukup data: belum ada penilaian" in response.content.decode()


def test_appraiser_report_shows_their_position_and_no_other_rater(year, done_run, login):
    response = login(year.user("kasi_data")).get(reverse("fairness:my_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "lebih murah hati daripada penilai lain; perbedaan ini bermakna." in html
    assert "Anda menilai rata-rata" in html and "<svg" in html
    assert 'class="fair-dot"' in html  # the other raters, as unnamed dots
    assert html.count('class="fair-dot"') == 19
    for other in ("penilai", "kasi_jaringan", "kasi_sandi", "data0", "layanan2", "jaringan1"):
        assert year.employee(other).full_name not in html
    assert reverse("fairness:guide") in html


def test_fair_appraiser_reads_that_their_difference_is_not_meaningful(year, done_run, login):
    html = login(year.user("kasi_sandi")).get(reverse("fairness:my_report")).content.decode()
    assert ("belum bermakna" in html) or ("setara dengan penilai lain" in html)
    assert year.employee("kasi_data").full_name not in html


def test_declared_conflict_is_flagged_on_the_analysis_page(year, login, django_capture_on_commit_callbacks):
    from fairness import services as fs

    fs.conflict_declare(
        actor=year.user("kasi_jaringan"),
        employee=year.employee("kasi_jaringan"),
        other=year.employee("jaringan2"),
        relation="keluarga",
        note="Adik ipar",
    )
    run = run_analysis(year, year.user("admin"), capture=django_capture_on_commit_callbacks)
    page = login(year.user("auditor")).get(reverse("fairness:analysis", args=[run.pk]))
    html = page.content.decode()
    assert "1 penilaian melibatkan konflik kepentingan yang dinyatakan." in html
    assert "Adik ipar" in html and year.employee("jaringan2").full_name in html


@pytest.mark.parametrize("teams, size", [(3, 3), (6, 5)])
def test_analysis_page_reads_a_constant_number_of_queries(
    city, login, teams, size, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from fairness import services as fs

    admin = city.user("admin")
    period, people = fast_year(teams=teams, size=size, admin=admin)
    fs.conflict_declare(
        actor=admin, employee=people["heads"][1], other=people["staff"][1][0], relation="hubungan_dekat"
    )
    run = run_analysis(period, admin, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE and run.n_raters >= teams * (size + 1) - teams
    client = login(admin)
    client.get(reverse("fairness:analysis", args=[run.pk]))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("fairness:analysis", args=[run.pk]))
    assert response.status_code == 200
    assert "Murah hati" in response.content.decode()
    session = fs.session_create(
        actor=admin, period=period, unit=Unit.objects.get(name="Dinas Uji"), title="Kalibrasi Dinas Uji"
    )
    fs.session_member_add(actor=admin, session=session, user=admin, kind="admin")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("fairness:session", args=[session.pk]))
    assert response.status_code == 200 and "ditandai murah hati" in response.content.decode()
    head = people["heads"][0]
    head_user = people["users"][head.pk]
    head_client = login(head_user)
    with django_assert_max_num_queries(8):
        response = head_client.get(reverse("fairness:my_report"))
    assert response.status_code == 200


def test_360_respondents_are_never_named_in_the_rater_table(year, done_run, login):
    """360 answers are anonymous: the analysis shows respondents only as numbered pseudonyms."""
    response = login(year.user("admin")).get(reverse("fairness:analysis", args=[done_run.pk]))
    rows = response.context["page"]["raters"]
    respondents = [row for row in rows if row["key"] not in done_run.results["appraisers"]]
    assert len(respondents) == 16
    assert sorted(row["name"] for row in respondents) == sorted(f"Responden 360 #{n}" for n in range(1, 17))
    html = response.content.decode()
    assert "Responden 360 #1" in html
    # Appraisers keep their names: the report is about how appraisers rate.
    assert year.employee("kasi_data").full_name in html
