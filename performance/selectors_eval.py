"""Every read the evaluation pages, dashboard and documents need: scoped doors, joins, and the sentences
that explain a number (a suggestion, a predikat, a quota) in plain Indonesian.

The doors (`*_get_for`) answer 404 alike for "missing" and for "not allowed".
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import can_view_employee
from org.models import Employee, Unit
from performance import permissions as perm
from performance import rules
from performance.models import (
    Evaluation,
    EvaluationStatus,
    Level,
    Objection,
    ObjectionStatus,
    OrgPredikat,
    OrgResult,
    Period,
    Predikat,
    Rhk,
    Skp,
    SkpStatus,
    UnitFinalisation,
)
from performance.services import achievements, rules_for, work_suggestion

LEVEL_LABELS = dict(Level.choices)
PREDIKAT_LABELS = dict(Predikat.choices)
ORG_PREDIKAT_LABELS = dict(OrgPredikat.choices)

_SKP_PEOPLE = (
    "period",
    "unit",
    "employee__position",
    "employee__unit",
    "penilai__position",
    "penilai__unit",
    "atasan_penilai__position",
    "atasan_penilai__unit",
)
_EVALUATION_PARTS = (
    "evaluation",
    "evaluation__objection",
    "evaluation__objection__decided_by",
    "evaluation__credit",
    "evaluation__follow_up",
)


def level_label(value: str | None) -> str:
    return str(LEVEL_LABELS.get(value, "")) if value else ""


def predikat_label(value: str | None) -> str:
    return str(PREDIKAT_LABELS.get(value, "")) if value else ""


def evaluation_of(skp: Skp) -> Evaluation | None:
    return getattr(skp, "evaluation", None)


def objection_of(evaluation: Evaluation | None) -> Objection | None:
    return getattr(evaluation, "objection", None) if evaluation is not None else None


# ---------------------------------------------------------------------------------------------
# Periods


def periods_list() -> list[Period]:
    return list(Period.objects.all())


def period_get(*, pk: int) -> Period:
    period = Period.objects.filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


def period_pick(periods: list[Period], pk: str | None) -> Period | None:
    """The period asked for by `?periode=`, else the latest one (periods come newest first)."""
    if pk and str(pk).isdigit():
        for period in periods:
            if period.pk == int(pk):
                return period
        raise Http404
    return periods[0] if periods else None


def _percent(share: Decimal | None) -> str:
    if share is None:
        return ""
    value = (share * 100).normalize()
    return f"{value:f}".replace(".", ",")


def _predikat_list(values) -> str:
    labels = [predikat_label(str(p)) for p in values]
    return _(" atau ").join(labels)


def rule_sentence(constraint: rules.QuotaConstraint) -> str:
    """One constraint of a distribution pattern, without head counts: "paling banyak 70% Sangat Baik"."""
    names = _predikat_list(constraint.predikat)
    share = _percent(constraint.share)
    if constraint.op is rules.QuotaOp.MAX:
        return _("paling banyak %(share)s%% pegawai %(predikat)s") % {"share": share, "predikat": names}
    if constraint.op is rules.QuotaOp.MIN:
        return _("sekurang-kurangnya %(share)s%% pegawai %(predikat)s") % {"share": share, "predikat": names}
    if constraint.op is rules.QuotaOp.SOME:
        return _("harus ada pegawai %(predikat)s") % {"predikat": names}
    return _("tidak boleh ada pegawai %(predikat)s") % {"predikat": names}


def distribution_rules_text(period: Period) -> list[dict[str, Any]]:
    """The period's distribution patterns as readable lines, one entry per organisation predikat."""
    dist = rules_for(period)[0]
    out = []
    for org in rules.OrgPredikat:
        lines = [rule_sentence(c) for c in dist.for_org(org)]
        out.append({"org": org.value, "label": ORG_PREDIKAT_LABELS[org.value], "lines": lines})
    return out


def limit_sentence(item: rules.Limit | rules.Violation, count: int | None = None) -> str:
    """A head-count bound in words, with the current count: "Paling banyak 7 dari 10 pegawai boleh Sangat Baik; …"."""
    names = _predikat_list(item.predikat)
    now = count if count is not None else getattr(item, "count", 0)
    params = {"predikat": names, "total": item.total, "count": now}
    if item.op is rules.QuotaOp.MAX:
        return _("Paling banyak %(allowed)s dari %(total)s pegawai boleh %(predikat)s; sekarang %(count)s.") % {
            **params,
            "allowed": item.allowed,
        }
    if item.op is rules.QuotaOp.MIN:
        return _("Sekurang-kurangnya %(needed)s dari %(total)s pegawai harus %(predikat)s; sekarang %(count)s.") % {
            **params,
            "needed": item.needed,
        }
    if item.op is rules.QuotaOp.SOME:
        return _("Harus ada sekurang-kurangnya satu pegawai %(predikat)s; sekarang %(count)s.") % params
    return _("Tidak seorang pun boleh %(predikat)s; sekarang %(count)s.") % params


# ---------------------------------------------------------------------------------------------
# Sentences that explain a rating


def suggestion_sentence(data: dict[str, Any] | None) -> str:
    """The work-result suggestion and why, from its counts and reason code (stored or fresh)."""
    if not data or not data.get("level"):
        return _("Belum ada saran: belum ada RHK utama yang punya capaian.")
    params = {
        "level": level_label(data["level"]),
        "total": data.get("utama_total", 0),
        "above": data.get("utama_above", 0),
        "meets": data.get("utama_meets", 0),
        "below": data.get("utama_below", 0),
        "ok": data.get("utama_above", 0) + data.get("utama_meets", 0),
    }
    reason = data.get("reason")
    if reason == "unit_head_org_result":
        return _(
            "Saran: %(level)s — sebagai kepala perangkat daerah, hasil kerja Anda mengikuti capaian kinerja "
            "organisasi yang ditetapkan pimpinan."
        ) % {"level": params["level"]}
    if reason == "majority_above_no_main_below":
        text = _("%(above)s dari %(total)s RHK utama di atas ekspektasi dan tidak ada yang di bawah.")
    elif reason == "tie_above_lifted_by_tambahan":
        text = _(
            "%(above)s dari %(total)s RHK utama di atas ekspektasi (tepat separuh), tidak ada yang di bawah, "
            "dan ada RHK tambahan di atas ekspektasi."
        )
    elif reason == "majority_above_but_main_below":
        text = _(
            "%(above)s dari %(total)s RHK utama di atas ekspektasi, tetapi %(below)s di bawah (sebagian kecil), "
            "jadi belum dapat Di Atas Ekspektasi."
        )
    elif reason == "majority_meets_small_part_below" and params["below"]:
        text = _("%(ok)s dari %(total)s RHK utama sesuai atau di atas ekspektasi, %(below)s di bawah (sebagian kecil).")
    elif reason == "majority_meets_small_part_below":
        text = _("%(ok)s dari %(total)s RHK utama sesuai atau di atas ekspektasi, tidak ada yang di bawah.")
    elif reason == "tie_meets_lifted_by_tambahan":
        text = _(
            "%(ok)s dari %(total)s RHK utama sesuai atau di atas ekspektasi (tepat separuh), "
            "dan ada RHK tambahan di atas ekspektasi."
        )
    elif reason == "main_below_over_small_part":
        text = _("%(below)s dari %(total)s RHK utama di bawah ekspektasi, lebih dari sebagian kecil.")
    else:
        text = _("Hanya %(ok)s dari %(total)s RHK utama sesuai atau di atas ekspektasi.")
    return _("Saran: %(level)s — %(why)s") % {"level": params["level"], "why": text % params}


def predikat_sentence(work: str | None, behaviour: str | None) -> str:
    """One line on how the matrix turns the two ratings into the predikat."""
    if not work or not behaviour:
        return ""
    return _(
        "Hasil kerja %(work)s dan perilaku kerja %(behaviour)s menghasilkan predikat %(predikat)s "
        "menurut matriks PermenPANRB 6/2022."
    ) % {
        "work": level_label(work),
        "behaviour": level_label(behaviour),
        "predikat": predikat_label(rules.predikat(work, behaviour).value),
    }


def predikat_matrix(work: str | None = None, behaviour: str | None = None) -> dict[str, Any]:
    """The 3×3 matrix for a table: rows are work results, columns behaviour, the current cell marked."""
    columns = [(lv.value, level_label(lv.value)) for lv in reversed(rules.LEVEL_ORDER)]
    rows = []
    for w in rules.LEVEL_ORDER:
        cells = [
            {
                "label": predikat_label(rules.predikat(w, b).value),
                "current": w.value == work and b.value == behaviour,
            }
            for b in reversed(rules.LEVEL_ORDER)
        ]
        rows.append({"level": w.value, "label": level_label(w.value), "cells": cells})
    return {"columns": columns, "rows": rows}


def behaviour_rows(skp: Skp, levels: dict[str, str] | None = None, peer: dict | None = None) -> list[dict[str, Any]]:
    """The 7 BerAKHLAK values with guidance, the leader's expectation, a level and the 360 consensus."""
    expectations = {e.value: e.text for e in skp.expectations.all()}
    levels = levels or {}
    peer_values = (peer or {}).get("values", {}) if (peer or {}).get("shown") else {}
    out = []
    for code, name, lines in rules.BERAKHLAK:
        consensus = (peer_values.get(code) or {}).get("consensus")
        out.append(
            {
                "code": code,
                "name": name,
                "lines": lines,
                "expectation": expectations.get(code, ""),
                "level": levels.get(code, ""),
                "level_label": level_label(levels.get(code)),
                "peer": level_label(consensus.value if consensus else None),
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# One SKP and its evaluation


def _skp_queryset() -> QuerySet[Skp]:
    return Skp.objects.select_related(*_SKP_PEOPLE, *_EVALUATION_PARTS).prefetch_related(
        Prefetch("rhks", queryset=Rhk.objects.select_related("parent").prefetch_related("indicators__realisations")),
        "expectations",
        "peer_requests",
    )


def skp_for_evaluation(*, user, pk: int) -> Skp:
    """The door to an SKP's evaluation page: its pejabat penilai while rating, or anyone who may view it."""
    skp = _skp_queryset().filter(pk=pk).first()
    if skp is None or not (perm.can_rate(user, skp) or perm.can_view_evaluation(user, skp)):
        raise Http404
    return skp


def skp_for_document(*, user, pk: int) -> Skp:
    skp = _skp_queryset().filter(pk=pk).first()
    if skp is None or not perm.can_view_skp(user, skp):
        raise Http404
    return skp


def skp_for_evaluation_document(*, user, pk: int) -> Skp:
    skp = _skp_queryset().filter(pk=pk).first()
    if skp is None or evaluation_of(skp) is None or not perm.can_view_evaluation(user, skp):
        raise Http404
    evaluation = evaluation_of(skp)
    if not evaluation.predikat:
        raise Http404
    return skp


@dataclass
class AchievementTable:
    rows: list[dict[str, Any]]
    suggestion: rules.WorkSuggestion | None
    has_any: bool


def achievement_table(skp: Skp) -> AchievementTable:
    """Capaian per RHK and indicator (services.achievements) with each indicator's latest realisation."""
    computed = achievements(skp)
    rows = []
    for item in computed["rhk"]:
        indicators = []
        for entry in item["indicators"]:
            indicator = entry["indicator"]
            reals = sorted(indicator.realisations.all(), key=lambda r: r.slice_id)
            filled = [r for r in reals if r.value is not None or r.text or r.assessed_level]
            latest = filled[-1] if filled else None
            result = entry["result"]
            indicators.append(
                {
                    "indicator": indicator,
                    "realisation": latest,
                    "capaian": result.capaian,
                    "level": result.level.value if result.level else "",
                    "level_label": level_label(result.level.value if result.level else None),
                }
            )
        result = item["result"]
        rows.append(
            {
                "rhk": item["rhk"],
                "indicators": indicators,
                "capaian": result.capaian,
                "level": result.level.value if result.level else "",
                "level_label": level_label(result.level.value if result.level else None),
            }
        )
    has_any = any(r["level"] for r in rows)
    suggestion = work_suggestion(skp, computed)
    return AchievementTable(rows=rows, suggestion=suggestion, has_any=has_any)


def org_result_for(skp: Skp) -> OrgResult | None:
    """The capaian kinerja organisasi of the SKP's perangkat daerah (the depth-1 unit above it)."""
    ids = skp.unit.ancestor_ids()
    if len(ids) < 2:
        return None
    return OrgResult.objects.filter(period_id=skp.period_id, unit_id=ids[1]).first()


def objection_compare(objection: Objection, evaluation: Evaluation) -> list[dict[str, str]]:
    """The original result and the decision, side by side."""
    original = objection.original or {}
    return [
        {
            "label": _("Hasil kerja"),
            "before": level_label(original.get("work_level")),
            "after": evaluation.get_work_level_display(),
        },
        {
            "label": _("Perilaku kerja"),
            "before": level_label(original.get("behaviour_level")),
            "after": evaluation.get_behaviour_level_display(),
        },
        {
            "label": _("Predikat"),
            "before": predikat_label(original.get("predikat")),
            "after": evaluation.get_predikat_display(),
        },
    ]


def objection_get_for(*, user, pk: int) -> Objection:
    objection = (
        Objection.objects.select_related(
            "reviewer__position",
            "decided_by",
            "evaluation",
            *[f"evaluation__skp__{p}" for p in _SKP_PEOPLE],
        )
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise Http404
    skp = objection.evaluation.skp
    skp.evaluation = objection.evaluation
    if not (perm.can_view_evaluation(user, skp) or perm.can_decide_objection(user, objection)):
        raise Http404
    return objection


def objection_window(evaluation: Evaluation | None, period: Period, today: date) -> dict[str, Any] | None:
    """The objection window of a published result: its deadline and whether it is still open today."""
    if evaluation is None or evaluation.status != EvaluationStatus.PUBLISHED or evaluation.published_on is None:
        return None
    deadline = rules.objection_deadline(evaluation.published_on, period.objection_days)
    return {
        "deadline": deadline,
        "days": period.objection_days,
        "open": rules.objection_open(evaluation.published_on, today, period.objection_days),
    }


# ---------------------------------------------------------------------------------------------
# Dashboard


@dataclass
class DashboardRow:
    unit: Unit | None
    employees: int = 0
    skp_total: int = 0
    draft: int = 0
    submitted: int = 0
    agreed: int = 0
    rated: int = 0
    final: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Predikat.values, 0))
    org_predikat: str | None = None
    warnings: int = 0
    finalised: bool = False

    @property
    def org_predikat_label(self) -> str:
        return str(ORG_PREDIKAT_LABELS.get(self.org_predikat, "")) if self.org_predikat else ""

    @property
    def evaluated(self) -> int:
        return sum(self.counts.values())


def _pd_id(path: str) -> int | None:
    """The perangkat daerah (depth-1 unit) of a unit path "/root/pd/…/", read without a query."""
    parts = [p for p in path.strip("/").split("/") if p]
    return int(parts[1]) if len(parts) > 1 else None


_COUNTED = ("skp_total", "draft", "submitted", "agreed", "rated", "final")


def dashboard(*, period: Period) -> tuple[list[DashboardRow], DashboardRow]:
    """One row per perangkat daerah, and a total: a fixed number of queries whatever the organisation's size."""
    units = list(Unit.objects.filter(depth=1).order_by("name"))
    rows = {u.pk: DashboardRow(unit=u) for u in units}
    total = DashboardRow(unit=None)
    employees = (
        Employee.objects.filter(is_active=True)
        .values("unit__path")
        .annotate(n=Count("id"))
        .values_list("unit__path", "n")
    )
    for path, n in employees:
        row = rows.get(_pd_id(path))
        if row is not None:
            row.employees += n
        total.employees += n
    done = [EvaluationStatus.FINAL, EvaluationStatus.PUBLISHED]
    per_predikat = {f"p_{p}": Count("evaluation", filter=Q(evaluation__predikat=p)) for p in Predikat.values}
    skps = (
        Skp.objects.filter(period=period)
        .values("unit__path")
        .annotate(
            skp_total=Count("id"),
            draft=Count("id", filter=Q(status__in=[SkpStatus.DRAFT, SkpStatus.RETURNED])),
            submitted=Count("id", filter=Q(status=SkpStatus.SUBMITTED)),
            agreed=Count("id", filter=Q(status=SkpStatus.AGREED)),
            rated=Count("evaluation", filter=Q(evaluation__status=EvaluationStatus.RATED)),
            final=Count("evaluation", filter=Q(evaluation__status__in=done)),
            **per_predikat,
        )
    )
    for item in skps:
        targets = [total]
        row = rows.get(_pd_id(item["unit__path"]))
        if row is not None:
            targets.append(row)
        for target in targets:
            for name in _COUNTED:
                setattr(target, name, getattr(target, name) + item[name])
            for p in Predikat.values:
                target.counts[p] += item[f"p_{p}"]
    org = dict(OrgResult.objects.filter(period=period).values_list("unit_id", "predikat"))
    finalised = set(UnitFinalisation.objects.filter(period=period).values_list("unit_id", flat=True))
    dist = rules_for(period)[0]
    for pk, row in rows.items():
        row.org_predikat = org.get(pk)
        row.finalised = pk in finalised
        if row.org_predikat and row.evaluated:
            row.warnings = len(rules.check_distribution(row.counts, row.org_predikat, dist))
            total.warnings += row.warnings
    total.finalised = bool(rows) and all(r.finalised for r in rows.values())
    return list(rows.values()), total


def perangkat_daerah_get(*, pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk, depth=1).first()
    if unit is None:
        raise Http404
    return unit


def distribution_view(state: dict[str, Any]) -> dict[str, Any]:
    """services.unit_distribution in words and in chart-ready numbers."""
    counts = state["counts"]
    bars = [{"code": p, "label": predikat_label(p), "count": counts.get(p, 0)} for p in Predikat.values]
    limits = []
    for limit in state["limits"]:
        count = sum(counts.get(p.value, 0) for p in limit.predikat)
        limits.append(
            {
                "sentence": limit_sentence(limit, count),
                "holds": limit.holds(count),
                "predikat": [p.value for p in limit.predikat],
                "allowed": limit.allowed,
                "needed": limit.needed,
            }
        )
    chart = {
        "labels": [b["label"] for b in bars],
        "counts": [b["count"] for b in bars],
        # A bound is drawn on a bar only when the constraint is about that one predikat.
        "max": [
            next((x["allowed"] for x in limits if x["predikat"] == [b["code"]] and x["allowed"] is not None), None)
            for b in bars
        ],
        "min": [
            next((x["needed"] for x in limits if x["predikat"] == [b["code"]] and x["needed"] is not None), None)
            for b in bars
        ],
        "names": {
            "count": _("Jumlah pegawai"),
            "max": _("Batas paling banyak"),
            "min": _("Batas sekurang-kurangnya"),
        },
    }
    return {
        "bars": bars,
        "limits": limits,
        "warnings": [limit_sentence(v) for v in state["violations"]],
        "total": state["total"],
        "chart": chart,
    }


def unit_skps(*, period: Period, unit: Unit) -> QuerySet[Skp]:
    """The SKPs of a perangkat daerah with their evaluation state, for the unit page list."""
    return (
        Skp.objects.filter(period=period, unit__path__startswith=unit.path)
        .select_related("employee__position", "unit", "evaluation", "evaluation__objection")
        .order_by("unit__path", "employee__name")
    )


def unit_evaluations_for_export(*, period: Period, unit: Unit) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(skp__period=period, skp__unit__path__startswith=unit.path)
        .select_related("skp__employee__position", "skp__unit", "credit")
        .order_by("skp__unit__path", "skp__employee__name")
    )


def unit_names(unit: Unit) -> dict[int, str]:
    """Each unit under a perangkat daerah named by its path from the perangkat daerah ("Dinas > Bidang")."""
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=unit.path).only("id", "name", "parent_id")}
    names: dict[int, str] = {}

    def name(uid: int) -> str:
        if uid not in names:
            u = units[uid]
            parent = u.parent_id if u.parent_id in units and uid != unit.pk else None
            names[uid] = f"{name(parent)} > {u.name}" if parent else u.name
        return names[uid]

    for uid in units:
        name(uid)
    return names


def org_result_get(*, period: Period, unit: Unit) -> OrgResult | None:
    return OrgResult.objects.select_related("set_by").filter(period=period, unit=unit).first()


def finalisation_for(*, period: Period, unit: Unit) -> UnitFinalisation | None:
    return UnitFinalisation.objects.select_related("finalised_by").filter(period=period, unit=unit).first()


def publish_summary(*, period: Period) -> dict[str, int]:
    """What the pimpinan approves: final results, results not final yet, units not finalised."""
    counts = Evaluation.objects.filter(skp__period=period).aggregate(
        final=Count("id", filter=Q(status=EvaluationStatus.FINAL)),
        pending=Count("id", filter=Q(status__in=[EvaluationStatus.OPEN, EvaluationStatus.RATED])),
    )
    units = Unit.objects.filter(depth=1).count()
    finalised = UnitFinalisation.objects.filter(period=period, unit__depth=1).count()
    return {**counts, "units": units, "units_open": max(units - finalised, 0)}


# ---------------------------------------------------------------------------------------------
# History


def employee_get_for(*, user, pk: int) -> Employee:
    employee = Employee.objects.select_related("unit", "position").filter(pk=pk).first()
    if employee is None or not can_view_employee(user, employee):
        raise Http404
    return employee


def employee_history(*, user, employee: Employee) -> list[dict[str, Any]]:
    """An employee's results across periods, newest first; each row only where the user may see it."""
    skps = (
        Skp.objects.filter(employee=employee)
        .select_related("period", "unit", "evaluation", "evaluation__objection", "evaluation__credit")
        .order_by("-period__year", "period__name")
    )
    out = []
    for skp in skps:
        evaluation = evaluation_of(skp)
        visible = evaluation is not None and perm.can_view_evaluation(user, skp)
        objection = objection_of(evaluation) if visible else None
        out.append(
            {
                "skp": skp,
                "evaluation": evaluation if visible else None,
                "objection": objection,
                "original_predikat": predikat_label((objection.original or {}).get("predikat")) if objection else "",
                "decided": objection is not None and objection.status == ObjectionStatus.DECIDED,
            }
        )
    return out
