"""Every write of criteria drafting. Each public function is one transaction and is audited.

A round is locked before anything inside it changes (a proposal, a comment, a vote, a decision),
so closing a round and a last vote can never both win: whichever commits first decides whether the
other is refused.
"""

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import EventData, event_record, events_record
from criteria import permissions as perm
from criteria import rules
from criteria.models import (
    VALUE_CHOICES,
    VERSION_FIELDS,
    Comment,
    Criterion,
    CriterionKind,
    CriterionVersion,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Round,
    RoundStatus,
    VersionStatus,
    Vote,
)
from org.models import Employee, PositionKind, Unit
from performance.models import Aspect, IndicatorKind, Period
from performance.services import notify

MAX_TEXT = 4000


class ServiceError(Exception):
    """A refusal the user can act on; the message is already translated."""


def _denied() -> ServiceError:
    return ServiceError(_("Anda tidak berwenang melakukan ini."))


def _round_url(round_: Round) -> str:
    return reverse("criteria:round", args=[round_.pk])


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _member_ids(unit: Unit) -> list[int]:
    return list(Employee.objects.active().in_unit_tree(unit).values_list("pk", flat=True))


def _lock_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("unit").get(pk=round_.pk)


def _require_open(round_: Round, now: datetime, closed_message: str) -> None:
    state = round_.state(now)
    if state == rules.RoundState.SCHEDULED:
        raise ServiceError(_("Putaran ini belum dibuka. Dibuka %(when)s.") % {"when": _when(round_.opens_at)})
    if state == rules.RoundState.CLOSED:
        raise ServiceError(closed_message)


def _participant(actor, round_: Round) -> Employee:
    """The actor as an ASN of the round's unit, or a refusal saying who may take part."""
    if not perm.can_take_part(actor, round_):
        raise ServiceError(
            _("Hanya ASN aktif di %(unit)s (termasuk unit di bawahnya) yang dapat ikut dalam putaran ini.")
            % {"unit": round_.unit.name}
        )
    return actor.employee


# ---------------------------------------------------------------------------------------------
# Rounds


def round_open(
    *,
    actor,
    unit: Unit,
    title: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    period: Period | None = None,
    description: str = "",
    now: datetime | None = None,
) -> Round:
    """Open a drafting round for a unit (admin BKPSDM or the unit's head). Every active ASN of the
    unit is told at once, or when the round opens if it is scheduled for later."""
    if not perm.can_open_round(actor, unit):
        raise _denied()
    now = now or timezone.now()
    opens_at = opens_at or now
    title = title.strip()
    if not title:
        raise ServiceError(_("Tuliskan judul putaran."))
    if closes_at <= opens_at:
        raise ServiceError(_("Waktu tutup harus sesudah waktu buka."))
    if closes_at <= now:
        raise ServiceError(_("Waktu tutup sudah lewat; pilih waktu di masa depan."))
    with transaction.atomic():
        round_ = Round.objects.create(
            unit=unit,
            period=period,
            title=title[:200],
            description=description.strip()[:MAX_TEXT],
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        event_record(
            actor=actor,
            action="criteria.round.open",
            obj=round_,
            changes={
                "unit_id": unit.pk,
                "period_id": period.pk if period else None,
                "opens_at": opens_at,
                "closes_at": closes_at,
            },
        )
        if opens_at <= now:
            _announce(round_, now)
    return round_


def _announce(round_: Round, now: datetime) -> int:
    """Tell every active ASN of the unit that the round is open (inside the caller's transaction)."""
    text = _("Putaran penyusunan kriteria %(unit)s dibuka sampai %(when)s: usulkan, komentari, dan beri suara.") % {
        "unit": round_.unit.name,
        "when": _when(round_.closes_at),
    }
    sent = notify(_member_ids(round_.unit), text, _round_url(round_))
    round_.announced_at = now
    round_.save(update_fields=["announced_at"])
    return sent


def rounds_announce_due(*, now: datetime | None = None) -> int:
    """Announce the scheduled rounds whose opening time has come. Returns how many were announced."""
    now = now or timezone.now()
    due = Round.objects.filter(
        status=RoundStatus.OPEN, announced_at__isnull=True, opens_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            round_ = Round.objects.select_for_update().select_related("unit").get(pk=pk)
            if round_.announced_at is not None:
                continue
            sent = _announce(round_, now)
            event_record(actor=None, action="criteria.round.announce", obj=round_, changes={"notified": sent})
            count += 1
    return count


def _close(actor, round_: Round, now: datetime) -> None:
    """Close a locked round and tell its unit; the head hears how many proposals wait for them."""
    open_proposals = round_.proposals.filter(status=ProposalStatus.OPEN).count()
    round_.status = RoundStatus.CLOSED
    round_.closed_at = now
    round_.closed_by = actor
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    url = _round_url(round_)
    notify(
        _member_ids(round_.unit),
        _("Putaran penyusunan kriteria %(unit)s ditutup. Lihat usulan dan hasil pemungutan suaranya.")
        % {"unit": round_.unit.name},
        url,
    )
    head = (
        Employee.objects.active()
        .filter(unit_id=round_.unit_id, position__is_head=True, position__unit_id=round_.unit_id)
        .values_list("pk", flat=True)
        .first()
    )
    if head is not None and open_proposals:
        notify(
            [head],
            _("%(n)s usulan kriteria %(unit)s menunggu putusan Anda.")
            % {"n": open_proposals, "unit": round_.unit.name},
            url,
        )
    event_record(
        actor=actor,
        action="criteria.round.close",
        obj=round_,
        changes={"status": {"old": RoundStatus.OPEN, "new": RoundStatus.CLOSED}, "open_proposals": open_proposals},
    )


def round_close(*, actor, round_: Round, now: datetime | None = None) -> Round:
    """Close a round before its closing time (the unit's head or admin BKPSDM)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_round(round_)
        if not perm.can_close_round(actor, locked):
            raise _denied()
        if locked.status == RoundStatus.CLOSED:
            raise ServiceError(_("Putaran ini sudah ditutup."))
        _close(actor, locked, now)
    return locked


def rounds_close_due(*, now: datetime | None = None) -> int:
    """Close every open round past its closing time and notify its unit (`terang criteria_close_rounds`)."""
    now = now or timezone.now()
    due = list(Round.objects.filter(status=RoundStatus.OPEN, closes_at__lte=now).values_list("pk", flat=True))
    count = 0
    for pk in due:
        with transaction.atomic():
            round_ = Round.objects.select_for_update().select_related("unit").get(pk=pk)
            if round_.status == RoundStatus.CLOSED:
                continue
            _close(None, round_, now)
            count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Proposals


def clean_version_fields(criterion_kind: str, data: Mapping[str, str]) -> dict[str, str]:
    """The drafted wording, trimmed and checked: clear enough to measure, or a message saying what is missing."""
    fields = {f: str(data.get(f) or "").strip() for f in VERSION_FIELDS}
    if any(len(value) > MAX_TEXT for value in fields.values()):
        raise ServiceError(_("Isian terlalu panjang; ringkas menjadi paling banyak 4000 huruf."))
    if not fields["text"]:
        raise ServiceError(_("Tuliskan rumusan indikator atau perilaku yang diharapkan."))
    if criterion_kind == CriterionKind.HASIL_KERJA:
        if fields["aspect"] not in Aspect.values:
            raise ServiceError(_("Pilih aspek: Kuantitas, Kualitas, Waktu, atau Biaya."))
        if fields["indicator_kind"] not in IndicatorKind.values:
            raise ServiceError(_("Pilih cara ukur: kuantitatif atau kualitatif."))
        if fields["indicator_kind"] == IndicatorKind.KUANTITATIF and not fields["measure_unit"]:
            raise ServiceError(_("Indikator kuantitatif perlu satuan, misalnya dokumen, kegiatan, atau persen."))
        if len(fields["measure_unit"]) > 40:
            raise ServiceError(_("Satuan paling banyak 40 huruf."))
        if not fields["measurement"]:
            raise ServiceError(_("Tuliskan cara mengukurnya, agar setiap ASN menghitung dengan cara yang sama."))
        fields["example_below"] = fields["example_meets"] = fields["example_above"] = ""
    elif criterion_kind == CriterionKind.PERILAKU:
        if not (fields["example_below"] and fields["example_meets"] and fields["example_above"]):
            raise ServiceError(
                _("Rubrik perilaku perlu contoh untuk ketiga tingkat: Di Bawah, Sesuai, dan Di Atas Ekspektasi.")
            )
        fields["aspect"], fields["indicator_kind"] = Aspect.KUALITAS, IndicatorKind.KUALITATIF
        fields["measure_unit"] = ""
    else:
        raise ServiceError(_("Jenis kriteria tidak dikenal."))
    return fields


def proposal_create(
    *,
    actor,
    round_: Round,
    rationale: str,
    fields: Mapping[str, str],
    base_version: CriterionVersion | None = None,
    title: str = "",
    criterion_kind: str = "",
    value: str = "",
    scope_unit: Unit | None = None,
    position_family: str = "",
    position_kind: str = "",
    now: datetime | None = None,
) -> Proposal:
    """Propose a new criterion, or (with `base_version`) a change of an adopted one's wording."""
    now = now or timezone.now()
    rationale = rationale.strip()
    if not rationale:
        raise ServiceError(_("Tuliskan alasan usulan: apa yang membuat kriteria ini lebih jelas atau lebih adil."))
    with transaction.atomic():
        locked = _lock_round(round_)
        employee = _participant(actor, locked)
        _require_open(locked, now, _("Putaran ini sudah ditutup; usulan baru tidak dapat diajukan lagi."))
        if base_version is not None:
            base = CriterionVersion.objects.select_related("criterion__unit").filter(pk=base_version.pk).first()
            if (
                base is None
                or base.status != VersionStatus.ADOPTED
                or not base.criterion.unit.path.startswith(locked.unit.path)
            ):
                raise ServiceError(
                    _(
                        "Hanya versi yang berlaku dari kriteria milik unit ini (atau unit di bawahnya) "
                        "yang dapat diubah."
                    )
                )
            criterion = base.criterion
            cleaned = clean_version_fields(criterion.kind, fields)
            if cleaned == base.version_data():
                raise ServiceError(_("Usulan perubahan belum mengubah apa pun dari versi yang berlaku."))
            scope = {
                "kind": ProposalKind.CHANGE,
                "base_version": base,
                "title": criterion.title,
                "criterion_kind": criterion.kind,
                "value": criterion.value,
                "scope_unit": criterion.unit,
                "position_family": criterion.position_family,
                "position_kind": criterion.position_kind,
            }
        else:
            title = title.strip()
            if not title:
                raise ServiceError(_("Tuliskan judul kriteria yang singkat."))
            if criterion_kind == CriterionKind.PERILAKU and value not in dict(VALUE_CHOICES):
                raise ServiceError(_("Pilih nilai BerAKHLAK yang dijabarkan rubrik ini."))
            if criterion_kind != CriterionKind.PERILAKU:
                value = ""
            unit = scope_unit or locked.unit
            if not unit.path.startswith(locked.unit.path):
                raise ServiceError(_("Kriteria hanya dapat berlaku di unit ini atau unit di bawahnya."))
            if position_kind and position_kind not in PositionKind.values:
                raise ServiceError(_("Jenis jabatan tidak dikenal."))
            cleaned = clean_version_fields(criterion_kind, fields)
            scope = {
                "kind": ProposalKind.NEW,
                "base_version": None,
                "title": title[:200],
                "criterion_kind": criterion_kind,
                "value": value,
                "scope_unit": unit,
                "position_family": rules.position_family(position_family)[:200],
                "position_kind": position_kind,
            }
        proposal = Proposal.objects.create(
            round=locked, proposer=employee, rationale=rationale[:MAX_TEXT], created_at=now, **scope, **cleaned
        )
        event_record(
            actor=actor,
            action="criteria.proposal.create",
            obj=proposal,
            changes={
                "round_id": locked.pk,
                "kind": proposal.kind,
                "base_version_id": proposal.base_version_id,
                "title": proposal.title,
                **cleaned,
            },
            reason=proposal.rationale,
            subject_employee_id=employee.pk,
        )
    return proposal


def comment_add(*, actor, proposal: Proposal, body: str, now: datetime | None = None) -> Comment:
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ServiceError(_("Tuliskan komentar Anda."))
    if len(body) > MAX_TEXT:
        raise ServiceError(_("Komentar terlalu panjang; ringkas menjadi paling banyak 4000 huruf."))
    with transaction.atomic():
        locked = _lock_round(proposal.round)
        employee = _participant(actor, locked)
        _require_open(locked, now, _("Putaran ini sudah ditutup; komentar tidak dapat ditambahkan lagi."))
        comment = Comment.objects.create(proposal_id=proposal.pk, author=employee, body=body, created_at=now)
        event_record(
            actor=actor,
            action="criteria.comment.create",
            obj=comment,
            changes={"proposal_id": proposal.pk, "body": body},
            subject_employee_id=employee.pk,
        )
    return comment


def _lock_for_vote(actor, proposal: Proposal, now: datetime) -> tuple[Employee, Proposal]:
    locked_round = _lock_round(proposal.round)
    employee = _participant(actor, locked_round)
    _require_open(locked_round, now, _("Putaran ini sudah ditutup; suara tidak dapat diberikan atau diubah lagi."))
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk, round=locked_round)
    if locked.status != ProposalStatus.OPEN:
        raise ServiceError(_("Usulan ini sudah diputus; suara tidak dapat diberikan atau diubah lagi."))
    return employee, locked


def vote_cast(*, actor, proposal: Proposal, value: int, now: datetime | None = None) -> Vote:
    """Agree (+1) or disagree (−1). One vote per person: voting again changes the vote."""
    now = now or timezone.now()
    if value not in (1, -1):
        raise ServiceError(_("Pilih setuju atau tidak setuju."))
    with transaction.atomic():
        employee, locked = _lock_for_vote(actor, proposal, now)
        vote = Vote.objects.select_for_update().filter(proposal=locked, voter=employee).first()
        before = vote.value if vote else None
        if vote is None:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(
                        proposal=locked, voter=employee, value=value, created_at=now, updated_at=now
                    )
            except IntegrityError:  # a second click that raced the first: change that vote instead
                vote = Vote.objects.select_for_update().get(proposal=locked, voter=employee)
                before = vote.value
        if before is not None:
            if before == value:
                return vote
            vote.value, vote.updated_at = value, now
            vote.save(update_fields=["value", "updated_at"])
        event_record(
            actor=actor,
            action="criteria.vote.cast" if before is None else "criteria.vote.change",
            obj=vote,
            changes={"proposal_id": locked.pk, "value": {"old": before, "new": value}},
            subject_employee_id=employee.pk,
        )
    return vote


def vote_withdraw(*, actor, proposal: Proposal, now: datetime | None = None) -> bool:
    """Take one's vote back while the round is open. Returns whether there was a vote."""
    now = now or timezone.now()
    with transaction.atomic():
        employee, locked = _lock_for_vote(actor, proposal, now)
        vote = Vote.objects.select_for_update().filter(proposal=locked, voter=employee).first()
        if vote is None:
            return False
        event_record(
            actor=actor,
            action="criteria.vote.withdraw",
            obj=vote,
            changes={"proposal_id": locked.pk, "value": {"old": vote.value, "new": None}},
            subject_employee_id=employee.pk,
        )
        vote.delete()
    return True


# ---------------------------------------------------------------------------------------------
# Decisions


def proposal_decide(*, actor, proposal: Proposal, adopt: bool, reason: str, now: datetime | None = None) -> Proposal:
    """The unit head's decision, after the round has closed, with a written reason. Adopting
    publishes a new version of the criterion and supersedes the one it replaces."""
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        locked_round = _lock_round(proposal.round)
        if not perm.can_decide(actor, locked_round):
            raise ServiceError(_("Hanya kepala %(unit)s yang memutus usulan ini.") % {"unit": locked_round.unit.name})
        if locked_round.state(now) != rules.RoundState.CLOSED:
            raise ServiceError(
                _("Usulan diputus setelah putaran ditutup, agar setiap suara sampai waktu tutup ikut dihitung.")
            )
        if not reason:
            raise ServiceError(_("Tuliskan alasan putusan; alasan ini dibaca seluruh ASN unit."))
        locked = Proposal.objects.select_for_update().select_related("scope_unit").get(pk=proposal.pk)
        if locked.status != ProposalStatus.OPEN:
            raise ServiceError(_("Usulan ini sudah diputus."))
        events = []
        version = None
        if adopt:
            version, superseded = _adopt(actor, locked_round, locked, reason, now)
            events.append(
                EventData(
                    action="criteria.version.adopt",
                    object_type=version._meta.label_lower,
                    object_id=str(version.pk),
                    object_repr=f"{locked.title} v{version.number}",
                    changes={
                        "criterion_id": version.criterion_id,
                        "number": version.number,
                        "proposal_id": locked.pk,
                        "superseded_version_id": superseded.pk if superseded else None,
                        **version.version_data(),
                    },
                    reason=reason,
                )
            )
        locked.status = ProposalStatus.ADOPTED if adopt else ProposalStatus.REJECTED
        locked.decision_reason = reason[:MAX_TEXT]
        locked.decided_by = actor
        locked.decided_at = now
        locked.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        events.insert(
            0,
            EventData(
                action="criteria.proposal.decide",
                object_type=locked._meta.label_lower,
                object_id=str(locked.pk),
                object_repr=str(locked),
                changes={"status": {"old": ProposalStatus.OPEN, "new": locked.status}},
                reason=locked.decision_reason,
                subject_employee_id=locked.proposer_id,
            ),
        )
        events_record(actor=actor, events=events)
        if adopt:
            # The public portal copies adopted criteria when it refreshes: refresh the latest announced year.
            from transparency.selectors import BOARD_STATUSES
            from transparency.tasks import aggregates_refresh_enqueue

            latest = (
                Period.objects.filter(status__in=BOARD_STATUSES).order_by("-year").values_list("pk", flat=True).first()
            )
            if latest is not None:
                aggregates_refresh_enqueue(latest, trigger="criteria.version.adopt")
            text = _("Usulan Anda “%(title)s” diterima dan terbit sebagai versi %(n)s.") % {
                "title": locked.title[:120],
                "n": version.number,
            }
        else:
            text = _("Usulan Anda “%(title)s” ditolak. Baca alasannya.") % {"title": locked.title[:120]}
        notify([locked.proposer_id], text, reverse("criteria:proposal", args=[locked.pk]))
    return locked


def _adopt(actor, round_: Round, proposal: Proposal, reason: str, now: datetime):
    fields = proposal.version_data()
    superseded = None
    if proposal.kind == ProposalKind.CHANGE:
        base = CriterionVersion.objects.select_for_update().get(pk=proposal.base_version_id)
        if base.status != VersionStatus.ADOPTED:
            current = (
                CriterionVersion.objects.filter(criterion_id=base.criterion_id, status=VersionStatus.ADOPTED)
                .values_list("number", flat=True)
                .first()
            )
            raise ServiceError(
                _(
                    "Kriteria ini sudah berubah sejak usulan dibuat: versi %(n)s berlaku sekarang. "
                    "Tolak usulan ini dengan alasan, lalu usulkan lagi dari versi terbaru."
                )
                % {"n": current}
            )
        criterion = Criterion.objects.get(pk=base.criterion_id)
        base.status, base.superseded_at = VersionStatus.SUPERSEDED, now
        base.save(update_fields=["status", "superseded_at"])
        superseded = base
    else:
        criterion = Criterion.objects.create(
            unit=proposal.scope_unit,
            position_family=proposal.position_family,
            position_kind=proposal.position_kind,
            title=proposal.title,
            kind=proposal.criterion_kind,
            value=proposal.value,
            created_at=now,
        )
    number = (CriterionVersion.objects.filter(criterion=criterion).aggregate(m=Max("number"))["m"] or 0) + 1
    version = CriterionVersion.objects.create(
        criterion=criterion,
        number=number,
        adopted_at=now,
        adopted_by=actor,
        adoption_reason=reason,
        round=round_,
        proposal=proposal,
        **fields,
    )
    return version, superseded
