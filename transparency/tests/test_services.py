"""refresh_aggregates and its triggers, and an employee's consent to publish a recognition."""

from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import Event
from performance import services as ps
from performance.models import EvaluationStatus, Objection, PeriodStatus
from transparency import services
from transparency.models import AggregateSnapshot, DisclosurePolicy, EmployeeResult, Recognition, UnitAggregate
from transparency.services import ServiceError, aggregates_refresh_if_stale, recognition_consent_set, refresh_aggregates
from transparency.tests.year import grow, publish, published_year, rated_year

pytestmark = pytest.mark.django_db


def results(period) -> dict[str, EmployeeResult]:
    return {r.employee.name: r for r in EmployeeResult.objects.filter(period=period).select_related("employee")}


def aggregates(period) -> dict[str, UnitAggregate]:
    return {a.unit_name: a for a in UnitAggregate.objects.filter(period=period)}


# ---------------------------------------------------------------------------------------------
# What a refresh computes


def test_refresh_scores_and_ranks_each_published_result(city):
    year = published_year(city)
    refresh_aggregates(year.period)
    got = results(year.period)
    assert len(got) == 7
    pegawai = got["Pegawai Empat"]
    assert (pegawai.predikat, pegawai.avg_capaian, pegawai.score) == ("BAIK", Decimal("120.00"), Decimal("4120.00"))
    # Dinas Kominfo: 5120 (Kasi), 4120 (Pegawai), 4110 (Kadis), 4100 (PPPK), 3080 (Kabid).
    assert pegawai.pct_unit == 75.0 and pegawai.unit_n == 5
    assert got["Kasi Tiga"].pct_unit == 100.0
    assert got["Kabid Dua"].pct_unit == 0.0
    # Families: the two heads of dinas are JPT Pratama; the functional post is alone in its family.
    assert (got["Kadis Satu"].family_key, got["Kadis Satu"].pct_family, got["Kadis Satu"].family_n) == (
        "JPT_PRATAMA",
        100.0,
        2,
    )
    assert (pegawai.family_key, pegawai.family_name, pegawai.pct_family) == (
        "JF:pranata komputer",
        "Pranata Komputer",
        None,
    )
    assert len({r.pseudonym for r in got.values()}) == 7


def test_refresh_counts_each_perangkat_daerah_and_hides_small_and_computable_groups(city):
    year = published_year(city)
    refresh_aggregates(year.period)
    got = aggregates(year.period)
    org, kominfo, sosial = got["Pemerintah Kota Sawahlunto"], got["Dinas Kominfo"], got["Dinas Sosial"]
    assert org.unit_id is None and (org.n, org.sangat_baik, org.baik, org.butuh_perbaikan) == (7, 1, 5, 1)
    assert (kominfo.n, kominfo.avg_capaian, kominfo.capaian_n) == (5, Decimal("106.00"), 5)
    assert (sosial.suppressed_public, sosial.public_reason) == (True, "small")
    # Kominfo has five people, but with the organisation's total shown its figures would give away
    # Dinas Sosial's two: hidden as the complement.
    assert (kominfo.suppressed_public, kominfo.public_reason) == (True, "complement")
    assert not org.suppressed_public


def test_a_second_small_unit_makes_the_remainder_big_enough_to_show_the_others(city):
    year = rated_year(city)
    grow(year, {"Badan Kecil": 3, "Dinas Besar": 6})
    publish(year)
    refresh_aggregates(year.period)
    got = aggregates(year.period)
    assert [got[n].suppressed_public for n in ("Dinas Kominfo", "Dinas Besar", "Dinas Sosial", "Badan Kecil")] == [
        False,
        False,
        True,
        True,
    ]


def test_the_policy_minimum_hides_more_on_the_board_and_never_less_than_5_on_the_portal(city):
    from org.models import Unit

    year = published_year(city)
    DisclosurePolicy.objects.create(organisation=Unit.objects.get(depth=0), min_group_size=2)
    snapshot = refresh_aggregates(year.period)
    assert (snapshot.min_group_size, snapshot.public_min_group_size) == (2, 5)
    sosial = aggregates(year.period)["Dinas Sosial"]
    assert (sosial.suppressed_board, sosial.suppressed_public) == (False, True)


def test_refresh_rewrites_in_one_audited_transaction(city):
    year = published_year(city)
    before = Event.objects.count()
    first = refresh_aggregates(year.period, trigger="uji")
    second = refresh_aggregates(year.period)
    assert (first.version, second.version) == (1, 2)
    assert EmployeeResult.objects.filter(period=year.period).count() == 7
    assert UnitAggregate.objects.filter(period=year.period).count() == 3
    events = list(Event.objects.filter(action="transparency.aggregates.refresh").order_by("seq"))
    assert Event.objects.count() - before == 2 == len(events)
    assert events[0].changes["pegawai"] == 7 and events[0].changes["pemicu"] == "uji"


def test_pseudonyms_stay_the_same_across_refreshes_of_a_period(city):
    year = published_year(city)
    refresh_aggregates(year.period)
    first = {r.employee_id: r.pseudonym for r in EmployeeResult.objects.filter(period=year.period)}
    refresh_aggregates(year.period)
    assert first == {r.employee_id: r.pseudonym for r in EmployeeResult.objects.filter(period=year.period)}


def test_nothing_is_computed_before_publication(city):
    year = rated_year(city)
    assert refresh_aggregates(year.period) is None
    assert not AggregateSnapshot.objects.exists() and not EmployeeResult.objects.exists()


def test_only_published_results_count(city):
    year = rated_year(city)
    # One result is not final when the period is announced: it stays off the board.
    from performance.models import Evaluation

    Evaluation.objects.filter(skp=year.skps["lain"]).update(status=EvaluationStatus.RATED)
    publish(year)
    refresh_aggregates(year.period)
    assert "Pegawai Tujuh" not in results(year.period)
    assert aggregates(year.period)["Dinas Sosial"].n == 1


def test_fairness_signals_come_from_the_latest_finished_analysis(city):
    from fairness.models import AnalysisRun, RunStatus

    year = published_year(city)
    kominfo = year.dinas("pegawai")
    report = {"report": {"reliability": {"icc": {"ICC1": {"value": 0.61}}, "krippendorff_alpha": {"ordinal": 0.7}}}}
    common = {"period": year.period, "started_by": city.user("admin"), "status": RunStatus.DONE}
    AnalysisRun.objects.create(**common, unit=kominfo, kind="hasil_kerja", finished_at=timezone.now(), n_raters=3)
    AnalysisRun.objects.create(
        **common, unit=kominfo, kind="perilaku", finished_at=timezone.now(), n_raters=4, n_flagged=1, results=report
    )
    AnalysisRun.objects.create(**{**common, "status": RunStatus.FAILED}, unit=None, kind="perilaku")
    refresh_aggregates(year.period)
    got = aggregates(year.period)
    k = got["Dinas Kominfo"]
    assert (k.fairness_kind, k.reliability_icc, k.reliability_alpha, k.raters, k.flagged_raters) == (
        "perilaku",
        0.61,
        0.7,
        4,
        1,
    )
    assert got["Pemerintah Kota Sawahlunto"].fairness_run_id is None


def test_criteria_participation_and_adopted_criteria_are_copied_when_the_criteria_app_has_them(city, monkeypatch):
    year = published_year(city)
    kominfo = year.dinas("pegawai")
    from criteria import selectors as criteria_selectors

    monkeypatch.setattr(
        criteria_selectors,
        "participation_by_unit",
        lambda period, unit_ids=None: [{"unit_id": kominfo.pk, "employees": 5, "participants": 3, "voters": 3}],
        raising=False,
    )
    monkeypatch.setattr(
        criteria_selectors,
        "adopted_criteria",
        lambda unit_ids=None: [
            {"unit_path": kominfo.path + "9/", "title": "Waktu layanan", "text": "Rata-rata waktu", "version": 2},
            {"unit_path": "/999/1000/", "title": "Di luar organisasi"},
        ],
        raising=False,
    )
    refresh_aggregates(year.period)
    row = UnitAggregate.objects.get(period=year.period, unit=kominfo)
    assert row.participation == {"employees": 5, "participants": 3, "voters": 3}
    assert row.adopted_criteria == [{"title": "Waktu layanan", "version": "2", "text": "Rata-rata waktu"}]


def test_without_criteria_selectors_the_refresh_still_runs(city, monkeypatch):
    monkeypatch.setattr("transparency.criteria_link._selectors", lambda: None)
    year = published_year(city)
    refresh_aggregates(year.period)
    assert all(a.participation == {} and a.adopted_criteria == [] for a in UnitAggregate.objects.all())


# ---------------------------------------------------------------------------------------------
# Triggers


def test_publication_refreshes_the_board_after_commit(city, django_capture_on_commit_callbacks):
    year = rated_year(city)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(year)
    assert len(callbacks) >= 1
    snapshot = AggregateSnapshot.objects.get(period=year.period)
    assert (snapshot.version, snapshot.employees, snapshot.trigger) == (1, 7, "performance.period.publish")


def test_an_objection_decision_refreshes_with_the_new_predikat(city, django_capture_on_commit_callbacks):
    year = published_year(city)
    refresh_aggregates(year.period)
    evaluation = year.evaluation("pegawai")
    objection = ps.objection_file(
        actor=city.user("pegawai"), evaluation=evaluation, reason="Bukti dukung triwulan IV belum dipertimbangkan."
    )
    with django_capture_on_commit_callbacks(execute=True):
        ps.objection_decide(
            actor=city.user("atasan"),
            objection=objection,
            change=True,
            reason="Bukti dukung sah; hasil kerja di atas ekspektasi.",
            work_level="DI_ATAS",
            behaviour_level="DI_ATAS",
        )
    snapshot = AggregateSnapshot.objects.get(period=year.period)
    assert (snapshot.version, snapshot.trigger) == (2, "performance.objection.decide")
    mine = results(year.period)["Pegawai Empat"]
    assert (mine.predikat, mine.changed_by_objection, mine.score) == ("SANGAT_BAIK", True, Decimal("5120.00"))
    assert aggregates(year.period)["Dinas Kominfo"].changed_by_objection == 1
    assert Objection.objects.get(pk=objection.pk).changed


def test_a_calibration_refreshes_an_announced_period(city, django_capture_on_commit_callbacks):
    year = rated_year(city)
    from performance.models import Evaluation

    # Left out of the announcement (still rated), then calibrated afterwards.
    Evaluation.objects.filter(skp=year.skps["lain"]).update(status=EvaluationStatus.RATED)
    publish(year)
    refresh_aggregates(year.period)
    with django_capture_on_commit_callbacks(execute=True):
        ps.evaluation_calibrate(
            actor=city.user("admin"),
            evaluation=year.evaluation("lain"),
            work_level="DI_ATAS",
            behaviour_level="DI_ATAS",
            reason="Kalibrasi komite atas bukti capaian.",
        )
    snapshot = AggregateSnapshot.objects.get(period=year.period)
    assert (snapshot.version, snapshot.trigger) == (2, "performance.evaluation.calibrate")


def test_a_calibration_before_publication_computes_nothing(city, django_capture_on_commit_callbacks):
    year = rated_year(city)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ps.evaluation_calibrate(
            actor=city.user("admin"),
            evaluation=year.evaluation("pegawai"),
            work_level="SESUAI",
            behaviour_level="SESUAI",
            reason="Kalibrasi komite.",
        )
    assert len(callbacks) == 1
    assert year.period.status == PeriodStatus.EVALUATION
    assert not AggregateSnapshot.objects.exists()


def test_a_request_older_than_the_last_refresh_is_skipped(city):
    year = published_year(city)
    requested = timezone.now()
    first = refresh_aggregates(year.period)
    again = aggregates_refresh_if_stale(period_id=year.period.pk, requested_at=requested.isoformat())
    assert again.version == first.version == 1
    later = aggregates_refresh_if_stale(period_id=year.period.pk, requested_at=timezone.now().isoformat())
    assert later.version == 2


def test_changing_the_policy_in_the_admin_recomputes_announced_periods(
    city, client, django_capture_on_commit_callbacks
):
    from org.models import Unit

    year = published_year(city)
    admin = city.user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin, backend="accounts.backends.NipOrEmailBackend")
    root = Unit.objects.get(depth=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/transparency/disclosurepolicy/add/",
            {"organisation": root.pk, "board_mode": "pseudonyms", "min_group_size": 6, "show_family_percentiles": "on"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    snapshot = AggregateSnapshot.objects.get(period=year.period)
    assert (snapshot.min_group_size, snapshot.trigger) == (6, "admin.disclosurepolicy")
    assert Event.objects.filter(action="admin.transparency.disclosurepolicy.add").exists()


# ---------------------------------------------------------------------------------------------
# Recognitions


@pytest.fixture
def recognition(city):
    employee = city.employees["pegawai"]
    return Recognition.objects.create(
        employee=employee,
        unit=services.recognition_unit_for(employee),
        title="Inovator layanan digital",
        year=2025,
        recorded_by=city.user("admin"),
    )


def test_the_employee_gives_and_withdraws_consent_and_each_is_audited(city, recognition):
    given = recognition_consent_set(actor=city.user("pegawai"), recognition=recognition, consent=True)
    assert given.is_public and given.version == 2
    withdrawn = recognition_consent_set(actor=city.user("pegawai"), recognition=recognition, consent=False)
    assert not withdrawn.is_public and withdrawn.consent_withdrawn_at is not None
    events = Event.objects.filter(object_type="transparency.recognition").order_by("seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["transparency.recognition.consent_give", "transparency.recognition.consent_withdraw"]
    assert recognition.unit.name == "Dinas Kominfo"


@pytest.mark.parametrize("who", ["penilai", "admin", "pimpinan", "lain"])
def test_nobody_else_consents_for_the_employee(city, recognition, who):
    with pytest.raises(ServiceError, match="Hanya pegawai yang bersangkutan"):
        recognition_consent_set(actor=city.user(who), recognition=recognition, consent=True)
    recognition.refresh_from_db()
    assert not recognition.is_public


def test_bkpsdm_records_a_recognition_in_the_admin_without_touching_consent(city, client):
    admin = city.user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin, backend="accounts.backends.NipOrEmailBackend")
    page = client.get("/admin/transparency/recognition/add/").content.decode()
    assert 'name="consent_given_at"' not in page
    employee = city.employees["pegawai"]
    response = client.post(
        "/admin/transparency/recognition/add/",
        {"employee": employee.pk, "title": "ASN Inovatif", "description": "Aplikasi antrean", "year": 2025},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    recognition = Recognition.objects.get()
    assert (recognition.unit.name, recognition.recorded_by, recognition.is_public) == ("Dinas Kominfo", admin, False)
    assert Event.objects.filter(action="admin.transparency.recognition.add").exists()
    assert client.get("/admin/transparency/aggregatesnapshot/").status_code == 200
