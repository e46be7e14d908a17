"""Every write in the performance cycle. Each public function is one transaction and is audited.

Concurrency: records that two people may edit carry a `version`; a save names the version it was
made from and is refused when someone saved in between. Double clicks are absorbed by one-time
form tokens (`client_token`) and by unique constraints.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import EventData, diff, event_record, events_record
from org.models import Employee, Unit
from performance import permissions as perm
from performance import rules
from performance.models import (
    Aspect,
    CreditAward,
    Direction,
    Evaluation,
    EvaluationStatus,
    Evidence,
    EvidenceKind,
    Expectation,
    FollowUp,
    FollowUpKind,
    Indicator,
    IndicatorKind,
    Message,
    Notification,
    Objection,
    ObjectionStatus,
    OrgResult,
    PeerRequest,
    Period,
    PeriodStatus,
    Realisation,
    Rhk,
    RhkKind,
    Skp,
    SkpStatus,
    SkpVersion,
    Slice,
    Thread,
    UnitFinalisation,
)
from transparency.tasks import aggregates_refresh_enqueue


class ServiceError(Exception):
    """A refusal the user can act on; the message is already translated."""


class Stale(ServiceError):
    """Someone saved the record after this form was opened."""


def _stale() -> Stale:
    return Stale(_("Data ini baru saja diubah orang lain. Muat ulang halaman, periksa, lalu simpan lagi."))


def _denied() -> ServiceError:
    return ServiceError(_("Anda tidak berwenang melakukan ini."))


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise _stale()


# ---------------------------------------------------------------------------------------------
# Notifications


def notify(employees: Iterable[Employee | int | None], text: str, url: str = "") -> int:
    """A notification for each employee with a login (bulk; silently none for those without one)."""
    from accounts.models import User

    ids = {e.pk if isinstance(e, Employee) else e for e in employees if e is not None}
    if not ids:
        return 0
    users = User.objects.filter(employee_id__in=ids, is_active=True).values_list("pk", flat=True)
    rows = [Notification(recipient_id=uid, text=text[:300], url=url[:300]) for uid in users]
    Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def notify_role(role: str, text: str, url: str = "") -> int:
    """A notification for every active user granted an office role (e.g. the pimpinan)."""
    from accounts.models import User

    users = User.objects.filter(role_grants__role=role, is_active=True).values_list("pk", flat=True).distinct()
    rows = [Notification(recipient_id=uid, text=text[:300], url=url[:300]) for uid in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_read(*, user, ids: Iterable[str] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Periods


# The achievement thresholds a period stores (its other settings keep the rule's defaults).
_THRESHOLDS = ("above_at", "meets_at", "cap")


def rules_for(period: Period) -> tuple[rules.DistributionRules, rules.AchievementRule]:
    """The period's rule settings (data), validated, with the defaults where the period is silent."""
    dist = rules.parse_distribution_rules(period.distribution_rules or rules.DEFAULT_DISTRIBUTION_RULES)
    raw = period.achievement_rule or {}
    return dist, rules.AchievementRule(**{k: raw[k] for k in _THRESHOLDS if k in raw})


def period_create(
    *,
    actor,
    year: int,
    name: str,
    scheme: str,
    planning_opens: date,
    planning_closes: date,
    evaluation_opens: date,
    evaluation_closes: date,
    objection_days: int = rules.OBJECTION_DAYS,
) -> Period:
    if not perm.can_manage_periods(actor):
        raise _denied()
    if planning_closes < planning_opens or evaluation_closes < evaluation_opens:
        raise ServiceError(_("Tanggal tutup tidak boleh sebelum tanggal buka."))
    with transaction.atomic():
        if Period.objects.filter(year=year, scheme=scheme).exists():
            raise ServiceError(_("Periode tahun %(year)s dengan skema ini sudah ada.") % {"year": year})
        period = Period.objects.create(
            year=year,
            name=name.strip() or f"{year}",
            scheme=scheme,
            planning_opens=planning_opens,
            planning_closes=planning_closes,
            evaluation_opens=evaluation_opens,
            evaluation_closes=evaluation_closes,
            objection_days=objection_days,
            distribution_rules=rules.DEFAULT_DISTRIBUTION_RULES,
            achievement_rule={k: str(getattr(rules.DEFAULT_ACHIEVEMENT_RULE, k)) for k in _THRESHOLDS},
        )
        period_slices_create(period=period)
        event_record(actor=actor, action="performance.period.create", obj=period, changes={"year": year})
    return period


def period_slices_create(*, period: Period) -> None:
    """Cut the period's year into its periodic evaluations (slices) by its scheme."""
    Slice.objects.bulk_create(
        Slice(period=period, code=s.code, label=s.label, start=s.start, end=s.end)
        for s in rules.period_slices(period.year, rules.Scheme(period.scheme))
    )


def period_set_status(*, actor, period: Period, status: str, expected_version: int | None = None) -> Period:
    if not perm.can_manage_periods(actor):
        raise _denied()
    if status == PeriodStatus.PUBLISHED:
        raise ServiceError(_("Pengumuman hasil dilakukan oleh pimpinan melalui halaman pengumuman."))
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        _check_version(locked, expected_version)
        before = locked.status
        if status not in PeriodStatus.values:
            raise ServiceError(_("Tahap periode tidak dikenal."))
        if before == PeriodStatus.CLOSED or (before == PeriodStatus.PUBLISHED and status != PeriodStatus.CLOSED):
            # Announced results are final for everyone: only closing the period remains.
            raise ServiceError(_("Periode yang sudah diumumkan hanya dapat ditutup, tidak dibuka kembali."))
        locked.status = status
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        event_record(
            actor=actor,
            action="performance.period.status",
            obj=locked,
            changes={"status": {"old": before, "new": status}},
        )
    return locked


def period_set_rules(*, actor, period: Period, distribution_rules: Mapping, reason: str) -> Period:
    """Replace the quota rule set of a period (a changed regulation is a configuration change)."""
    if not perm.can_manage_periods(actor):
        raise _denied()
    try:
        rules.parse_distribution_rules(distribution_rules)
    except rules.RuleSetError as exc:
        raise ServiceError(_("Aturan pola distribusi tidak sah: %(error)s") % {"error": exc}) from exc
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasan perubahan aturan."))
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        before = locked.distribution_rules
        locked.distribution_rules = dict(distribution_rules)
        locked.version += 1
        locked.save(update_fields=["distribution_rules", "version"])
        event_record(
            actor=actor,
            action="performance.period.rules",
            obj=locked,
            changes={"distribution_rules": {"old": before, "new": locked.distribution_rules}},
            reason=reason,
        )
    return locked


def org_result_set(*, actor, period: Period, unit: Unit, predikat: str, note: str = "") -> OrgResult:
    """Record the capaian kinerja organisasi of a perangkat daerah; it sets the unit's distribution pattern."""
    if not perm.can_set_org_result(actor):
        raise _denied()
    if predikat not in rules.OrgPredikat.__members__:
        raise ServiceError(_("Predikat organisasi tidak dikenal."))
    with transaction.atomic():
        existing = OrgResult.objects.select_for_update().filter(period=period, unit=unit).first()
        before = existing.predikat if existing else None
        if existing:
            existing.predikat, existing.note, existing.set_by, existing.set_at = predikat, note, actor, timezone.now()
            existing.save()
            result = existing
        else:
            result = OrgResult.objects.create(period=period, unit=unit, predikat=predikat, note=note, set_by=actor)
        event_record(
            actor=actor,
            action="performance.org_result.set",
            obj=result,
            changes={"predikat": {"old": before, "new": predikat}},
            reason=note,
        )
    return result


# ---------------------------------------------------------------------------------------------
# Planning


def skp_start(*, actor, period: Period, employee: Employee, copy_previous: bool = False) -> Skp:
    """Open an employee's SKP for a period (or return the one already open: a double click makes one)."""
    if not perm.can_plan(actor, employee):
        raise _denied()
    if period.status not in (PeriodStatus.PLANNING, PeriodStatus.DOING):
        raise ServiceError(_("Perencanaan SKP untuk periode ini sudah ditutup."))
    existing = Skp.objects.filter(period=period, employee=employee).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            skp = Skp.objects.create(
                period=period,
                employee=employee,
                penilai_id=employee.penilai_id,
                atasan_penilai_id=employee.atasan_penilai_id,
                unit_id=employee.unit_id,
                position_name=employee.position.name,
            )
            copied = 0
            if copy_previous:
                copied = _copy_previous(skp)
            event_record(
                actor=actor,
                action="performance.skp.start",
                obj=skp,
                changes={"copied_rhk": copied} if copied else {},
                subject_employee_id=employee.pk,
            )
    except IntegrityError:
        return Skp.objects.get(period=period, employee=employee)
    return skp


def _copy_previous(skp: Skp) -> int:
    """Copy RHK and indicators of the employee's most recent earlier SKP (targets included, no realisations)."""
    previous = (
        Skp.objects.filter(employee_id=skp.employee_id, period__year__lt=skp.period.year)
        .order_by("-period__year")
        .first()
    )
    if previous is None:
        return 0
    count = 0
    for old in previous.rhks.prefetch_related("indicators"):
        new = Rhk.objects.create(skp=skp, kind=old.kind, text=old.text, perspektif=old.perspektif, order=old.order)
        Indicator.objects.bulk_create(
            Indicator(
                rhk=new,
                text=i.text,
                aspect=i.aspect,
                kind=i.kind,
                target_value=i.target_value,
                target_unit=i.target_unit,
                target_text=i.target_text,
                direction=i.direction,
                order=i.order,
                criterion_version_id=i.criterion_version_id,
            )
            for i in old.indicators.all()
        )
        count += 1
    return count


def _lock_skp_for_edit(actor, skp: Skp, expected_version: int | None) -> Skp:
    locked = Skp.objects.select_for_update().select_related("period").get(pk=skp.pk)
    if not perm.can_edit_skp(actor, locked):
        raise ServiceError(_("SKP ini tidak dapat diubah sekarang."))
    _check_version(locked, expected_version)
    return locked


def _touch(skp: Skp, *, also: Iterable[str] = ()) -> None:
    """Count a change to the plan (saving the `also` fields with it). A change after agreement needs a
    new agreement: back to draft."""
    skp.version += 1
    fields = [*also, "version", "updated_at"]
    if skp.status == SkpStatus.AGREED:
        skp.status = SkpStatus.DRAFT
        fields.append("status")
    skp.save(update_fields=fields)


def _parent_rhk(skp: Skp, parent_id: int | None) -> Rhk | None:
    """The superior's RHK this one intervenes: it must belong to the pejabat penilai's SKP of the same period."""
    if not parent_id:
        return None
    parent = Rhk.objects.filter(pk=parent_id, skp__period_id=skp.period_id, skp__employee_id=skp.penilai_id).first()
    if parent is None:
        raise ServiceError(_("RHK atasan yang dipilih bukan milik SKP pejabat penilai Anda pada periode ini."))
    return parent


def rhk_save(
    *,
    actor,
    skp: Skp,
    text: str,
    kind: str = RhkKind.UTAMA,
    parent_id: int | None = None,
    perspektif: str = "",
    rhk: Rhk | None = None,
    expected_version: int | None = None,
) -> Rhk:
    text = text.strip()
    if not text:
        raise ServiceError(_("Tuliskan rencana hasil kerja."))
    if kind not in RhkKind.values:
        raise ServiceError(_("Jenis RHK harus UTAMA atau TAMBAHAN."))
    with transaction.atomic():
        locked = _lock_skp_for_edit(actor, skp, expected_version)
        parent = _parent_rhk(locked, parent_id)
        if rhk is None:
            order = (locked.rhks.aggregate(m=Max("order"))["m"] or 0) + 1
            obj = Rhk.objects.create(
                skp=locked, kind=kind, text=text, parent=parent, perspektif=perspektif, order=order
            )
            changes = {"text": text, "kind": kind, "parent_id": parent_id}
            action = "performance.rhk.create"
        else:
            obj = Rhk.objects.get(pk=rhk.pk, skp=locked)
            before = {"text": obj.text, "kind": obj.kind, "parent_id": obj.parent_id, "perspektif": obj.perspektif}
            obj.text, obj.kind, obj.parent, obj.perspektif = text, kind, parent, perspektif
            obj.save()
            changes = diff(before, {"text": text, "kind": kind, "parent_id": parent_id, "perspektif": perspektif})
            action = "performance.rhk.update"
        _touch(locked)
        event_record(actor=actor, action=action, obj=obj, changes=changes, subject_employee_id=locked.employee_id)
    return obj


def rhk_delete(*, actor, rhk: Rhk, expected_version: int | None = None) -> None:
    with transaction.atomic():
        locked = _lock_skp_for_edit(actor, rhk.skp, expected_version)
        obj = Rhk.objects.get(pk=rhk.pk, skp=locked)
        if Realisation.objects.filter(indicator__rhk=obj).exists():
            raise ServiceError(_("RHK ini sudah punya realisasi; ubah teksnya, jangan dihapus."))
        event_record(
            actor=actor,
            action="performance.rhk.delete",
            obj=obj,
            changes={"text": obj.text},
            subject_employee_id=locked.employee_id,
        )
        obj.delete()
        _touch(locked)


def _decimal(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("%(label)s harus berupa angka, misalnya 12 atau 12,5.") % {"label": label}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ServiceError(_("%(label)s harus angka nol atau lebih.") % {"label": label})
    return number.quantize(Decimal("0.01"))


def _library_version_id(version, skp: Skp) -> int:
    """The id of an adopted library indicator published for the SKP's employee, or a refusal."""
    from criteria.selectors import version_applies_to

    version_id = getattr(version, "pk", version)
    employee = Employee.objects.select_related("unit", "position").get(pk=skp.employee_id)
    if not version_applies_to(version_id=version_id, employee=employee):
        raise ServiceError(
            _(
                "Indikator ini tidak ada di pustaka kriteria yang berlaku untuk Anda, atau versinya sudah "
                "digantikan. Pilih lagi dari pustaka."
            )
        )
    return version_id


def indicator_save(
    *,
    actor,
    rhk: Rhk,
    text: str,
    aspect: str,
    kind: str,
    target_value=None,
    target_unit: str = "",
    target_text: str = "",
    direction: str = "HIGHER_BETTER",
    indicator: Indicator | None = None,
    expected_version: int | None = None,
    criterion_version=None,
) -> Indicator:
    """Add or change an indicator. `criterion_version` (a criteria.CriterionVersion) links it to the
    library indicator it was taken from; it must be adopted and published for the employee."""
    text = text.strip()
    if not text:
        raise ServiceError(_("Tuliskan indikator kinerja."))
    value = _decimal(target_value, _("Target"))
    if kind == IndicatorKind.KUANTITATIF:
        if value is None:
            raise ServiceError(_("Indikator kuantitatif perlu target berupa angka."))
        if value == 0:
            raise ServiceError(_("Target tidak boleh nol: capaian dihitung dari realisasi dibagi target."))
        if not target_unit.strip():
            raise ServiceError(_("Tuliskan satuan target, misalnya dokumen, kegiatan, atau persen."))
    elif kind == IndicatorKind.KUALITATIF:
        if not target_text.strip():
            raise ServiceError(_("Indikator kualitatif perlu uraian target yang dapat diperiksa."))
        value = None
    else:
        raise ServiceError(_("Cara ukur indikator tidak dikenal."))
    if aspect not in Aspect.values or direction not in Direction.values:
        raise ServiceError(_("Aspek atau arah indikator tidak dikenal."))
    with transaction.atomic():
        locked = _lock_skp_for_edit(actor, rhk.skp, expected_version)
        owner = Rhk.objects.get(pk=rhk.pk, skp=locked)
        fields = {
            "text": text,
            "aspect": aspect,
            "kind": kind,
            "target_value": value,
            "target_unit": target_unit.strip(),
            "target_text": target_text.strip(),
            "direction": direction,
        }
        if criterion_version is not None:
            fields["criterion_version_id"] = _library_version_id(criterion_version, locked)
        if indicator is None:
            order = (owner.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
            obj = Indicator.objects.create(rhk=owner, order=order, **fields)
            changes = fields
            action = "performance.indicator.create"
        else:
            obj = Indicator.objects.get(pk=indicator.pk, rhk=owner)
            before = {k: getattr(obj, k) for k in fields}
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            changes = diff(before, fields)
            action = "performance.indicator.update"
        _touch(locked)
        event_record(actor=actor, action=action, obj=obj, changes=changes, subject_employee_id=locked.employee_id)
    return obj


def indicator_delete(*, actor, indicator: Indicator, expected_version: int | None = None) -> None:
    with transaction.atomic():
        locked = _lock_skp_for_edit(actor, indicator.rhk.skp, expected_version)
        obj = Indicator.objects.get(pk=indicator.pk, rhk__skp=locked)
        if obj.realisations.exists():
            raise ServiceError(_("Indikator ini sudah punya realisasi; ubah teksnya, jangan dihapus."))
        event_record(
            actor=actor,
            action="performance.indicator.delete",
            obj=obj,
            changes={"text": obj.text},
            subject_employee_id=locked.employee_id,
        )
        obj.delete()
        _touch(locked)


def expectations_set(*, actor, skp: Skp, texts: Mapping[str, str], expected_version: int | None = None) -> Skp:
    """The pejabat penilai's special expectations, one per BerAKHLAK value."""
    with transaction.atomic():
        locked = Skp.objects.select_for_update().select_related("period").get(pk=skp.pk)
        if not perm.can_set_expectations(actor, locked):
            raise _denied()
        _check_version(locked, expected_version)
        current = {e.value: e for e in locked.expectations.all()}
        changes = {}
        for code, text in texts.items():
            if code not in rules.BERAKHLAK_CODES:
                raise ServiceError(_("Nilai BerAKHLAK tidak dikenal."))
            text = (text or "").strip()
            old = current[code].text if code in current else ""
            if old == text:
                continue
            changes[code] = {"old": old, "new": text}
            Expectation.objects.update_or_create(skp=locked, value=code, defaults={"text": text})
        if changes:
            _touch(locked)
            event_record(
                actor=actor,
                action="performance.skp.expectations",
                obj=locked,
                changes=changes,
                subject_employee_id=locked.employee_id,
            )
    return locked


ANNEX_FIELDS = ("dukungan_sumber_daya", "skema_pertanggungjawaban", "konsekuensi")


def skp_annex_set(*, actor, skp: Skp, texts: Mapping[str, str], expected_version: int | None = None) -> Skp:
    """The SKP annex (dukungan sumber daya, skema pertanggungjawaban, konsekuensi): written by the
    employee while drafting or by the pejabat penilai; like any change, it needs a new agreement."""
    with transaction.atomic():
        locked = Skp.objects.select_for_update().select_related("period").get(pk=skp.pk)
        if not (perm.can_edit_skp(actor, locked) or perm.can_set_expectations(actor, locked)):
            raise ServiceError(_("Lampiran SKP ini tidak dapat diubah sekarang."))
        _check_version(locked, expected_version)
        before = {f: getattr(locked, f) for f in ANNEX_FIELDS}
        after = {f: (texts.get(f) or "").strip()[:5000] for f in ANNEX_FIELDS}
        changes = diff(before, after)
        if not changes:
            return locked
        for f, value in after.items():
            setattr(locked, f, value)
        _touch(locked, also=ANNEX_FIELDS)
        event_record(
            actor=actor,
            action="performance.skp.annex",
            obj=locked,
            changes=changes,
            subject_employee_id=locked.employee_id,
        )
    return locked


def skp_content(skp: Skp) -> dict[str, Any]:
    """The SKP as plain data: what a version freezes and what the PDF prints."""
    rhks = []
    for r in skp.rhks.select_related("parent").prefetch_related("indicators").order_by("order", "id"):
        rhks.append(
            {
                "id": r.pk,
                "kind": r.kind,
                "text": r.text,
                "parent_id": r.parent_id,
                "parent_text": r.parent.text if r.parent_id else "",
                "perspektif": r.perspektif,
                "indicators": [
                    {
                        "id": i.pk,
                        "text": i.text,
                        "aspect": i.aspect,
                        "kind": i.kind,
                        "target_value": str(i.target_value) if i.target_value is not None else None,
                        "target_unit": i.target_unit,
                        "target_text": i.target_text,
                        "direction": i.direction,
                    }
                    for i in r.indicators.all()
                ],
            }
        )
    return {
        "rhk": rhks,
        "expectations": {e.value: e.text for e in skp.expectations.all()},
        "annex": {f: getattr(skp, f) for f in ANNEX_FIELDS},
        "penilai_id": skp.penilai_id,
        "atasan_penilai_id": skp.atasan_penilai_id,
    }


def _snapshot(actor, skp: Skp, comment: str = "") -> SkpVersion:
    number = (skp.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return SkpVersion.objects.create(
        skp=skp, number=number, status=skp.status, content=skp_content(skp), comment=comment, created_by=actor
    )


def skp_submit(*, actor, skp: Skp, expected_version: int | None = None) -> Skp:
    with transaction.atomic():
        locked = Skp.objects.select_for_update().select_related("period", "employee").get(pk=skp.pk)
        if perm._eid(actor) != locked.employee_id:
            raise _denied()
        if locked.status == SkpStatus.SUBMITTED:
            return locked  # a second click
        if locked.status == SkpStatus.AGREED:
            raise ServiceError(_("SKP ini sudah disetujui."))
        if locked.period.status not in (PeriodStatus.PLANNING, PeriodStatus.DOING):
            raise ServiceError(_("Pengajuan SKP untuk periode ini sudah ditutup."))
        _check_version(locked, expected_version)
        rhks = list(locked.rhks.prefetch_related("indicators"))
        if not any(r.kind == RhkKind.UTAMA for r in rhks):
            raise ServiceError(_("SKP perlu sekurang-kurangnya satu RHK utama."))
        empty = [r.text[:60] for r in rhks if not r.indicators.all()]
        if empty:
            raise ServiceError(_("Setiap RHK perlu indikator. Belum ada indikator pada: %(rhk)s") % {"rhk": empty[0]})
        # The reporting line in force now is the one that will agree and rate.
        locked.penilai_id = locked.employee.penilai_id
        locked.atasan_penilai_id = locked.employee.atasan_penilai_id
        # Nobody above in the roster (heads of perangkat daerah): the pimpinan agrees for the Kepala Daerah.
        locked.status = SkpStatus.SUBMITTED
        locked.return_comment = ""
        locked.version += 1
        locked.save()
        version = _snapshot(actor, locked)
        event_record(
            actor=actor,
            action="performance.skp.submit",
            obj=locked,
            changes={"status": {"old": "draft", "new": "submitted"}, "version": version.number},
            subject_employee_id=locked.employee_id,
        )
        text = _("%(name)s mengajukan SKP untuk disetujui.") % {"name": locked.employee.full_name}
        if locked.penilai_id:
            notify([locked.penilai_id], text, f"/kinerja/skp/{locked.pk}/")
        else:
            notify_role("pimpinan", text, f"/kinerja/skp/{locked.pk}/")
    return locked


def skp_review(*, actor, skp: Skp, agree: bool, comment: str = "", expected_version: int | None = None) -> Skp:
    """The pejabat penilai agrees to the submitted SKP, or returns it with comments."""
    with transaction.atomic():
        locked = Skp.objects.select_for_update().select_related("period", "employee").get(pk=skp.pk)
        if not perm.is_appraiser(actor, locked):
            raise _denied()
        if locked.status != SkpStatus.SUBMITTED:
            if (agree and locked.status == SkpStatus.AGREED) or (not agree and locked.status == SkpStatus.RETURNED):
                return locked  # a second click
            raise ServiceError(_("SKP ini tidak sedang menunggu persetujuan."))
        _check_version(locked, expected_version)
        if not agree and not comment.strip():
            raise ServiceError(_("Tuliskan apa yang perlu diperbaiki sebelum mengembalikan SKP."))
        locked.status = SkpStatus.AGREED if agree else SkpStatus.RETURNED
        locked.return_comment = "" if agree else comment.strip()
        locked.version += 1
        if agree:
            locked.agreed_at = timezone.now()
        version = _snapshot(actor, locked, comment.strip())
        if agree:
            locked.agreed_version = version.number
        locked.save()
        event_record(
            actor=actor,
            action="performance.skp.agree" if agree else "performance.skp.return",
            obj=locked,
            changes={"status": {"old": "submitted", "new": locked.status}, "version": version.number},
            reason=comment.strip(),
            subject_employee_id=locked.employee_id,
        )
        text = (
            _("SKP Anda disetujui pejabat penilai.")
            if agree
            else _("SKP Anda dikembalikan dengan catatan: %(comment)s") % {"comment": comment.strip()[:200]}
        )
        notify([locked.employee_id], text, f"/kinerja/skp/{locked.pk}/")
    return locked


# ---------------------------------------------------------------------------------------------
# Doing: realisation, evidence, dialog kinerja, 360


def realisation_save(
    *,
    actor,
    indicator: Indicator,
    slice: Slice,
    value=None,
    text: str = "",
    expected_version: int | None = None,
) -> Realisation:
    skp = indicator.rhk.skp
    if slice.period_id != skp.period_id:
        raise ServiceError(_("Periode evaluasi tidak sesuai dengan SKP."))
    number = _decimal(value, _("Realisasi"))
    if indicator.kind == IndicatorKind.KUANTITATIF and number is None and not text.strip():
        raise ServiceError(_("Isi angka realisasi."))
    with transaction.atomic():
        locked_skp = Skp.objects.select_for_update().select_related("period").get(pk=skp.pk)
        if not perm.can_record_realisation(actor, locked_skp):
            raise ServiceError(
                _("Realisasi hanya dapat dicatat pada SKP yang sudah disetujui, selama periode berjalan.")
            )
        obj, created = Realisation.objects.select_for_update().get_or_create(
            indicator=indicator, slice=slice, defaults={"value": number, "text": text.strip(), "updated_by": actor}
        )
        if created:
            changes = {"value": number, "text": text.strip()}
        else:
            _check_version(obj, expected_version)
            before = {"value": obj.value, "text": obj.text}
            obj.value, obj.text, obj.updated_by, obj.updated_at = number, text.strip(), actor, timezone.now()
            obj.version += 1
            obj.save()
            changes = diff(before, {"value": number, "text": obj.text})
        if changes:
            event_record(
                actor=actor,
                action="performance.realisation.save",
                obj=obj,
                changes=changes,
                subject_employee_id=locked_skp.employee_id,
            )
    return obj


def realisation_assess(*, actor, realisation: Realisation, level: str) -> Realisation:
    """The pejabat penilai judges a kualitatif realisation against its described target."""
    if level not in rules.Level.__members__:
        raise ServiceError(_("Pilih Di Atas, Sesuai, atau Di Bawah Ekspektasi."))
    with transaction.atomic():
        obj = (
            Realisation.objects.select_for_update().select_related("indicator__rhk__skp__period").get(pk=realisation.pk)
        )
        skp = obj.indicator.rhk.skp
        if not perm.can_assess(actor, skp):
            raise _denied()
        before = obj.assessed_level
        obj.assessed_level = level
        obj.version += 1
        obj.save(update_fields=["assessed_level", "version"])
        event_record(
            actor=actor,
            action="performance.realisation.assess",
            obj=obj,
            changes={"assessed_level": {"old": before, "new": level}},
            subject_employee_id=skp.employee_id,
        )
    return obj


def evidence_add_file(*, actor, realisation: Realisation, upload, client_token=None, title: str = "") -> Evidence:
    """Check the file by its content, keep it under a random private name, and link it as bukti dukung."""
    from core.filecheck import EVIDENCE_KINDS, FileRefused, check_upload
    from core.files import delete_private, store_private

    if client_token and (done := Evidence.objects.filter(client_token=client_token).first()):
        return done  # a second click of the same form
    skp = realisation.indicator.rhk.skp
    if not perm.can_record_realisation(actor, skp):
        raise _denied()
    try:
        checked = check_upload(
            upload, filename=upload.name, allowed=EVIDENCE_KINDS, max_bytes=settings.EVIDENCE_UPLOAD_MAX_BYTES
        )
    except FileRefused as exc:
        raise ServiceError(str(exc.message)) from exc
    upload.seek(0)
    stored = store_private("evidence", upload.chunks(), max_bytes=settings.EVIDENCE_UPLOAD_MAX_BYTES)
    if stored is None:
        raise ServiceError(_("Berkas terlalu besar."))
    name, size = stored
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                realisation=realisation,
                kind=EvidenceKind.FILE,
                title=(title or checked.safe_name)[:200],
                filename=checked.safe_name,
                stored_name=name,
                content_type=checked.kind.mime_type,
                size=size,
                sha256=checked.sha256,
                uploaded_by=actor,
                client_token=client_token,
            )
            event_record(
                actor=actor,
                action="performance.evidence.add",
                obj=evidence,
                changes={"filename": checked.safe_name, "sha256": checked.sha256, "size": size},
                subject_employee_id=skp.employee_id,
            )
    except IntegrityError:
        delete_private("evidence", name)
        return Evidence.objects.get(client_token=client_token)
    except Exception:
        delete_private("evidence", name)
        raise
    return evidence


def evidence_add_link(*, actor, realisation: Realisation, url: str, title: str = "", client_token=None) -> Evidence:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(_("Tautan harus alamat web lengkap, diawali https://")) from None
    if client_token and (done := Evidence.objects.filter(client_token=client_token).first()):
        return done
    skp = realisation.indicator.rhk.skp
    if not perm.can_record_realisation(actor, skp):
        raise _denied()
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                realisation=realisation,
                kind=EvidenceKind.LINK,
                url=url,
                title=(title.strip() or url)[:200],
                uploaded_by=actor,
                client_token=client_token,
            )
            event_record(
                actor=actor,
                action="performance.evidence.add",
                obj=evidence,
                changes={"url": url},
                subject_employee_id=skp.employee_id,
            )
    except IntegrityError:
        return Evidence.objects.get(client_token=client_token)
    return evidence


def evidence_remove(*, actor, evidence: Evidence, reason: str = "") -> Evidence:
    """Withdraw a bukti dukung. The record (and file) stay for the audit trail; it no longer counts."""
    skp = evidence.realisation.indicator.rhk.skp
    if not perm.can_record_realisation(actor, skp):
        raise _denied()
    with transaction.atomic():
        obj = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if obj.removed_at:
            return obj
        obj.removed_at = timezone.now()
        obj.save(update_fields=["removed_at"])
        event_record(
            actor=actor,
            action="performance.evidence.remove",
            obj=obj,
            reason=reason,
            subject_employee_id=skp.employee_id,
        )
    return obj


def thread_start(
    *, actor, skp: Skp, subject: str, body: str, rhk: Rhk | None = None, value: str = "", client_token=None
) -> Thread:
    if not perm.can_talk(actor, skp):
        raise _denied()
    if not body.strip():
        raise ServiceError(_("Tulis pesannya."))
    if rhk is not None and rhk.skp_id != skp.pk:
        raise ServiceError(_("RHK tidak termasuk SKP ini."))
    if client_token and (done := Message.objects.filter(client_token=client_token).select_related("thread").first()):
        return done.thread
    with transaction.atomic():
        thread = Thread.objects.create(
            skp=skp, rhk=rhk, value=value, subject=(subject.strip() or body.strip())[:200], started_by=actor
        )
        _post(actor, thread, body, client_token)
    return thread


def message_post(*, actor, thread: Thread, body: str, client_token=None) -> Message:
    if not perm.can_talk(actor, thread.skp):
        raise _denied()
    if not body.strip():
        raise ServiceError(_("Tulis pesannya."))
    if client_token and (done := Message.objects.filter(client_token=client_token).first()):
        return done
    with transaction.atomic():
        return _post(actor, thread, body, client_token)


def _post(actor, thread: Thread, body: str, client_token) -> Message:
    message = Message.objects.create(thread=thread, author=actor, body=body.strip(), client_token=client_token)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    skp = thread.skp
    other = skp.penilai_id if perm._eid(actor) == skp.employee_id else skp.employee_id
    event_record(
        actor=actor,
        action="performance.dialog.message",
        obj=thread,
        changes={"message_id": message.pk},
        subject_employee_id=skp.employee_id,
    )
    notify(
        [other],
        _("Pesan baru di dialog kinerja: %(subject)s") % {"subject": thread.subject[:120]},
        f"/kinerja/dialog/{thread.pk}/",
    )
    return message


def peer_request(*, actor, skp: Skp, respondents: Iterable[Employee], relation: str) -> list[PeerRequest]:
    """Ask peers or subordinates for 360 input on behaviour. Nobody is asked about themselves."""
    if not perm.can_request_peer_input(actor, skp):
        raise _denied()
    people = [e for e in respondents if e.pk != skp.employee_id]
    if not people:
        raise ServiceError(_("Pilih sekurang-kurangnya satu rekan kerja atau bawahan."))
    with transaction.atomic():
        existing = set(skp.peer_requests.values_list("respondent_id", flat=True))
        new = [
            PeerRequest(skp=skp, respondent=e, relation=relation, requested_by=actor)
            for e in people
            if e.pk not in existing
        ]
        PeerRequest.objects.bulk_create(new)
        event_record(
            actor=actor,
            action="performance.peer.request",
            obj=skp,
            changes={"respondents": len(new), "relation": relation},
            subject_employee_id=skp.employee_id,
        )
        notify(
            [r.respondent_id for r in new],
            _("Anda diminta memberi masukan perilaku kerja (360) untuk rekan."),
            "/kinerja/360/",
        )
    return new


def _every_value_rated(levels: Mapping[str, str]) -> bool:
    """A level for each of the seven BerAKHLAK values, and nothing else."""
    return set(levels) == rules.BERAKHLAK_CODES and all(v in rules.Level.__members__ for v in levels.values())


def peer_answer(*, actor, request: PeerRequest, levels: Mapping[str, str], comment: str = "") -> PeerRequest:
    if perm._eid(actor) != request.respondent_id:
        raise _denied()
    if not _every_value_rated(levels):
        raise ServiceError(_("Beri penilaian untuk ketujuh nilai BerAKHLAK."))
    with transaction.atomic():
        locked = PeerRequest.objects.select_for_update().get(pk=request.pk)
        if locked.answered_at:
            raise ServiceError(_("Masukan ini sudah dikirim dan tidak dapat diubah."))
        locked.levels, locked.comment, locked.answered_at = dict(levels), comment.strip(), timezone.now()
        locked.save(update_fields=["levels", "comment", "answered_at"])
        # The event names the request, not the answer: the employee's trail never reveals who said what.
        event_record(actor=actor, action="performance.peer.answer", obj=locked)
    return locked


def peer_summary(skp: Skp) -> dict[str, Any]:
    """The 360 input in aggregate: per value and overall consensus, only from MIN_360_RESPONSES answers."""
    answers = [r.levels for r in skp.peer_requests.all() if r.answered_at]
    n = len(answers)
    if n < rules.MIN_360_RESPONSES:
        return {"n": n, "shown": False, "minimum": rules.MIN_360_RESPONSES}
    per_value = {}
    for code, _name, _lines in rules.BERAKHLAK:
        levels = [rules.Level(a[code]) for a in answers if code in a]
        per_value[code] = {
            "consensus": rules.peer_consensus(levels),
            "counts": dict(Counter(level.value for level in levels)),
        }
    overall = rules.peer_consensus(
        [rules.suggest_behaviour_rating({k: rules.Level(v) for k, v in a.items()}) for a in answers]
    )
    return {"n": n, "shown": True, "minimum": rules.MIN_360_RESPONSES, "values": per_value, "overall": overall}


# ---------------------------------------------------------------------------------------------
# Evaluation


def achievements(skp: Skp, rule: rules.AchievementRule | None = None) -> dict[str, Any]:
    """Capaian per indicator and per RHK from the realisations (the latest slice with a value counts)."""
    if rule is None:
        rule = rules_for(skp.period)[1]
    out_rhk = []
    for r in skp.rhks.all():
        results = []
        indicators = []
        for i in r.indicators.all():
            reals = sorted(i.realisations.all(), key=lambda x: x.slice_id)
            res = rules.IndicatorResult(None, None)
            if i.kind == IndicatorKind.KUANTITATIF:
                valued = [x for x in reals if x.value is not None]
                if valued and i.target_value:
                    capaian = rules.indicator_capaian(
                        i.target_value, valued[-1].value, rules.Direction(i.direction), rule
                    )
                    if capaian is not None:
                        res = rules.IndicatorResult(capaian, rules.level_from_capaian(capaian, rule))
            else:
                judged = [x for x in reals if x.assessed_level]
                if judged:
                    level = rules.Level(judged[-1].assessed_level)
                    res = rules.IndicatorResult(rule.qualitative_value[level], level)
            results.append(res)
            indicators.append({"indicator": i, "result": res})
        out_rhk.append({"rhk": r, "indicators": indicators, "result": rules.rhk_result(results, rule)})
    pairs = [(x["rhk"].kind == RhkKind.UTAMA, x["result"].level) for x in out_rhk if x["result"].level is not None]
    return {"rhk": out_rhk, "suggestion": rules.suggest_work_rating(pairs)}


def evaluation_rate(
    *,
    actor,
    skp: Skp,
    work_level: str,
    behaviour_levels: Mapping[str, str],
    behaviour_level: str,
    work_justification: str = "",
    behaviour_justification: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Evaluation:
    """The pejabat penilai's two ratings. Departing from the suggestion or the 360 input needs a reason."""
    if work_level not in rules.Level.__members__ or behaviour_level not in rules.Level.__members__:
        raise ServiceError(_("Pilih penilaian hasil kerja dan perilaku kerja."))
    if not _every_value_rated(behaviour_levels):
        raise ServiceError(_("Beri penilaian untuk ketujuh nilai BerAKHLAK."))
    with transaction.atomic():
        locked_skp = Skp.objects.select_for_update().select_related("period").get(pk=skp.pk)
        if not perm.can_rate(actor, locked_skp):
            raise ServiceError(
                _("Penilaian hanya oleh pejabat penilai, pada tahap evaluasi, untuk SKP yang disetujui.")
            )
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(skp=locked_skp)
        if evaluation.status in (EvaluationStatus.FINAL, EvaluationStatus.PUBLISHED):
            raise ServiceError(_("Evaluasi ini sudah final."))
        if evaluation.changed_by_calibration:
            raise ServiceError(
                _(
                    "Penilaian ini sudah diubah oleh komite kalibrasi; "
                    "perubahan berikutnya melalui komite, bukan penilai."
                )
            )
        if not _created:
            _check_version(evaluation, expected_version)
        prefetch_related_objects([locked_skp], "rhks__indicators__realisations")
        computed = achievements(locked_skp)
        raw = computed["suggestion"]
        suggestion = work_suggestion(locked_skp, computed)
        suggested = suggestion.level if suggestion else None
        # Stored as the RHK counts (when there are any) with the level and reason that applied.
        suggestion_data = raw.to_data() if raw else {}
        if suggestion is not raw:
            suggestion_data = {**suggestion_data, "level": suggestion.level.value, "reason": suggestion.reason}
        work = rules.Level(work_level)
        behaviour = rules.Level(behaviour_level)
        need_work = rules.justification_required(work, suggested)
        if need_work and not work_justification.strip():
            raise ServiceError(
                _("Penilaian hasil kerja Anda berbeda dari saran yang dihitung dari capaian RHK. Tuliskan alasannya.")
            )
        peer = peer_summary(locked_skp)
        peer_level = peer.get("overall") if peer.get("shown") else None
        suggested_behaviour = rules.suggest_behaviour_rating({k: rules.Level(v) for k, v in behaviour_levels.items()})
        need_behaviour = rules.justification_required(behaviour, suggested_behaviour, peer_level)
        if need_behaviour and not behaviour_justification.strip():
            raise ServiceError(
                _(
                    "Penilaian perilaku kerja Anda berbeda dari penilaian per nilai BerAKHLAK atau dari masukan 360. "
                    "Tuliskan alasannya."
                )
            )
        before = _evaluation_state(evaluation)
        evaluation.suggested_work_level = suggested.value if suggested else ""
        evaluation.suggestion = suggestion_data
        evaluation.work_level = work.value
        evaluation.work_justification = work_justification.strip()
        evaluation.behaviour_levels = dict(behaviour_levels)
        evaluation.behaviour_level = behaviour.value
        evaluation.behaviour_justification = behaviour_justification.strip()
        evaluation.predikat = rules.predikat(work, behaviour).value
        evaluation.note = note.strip()
        evaluation.status = EvaluationStatus.RATED
        evaluation.rated_by = actor
        evaluation.rated_at = timezone.now()
        evaluation.version += 1
        evaluation.save()
        event_record(
            actor=actor,
            action="performance.evaluation.rate",
            obj=evaluation,
            changes=diff(before, _evaluation_state(evaluation)),
            reason="; ".join(x for x in (work_justification.strip(), behaviour_justification.strip()) if x),
            subject_employee_id=locked_skp.employee_id,
        )
    return evaluation


def unit_head_work_level(skp: Skp) -> rules.Level | None:
    """For the head of a perangkat daerah: the work level that follows from the organisation's result."""
    employee = skp.employee
    if not (employee.position.is_head and skp.unit.depth == 1):
        return None
    org = OrgResult.objects.filter(period_id=skp.period_id, unit_id=skp.unit_id).first()
    if org is None:
        return None
    return rules.UNIT_HEAD_WORK_LEVEL[rules.OrgPredikat(org.predikat)]


def work_suggestion(skp: Skp, computed: dict[str, Any]) -> rules.WorkSuggestion | None:
    """The suggested work-result rating for an SKP, from `achievements(skp)`: the RHK-based one, except
    that a perangkat daerah head's work result is the unit's result (domain.md §1; mapping in rules).
    The one place the rating service, the evaluation page and the API take it from."""
    suggestion = computed["suggestion"]
    head_level = unit_head_work_level(skp)
    if head_level is None:
        return suggestion
    base = suggestion or rules.WorkSuggestion(head_level, "", 0, 0, 0, 0, 0, 0, 0)  # its counts kept, or none
    return dataclasses.replace(base, level=head_level, reason="unit_head_org_result")


def _evaluation_state(e: Evaluation) -> dict[str, Any]:
    return {
        "work_level": e.work_level,
        "behaviour_level": e.behaviour_level,
        "behaviour_levels": e.behaviour_levels,
        "predikat": e.predikat,
        "status": e.status,
    }


def unit_distribution(period: Period, unit: Unit) -> dict[str, Any]:
    """The predikat counts of a perangkat daerah's rated evaluations against its quota (one query each)."""
    rows = (
        Evaluation.objects.filter(skp__period=period, skp__unit__path__startswith=unit.path)
        .exclude(predikat="")
        .values("predikat")
        .annotate(n=Count("id"))
    )
    counts = {rules.Predikat(r["predikat"]): r["n"] for r in rows}
    org = OrgResult.objects.filter(period=period, unit=unit).first()
    dist, _ach = rules_for(period)
    total = sum(counts.values())
    violations = rules.check_distribution(counts, rules.OrgPredikat(org.predikat), dist) if org and total else []
    limits = rules.quota_limits(total, rules.OrgPredikat(org.predikat), dist) if org and total else []
    return {
        "counts": {p.value: counts.get(p, 0) for p in rules.PREDIKAT_ORDER},
        "total": total,
        "org_predikat": org.predikat if org else None,
        "violations": violations,
        "limits": limits,
    }


def _violation_data(v) -> dict[str, Any]:
    return {
        "predikat": [p.value for p in v.predikat],
        "op": v.op,
        "share": str(v.share) if v.share is not None else None,
        "count": v.count,
        "allowed": v.allowed,
        "needed": v.needed,
        "total": v.total,
    }


def unit_finalise(*, actor, period: Period, unit: Unit, reason: str = "") -> UnitFinalisation:
    """Lock every rated evaluation of a perangkat daerah. Quota warnings must be acknowledged with a reason."""
    if not perm.can_finalise(actor):
        raise _denied()
    if period.status != PeriodStatus.EVALUATION:
        raise ServiceError(_("Finalisasi hanya pada tahap evaluasi."))
    with transaction.atomic():
        if UnitFinalisation.objects.filter(period=period, unit=unit).exists():
            raise ServiceError(_("Unit ini sudah difinalisasi."))
        org = OrgResult.objects.filter(period=period, unit=unit).first()
        if org is None:
            raise ServiceError(
                _("Tetapkan dulu capaian kinerja organisasi untuk unit ini: ia menentukan pola distribusi.")
            )
        evaluations = list(
            Evaluation.objects.select_for_update(of=("self",))
            .filter(skp__period=period, skp__unit__path__startswith=unit.path)
            .select_related("skp__employee__position")
        )
        pending = Skp.objects.filter(period=period, unit__path__startswith=unit.path, status=SkpStatus.AGREED).exclude(
            evaluation__status=EvaluationStatus.RATED
        )
        if pending.exists():
            raise ServiceError(
                _("%(n)s SKP yang disetujui belum dinilai. Finalisasi setelah semuanya dinilai.")
                % {"n": pending.count()}
            )
        state = unit_distribution(period, unit)
        if state["violations"] and not reason.strip():
            raise ServiceError(
                _("Distribusi predikat tidak sesuai pola organisasi. Tuliskan alasan untuk tetap memfinalisasi.")
            )
        now = timezone.now()
        for e in evaluations:
            e.status = EvaluationStatus.FINAL
            e.finalised_by = actor
            e.finalised_at = now
            e.version += 1
        Evaluation.objects.bulk_update(
            evaluations, ["status", "finalised_by", "finalised_at", "version"], batch_size=2000
        )
        _follow_ups(evaluations)
        finalisation = UnitFinalisation.objects.create(
            period=period,
            unit=unit,
            counts=state["counts"],
            violations=[_violation_data(v) for v in state["violations"]],
            reason=reason.strip(),
            finalised_by=actor,
        )
        events_record(
            actor=actor,
            events=[
                EventData(
                    action="performance.unit.finalise",
                    object_type="performance.unitfinalisation",
                    object_id=str(finalisation.pk),
                    object_repr=unit.name,
                    changes={"counts": state["counts"], "evaluations": len(evaluations)},
                    reason=reason.strip(),
                ),
                *[
                    EventData(
                        action="performance.evaluation.finalise",
                        object_type="performance.evaluation",
                        object_id=str(e.pk),
                        object_repr=str(e),
                        changes={"status": {"old": "rated", "new": "final"}, "predikat": e.predikat},
                        subject_employee_id=e.skp.employee_id,
                    )
                    for e in evaluations
                ],
            ],
        )
        notify(
            [e.skp.employee_id for e in evaluations],
            _("Evaluasi kinerja Anda sudah final. Lihat hasil dan alasannya."),
            "/kinerja/",
        )
    return finalisation


def _follow_ups(evaluations: list[Evaluation]) -> None:
    """Weak results open a development or reassignment recommendation; functional posts earn credit points."""
    follow, credit = [], []
    for e in evaluations:
        predikat = rules.Predikat(e.predikat)
        if predikat in rules.FOLLOW_UP_PREDIKAT:
            kind = FollowUpKind.REASSIGNMENT if predikat == rules.Predikat.SANGAT_KURANG else FollowUpKind.DEVELOPMENT
            follow.append(FollowUp(evaluation=e, kind=kind, predikat=predikat.value))
        grade = e.skp.employee.position.grade
        if grade:
            points = rules.credit_points(grade, predikat)
            credit.append(
                CreditAward(
                    evaluation=e,
                    grade=grade,
                    coefficient=rules.DEFAULT_GRADE_COEFFICIENT[grade],
                    factor=rules.DEFAULT_PREDIKAT_FACTOR[predikat],
                    points=points,
                )
            )
    ids = [e.pk for e in evaluations]
    FollowUp.objects.filter(evaluation_id__in=ids).delete()
    CreditAward.objects.filter(evaluation_id__in=ids).delete()
    FollowUp.objects.bulk_create(follow, batch_size=2000)
    CreditAward.objects.bulk_create(credit, batch_size=2000)


def period_publish(*, actor, period: Period, today: date | None = None) -> int:
    """Announce the final results: employees see them and the objection window opens."""
    if not perm.can_publish(actor):
        raise _denied()
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.status == PeriodStatus.PUBLISHED:
            return 0
        if locked.status != PeriodStatus.EVALUATION:
            raise ServiceError(_("Hasil dapat diumumkan setelah tahap evaluasi."))
        final = Evaluation.objects.filter(skp__period=locked, status=EvaluationStatus.FINAL)
        employee_ids = list(final.values_list("skp__employee_id", flat=True))
        count = final.update(status=EvaluationStatus.PUBLISHED, published_on=today)
        locked.status = PeriodStatus.PUBLISHED
        locked.published_on = today
        locked.version += 1
        locked.save(update_fields=["status", "published_on", "version"])
        deadline = rules.objection_deadline(today, locked.objection_days)
        event_record(
            actor=actor,
            action="performance.period.publish",
            obj=locked,
            changes={"evaluations": count, "published_on": today, "objection_deadline": deadline},
        )
        notify(
            employee_ids,
            _("Hasil evaluasi kinerja diumumkan. Keberatan dapat diajukan sampai %(date)s.")
            % {"date": deadline.strftime("%d/%m/%Y")},
            "/kinerja/",
        )
        aggregates_refresh_enqueue(locked.pk, trigger="performance.period.publish")
    return count


# ---------------------------------------------------------------------------------------------
# Objections


def objection_file(*, actor, evaluation: Evaluation, reason: str, today: date | None = None) -> Objection:
    today = today or timezone.localdate()
    skp = evaluation.skp
    if perm._eid(actor) != skp.employee_id:
        raise _denied()
    if evaluation.status != EvaluationStatus.PUBLISHED or evaluation.published_on is None:
        raise ServiceError(_("Keberatan hanya dapat diajukan atas hasil yang sudah diumumkan."))
    days = skp.period.objection_days
    if not rules.objection_open(evaluation.published_on, today, days):
        deadline = rules.objection_deadline(evaluation.published_on, days)
        raise ServiceError(
            _("Batas waktu keberatan sudah lewat (%(days)s hari sejak pengumuman, sampai %(date)s).")
            % {"days": days, "date": deadline.strftime("%d/%m/%Y")}
        )
    if len(reason.strip()) < 20:
        raise ServiceError(_("Tuliskan alasan keberatan dengan jelas (sekurang-kurangnya 20 huruf)."))
    # No atasan on the roster (appraised by the Kepala Daerah): the pimpinan decides for them.
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                evaluation=evaluation,
                reason=reason.strip(),
                filed_by=actor,
                reviewer_id=skp.atasan_penilai_id,
                original=_evaluation_state(evaluation),
            )
            event_record(
                actor=actor,
                action="performance.objection.file",
                obj=objection,
                reason=reason.strip(),
                subject_employee_id=skp.employee_id,
            )
            text = _("Keberatan atas hasil evaluasi kinerja %(name)s diajukan.") % {"name": skp.employee.full_name}
            notify([skp.atasan_penilai_id, skp.penilai_id], text, f"/kinerja/keberatan/{objection.pk}/")
            if skp.atasan_penilai_id is None:
                notify_role("pimpinan", text, f"/kinerja/keberatan/{objection.pk}/")
    except IntegrityError:
        raise ServiceError(_("Keberatan atas hasil ini sudah diajukan.")) from None
    return objection


def objection_decide(
    *,
    actor,
    objection: Objection,
    change: bool,
    reason: str,
    work_level: str | None = None,
    behaviour_level: str | None = None,
) -> Objection:
    """The atasan pejabat penilai's final decision; the original result stays on record."""
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasan keputusan."))
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("evaluation__skp__employee__position")
            .get(pk=objection.pk)
        )
        if locked.status == ObjectionStatus.DECIDED:
            raise ServiceError(_("Keberatan ini sudah diputus; keputusan bersifat final."))
        if not perm.can_decide_objection(actor, locked):
            raise _denied()
        evaluation = Evaluation.objects.select_for_update().get(pk=locked.evaluation_id)
        before = _evaluation_state(evaluation)
        if change:
            if work_level not in rules.Level.__members__ or behaviour_level not in rules.Level.__members__:
                raise ServiceError(_("Pilih penilaian hasil kerja dan perilaku kerja yang baru."))
            evaluation.work_level = work_level
            evaluation.behaviour_level = behaviour_level
            evaluation.predikat = rules.predikat(rules.Level(work_level), rules.Level(behaviour_level)).value
            evaluation.changed_by_objection = before != _evaluation_state(evaluation)
            evaluation.version += 1
            evaluation.save()
            evaluation.skp = locked.evaluation.skp
            _follow_ups([evaluation])
        locked.status = ObjectionStatus.DECIDED
        locked.changed = bool(change and before != _evaluation_state(evaluation))
        locked.decision_reason = reason.strip()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        event_record(
            actor=actor,
            action="performance.objection.decide",
            obj=locked,
            changes=diff(before, _evaluation_state(evaluation)),
            reason=reason.strip(),
            subject_employee_id=locked.evaluation.skp.employee_id,
        )
        skp = locked.evaluation.skp
        notify(
            [skp.employee_id, skp.penilai_id],
            _("Keberatan sudah diputus: %(result)s.")
            % {"result": _("hasil diubah") if locked.changed else _("hasil tetap")},
            f"/kinerja/keberatan/{locked.pk}/",
        )
        aggregates_refresh_enqueue(skp.period_id, trigger="performance.objection.decide")
    return locked


def evaluation_calibrate(
    *, actor, evaluation: Evaluation, work_level: str, behaviour_level: str, reason: str
) -> tuple[dict[str, Any], Evaluation]:
    """A calibration committee's adjustment, before publication. Returns (the original state, the evaluation).

    The caller (fairness calibration) keeps the original beside the decision; the employee sees both.
    """
    if not perm.can_finalise(actor):
        raise _denied()
    if not reason.strip():
        raise ServiceError(_("Tuliskan alasan keputusan kalibrasi."))
    if work_level not in rules.Level.__members__ or behaviour_level not in rules.Level.__members__:
        raise ServiceError(_("Pilih penilaian hasil kerja dan perilaku kerja."))
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().select_related("skp__employee__position").get(pk=evaluation.pk)
        if locked.status not in (EvaluationStatus.RATED, EvaluationStatus.FINAL):
            raise ServiceError(_("Kalibrasi hanya untuk penilaian yang sudah diberikan dan belum diumumkan."))
        before = _evaluation_state(locked)
        locked.work_level = work_level
        locked.behaviour_level = behaviour_level
        locked.predikat = rules.predikat(rules.Level(work_level), rules.Level(behaviour_level)).value
        locked.changed_by_calibration = before != _evaluation_state(locked) or locked.changed_by_calibration
        locked.version += 1
        locked.save()
        if locked.status == EvaluationStatus.FINAL:
            _follow_ups([locked])
        event_record(
            actor=actor,
            action="performance.evaluation.calibrate",
            obj=locked,
            changes=diff(before, _evaluation_state(locked)),
            reason=reason.strip(),
            subject_employee_id=locked.skp.employee_id,
        )
        aggregates_refresh_enqueue(locked.skp.period_id, trigger="performance.evaluation.calibrate")
    return before, locked
