"""Whole-period computation in bulk: every SKP's suggestion, every predikat, every unit's distribution.

`compute_year` gives the same results as `services.achievements`, the stored suggestion of
`services.evaluation_rate` and `services.unit_distribution` called once per SKP and per unit, but
reads each table with one query (realisations: the latest slice first, then only what is still
missing) and does the arithmetic on numpy integer arrays, so a province-sized year (50,000 SKPs,
1.4 million realisations) takes a few seconds instead of minutes. Queries are built with the ORM and
run on a plain cursor, without Django's per-row converters.

Exactness: capaian are kept in hundredths of a percent as int64, and every division rounds half up
with integer arithmetic, which is what `rules.indicator_capaian` and `rules.rhk_result` do with
fractions. The work-rating suggestion itself is `rules.suggest_work_rating`, called once per
distinct combination of RHK counts. A rule whose cap or qualitative values have more than two
decimals cannot be held in hundredths; such a period falls back to the per-SKP path.
"""

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, F, IntegerField, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from audit.services import EventData, events_record
from org.models import Unit, UnitKind
from performance import rules
from performance.models import (
    Evaluation,
    EvaluationStatus,
    Indicator,
    IndicatorKind,
    OrgResult,
    Period,
    Realisation,
    RhkKind,
    Skp,
    Slice,
)
from performance.services import achievements, rules_for

IN_CHUNK = 900  # ids per IN (...) list, under SQLite's default limit on query parameters
# Level codes in the arrays: 0 = no result; the rest follow rules.LEVEL_ORDER from the bottom.
NO_LEVEL, BAWAH, SESUAI, ATAS = 0, 1, 2, 3
LEVEL_CODE = {rules.Level.DI_BAWAH: BAWAH, rules.Level.SESUAI: SESUAI, rules.Level.DI_ATAS: ATAS}
CODE_LEVEL = {code: level for level, code in LEVEL_CODE.items()}
# Evaluations that are final or announced are never rewritten by a recomputation.
WRITABLE = (EvaluationStatus.OPEN, EvaluationStatus.RATED)
# (work level, behaviour level) as stored -> predikat as stored.
PREDIKAT = {(w.value, b.value): p.value for (w, b), p in rules.PREDIKAT_MATRIX.items()}


@dataclass
class YearStats:
    """What `compute_year` found and changed. Per-SKP and per-RHK results stay available for checks."""

    period_id: int
    skps: int = 0
    rhk: int = 0  # RHK with at least one indicator (the others have no result)
    indicators: int = 0
    realisations: int = 0  # realisation rows read
    evaluations: int = 0
    updated: int = 0
    predikat_changed: int = 0
    skipped_stale: int = 0
    locked_mismatches: int = 0
    path: str = "bulk"
    suggestions: dict[int, rules.WorkSuggestion | None] = field(default_factory=dict)
    distribution: dict[int, dict[str, Any]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    rhk_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rhk_capaian: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rhk_level: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))

    def rhk_result(self, rhk_id: int) -> rules.IndicatorResult:
        """The result of one RHK as `rules.rhk_result` gives it (capaian with two decimals, level)."""
        i = int(np.searchsorted(self.rhk_ids, rhk_id))
        if i >= len(self.rhk_ids) or self.rhk_ids[i] != rhk_id or self.rhk_level[i] == NO_LEVEL:
            return rules.IndicatorResult(None, None)
        return rules.IndicatorResult(Decimal(int(self.rhk_capaian[i])).scaleb(-2), CODE_LEVEL[int(self.rhk_level[i])])

    @property
    def violating_units(self) -> list[int]:
        return [unit_id for unit_id, d in self.distribution.items() if d["violations"]]


def compute_year(period: Period, *, actor=None, write: bool = True) -> YearStats:
    """Suggestion for every SKP, predikat for every evaluation, distribution for every perangkat daerah.

    With `write`, evaluations still open or rated whose stored suggestion or predikat differ are
    updated in one transaction (version + 1; a row someone saved in between is skipped) with one
    summary audit event. Final and published evaluations are never changed; differences there are
    counted in `locked_mismatches`.
    """
    stats = YearStats(period_id=period.pk)
    clock = time.perf_counter()
    dist_rules, rule = rules_for(period)
    suggestions = _bulk_suggestions(period, rule, stats) if _hundredths(rule) is not None else None
    if suggestions is None:
        suggestions = _per_skp_suggestions(period, rule, stats)
        stats.path = "per-skp"
    stats.suggestions = suggestions
    stats.seconds["suggestions"] = time.perf_counter() - clock

    clock = time.perf_counter()
    org = dict(OrgResult.objects.filter(period=period).values_list("unit_id", "predikat"))
    updates, predikat_by_skp = _compare_evaluations(period, stats, org)
    stats.seconds["evaluations"] = time.perf_counter() - clock

    clock = time.perf_counter()
    if write and updates:
        with transaction.atomic():
            stats.updated = _write_evaluations(updates)
            stats.skipped_stale = len(updates) - stats.updated
            events_record(
                actor=actor,
                events=[
                    EventData(
                        action="performance.period.recompute",
                        object_type="performance.period",
                        object_id=str(period.pk),
                        object_repr=str(period),
                        changes={
                            "evaluations": stats.evaluations,
                            "updated": stats.updated,
                            "predikat_changed": stats.predikat_changed,
                            "skipped_stale": stats.skipped_stale,
                        },
                    )
                ],
            )
    stats.seconds["write"] = time.perf_counter() - clock

    clock = time.perf_counter()
    stats.distribution = _distribution(period, predikat_by_skp, dist_rules, org)
    stats.seconds["distribution"] = time.perf_counter() - clock
    return stats


def _compare_evaluations(period: Period, stats: YearStats, org: dict[int, str]) -> tuple[list, dict[int, str]]:
    """What `evaluation_rate` would store now for each evaluation, against what is stored.

    Returns the rows to update and every evaluation's predikat (the new one where it may change).
    """
    # A perangkat daerah's head is rated on the unit's result (services.unit_head_work_level).
    head_units = dict(
        Skp.objects.filter(period=period, employee__position__is_head=True, unit__depth=1).values_list("id", "unit_id")
    )
    rows = _fetch(
        Evaluation.objects.filter(skp__period=period)
        .order_by()
        .values_list(
            "id",
            "skp_id",
            "status",
            "work_level",
            "behaviour_level",
            "predikat",
            "suggested_work_level",
            "suggestion",
            "version",
        )
    )
    stats.evaluations = len(rows)
    updates = []
    predikat_by_skp: dict[int, str] = {}
    # Few distinct suggestions exist (one per combination of RHK counts): encode each once.
    encoded: dict[int, tuple[str, dict, str | None]] = {}
    for eid, skp_id, status, work, behaviour, predikat, suggested, stored, version in rows:
        computed = stats.suggestions.get(skp_id)
        if id(computed) not in encoded:
            data = computed.to_data() if computed else {}
            encoded[id(computed)] = (computed.level.value if computed else "", data, json.dumps(data))
        new_suggested, new_suggestion, text = encoded[id(computed)]
        if head_units.get(skp_id) in org:
            new_suggested = rules.UNIT_HEAD_WORK_LEVEL[rules.OrgPredikat(org[head_units[skp_id]])].value
            new_suggestion = {**new_suggestion, "level": new_suggested, "reason": "unit_head_org_result"}
            text = None
        new_predikat = PREDIKAT.get((work, behaviour), predikat)
        if isinstance(stored, str):  # SQLite hands JSON back as text: compare as text first
            same = stored == text or json.loads(stored) == new_suggestion
        else:
            same = (stored or {}) == new_suggestion
        differs = not same or (new_suggested, new_predikat) != (suggested, predikat)
        if differs and status not in WRITABLE:
            stats.locked_mismatches += 1
            new_predikat = predikat
        elif differs:
            updates.append((eid, version, new_suggested, new_suggestion, new_predikat))
            stats.predikat_changed += new_predikat != predikat
        predikat_by_skp[skp_id] = new_predikat
    return updates, predikat_by_skp


def _hundredths(rule: rules.AchievementRule) -> dict[str, Any] | None:
    """The rule's numbers in hundredths of a percent, or None when one has more than two decimals."""
    values = [rule.cap, *rule.qualitative_value.values()]
    if any((v * 100) != (v * 100).to_integral_value() for v in values):
        return None
    return {
        "cap": int(rule.cap * 100),
        "above": math.ceil(rule.above_at * 100),
        "meets": math.ceil(rule.meets_at * 100),
        "qualitative": {LEVEL_CODE[level]: int(v * 100) for level, v in rule.qualitative_value.items()},
    }


def _fetch(queryset) -> list[tuple]:
    """Run an ORM-built values_list query on a plain cursor: the same SQL, without per-row converters."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cents(name: str):
    """A decimal column in hundredths as an integer, -1 when empty (values are never negative)."""
    return Coalesce(Cast(Round(F(name) * 100), BigIntegerField()), Value(-1), output_field=BigIntegerField())


def _flag(**condition):
    return Case(When(**condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _level_case(name: str):
    return Case(
        *(When(**{name: level.value}, then=Value(code)) for level, code in LEVEL_CODE.items()),
        default=Value(NO_LEVEL),
        output_field=IntegerField(),
    )


def _table(rows: list[tuple], columns: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, columns), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(len(rows), columns)


def _latest_realisations(period: Period, ind_ids: np.ndarray, quantitative: np.ndarray):
    """The value (hundredths, -1 if none) and judged level (0 if none) from each indicator's latest slice.

    `services.achievements` takes the latest slice (by id) with a value for a kuantitatif indicator
    and the latest with a judgement for a kualitatif one. Slices are read from the last back: the
    whole slice while many indicators are still open, then only the rows of those still open, so a
    finished year reads little more than its last slice. Returns (value, level, rows read).
    """
    n = len(ind_ids)
    value = np.full(n, -1, dtype=np.int64)
    level = np.zeros(n, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)
    rows_read = 0
    for slice_id in sorted(Slice.objects.filter(period=period).values_list("id", flat=True), reverse=True):
        if not open_.any():
            break
        base = (
            Realisation.objects.filter(slice_id=slice_id)
            .order_by()
            .annotate(value_c=_cents("value"), level_c=_level_case("assessed_level"))
        )
        wanted = ind_ids[open_]
        if len(wanted) > n // 5:
            rows = _fetch(base.values_list("indicator_id", "value_c", "level_c"))
        else:
            rows = []
            for start in range(0, len(wanted), IN_CHUNK):
                chunk = wanted[start : start + IN_CHUNK].tolist()
                rows += _fetch(base.filter(indicator_id__in=chunk).values_list("indicator_id", "value_c", "level_c"))
        found = _table(rows, 3)
        rows_read += len(found)
        pos = np.searchsorted(ind_ids, found[:, 0])
        known = pos < n
        known[known] = ind_ids[pos[known]] == found[known, 0]
        pos, v, lv = pos[known], found[known, 1], found[known, 2]
        take_value = open_[pos] & quantitative[pos] & (v >= 0)
        take_level = open_[pos] & ~quantitative[pos] & (lv > 0)
        value[pos[take_value]] = v[take_value]
        level[pos[take_level]] = lv[take_level]
        open_[pos[take_value | take_level]] = False
    return value, level, rows_read


def _bulk_suggestions(period: Period, rule: rules.AchievementRule, stats: YearStats) -> dict | None:
    """Every SKP's suggestion from arrays; None when the numbers do not fit the integer arithmetic."""
    h = _hundredths(rule)
    skp_ids = _table(_fetch(Skp.objects.filter(period=period).order_by("id").values_list("id")), 1)[:, 0]
    ind = _table(
        _fetch(
            Indicator.objects.filter(rhk__skp__period=period)
            .order_by()
            .annotate(
                utama=_flag(rhk__kind=RhkKind.UTAMA),
                quant=_flag(kind=IndicatorKind.KUANTITATIF),
                lower=_flag(direction=rules.Direction.LOWER_BETTER),
                target_c=_cents("target_value"),
            )
            .values_list("id", "rhk_id", "rhk__skp_id", "utama", "quant", "lower", "target_c")
        ),
        7,
    )
    ind = ind[np.argsort(ind[:, 0], kind="stable")]
    ind_ids, ind_rhk, ind_skp, ind_utama, ind_quant, ind_lower, target = ind.T
    value, level, stats.realisations = _latest_realisations(period, ind_ids, ind_quant == 1)
    stats.skps, stats.indicators = len(skp_ids), len(ind_ids)
    n_ind = len(ind_ids)

    # Capaian per indicator in hundredths of a percent, capped, rounded half up. The products below
    # stay inside int64 for any value the columns hold under the default cap; a larger cap with
    # huge numbers takes the exact per-SKP path instead.
    cap = h["cap"]
    limit = np.iinfo(np.int64).max // (2 * max(cap, 10000) + 2)
    if n_ind and max(int(target.max()), int(value.max())) > limit:
        return None
    quant = (ind_quant == 1) & (value >= 0) & (target > 0)
    higher = quant & (ind_lower == 0)
    lower = quant & (ind_lower == 1)
    num = np.zeros(n_ind, dtype=np.int64)
    den = np.ones(n_ind, dtype=np.int64)
    num[higher], den[higher] = value[higher] * 10000, target[higher]
    lower_pos = lower & (value > 0)
    num[lower_pos], den[lower_pos] = target[lower_pos] * 10000, value[lower_pos]
    capaian = np.where(num >= cap * den, cap, (2 * num + den) // (2 * den))
    capaian[lower & (value == 0)] = cap
    has = quant.copy()
    qual = (ind_quant == 0) & (level > 0)
    for code, v in h["qualitative"].items():
        capaian[qual & (level == code)] = min(v, cap)
    has |= qual

    # RHK: the rounded mean of its indicators with a result, and the level of that mean.
    rhk_ids, first = np.unique(ind_rhk, return_index=True)
    rhk_skp, rhk_utama = ind_skp[first], ind_utama[first]
    n_rhk = len(rhk_ids)
    stats.rhk = n_rhk
    ind_rhk_pos = np.searchsorted(rhk_ids, ind_rhk)
    total = np.bincount(ind_rhk_pos[has], weights=capaian[has], minlength=n_rhk).astype(np.int64)
    count = np.bincount(ind_rhk_pos[has], minlength=n_rhk).astype(np.int64)
    mean = np.where(count > 0, (2 * total + count) // (2 * np.maximum(count, 1)), 0)
    rhk_level = np.select(
        [count == 0, mean >= h["above"], mean >= h["meets"]], [NO_LEVEL, ATAS, SESUAI], default=BAWAH
    ).astype(np.int8)
    stats.rhk_ids, stats.rhk_capaian, stats.rhk_level = rhk_ids, mean, rhk_level

    # SKP: counts of (utama, level) over RHK with a result, then the rule once per distinct count row.
    n_skp = len(skp_ids)
    rhk_skp_pos = np.searchsorted(skp_ids, rhk_skp)
    rated = rhk_level > 0
    slot = rhk_skp_pos[rated] * 6 + rhk_utama[rated] * 3 + (rhk_level[rated].astype(np.int64) - 1)
    counts = np.bincount(slot, minlength=n_skp * 6).reshape(n_skp, 6)
    combos, inverse = np.unique(counts, axis=0, return_inverse=True)
    by_combo = [_suggest(tuple(int(x) for x in combo)) for combo in combos]
    return {int(skp_id): by_combo[k] for skp_id, k in zip(skp_ids.tolist(), inverse.ravel().tolist(), strict=True)}


def _suggest(counts: tuple[int, ...]) -> rules.WorkSuggestion | None:
    """`counts` = (tambahan below, sesuai, above, utama below, sesuai, above)."""
    pairs = []
    for utama in (0, 1):
        for offset, level in enumerate((rules.Level.DI_BAWAH, rules.Level.SESUAI, rules.Level.DI_ATAS)):
            pairs.extend([(bool(utama), level)] * counts[utama * 3 + offset])
    return rules.suggest_work_rating(pairs)


def _per_skp_suggestions(period: Period, rule: rules.AchievementRule, stats: YearStats) -> dict:
    """The exact path, one SKP at a time through `services.achievements` (used when arrays cannot be)."""
    suggestions, rhk = {}, []
    for skp in Skp.objects.filter(period=period).prefetch_related("rhks__indicators__realisations"):
        computed = achievements(skp, rule)
        suggestions[skp.pk] = computed["suggestion"]
        for row in computed["rhk"]:
            result = row["result"]
            level = LEVEL_CODE[result.level] if result.level is not None else NO_LEVEL
            rhk.append((row["rhk"].pk, int(result.capaian * 100) if result.capaian is not None else 0, level))
    rhk.sort()
    stats.skps, stats.rhk = len(suggestions), len(rhk)
    stats.rhk_ids = np.array([r[0] for r in rhk], dtype=np.int64)
    stats.rhk_capaian = np.array([r[1] for r in rhk], dtype=np.int64)
    stats.rhk_level = np.array([r[2] for r in rhk], dtype=np.int8)
    return suggestions


def _write_evaluations(updates: list[tuple]) -> int:
    """One UPDATE statement run for many rows; a row whose version moved on is left alone."""
    table = connection.ops.quote_name(Evaluation._meta.db_table)
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {table} SET {q('suggested_work_level')} = %s, {q('suggestion')} = %s, {q('predikat')} = %s, "  # noqa: S608
        f"{q('version')} = {q('version')} + 1 WHERE {q('id')} = %s AND {q('version')} = %s"
    )
    json_field = Evaluation._meta.get_field("suggestion")
    params = [
        (suggested, json_field.get_db_prep_value(suggestion, connection), predikat, eid, version)
        for eid, version, suggested, suggestion, predikat in updates
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        # sqlite3 and psycopg sum the rows changed over all parameter sets.
        return cursor.rowcount if cursor.rowcount >= 0 else len(params)


def _distribution(
    period: Period, predikat_by_skp: dict[int, str], dist_rules: rules.DistributionRules, org: dict[int, str]
) -> dict[int, dict[str, Any]]:
    """`services.unit_distribution` for every perangkat daerah and every unit with an org result."""
    targets = set(Unit.objects.filter(kind=UnitKind.PERANGKAT_DAERAH).values_list("id", flat=True)) | set(org)
    skp_units = dict(Skp.objects.filter(period=period).values_list("id", "unit_id"))
    paths = dict(Unit.objects.filter(pk__in=set(skp_units.values())).values_list("id", "path"))
    ancestors = {
        uid: [int(p) for p in path.strip("/").split("/") if p and int(p) in targets] for uid, path in paths.items()
    }
    counts: dict[int, dict[rules.Predikat, int]] = {uid: {} for uid in targets}
    for skp_id, predikat in predikat_by_skp.items():
        if not predikat:
            continue
        p = rules.Predikat(predikat)
        for uid in ancestors.get(skp_units.get(skp_id), ()):
            counts[uid][p] = counts[uid].get(p, 0) + 1
    out = {}
    for uid in targets:
        c = counts[uid]
        total = sum(c.values())
        org_predikat = org.get(uid)
        checked = bool(org_predikat and total)
        out[uid] = {
            "counts": {p.value: c.get(p, 0) for p in rules.PREDIKAT_ORDER},
            "total": total,
            "org_predikat": org_predikat,
            "violations": rules.check_distribution(c, rules.OrgPredikat(org_predikat), dist_rules) if checked else [],
            "limits": rules.quota_limits(total, rules.OrgPredikat(org_predikat), dist_rules) if checked else [],
        }
    return out


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 5000) -> int:
    """INSERT many rows through one prepared statement (executemany); returns the number of rows.

    `fields` names every column to fill (attnames such as "indicator_id"; the primary key only when
    the caller assigns ids); model defaults are not applied, so give every non-null column. Each
    value is prepared by its field for the connection, as `bulk_create` does, but without compiling
    SQL per row, which is what makes `bulk_create` slow for hundreds of thousands of rows. New
    primary keys are not returned.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    done = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(f.get_db_prep_save(v, connection) for f, v in zip(columns, row, strict=True)))
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            done += len(batch)
    return done
