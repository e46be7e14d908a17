"""Criteria drafting on the real database: rounds, proposals, the voting rules, decisions, versions,
notifications, the closing command, and the library link of an SKP indicator."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import Event
from criteria import services
from criteria.models import (
    Criterion,
    CriterionVersion,
    Proposal,
    ProposalStatus,
    RoundStatus,
    VersionStatus,
    Vote,
)
from criteria.services import ServiceError
from criteria.tests.conftest import INDICATOR, RUBRIC, adopted_version, open_round, propose
from performance import services as perf
from performance.models import Indicator, Notification

pytestmark = pytest.mark.django_db


def _later(**kw):
    return timezone.now() + timedelta(**kw)


# ---------------------------------------------------------------------------------------------
# Rounds


def test_round_opened_by_the_head_notifies_every_active_asn_of_the_unit(city, org):
    round_ = open_round(city, org.seksi, "penilai")
    notified = set(
        Notification.objects.filter(url__endswith=f"/putaran/{round_.pk}/").values_list("recipient", flat=True)
    )
    assert notified == {city.user(w).pk for w in ("pegawai", "pppk", "penilai")}
    assert round_.announced_at is not None
    assert Event.objects.filter(action="criteria.round.open", object_id=str(round_.pk)).exists()


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "kadis_lain", "auditor", "pimpinan"])
def test_only_admin_or_the_units_own_head_open_a_round(city, org, who):
    with pytest.raises(ServiceError, match="tidak berwenang"):
        open_round(city, org.seksi, who)


def test_admin_opens_a_round_for_any_unit(city, org):
    round_ = open_round(city, org.sosial, "admin")
    assert round_.unit == org.sosial
    assert Notification.objects.filter(recipient=city.user("lain")).count() == 1


def test_round_refuses_a_closing_time_before_opening(city, org):
    with pytest.raises(ServiceError, match="sesudah waktu buka"):
        services.round_open(
            actor=city.user("penilai"),
            unit=org.seksi,
            title="x",
            opens_at=_later(days=3),
            closes_at=_later(days=2),
        )


def test_scheduled_round_is_announced_by_the_command_when_it_opens(city, org):
    round_ = services.round_open(
        actor=city.user("penilai"), unit=org.seksi, title="Nanti", opens_at=_later(hours=1), closes_at=_later(days=3)
    )
    assert round_.announced_at is None and not Notification.objects.exists()
    with pytest.raises(ServiceError, match="belum dibuka"):
        propose(city, round_)
    assert services.rounds_announce_due(now=_later(hours=2)) == 1
    assert Notification.objects.filter(recipient=city.user("pegawai")).count() == 1
    assert services.rounds_announce_due(now=_later(hours=3)) == 0


def test_command_closes_rounds_past_their_time_and_notifies(city, org, seksi_round, capsys):
    Notification.objects.all().delete()
    seksi_round.opens_at, seksi_round.closes_at = _later(days=-2), _later(minutes=-1)
    seksi_round.save(update_fields=["opens_at", "closes_at"])
    open_round(city, org.dinas, "kadis")  # still open: untouched
    Notification.objects.all().delete()
    call_command("criteria_close_rounds")
    assert "1 putaran ditutup" in capsys.readouterr().out
    seksi_round.refresh_from_db()
    assert seksi_round.status == RoundStatus.CLOSED and seksi_round.closed_by is None
    assert Notification.objects.filter(recipient=city.user("pppk"), text__contains="ditutup").exists()
    assert Event.objects.filter(action="criteria.round.close", actor_id=None).count() == 1
    call_command("criteria_close_rounds")
    assert "0 putaran ditutup" in capsys.readouterr().out


def test_closing_tells_the_head_how_many_proposals_wait(city, seksi_round):
    propose(city, seksi_round)
    propose(city, seksi_round, "pppk", title="Kedua")
    services.round_close(actor=city.user("admin"), round_=seksi_round)
    assert Notification.objects.filter(recipient=city.user("penilai"), text__startswith="2 usulan").exists()
    with pytest.raises(ServiceError, match="sudah ditutup"):
        services.round_close(actor=city.user("penilai"), round_=seksi_round)


def test_only_head_or_admin_close_a_round(city, seksi_round):
    for who in ("pegawai", "atasan", "kadis", "pimpinan"):
        with pytest.raises(ServiceError, match="tidak berwenang"):
            services.round_close(actor=city.user(who), round_=seksi_round)


# ---------------------------------------------------------------------------------------------
# Proposals and comments


def test_any_active_asn_of_the_unit_may_propose_and_others_may_not(city, org):
    round_ = open_round(city, org.bidang, "atasan")  # the bidang: the seksi below it takes part too
    for who in ("pegawai", "pppk", "penilai", "atasan"):
        propose(city, round_, who, title=f"Usulan {who}")
    for who in ("kadis", "lain", "kadis_lain", "admin", "outsider"):
        with pytest.raises(ServiceError, match="Hanya ASN aktif"):
            propose(city, round_, who)
    assert Proposal.objects.filter(round=round_).count() == 4


def test_inactive_employee_may_not_take_part(city, seksi_round):
    employee = city.employees["pppk"]
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    with pytest.raises(ServiceError, match="Hanya ASN aktif"):
        propose(city, seksi_round, "pppk")


def test_proposal_needs_a_measurable_wording_and_a_reason(city, seksi_round):
    with pytest.raises(ServiceError, match="alasan usulan"):
        propose(city, seksi_round, rationale="  ")
    with pytest.raises(ServiceError, match="satuan"):
        propose(city, seksi_round, fields={**INDICATOR, "measure_unit": ""})
    with pytest.raises(ServiceError, match="cara mengukur"):
        propose(city, seksi_round, fields={**INDICATOR, "measurement": ""})
    with pytest.raises(ServiceError, match="ketiga tingkat"):
        propose(city, seksi_round, criterion_kind="perilaku", value="pelayanan", fields={**RUBRIC, "example_above": ""})
    with pytest.raises(ServiceError, match="nilai BerAKHLAK"):
        propose(city, seksi_round, criterion_kind="perilaku", fields=RUBRIC)


def test_proposal_scope_stays_inside_the_rounds_unit(city, org, seksi_round):
    with pytest.raises(ServiceError, match="unit ini atau unit di bawahnya"):
        propose(city, seksi_round, scope_unit=org.dinas)


def test_comment_is_kept_with_its_author_and_audited(city, seksi_round):
    proposal = propose(city, seksi_round)
    comment = services.comment_add(actor=city.user("pppk"), proposal=proposal, body="Tiga hari kerja cukup.")
    assert comment.author == city.employees["pppk"]
    assert Event.objects.filter(action="criteria.comment.create", subject_employee_id=comment.author_id).exists()
    with pytest.raises(ServiceError, match="Tuliskan komentar"):
        services.comment_add(actor=city.user("pppk"), proposal=proposal, body="   ")


# ---------------------------------------------------------------------------------------------
# Voting rules


def test_one_person_one_vote_changeable_until_the_round_closes(city, seksi_round):
    proposal = propose(city, seksi_round)
    user = city.user("pppk")
    services.vote_cast(actor=user, proposal=proposal, value=1)
    services.vote_cast(actor=user, proposal=proposal, value=1)  # a second click changes nothing
    assert list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True)) == [1]
    services.vote_cast(actor=user, proposal=proposal, value=-1)
    assert list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True)) == [-1]
    actions = list(Event.objects.filter(object_type="criteria.vote").order_by("seq").values_list("action", flat=True))
    assert actions == ["criteria.vote.cast", "criteria.vote.change"]
    assert services.vote_withdraw(actor=user, proposal=proposal) is True
    assert not Vote.objects.filter(proposal=proposal).exists()
    services.vote_cast(actor=user, proposal=proposal, value=1)

    services.round_close(actor=city.user("penilai"), round_=seksi_round)
    with pytest.raises(ServiceError, match="sudah ditutup; suara tidak dapat"):
        services.vote_cast(actor=user, proposal=proposal, value=-1)
    with pytest.raises(ServiceError, match="sudah ditutup"):
        services.vote_withdraw(actor=user, proposal=proposal)
    assert list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True)) == [1]


def test_vote_after_the_closing_time_is_refused_before_the_command_runs(city, seksi_round):
    proposal = propose(city, seksi_round)
    with pytest.raises(ServiceError, match="sudah ditutup; suara"):
        services.vote_cast(actor=city.user("pppk"), proposal=proposal, value=1, now=seksi_round.closes_at)


@pytest.mark.parametrize("who", ["kadis", "atasan", "lain", "admin", "auditor", "outsider"])
def test_non_members_may_not_vote(city, seksi_round, who):
    proposal = propose(city, seksi_round)
    with pytest.raises(ServiceError, match="Hanya ASN aktif"):
        services.vote_cast(actor=city.user(who), proposal=proposal, value=1)
    assert not Vote.objects.exists()


def test_vote_value_is_plus_or_minus_one(city, seksi_round):
    proposal = propose(city, seksi_round)
    with pytest.raises(ServiceError, match="setuju atau tidak setuju"):
        services.vote_cast(actor=city.user("pppk"), proposal=proposal, value=2)


VOTERS = ("pegawai", "pppk", "penilai")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(VOTERS), st.sampled_from([1, -1, 0])), max_size=12))
def test_any_sequence_of_votes_leaves_one_vote_per_person_and_the_tally_counts_voters(city, seksi_round, steps):
    from criteria.selectors import proposal_page

    proposal = Proposal.objects.filter(round=seksi_round).first() or propose(city, seksi_round)
    Vote.objects.filter(proposal=proposal).delete()
    last: dict[str, int] = {}
    for who, value in steps:
        if value:
            services.vote_cast(actor=city.user(who), proposal=proposal, value=value)
            last[who] = value
        else:
            services.vote_withdraw(actor=city.user(who), proposal=proposal)
            last.pop(who, None)
    votes = list(Vote.objects.filter(proposal=proposal).values_list("voter_id", "value"))
    assert len(votes) == len({v for v, _ in votes})  # at most one per person
    assert dict(votes) == {city.employees[w].pk: v for w, v in last.items()}
    tally = proposal_page(user=city.user("pegawai"), proposal=proposal).row.tally
    assert tally.voters == len(last)
    assert (tally.up, tally.down) == (list(last.values()).count(1), list(last.values()).count(-1))


# ---------------------------------------------------------------------------------------------
# Decisions and versions


def test_only_the_head_decides_after_the_round_closes_with_a_reason(city, seksi_round):
    proposal = propose(city, seksi_round)
    with pytest.raises(ServiceError, match="setelah putaran ditutup"):
        services.proposal_decide(actor=city.user("penilai"), proposal=proposal, adopt=True, reason="Ya")
    services.round_close(actor=city.user("penilai"), round_=seksi_round)
    for who in ("kadis", "atasan", "admin", "pegawai"):
        with pytest.raises(ServiceError, match="Hanya kepala Seksi Layanan"):
            services.proposal_decide(actor=city.user(who), proposal=proposal, adopt=True, reason="Ya")
    with pytest.raises(ServiceError, match="alasan putusan"):
        services.proposal_decide(actor=city.user("penilai"), proposal=proposal, adopt=True, reason=" ")
    assert not CriterionVersion.objects.exists()


def test_adopting_a_new_proposal_publishes_version_one(city, org, seksi_round):
    proposal = propose(city, seksi_round, position_family="Pranata Komputer Ahli Pertama")
    services.vote_cast(actor=city.user("pppk"), proposal=proposal, value=1)
    services.round_close(actor=city.user("penilai"), round_=seksi_round)
    Notification.objects.all().delete()
    services.proposal_decide(actor=city.user("penilai"), proposal=proposal, adopt=True, reason="Terukur dan disetujui.")
    proposal.refresh_from_db()
    version = CriterionVersion.objects.select_related("criterion").get(proposal=proposal)
    assert proposal.status == ProposalStatus.ADOPTED and proposal.decided_by == city.user("penilai")
    assert (version.number, version.status, version.round) == (1, VersionStatus.ADOPTED, seksi_round)
    assert version.text == INDICATOR["text"] and version.adoption_reason == "Terukur dan disetujui."
    c = version.criterion
    assert (c.unit, c.position_family, c.kind) == (org.seksi, "Pranata Komputer", "hasil_kerja")
    assert Notification.objects.get(recipient=city.user("pegawai")).text.startswith("Usulan Anda")
    actions = set(Event.objects.filter(reason="Terukur dan disetujui.").values_list("action", flat=True))
    assert actions == {"criteria.proposal.decide", "criteria.version.adopt"}


def test_adopting_a_change_supersedes_the_previous_version_and_keeps_it(city, org):
    v1 = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Putaran kedua")
    change = services.proposal_create(
        actor=city.user("pppk"),
        round_=round_,
        base_version=v1,
        fields={**INDICATOR, "text": INDICATOR["text"].replace("3 hari", "2 hari")},
        rationale="Helpdesk kini lebih cepat.",
    )
    assert (change.kind, change.title, change.criterion_kind) == ("change", v1.criterion.title, "hasil_kerja")
    services.round_close(actor=city.user("penilai"), round_=round_)
    services.proposal_decide(actor=city.user("penilai"), proposal=change, adopt=True, reason="Sesuai data helpdesk.")
    versions = list(CriterionVersion.objects.filter(criterion=v1.criterion).order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, "superseded"), (2, "adopted")]
    assert versions[0].superseded_at is not None and versions[0].text == INDICATOR["text"]
    assert Criterion.objects.count() == 1


def test_change_must_change_something_and_target_the_current_version(city, org):
    v1 = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Putaran kedua")
    with pytest.raises(ServiceError, match="belum mengubah"):
        services.proposal_create(
            actor=city.user("pppk"), round_=round_, base_version=v1, fields=INDICATOR, rationale="x"
        )
    a = services.proposal_create(
        actor=city.user("pppk"),
        round_=round_,
        base_version=v1,
        fields={**INDICATOR, "measure_unit": "%"},
        rationale="a",
    )
    b = services.proposal_create(
        actor=city.user("pegawai"),
        round_=round_,
        base_version=v1,
        fields={**INDICATOR, "evidence": "Log"},
        rationale="b",
    )
    services.round_close(actor=city.user("penilai"), round_=round_)
    services.proposal_decide(actor=city.user("penilai"), proposal=a, adopt=True, reason="Satuan baku.")
    with pytest.raises(ServiceError, match="versi 2 berlaku sekarang"):
        services.proposal_decide(actor=city.user("penilai"), proposal=b, adopt=True, reason="Juga baik.")
    services.proposal_decide(actor=city.user("penilai"), proposal=b, adopt=False, reason="Usulkan lagi dari versi 2.")
    b.refresh_from_db()
    assert b.status == ProposalStatus.REJECTED and b.decision_reason == "Usulkan lagi dari versi 2."
    with pytest.raises(ServiceError, match="sudah diputus"):
        services.proposal_decide(actor=city.user("penilai"), proposal=b, adopt=True, reason="Ubah pikiran.")


def test_change_of_a_criterion_outside_the_rounds_unit_is_refused(city, org):
    dinas_v = adopted_version(city, org.dinas, "kadis")
    round_ = open_round(city, org.seksi)
    with pytest.raises(ServiceError, match="milik unit ini"):
        services.proposal_create(
            actor=city.user("pegawai"),
            round_=round_,
            base_version=dinas_v,
            fields={**INDICATOR, "measure_unit": "%"},
            rationale="x",
        )


def test_a_rubric_keeps_its_level_examples(city, org):
    v = adopted_version(
        city, org.seksi, title="Ramah melayani", criterion_kind="perilaku", value="pelayanan", fields=RUBRIC
    )
    assert (v.criterion.kind, v.criterion.value) == ("perilaku", "pelayanan")
    assert (v.example_below, v.example_meets, v.example_above) == (
        RUBRIC["example_below"],
        RUBRIC["example_meets"],
        RUBRIC["example_above"],
    )


# ---------------------------------------------------------------------------------------------
# An SKP indicator taken from the library (performance.services.indicator_save)


def _add(cycle, version, who="pegawai"):
    return perf.indicator_save(
        actor=cycle.city.user(who),
        rhk=cycle.utama,
        text=version.text,
        aspect=version.aspect,
        kind=version.indicator_kind,
        target_value="95",
        target_unit=version.measure_unit,
        target_text="Sesuai contoh tingkat Sesuai Ekspektasi",
        criterion_version=version,
    )


def test_skp_indicator_from_the_library_links_the_adopted_version_and_is_audited(cycle, org):
    version = adopted_version(cycle.city, org.dinas, "kadis")  # owned by the dinas, applies to its seksi
    indicator = _add(cycle, version)
    assert Indicator.objects.get(pk=indicator.pk).criterion_version_id == version.pk
    event = Event.objects.get(action="performance.indicator.create", object_id=str(indicator.pk))
    assert event.changes["criterion_version_id"] == version.pk
    # Changing the wording later keeps the link to where it came from.
    perf.indicator_save(
        actor=cycle.city.user("pegawai"),
        rhk=cycle.utama,
        indicator=indicator,
        text="Aduan selesai dalam 3 hari kerja (helpdesk)",
        aspect="KUALITAS",
        kind="KUANTITATIF",
        target_value="95",
        target_unit="persen",
    )
    assert Indicator.objects.get(pk=indicator.pk).criterion_version_id == version.pk


def test_skp_indicator_refuses_a_version_not_published_for_the_employee(cycle, org):
    city = cycle.city
    other_dinas = adopted_version(city, org.sosial, "kadis_lain", who="lain")
    with pytest.raises(perf.ServiceError, match="pustaka kriteria yang berlaku untuk Anda"):
        _add(cycle, other_dinas)
    only_pppk = adopted_version(city, org.seksi, title="Khusus pelaksana", position_kind="PELAKSANA")
    with pytest.raises(perf.ServiceError, match="berlaku untuk Anda"):
        _add(cycle, only_pppk)
    rubric = adopted_version(city, org.seksi, title="Rubrik", criterion_kind="perilaku", value="loyal", fields=RUBRIC)
    with pytest.raises(perf.ServiceError, match="berlaku untuk Anda"):
        _add(cycle, rubric)


def test_skp_indicator_refuses_a_superseded_version(cycle, org):
    city = cycle.city
    v1 = adopted_version(city, org.seksi)
    round_ = open_round(city, org.seksi, title="Kedua")
    change = services.proposal_create(
        actor=city.user("pppk"),
        round_=round_,
        base_version=v1,
        fields={**INDICATOR, "measure_unit": "%"},
        rationale="x",
    )
    services.round_close(actor=city.user("penilai"), round_=round_)
    services.proposal_decide(actor=city.user("penilai"), proposal=change, adopt=True, reason="Baku.")
    with pytest.raises(perf.ServiceError, match="sudah digantikan"):
        _add(cycle, v1)


def test_family_criterion_applies_only_to_that_family(cycle, org):
    version = adopted_version(cycle.city, org.dinas, "kadis", position_family="Pranata Komputer")
    assert _add(cycle, version).criterion_version_id == version.pk  # pegawai: Pranata Komputer Ahli Pertama
    from criteria.selectors import library_versions_for

    pppk = cycle.city.employees["pppk"]
    assert library_versions_for(employee=pppk) == []


def test_an_organisation_wide_round_is_decided_by_the_pimpinan(city):
    from datetime import timedelta

    from django.utils import timezone

    from criteria import services as cs
    from criteria.tests.conftest import INDICATOR
    from org.models import Unit

    root = Unit.objects.get(depth=0)
    round_ = cs.round_open(
        actor=city.user("admin"), unit=root, title="Kriteria kota", closes_at=timezone.now() + timedelta(days=3)
    )
    proposal = cs.proposal_create(
        actor=city.user("pegawai"),
        round_=round_,
        title="Layanan tuntas",
        criterion_kind="hasil_kerja",
        fields=INDICATOR,
        rationale="Berlaku untuk semua perangkat daerah.",
    )
    cs.round_close(actor=city.user("admin"), round_=round_)
    proposal.refresh_from_db()
    with pytest.raises(cs.ServiceError):
        cs.proposal_decide(actor=city.user("admin"), proposal=proposal, adopt=True, reason="x")
    decided = cs.proposal_decide(actor=city.user("pimpinan"), proposal=proposal, adopt=True, reason="Disepakati")
    assert decided.status == "adopted"
