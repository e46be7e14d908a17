"""The demo's performance years, and the bulk computation against the per-SKP services.

The demo city is loaded once for the TestDemoCity class (400 employees, through `terang load_demo`)
and rolled back after it; each of its tests runs inside its own savepoint on top of it. The other
tests run on the small `city`/`cycle` fixtures, without the demo.
"""

import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from audit.models import Event
from conftest import make_agreed_skp
from org.models import Employee, Unit, UnitKind
from performance import rules
from performance import services as s
from performance.bulk import compute_year
from performance.demo import CURRENT_YEAR, DONE_YEAR, load_performance_demo
from performance.models import (
    CreditAward,
    Evaluation,
    EvaluationStatus,
    Evidence,
    FollowUp,
    Indicator,
    Notification,
    Objection,
    PeerRequest,
    Period,
    PeriodStatus,
    Realisation,
    Rhk,
    Skp,
    SkpStatus,
    SkpVersion,
    Thread,
)

pytestmark = pytest.mark.django_db

TABLES = [Period, Skp, Rhk, Indicator, Realisation, SkpVersion, Evaluation, Objection, Evidence, Thread, PeerRequest]


def period(year: int) -> Period:
    return Period.objects.get(year=year, scheme="TRIWULAN")


def test_demo_is_not_loaded_over_a_real_roster(city):
    assert load_performance_demo() == {}
    assert not Period.objects.exists()


# ---------------------------------------------------------------------------------------------
# The bulk path on the `cycle` fixture, including the rounding edges


EDGES = [
    # (target, realisation, direction): capaian on and around the thresholds and the cap
    ("3", "3.30", "HIGHER_BETTER"),  # exactly 110.00
    ("3", "3.29", "HIGHER_BETTER"),  # 109.67
    ("200", "219.99", "HIGHER_BETTER"),  # 109.995 rounds half up to 110.00
    ("200", "199.99", "HIGHER_BETTER"),  # 99.995 rounds to 100.00
    ("7", "6.99", "HIGHER_BETTER"),  # 99.857… → 99.86
    ("10", "15.01", "HIGHER_BETTER"),  # capped at 150
    ("10", "0", "HIGHER_BETTER"),
    ("11", "10", "LOWER_BETTER"),  # 110.00
    ("2", "1.82", "LOWER_BETTER"),  # 109.89
    ("5", "0", "LOWER_BETTER"),  # zero days earns the cap
    ("3", "9", "LOWER_BETTER"),
    ("0.01", "999999999999.99", "HIGHER_BETTER"),  # the largest ratio the columns hold
    ("999999999999.99", "0.01", "LOWER_BETTER"),
]


def _add_rhk(skp, kind, specs, slices):
    rhk = Rhk.objects.create(skp=skp, kind=kind, text=f"RHK {kind} {len(specs)}")
    for k, (target, values, direction, level) in enumerate(specs):
        indicator = Indicator.objects.create(
            rhk=rhk,
            text=f"Indikator {k}",
            kind="KUALITATIF" if level else "KUANTITATIF",
            target_value=None if level else Decimal(target),
            target_unit="" if level else "dokumen",
            target_text="uraian" if level else "",
            direction=direction,
            order=k,
        )
        for tw, value in zip(slices, values, strict=False):
            Realisation.objects.create(
                indicator=indicator, slice=tw, value=None if value is None else Decimal(value), assessed_level=level
            )
    return rhk


def test_bulk_agrees_with_the_services_on_the_cycle_fixture_and_rounding_edges(cycle):
    cycle.to_status(PeriodStatus.DOING)
    tw = cycle.slices()
    pegawai = cycle.city.user("pegawai")
    s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=tw[0], value="4")
    s.realisation_save(actor=pegawai, indicator=cycle.quant, slice=tw[2], value="11")
    qual = s.realisation_save(actor=pegawai, indicator=cycle.qual, slice=tw[1], text="Materi disetujui")
    s.realisation_assess(actor=cycle.city.user("penilai"), realisation=qual, level="DI_ATAS")
    skp = cycle.skp
    for target, value, direction in EDGES:
        _add_rhk(skp, "UTAMA", [(target, ["1", value, None], direction, "")], tw)
    # Several indicators per RHK, a later empty slice, and a kualitatif judgement mixed in.
    _add_rhk(skp, "UTAMA", [("200", ["219.99"], "HIGHER_BETTER", ""), ("3", [None], "HIGHER_BETTER", "SESUAI")], tw)
    _add_rhk(skp, "TAMBAHAN", [("3", ["3.3", None, "2"], "LOWER_BETTER", ""), ("1", [], "HIGHER_BETTER", "")], tw)
    stats = compute_year(cycle.period, write=False)
    computed = s.achievements(Skp.objects.prefetch_related("rhks__indicators__realisations").get(pk=skp.pk))
    assert stats.path == "bulk"
    assert stats.suggestions[skp.pk] == computed["suggestion"]
    results = [(row["rhk"].pk, row["result"]) for row in computed["rhk"]]
    assert [stats.rhk_result(pk) for pk, _r in results] == [r for _pk, r in results]
    assert Decimal("110.00") in {r.capaian for _pk, r in results}


def test_a_rule_with_more_decimals_takes_the_per_skp_path_with_the_same_results(cycle):
    cycle.to_status(PeriodStatus.DOING)
    s.realisation_save(actor=cycle.city.user("pegawai"), indicator=cycle.quant, slice=cycle.slices()[0], value="11")
    Period.objects.filter(pk=cycle.period.pk).update(achievement_rule={"cap": "150.005"})
    cycle.period.refresh_from_db()
    stats = compute_year(cycle.period, write=False)
    assert stats.path == "per-skp"
    computed = s.achievements(Skp.objects.prefetch_related("rhks__indicators__realisations").get(pk=cycle.skp.pk))
    assert stats.suggestions[cycle.skp.pk] == computed["suggestion"]
    assert [stats.rhk_result(row["rhk"].pk) for row in computed["rhk"]] == [row["result"] for row in computed["rhk"]]


def test_recompute_writes_only_open_evaluations_and_records_one_event(cycle):
    cycle.to_status(PeriodStatus.DOING)
    s.realisation_save(actor=cycle.city.user("pegawai"), indicator=cycle.quant, slice=cycle.slices()[3], value="12")
    evaluation = Evaluation.objects.create(
        skp=cycle.skp, status=EvaluationStatus.RATED, work_level="SESUAI", behaviour_level="DI_ATAS", version=2
    )
    stats = compute_year(cycle.period)
    evaluation.refresh_from_db()
    assert (stats.updated, stats.predikat_changed) == (1, 1)
    assert evaluation.suggested_work_level == "DI_ATAS" and evaluation.predikat == "BAIK"
    assert evaluation.suggestion == stats.suggestions[cycle.skp.pk].to_data() and evaluation.version == 3
    assert Event.objects.filter(action="performance.period.recompute").count() == 1
    again = compute_year(cycle.period)
    assert again.updated == 0 and Event.objects.filter(action="performance.period.recompute").count() == 1
    Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.FINAL, predikat="KURANG")
    locked = compute_year(cycle.period)
    evaluation.refresh_from_db()
    assert locked.locked_mismatches == 1 and locked.updated == 0 and evaluation.predikat == "KURANG"


ALL_SESUAI = {code: "SESUAI" for code, _name, _lines in rules.BERAKHLAK}


def test_recompute_gives_a_unit_head_the_suggestion_the_rating_service_gives(cycle, city):
    kadis, kadis_lain = city.employees["kadis"], city.employees["kadis_lain"]
    Employee.objects.filter(pk=kadis.pk).update(penilai=kadis_lain, atasan_penilai=kadis_lain)
    head_skp = make_agreed_skp(city, cycle.period, who="kadis", appraiser="kadis_lain")[0]
    s.org_result_set(actor=city.user("pimpinan"), period=cycle.period, unit=kadis.unit, predikat="ISTIMEWA")
    cycle.to_status(PeriodStatus.EVALUATION)
    rated = s.evaluation_rate(
        actor=city.user("kadis_lain"),
        skp=head_skp,
        work_level="DI_ATAS",
        behaviour_levels=ALL_SESUAI,
        behaviour_level="SESUAI",
    )
    assert rated.suggested_work_level == "DI_ATAS" and rated.suggestion["reason"] == "unit_head_org_result"
    assert compute_year(cycle.period).updated == 0
    Evaluation.objects.filter(pk=rated.pk).update(suggested_work_level="", suggestion={})
    assert compute_year(cycle.period).updated == 1
    after = Evaluation.objects.get(pk=rated.pk)
    assert (after.suggested_work_level, after.suggestion) == (rated.suggested_work_level, rated.suggestion)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """Load the demo city with its performance years; the printed accounts by label."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--employees", "400", stdout=out)
        accounts = dict(re.findall(r"^  (\S.*?)\s{2,}(\d{18})\s", out.getvalue(), re.MULTILINE))
        yield {label: Employee.objects.get(nip=nip) for label, nip in accounts.items()} | {"output": out.getvalue()}
        transaction.set_rollback(True)


class TestDemoCity:
    """What a person trying the demo relies on (one demo city for the whole class)."""

    def test_demo_pegawai_has_an_agreed_skp_with_realisations_and_something_due(self, demo):
        pegawai = demo["Pegawai"]
        skp = Skp.objects.get(period=period(CURRENT_YEAR), employee=pegawai)
        assert skp.status == SkpStatus.AGREED and skp.agreed_version == 2
        assert list(skp.versions.values_list("status", flat=True)) == ["submitted", "agreed"]
        assert s.skp_content(skp) == skp.versions.get(number=2).content
        indicators = list(Indicator.objects.filter(rhk__skp=skp))
        slices = list(skp.period.slices.order_by("start"))
        filled = Counter(Realisation.objects.filter(indicator__rhk__skp=skp).values_list("slice__code", flat=True))
        assert filled["TW1"] == filled["TW2"] == len(indicators)
        assert 0 < filled["TW3"] < len(indicators), "one Triwulan III figure is still to be entered"
        assert filled["TW4"] == 0 and slices[3].code == "TW4"
        waiting = Realisation.objects.filter(indicator__rhk__skp=skp, indicator__kind="KUALITATIF", slice=slices[2])
        assert waiting.exists() and not waiting.exclude(assessed_level="").exists()
        assert Evidence.objects.filter(realisation__indicator__rhk__skp=skp, kind="link").exists()
        assert Thread.objects.filter(skp=skp).count() == 2
        assert PeerRequest.objects.filter(respondent=pegawai, answered_at__isnull=True).exists()
        assert PeerRequest.objects.filter(skp=skp, answered_at__isnull=False).count() >= 3

    def test_demo_penilai_has_skps_waiting_and_the_atasan_an_objection(self, demo):
        penilai, atasan = demo["Pejabat penilai"], demo["Atasan pejabat penilai"]
        current = period(CURRENT_YEAR)
        waiting = Skp.objects.filter(period=current, penilai=penilai, status=SkpStatus.SUBMITTED)
        assert waiting.count() >= 1
        assert Notification.objects.filter(recipient__employee=penilai, read_at__isnull=True).count() >= waiting.count()
        returned = Skp.objects.filter(period=current, status=SkpStatus.RETURNED)
        assert returned.exists() and not returned.filter(return_comment="").exists()
        assert Objection.objects.filter(reviewer=atasan, status="filed").exists()

    def test_2025_is_published_with_an_evaluation_for_every_agreed_skp(self, demo):
        done = period(DONE_YEAR)
        assert done.status == PeriodStatus.PUBLISHED
        active = Employee.objects.filter(is_active=True)
        assert Skp.objects.filter(period=done).count() == active.count()
        # Everyone has an agreed, rated, published SKP; heads appraised by the Kepala Daerah were
        # agreed and rated by the pimpinan.
        agreed = Skp.objects.filter(period=done, status=SkpStatus.AGREED)
        assert set(agreed.values_list("employee_id", flat=True)) == set(active.values_list("pk", flat=True))
        assert Evaluation.objects.filter(skp__period=done).count() == agreed.count()
        assert not Evaluation.objects.filter(skp__period=done).exclude(status=EvaluationStatus.PUBLISHED).exists()
        heads = Evaluation.objects.filter(skp__period=done, skp__penilai__isnull=True)
        assert heads.exists() and not heads.exclude(rated_by__role_grants__role="pimpinan").exists()
        # 2025 has 360 input from other teams: what lets the fairness analysis compare appraisers.
        assert PeerRequest.objects.filter(skp__period=done, answered_at__isnull=False).count() > agreed.count()
        evaluations = Evaluation.objects.filter(skp__period=done)
        for e in evaluations:
            assert e.predikat == rules.predikat(e.work_level, e.behaviour_level)
            assert e.work_level == e.suggested_work_level or e.work_justification or e.changed_by_objection
        weak = evaluations.filter(predikat__in=[p.value for p in rules.FOLLOW_UP_PREDIKAT])
        assert FollowUp.objects.filter(evaluation__in=weak).count() == weak.count()
        functional = evaluations.exclude(skp__employee__position__grade="")
        assert CreditAward.objects.filter(evaluation__in=functional).count() == functional.count()
        objections = Objection.objects.filter(evaluation__skp__period=done)
        assert sorted(objections.values_list("status", "changed")) == [
            ("decided", False),
            ("decided", True),
            ("filed", False),
        ]
        deadline = rules.objection_deadline(done.published_on, done.objection_days)
        assert all(done.published_on <= o.filed_at.date() <= deadline for o in objections)
        # The announcement is old news; only the objection still waiting is unread.
        unread = Notification.objects.filter(read_at__isnull=True, url__startswith="/kinerja/keberatan/")
        assert set(unread.values_list("url", flat=True)) == {f"/kinerja/keberatan/{objections.get(status='filed').pk}/"}
        assert not Notification.objects.filter(read_at__isnull=True, text__startswith="Hasil evaluasi").exists()

    def test_2025_distribution_shows_two_or_three_units_outside_their_pattern(self, demo):
        stats = compute_year(period(DONE_YEAR), write=False)
        pds = Unit.objects.filter(kind=UnitKind.PERANGKAT_DAERAH)
        assert all(stats.distribution[u.pk]["org_predikat"] for u in pds)
        assert 2 <= len(stats.violating_units) <= 3
        assert stats.locked_mismatches == 0

    def test_2026_plans_cascade_and_count_versions_as_the_services_do(self, demo):
        current = period(CURRENT_YEAR)
        statuses = Counter(Skp.objects.filter(period=current).values_list("status", flat=True))
        assert set(statuses) == set(SkpStatus.values) and statuses[SkpStatus.AGREED] > sum(statuses.values()) / 2
        skps = Skp.objects.filter(period=current).annotate(
            n_rhk=Count("rhks", distinct=True),
            n_ind=Count("rhks__indicators", distinct=True),
            n_exp=Count("expectations", distinct=True),
            n_ver=Count("versions", distinct=True),
        )
        for skp in skps:
            assert 1 <= skp.n_rhk <= 5
            assert skp.version == 1 + skp.n_rhk + skp.n_ind + (1 if skp.n_exp else 0) + skp.n_ver
        rhks = Rhk.objects.filter(skp__period=current).select_related("skp", "parent__skp")
        assert rhks.filter(kind="UTAMA", parent__isnull=False).count() > rhks.filter(kind="UTAMA").count() * 0.8
        for rhk in rhks.filter(parent__isnull=False):
            assert rhk.parent.skp.period_id == current.pk and rhk.parent.skp.employee_id == rhk.skp.penilai_id
        assert Indicator.objects.filter(rhk__skp__period=current, kind="KUALITATIF").exists()
        for skp in Skp.objects.filter(period=current).exclude(status=SkpStatus.DRAFT)[:60]:
            assert skp.versions.order_by("-number").first().content == s.skp_content(skp)
        assert (
            not Realisation.objects.filter(indicator__rhk__skp__period=current)
            .exclude(indicator__rhk__skp__status=SkpStatus.AGREED)
            .exists()
        )

    def test_loading_again_creates_nothing_new(self, demo):
        before = {m.__name__: m.objects.count() for m in TABLES}
        events = Event.objects.count()
        out = io.StringIO()
        load_performance_demo(stdout=out)
        assert {m.__name__: m.objects.count() for m in TABLES} == before
        assert Event.objects.count() == events
        assert "sudah ada" in out.getvalue()
        assert Event.objects.filter(action="performance.demo.load").count() == 2

    @pytest.mark.parametrize("year", [DONE_YEAR, CURRENT_YEAR])
    def test_bulk_agrees_with_the_services_on_demo_data(self, demo, year):
        p = period(year)
        stats = compute_year(p, write=False)
        rule = s.rules_for(p)[1]
        skps = Skp.objects.filter(period=p).prefetch_related("rhks__indicators__realisations")
        for skp in skps:
            computed = s.achievements(skp, rule)
            assert stats.suggestions[skp.pk] == computed["suggestion"]
            for row in computed["rhk"]:
                assert stats.rhk_result(row["rhk"].pk) == row["result"]
        for unit in Unit.objects.filter(pk__in=stats.distribution):
            assert stats.distribution[unit.pk] == s.unit_distribution(p, unit)
