"""Every write of the board and portal: the aggregate refresh and an employee's consent to publish a
recognition. Each is one transaction and is audited.

`refresh_aggregates` reads a published period once, table by table (published results, unit tree,
RHK capaian through `performance.bulk.compute_year`, fairness runs, criteria figures), computes
scores and percentiles on numpy arrays, and rewrites `EmployeeResult` and `UnitAggregate` for the
period with bulk inserts and one audit event. Its cost follows the size of the period, never the
number of pages that later read it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from audit.services import event_record
from org.models import Unit
from performance.models import Evaluation, EvaluationStatus, Period, Rhk, RhkKind
from transparency import criteria_link, rules
from transparency.models import AggregateSnapshot, EmployeeResult, Recognition, UnitAggregate
from transparency.selectors import BOARD_STATUSES, disclosure_policy

logger = logging.getLogger(__name__)

PREDIKAT_CODES = tuple(rules.PREDIKAT_POINTS)  # best first
NO_GROUP = -1


class ServiceError(Exception):
    """A refusal the user can act on; the message is already translated."""


def _pseudonym_key() -> bytes:
    # Derived from SECRET_KEY: without it a pseudonym cannot be traced back to a person.
    return salted_hmac("terang.transparency.pseudonym", "v1").digest()


# ---------------------------------------------------------------------------------------------
# Reading a published period


@dataclass
class _Results:
    """Published results of a period as parallel arrays (one entry per evaluation)."""

    evaluation: np.ndarray
    skp: np.ndarray
    employee: np.ndarray
    unit: np.ndarray
    pd: np.ndarray  # perangkat daerah id, NO_GROUP for someone in no perangkat daerah
    points: np.ndarray
    predikat_index: np.ndarray
    objection: np.ndarray
    calibration: np.ndarray
    family_keys: list[str]
    family_names: list[str]
    predikat: list[str]

    def __len__(self) -> int:
        return len(self.evaluation)


def _perangkat_daerah_of(units: list[tuple]) -> dict[int, int]:
    """unit id -> id of the perangkat daerah (depth 1) above or at it, read from the path."""
    out = {}
    for uid, path, depth, _name in units:
        parts = [p for p in path.strip("/").split("/") if p]
        if depth >= 1 and len(parts) >= 2:
            out[uid] = int(parts[1])
    return out


def _published_results(period: Period, pd_of: dict[int, int]) -> _Results:
    rows = list(
        Evaluation.objects.filter(skp__period=period, status=EvaluationStatus.PUBLISHED)
        .exclude(predikat="")
        .order_by("id")
        .values_list(
            "id",
            "skp_id",
            "skp__employee_id",
            "skp__unit_id",
            "skp__position_name",
            "skp__employee__position__kind",
            "predikat",
            "changed_by_objection",
            "changed_by_calibration",
        )
    )
    families = [rules.position_family(kind or "", name or "") for *_a, name, kind, _p, _o, _c in rows]
    predikat = [r[6] for r in rows]
    index = {code: i for i, code in enumerate(PREDIKAT_CODES)}
    n = len(rows)

    def column(values, dtype=np.int64) -> np.ndarray:
        return np.fromiter(values, dtype=dtype, count=n)

    return _Results(
        evaluation=column(r[0] for r in rows),
        skp=column(r[1] for r in rows),
        employee=column(r[2] for r in rows),
        unit=column(r[3] for r in rows),
        pd=column(pd_of.get(r[3], NO_GROUP) for r in rows),
        points=column(rules.PREDIKAT_POINTS[p] for p in predikat),
        predikat_index=column(index[p] for p in predikat),
        objection=column((bool(r[7]) for r in rows), dtype=bool),
        calibration=column((bool(r[8]) for r in rows), dtype=bool),
        family_keys=[f[0] for f in families],
        family_names=[f[1] for f in families],
        predikat=predikat,
    )


def _average_capaian(period: Period, skp_ids: np.ndarray) -> np.ndarray:
    """Each SKP's mean capaian of its RHK utama with a result, in hundredths of a percent (-1: none).

    The RHK capaian come from `performance.bulk.compute_year` (the same numbers as the evaluation
    page: latest realisation, capped, rounded half up), read without writing anything.
    """
    from performance.bulk import compute_year

    out = np.full(len(skp_ids), -1, dtype=np.int64)
    if not len(skp_ids):
        return out
    stats = compute_year(period, write=False)
    utama = np.array(
        list(Rhk.objects.filter(skp__period=period, kind=RhkKind.UTAMA).order_by().values_list("id", "skp_id")),
        dtype=np.int64,
    ).reshape(-1, 2)
    if not len(utama) or not len(stats.rhk_ids):
        return out
    pos = np.searchsorted(stats.rhk_ids, utama[:, 0])
    found = pos < len(stats.rhk_ids)
    found[found] = stats.rhk_ids[pos[found]] == utama[found, 0]
    found[found] &= stats.rhk_level[pos[found]] > 0
    rhk_skp, capaian = utama[found, 1], stats.rhk_capaian[pos[found]].astype(np.int64)
    order = np.argsort(skp_ids, kind="stable")
    sorted_ids = skp_ids[order]
    at = np.searchsorted(sorted_ids, rhk_skp)
    known = at < len(sorted_ids)
    known[known] = sorted_ids[at[known]] == rhk_skp[known]
    slot = order[at[known]]
    total = np.bincount(slot, weights=capaian[known], minlength=len(skp_ids)).astype(np.int64)
    count = np.bincount(slot, minlength=len(skp_ids)).astype(np.int64)
    has = count > 0
    # Rounded half up, as performance.bulk rounds an RHK's mean of its indicators.
    out[has] = (2 * total[has] + count[has]) // (2 * count[has])
    return out


def _group_sizes(codes: np.ndarray) -> np.ndarray:
    """For each item, the number of items with the same code."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    _values, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def _fairness(period: Period) -> dict[int | None, dict[str, Any]]:
    """Per scope (perangkat daerah id, None for the whole organisation): the latest finished analysis,
    a behaviour analysis first (its 360 input gives several raters per person, which reliability needs)."""
    from fairness.models import AnalysisKind, AnalysisRun, RunStatus

    runs = list(
        AnalysisRun.objects.filter(period=period, status=RunStatus.DONE)
        .order_by("-finished_at", "-id")
        .values("id", "unit_id", "kind", "finished_at", "n_raters", "n_flagged")
    )
    chosen: dict[int | None, dict[str, Any]] = {}
    for run in runs:
        current = chosen.get(run["unit_id"])
        if current is None or (current["kind"] != AnalysisKind.PERILAKU and run["kind"] == AnalysisKind.PERILAKU):
            chosen[run["unit_id"]] = run
    if not chosen:
        return {}
    reliability = dict(
        AnalysisRun.objects.filter(pk__in=[r["id"] for r in chosen.values()]).values_list(
            "id", "results__report__reliability"
        )
    )
    out = {}
    for scope, run in chosen.items():
        rel = reliability.get(run["id"]) or {}
        icc = ((rel.get("icc") or {}).get("ICC1") or {}).get("value")
        alpha = (rel.get("krippendorff_alpha") or {}).get("ordinal")
        out[scope] = {
            "fairness_run_id": run["id"],
            "fairness_kind": run["kind"],
            "fairness_finished_at": run["finished_at"],
            "reliability_icc": float(icc) if isinstance(icc, int | float) else None,
            "reliability_alpha": float(alpha) if isinstance(alpha, int | float) else None,
            "raters": run["n_raters"],
            "flagged_raters": run["n_flagged"],
        }
    return out


def _cents_to_decimal(value: int) -> Decimal | None:
    return Decimal(int(value)).scaleb(-2) if value >= 0 else None


def _mean_hundredths(values: np.ndarray) -> tuple[int, Decimal | None]:
    """(how many had a value, their mean in hundredths rounded half up as a Decimal)."""
    valued = values[values >= 0]
    if not len(valued):
        return 0, None
    total, count = int(valued.sum()), len(valued)
    return count, _cents_to_decimal((2 * total + count) // (2 * count))


# ---------------------------------------------------------------------------------------------
# The refresh


def refresh_aggregates(period: Period, *, actor=None, trigger: str = "") -> AggregateSnapshot | None:
    """Recompute the board's and portal's figures of a published period, in one transaction.

    Returns the new snapshot, or None (nothing written) when the period's results are not announced.
    Per employee: score, percentile within the perangkat daerah and within the position family,
    pseudonym. Per perangkat daerah and for the organisation: counts per predikat, average capaian
    of RHK utama, results changed by objection and by calibration, the latest fairness analysis,
    criteria participation and adopted criteria, and whether the board and the portal must hide
    the figures (fewer people than the minimum, or computable from the totals).
    """
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.status not in BOARD_STATUSES or locked.published_on is None:
            return None
        started = timezone.now()
        policy = disclosure_policy()
        units = list(Unit.objects.order_by("path").values_list("id", "path", "depth", "name"))
        pd_of = _perangkat_daerah_of(units)
        pds = [(uid, name) for uid, _path, depth, name in units if depth == 1]
        org = next(((uid, name) for uid, _path, depth, name in units if depth == 0), (None, ""))
        res = _published_results(locked, pd_of)
        capaian = _average_capaian(locked, res.skp)
        scores = rules.score_hundredths(res.points, capaian)

        # Percentiles: within the perangkat daerah (nobody outside one has a unit percentile) and
        # within the position family.
        family_codes = np.zeros(0, dtype=np.int64)
        if len(res):
            family_codes = np.unique(np.array(res.family_keys), return_inverse=True)[1].ravel().astype(np.int64)
        pct_unit = rules.midrank_percentiles(res.pd, scores)
        pct_unit[res.pd == NO_GROUP] = np.nan
        unit_n = _group_sizes(res.pd)
        unit_n[res.pd == NO_GROUP] = 0
        pct_family = rules.midrank_percentiles(family_codes, scores)
        family_n = _group_sizes(family_codes)
        names = rules.pseudonyms(_pseudonym_key(), locked.pk, res.employee.tolist())

        rows = [
            EmployeeResult(
                period=locked,
                employee_id=int(res.employee[i]),
                evaluation_id=int(res.evaluation[i]),
                perangkat_daerah_id=int(res.pd[i]) if res.pd[i] != NO_GROUP else None,
                family_key=res.family_keys[i][:220],
                family_name=res.family_names[i][:200],
                predikat=res.predikat[i],
                avg_capaian=_cents_to_decimal(int(capaian[i])),
                score=Decimal(int(scores[i])).scaleb(-2),
                pct_unit=None if np.isnan(pct_unit[i]) else round(float(pct_unit[i]), 1),
                unit_n=int(unit_n[i]),
                pct_family=None if np.isnan(pct_family[i]) else round(float(pct_family[i]), 1),
                family_n=int(family_n[i]),
                pseudonym=names[int(res.employee[i])],
                changed_by_objection=bool(res.objection[i]),
                changed_by_calibration=bool(res.calibration[i]),
            )
            for i in range(len(res))
        ]

        aggregates = _unit_aggregates(locked, res, capaian, pds, org, policy)
        EmployeeResult.objects.filter(period=locked).delete()
        UnitAggregate.objects.filter(period=locked).delete()
        EmployeeResult.objects.bulk_create(rows, batch_size=2000)
        UnitAggregate.objects.bulk_create(aggregates, batch_size=1000)

        snapshot = AggregateSnapshot.objects.select_for_update().filter(period=locked).first()
        if snapshot is None:
            snapshot = AggregateSnapshot(period=locked)
        snapshot.version += 1
        snapshot.started_at = started
        snapshot.refreshed_at = timezone.now()
        snapshot.trigger = trigger[:40]
        snapshot.employees = len(rows)
        snapshot.min_group_size = rules.board_minimum(policy.min_group_size)
        snapshot.public_min_group_size = rules.public_minimum(policy.min_group_size)
        snapshot.criteria_available = any(a.participation or a.adopted_criteria for a in aggregates)
        snapshot.save()
        event_record(
            actor=actor,
            action="transparency.aggregates.refresh",
            obj=locked,
            changes={
                "versi": snapshot.version,
                "pegawai": len(rows),
                "perangkat_daerah": len(pds),
                "disembunyikan_di_papan": sum(1 for a in aggregates if a.suppressed_board),
                "disembunyikan_di_portal": sum(1 for a in aggregates if a.suppressed_public),
                "ukuran_kelompok_minimum": snapshot.min_group_size,
                "pemicu": trigger,
            },
        )
    return snapshot


def _per_group_mean(slot: np.ndarray, values: np.ndarray, groups: int) -> list[tuple[int, Decimal | None]]:
    """(how many had a value, their mean rounded half up) per group; values in hundredths, -1 = none."""
    valued = values >= 0
    total = np.bincount(slot[valued], weights=values[valued], minlength=groups).astype(np.int64)
    count = np.bincount(slot[valued], minlength=groups).astype(np.int64)
    return [
        (int(c), _cents_to_decimal((2 * int(t) + int(c)) // (2 * int(c))) if c else None)
        for t, c in zip(total.tolist(), count.tolist(), strict=True)
    ]


def _unit_aggregates(
    period: Period,
    res: _Results,
    capaian: np.ndarray,
    pds: list[tuple[int, str]],
    org: tuple[int | None, str],
    policy,
) -> list[UnitAggregate]:
    """One row for the organisation and one per perangkat daerah, in display order."""
    org_id, org_name = org
    pds = sorted(pds)
    pd_ids = np.array([uid for uid, _n in pds], dtype=np.int64)
    n_pd = len(pd_ids)
    at = np.searchsorted(pd_ids, res.pd) if n_pd else np.zeros(len(res), dtype=np.int64)
    in_pd = (res.pd != NO_GROUP) & (at < n_pd)
    in_pd[in_pd] = pd_ids[at[in_pd]] == res.pd[in_pd]
    slot = at[in_pd]
    counts = np.bincount(slot * 5 + res.predikat_index[in_pd], minlength=n_pd * 5).reshape(n_pd, 5)
    objection = np.bincount(slot, weights=res.objection[in_pd], minlength=n_pd).astype(np.int64)
    calibration = np.bincount(slot, weights=res.calibration[in_pd], minlength=n_pd).astype(np.int64)
    means = _per_group_mean(slot, capaian[in_pd], n_pd)

    ids = pd_ids.tolist()
    fairness = _fairness(period)
    scopes = [*ids, org_id] if org_id is not None else ids
    participation = criteria_link.participation(period=period, unit_ids=scopes) or {}
    adopted = criteria_link.adopted(unit_ids=ids) or {}
    sizes = {uid: int(counts[k].sum()) for k, uid in enumerate(ids)}
    total = len(res)
    board = rules.suppress(sizes, total, rules.board_minimum(policy.min_group_size))
    public = rules.suppress(sizes, total, rules.public_minimum(policy.min_group_size))

    def row(unit_id, name, position, c, mean, objection_n, calibration_n, **extra) -> UnitAggregate:
        capaian_n, avg = mean
        return UnitAggregate(
            period=period,
            unit_id=unit_id,
            unit_name=name[:200],
            position=position,
            n=int(sum(c)),
            sangat_baik=int(c[0]),
            baik=int(c[1]),
            butuh_perbaikan=int(c[2]),
            kurang=int(c[3]),
            sangat_kurang=int(c[4]),
            avg_capaian=avg,
            capaian_n=capaian_n,
            changed_by_objection=int(objection_n),
            changed_by_calibration=int(calibration_n),
            **fairness.get(unit_id, {}),
            **extra,
        )

    org_counts = np.bincount(res.predikat_index, minlength=5)
    out = [
        row(
            None,
            org_name,
            0,
            org_counts,
            _mean_hundredths(capaian),
            res.objection.sum(),
            res.calibration.sum(),
            participation=participation.get(org_id, {}) if org_id is not None else {},
            adopted_criteria=adopted.get(None, []),
            suppressed_board=board.total_hidden,
            board_reason=rules.Suppression.SMALL if board.total_hidden else "",
            suppressed_public=public.total_hidden,
            public_reason=rules.Suppression.SMALL if public.total_hidden else "",
        )
    ]
    by_name = sorted(range(n_pd), key=lambda k: (pds[k][1].casefold(), pds[k][0]))
    for position, k in enumerate(by_name, start=1):
        uid, name = pds[k]
        out.append(
            row(
                uid,
                name,
                position,
                counts[k],
                means[k],
                objection[k],
                calibration[k],
                participation=participation.get(uid, {}),
                adopted_criteria=adopted.get(uid, []),
                suppressed_board=uid in board.groups,
                board_reason=board.groups.get(uid, ""),
                suppressed_public=uid in public.groups,
                public_reason=public.groups.get(uid, ""),
            )
        )
    return out


def aggregates_refresh_if_stale(
    *, period_id: int, requested_at: datetime | str | None = None, trigger: str = ""
) -> AggregateSnapshot | None:
    """The background task's work: refresh unless a refresh that began after the request already ran.

    Several changes in a row (a batch of objection decisions) then cost one refresh, not one each.
    """
    if isinstance(requested_at, str):
        requested_at = parse_datetime(requested_at) if requested_at else None
    snapshot = AggregateSnapshot.objects.filter(period_id=period_id).first()
    if snapshot is not None and requested_at is not None and snapshot.started_at >= requested_at:
        return snapshot
    period = Period.objects.filter(pk=period_id).first()
    if period is None:
        return None
    return refresh_aggregates(period, trigger=trigger)


# ---------------------------------------------------------------------------------------------
# Recognitions


def recognition_consent_set(*, actor, recognition: Recognition, consent: bool) -> Recognition:
    """The employee gives or withdraws consent to show a recognition of theirs on the public portal."""
    with transaction.atomic():
        locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
        if actor is None or getattr(actor, "employee_id", None) != locked.employee_id:
            raise ServiceError(_("Hanya pegawai yang bersangkutan yang dapat memberi atau menarik izin."))
        before = locked.is_public
        if consent == before:
            return locked
        now = timezone.now()
        if consent:
            locked.consent_given_at = now
            locked.consent_withdrawn_at = None
        else:
            locked.consent_withdrawn_at = now
        locked.version += 1
        locked.save(update_fields=["consent_given_at", "consent_withdrawn_at", "version", "updated_at"])
        event_record(
            actor=actor,
            action="transparency.recognition.consent_give" if consent else "transparency.recognition.consent_withdraw",
            obj=locked,
            changes={"tampil_di_portal": {"old": before, "new": consent}},
            subject_employee_id=locked.employee_id,
        )
    return locked


def recognition_unit_for(employee) -> Unit | None:
    """The perangkat daerah a recognition is shown under by default: the employee's, as it is now."""
    ids = employee.unit.ancestor_ids()
    if len(ids) < 2:
        return None
    return Unit.objects.filter(pk=ids[1]).first()
