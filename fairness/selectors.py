"""Every read the fairness pages need: scoped doors, joins, and the sentences that explain each number.

The doors (`*_get_for`) answer 404 alike for "missing" and for "not allowed". Page builders read a
constant number of queries whatever the number of raters: the stored report is one row, and names,
declarations and evaluations are fetched in one query each.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from fairness import permissions as perm
from fairness.models import (
    AnalysisKind,
    AnalysisRun,
    CalibrationDecision,
    CalibrationMember,
    CalibrationSession,
    ConflictOfInterest,
    ConflictRelation,
    DecisionKind,
    MemberKind,
    RaterResult,
    RunStatus,
)
from fairness.services import REVIEW_FLAGS, missing_member_kinds, parse_key
from org.models import Employee, EmploymentStatus, Gender, Unit
from performance.models import Evaluation, Period
from performance.selectors_eval import LEVEL_LABELS, PREDIKAT_LABELS, level_label, predikat_label

RELATION_LABELS = dict(ConflictRelation.choices)

# Rater flags in the order they are shown, each with a name and a one-line plain explanation.
FLAG_ORDER = (
    "lenient",
    "severe",
    "lenient_vs_achievement",
    "severe_vs_achievement",
    "halo",
    "central_tendency",
    "misfit",
    "muted",
    "unlinked",
)
FLAG_LABELS = {
    "lenient": gettext_lazy("Murah hati"),
    "severe": gettext_lazy("Ketat"),
    "lenient_vs_achievement": gettext_lazy("Murah hati terhadap capaian"),
    "severe_vs_achievement": gettext_lazy("Ketat terhadap capaian"),
    "halo": gettext_lazy("Efek halo"),
    "central_tendency": gettext_lazy("Kecenderungan tengah"),
    "misfit": gettext_lazy("Tidak konsisten"),
    "muted": gettext_lazy("Terlalu seragam"),
    "unlinked": gettext_lazy("Tidak terhubung"),
}
FLAG_EXPLANATIONS = {
    "lenient": gettext_lazy(
        "Memberi nilai lebih tinggi daripada penilai lain untuk pegawai yang sebanding, melebihi batas kebetulan."
    ),
    "severe": gettext_lazy(
        "Memberi nilai lebih rendah daripada penilai lain untuk pegawai yang sebanding, melebihi batas kebetulan."
    ),
    "lenient_vs_achievement": gettext_lazy(
        "Memberi nilai hasil kerja lebih tinggi daripada yang diramalkan capaian RHK terukur, dibanding penilai "
        "lain; dapat dibandingkan walaupun tiap pegawai hanya punya satu penilai."
    ),
    "severe_vs_achievement": gettext_lazy(
        "Memberi nilai hasil kerja lebih rendah daripada yang diramalkan capaian RHK terukur, dibanding penilai lain."
    ),
    "halo": gettext_lazy(
        "Menilai semua nilai BerAKHLAK seorang pegawai hampir sama, seolah dari satu kesan umum, bukan per nilai."
    ),
    "central_tendency": gettext_lazy(
        "Hampir selalu memberi nilai tengah (Sesuai Ekspektasi) dan menghindari kedua ujung skala."
    ),
    "misfit": gettext_lazy("Pola penilaiannya sulit diramalkan dari penilaian lain: berubah-ubah atau tampak acak."),
    "muted": gettext_lazy("Penilaiannya lebih seragam daripada yang wajar; sering menyertai efek halo."),
    "unlinked": gettext_lazy(
        "Tidak ada pegawai yang juga dinilai penilai lain, sehingga penilai ini belum dapat dibandingkan."
    ),
}

STAGE_LABELS = {
    "reading": gettext_lazy("Membaca penilaian…"),
    "fitting": gettext_lazy("Menghitung efek penilai…"),
    "adverse": gettext_lazy("Menghitung dampak merugikan…"),
    "saving": gettext_lazy("Menyimpan hasil…"),
}

FAILURE_REASONS = {
    "empty_file": gettext_lazy("belum ada penilaian yang selesai untuk periode dan cakupan ini."),
    "one_rater_only": gettext_lazy(
        "hanya ada satu penilai, sehingga tidak ada penilai lain sebagai pembanding. Analisis memerlukan "
        "sekurang-kurangnya dua penilai yang menilai pegawai yang sama (misalnya melalui masukan 360)."
    ),
    "one_ratee_only": gettext_lazy(
        "hanya satu pegawai yang dinilai; perbandingan memerlukan sekurang-kurangnya dua pegawai."
    ),
}

ADVERSE_TITLES = {
    "gender": gettext_lazy("Jenis kelamin"),
    "status": gettext_lazy("Status kepegawaian"),
    "golongan": gettext_lazy("Golongan"),
    "age": gettext_lazy("Kelompok umur"),
    "unit": gettext_lazy("Perangkat daerah"),
}
GROUP_LABELS = {**dict(Gender.choices), **dict(EmploymentStatus.choices)}

# A 95 % interval: severity ± 1.96 SE.
Z95 = 1.959964
# Beyond this many raters the HR chart shows only the flagged ones (the table still lists all).
CHART_MAX_ROWS = 60


def num(value: float | None, places: int = 2) -> str:
    """A number in the active language's format (0,4 in Indonesian), or a dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return number_format(round(value, places), places)


def flag_items(flags: list[str]) -> list[dict[str, str]]:
    return [
        {"code": f, "label": str(FLAG_LABELS[f]), "explanation": str(FLAG_EXPLANATIONS[f])}
        for f in FLAG_ORDER
        if f in flags
    ]


def failure_message(run: AnalysisRun) -> str:
    if run.error_code == "system":
        return _("Analisis gagal karena kesalahan sistem. Jalankan lagi, atau hubungi pengelola Terang bila berulang.")
    reason = FAILURE_REASONS.get(run.error_code)
    if reason is not None:
        return _("Belum cukup data: %(reason)s") % {"reason": reason}
    return _("Belum cukup data: %(reason)s") % {"reason": run.error or run.error_code}


def run_status_text(run: AnalysisRun) -> str:
    if run.status == RunStatus.RUNNING:
        return str(STAGE_LABELS.get(run.stage, _("Berjalan…")))
    if run.status == RunStatus.QUEUED:
        return _("Menunggu giliran diproses…")
    if run.status == RunStatus.FAILED:
        return failure_message(run)
    return ""


def scope_label(unit: Unit | None) -> str:
    return unit.name if unit is not None else _("Seluruh organisasi")


# ---------------------------------------------------------------------------------------------
# Names: one query per kind of key


def names_for(keys) -> dict[str, str]:
    """Display names for rater/ratee keys ("e:<employee>", "u:<user>"): at most two queries."""
    employee_ids, user_ids = set(), set()
    for key in keys:
        kind, pk = parse_key(key)
        if pk is None:
            continue
        (employee_ids if kind == "e" else user_ids).add(pk)
    out: dict[str, str] = {}
    if employee_ids:
        for e in Employee.objects.filter(pk__in=employee_ids).only("pk", "name", "gelar_depan", "gelar_belakang"):
            out[f"e:{e.pk}"] = e.full_name
    if user_ids:
        for u in User.objects.filter(pk__in=user_ids).only("pk", "username", "first_name", "last_name"):
            out[f"u:{u.pk}"] = str(u)
    return out


def rater_names(names: dict[str, str], rater_keys, appraisers: set[str], salt: str) -> dict[str, str]:
    """Names to show for raters: appraisers by name, 360 respondents only as "Responden 360 #n".

    360 answers are anonymous (services.peer_summary shows them only in aggregate), so the fairness
    pages never tie a respondent's name to how they rated. The numbering is a keyed hash of the run,
    so it reveals nothing about who is who and stays the same within one analysis.
    """
    respondents = sorted(
        (k for k in set(rater_keys) if k not in appraisers),
        key=lambda k: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest(),
    )
    out = dict(names)
    for n, key in enumerate(respondents, start=1):
        out[key] = _("Responden 360 #%(n)s") % {"n": n}
    return out


# ---------------------------------------------------------------------------------------------
# Charts: severity with its 95 % interval, drawn as inline SVG by the templates


def _axis(values: list[float]) -> tuple[float, float]:
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    span = max(hi - lo, 0.5)
    pad = span * 0.08
    return lo - pad, hi + pad


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    first = math.ceil(lo / step) * step
    out = []
    t = first
    while t <= hi + 1e-9:
        out.append(round(t, 6))
        t += step
    return out


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _coord(value: float) -> str:
    """An SVG coordinate as text: templates would localise a float to "12,5", which SVG cannot read."""
    return f"{value:.1f}"


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    zero_x: str
    axis_y: int
    ticks: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    dots: list[dict[str, Any]] = field(default_factory=list)


def forest_chart(
    rows: list[dict[str, Any]], *, width: int = 640, row_height: int = 24, left: int = 200
) -> Chart | None:
    """One line per rater: severity as a dot, its 95 % interval as a bar; 0 = the average rater."""
    drawn = [r for r in rows if r["severity"] is not None]
    if not drawn:
        return None
    values = [v for r in drawn for v in (r["lo"], r["hi"], r["severity"]) if v is not None]
    lo, hi = _axis(values)
    right = width - 16
    top = 8

    def x(v: float) -> str:
        return _coord(left + (v - lo) / (hi - lo) * (right - left))

    chart = Chart(
        width=width, height=top + row_height * len(drawn) + 36, left=left, right=right, zero_x=x(0.0), axis_y=0
    )
    for i, r in enumerate(drawn):
        y = top + row_height * i + row_height // 2
        chart.rows.append(
            {
                "y": y,
                "x": x(r["severity"]),
                "x_lo": x(r["lo"]) if r["lo"] is not None else None,
                "x_hi": x(r["hi"]) if r["hi"] is not None else None,
                "label": r.get("label", ""),
                "short": _short(r.get("label", "")),
                "index": r.get("index", i + 1),
                "flagged": bool(r.get("flag_codes")),
                "me": r.get("me", False),
            }
        )
    chart.axis_y = top + row_height * len(drawn) + 4
    chart.ticks = [{"x": x(t), "label": num(t, 1)} for t in _ticks(lo, hi)]
    return chart


def strip_chart(me: dict[str, Any], others: list[float], *, width: int = 640) -> Chart:
    """The rater's own severity with its interval over the other raters shown only as unnamed dots."""
    values = [v for v in (*others, me["severity"], me["lo"], me["hi"]) if v is not None]
    lo, hi = _axis(values)
    left, right = 32, width - 32

    def x(v: float) -> str:
        return _coord(left + (v - lo) / (hi - lo) * (right - left))

    chart = Chart(width=width, height=120, left=left, right=right, zero_x=x(0.0), axis_y=88)
    # A fixed, repeatable vertical spread so dots at the same severity stay visible.
    for i, v in enumerate(sorted(others)):
        chart.dots.append({"x": x(v), "y": 30 + (i * 7) % 28})
    chart.rows.append(
        {
            "y": 66,
            "x": x(me["severity"]),
            "x_lo": x(me["lo"]) if me["lo"] is not None else None,
            "x_hi": x(me["hi"]) if me["hi"] is not None else None,
            "label": _("Anda"),
            "flagged": False,
            "me": True,
        }
    )
    chart.ticks = [{"x": x(t), "label": num(t, 1)} for t in _ticks(lo, hi)]
    return chart


def _interval(severity: float | None, se: float | None) -> tuple[float | None, float | None]:
    if severity is None or se is None or not math.isfinite(se):
        return None, None
    return severity - Z95 * se, severity + Z95 * se


def component_centre(items: list[tuple[float | None, float | None]]) -> float:
    """Precision-weighted mean severity (weights 1/SE²), the reference the engine's flags test against."""
    usable = [(s, se) for s, se in items if s is not None and se is not None and se > 0]
    if usable:
        weights = [1 / se**2 for _s, se in usable]
        return sum(w * s for w, (s, _se) in zip(weights, usable, strict=True)) / sum(weights)
    finite = [s for s, _se in items if s is not None]
    return sum(finite) / len(finite) if finite else 0.0


# ---------------------------------------------------------------------------------------------
# Overview and analysis pages


def periods_list() -> list[Period]:
    return list(Period.objects.order_by("-year", "name"))


def period_pick(periods: list[Period], pk: str | None) -> Period | None:
    if pk and str(pk).isdigit():
        for p in periods:
            if p.pk == int(pk):
                return p
    return periods[0] if periods else None


def perangkat_daerah() -> list[Unit]:
    return list(Unit.objects.filter(depth=1).order_by("name"))


def runs_overview(*, period: Period) -> dict[str, Any]:
    """The latest run of each kind for the whole organisation and each perangkat daerah, and the history."""
    units = perangkat_daerah()
    runs = list(
        AnalysisRun.objects.filter(period=period)
        .select_related("unit", "started_by")
        .defer("results")
        .order_by("-created_at", "-id")
    )
    latest: dict[tuple[int | None, str], AnalysisRun] = {}
    for run in runs:
        latest.setdefault((run.unit_id, run.kind), run)
    rows = [
        {
            "unit": unit,
            "label": scope_label(unit),
            "runs": [latest.get((unit.pk if unit else None, kind)) for kind in AnalysisKind.values],
        }
        for unit in [None, *units]
    ]
    return {"rows": rows, "history": runs[:30], "kinds": AnalysisKind.choices, "units": units}


def run_get_for(*, user, pk: int) -> AnalysisRun:
    run = AnalysisRun.objects.select_related("period", "unit", "started_by").filter(pk=pk).first()
    if run is None or not perm.can_view_run(user, run):
        raise Http404
    return run


def _active_conflicts() -> list[ConflictOfInterest]:
    """Every active declaration. The registry is small by nature (declared relations), so one query
    and a set lookup beats an IN list of every rated person."""
    return list(
        ConflictOfInterest.objects.filter(withdrawn_at__isnull=True).select_related("employee", "other", "declared_by")
    )


def conflicts_touching(pairs: dict[tuple[str, str], str], conflicts: list[ConflictOfInterest]) -> list[dict]:
    """Declared conflicts between a rater and the person they rated, either way round."""
    out = []
    for c in conflicts:
        a, b = f"e:{c.employee_id}", f"e:{c.other_id}"
        for rater, ratee in ((a, b), (b, a)):
            source = pairs.get((rater, ratee))
            if source is not None:
                out.append({"conflict": c, "rater": rater, "ratee": ratee, "source": source})
    return out


def _pairs(results: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(rater, ratee): source for rater, ratee, source in results.get("pairs", [])}


def _rater_rows(report: dict[str, Any], appraisers: set[str], names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in report.get("raters", []):
        lo, hi = _interval(r["severity"], r["se"])
        rows.append(
            {
                "key": r["id"],
                "name": names.get(r["id"], r["id"]),
                "label": names.get(r["id"], r["id"]),
                "role": _("Pejabat penilai") if r["id"] in appraisers else _("Responden 360"),
                "severity": r["severity"],
                "se": r["se"],
                "lo": lo,
                "hi": hi,
                "severity_text": num(r["severity"]),
                "interval_text": f"{num(lo)} – {num(hi)}" if lo is not None else "",
                "n": r["n"],
                "infit": num(r.get("infit")),
                "outfit": num(r.get("outfit")),
                "component": r.get("component", 0),
                "flags": flag_items(r.get("flags", [])),
                "flag_codes": [f for f in r.get("flags", []) if f in REVIEW_FLAGS],
            }
        )
    rows.sort(key=lambda r: (r["severity"] is None, r["severity"] if r["severity"] is not None else 0.0))
    for i, row in enumerate(rows, start=1):
        row["index"] = i
    return rows


def _pair_sentence(bias: float) -> str:
    if bias >= 0:
        return _("memberi nilai %(points)s poin lebih tinggi daripada penilai lain untuk pegawai yang sama") % {
            "points": num(abs(bias), 1)
        }
    return _("memberi nilai %(points)s poin lebih rendah daripada penilai lain untuk pegawai yang sama") % {
        "points": num(abs(bias), 1)
    }


def _departure_sentence(departure: float) -> str:
    if departure >= 0:
        return _(
            "menilai %(points)s poin lebih tinggi daripada yang diperkirakan dari capaian objektif, di luar "
            "kecenderungan umumnya"
        ) % {"points": num(abs(departure), 1)}
    return _(
        "menilai %(points)s poin lebih rendah daripada yang diperkirakan dari capaian objektif, di luar "
        "kecenderungan umumnya"
    ) % {"points": num(abs(departure), 1)}


def _flagged_pairs(
    report: dict[str, Any], pairs: dict, names: dict[str, str], shown: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    shown = names if shown is None else shown
    out = []
    for item in report.get("interactions") or []:
        if item.get("flag") and item.get("bias") is not None:
            out.append(
                {
                    "rater": shown.get(item["rater"], item["rater"]),
                    "ratee": names.get(item["ratee"], item["ratee"]),
                    "rater_key": item["rater"],
                    "ratee_key": item["ratee"],
                    "source": pairs.get((item["rater"], item["ratee"]), ""),
                    "kind": "interaction",
                    "size": num(item["bias"]),
                    "stat": "t = " + num(item["t"]),
                    "sentence": _pair_sentence(item["bias"]),
                }
            )
    for item in report.get("achievement_departures") or []:
        if item.get("flag") and item.get("departure") is not None:
            out.append(
                {
                    "rater": shown.get(item["rater"], item["rater"]),
                    "ratee": names.get(item["ratee"], item["ratee"]),
                    "rater_key": item["rater"],
                    "ratee_key": item["ratee"],
                    "source": pairs.get((item["rater"], item["ratee"]), ""),
                    "kind": "departure",
                    "size": num(item["departure"]),
                    "stat": "z = " + num(item["z"]),
                    "sentence": _departure_sentence(item["departure"]),
                }
            )
    return out


def _reliability(rel: dict[str, Any]) -> dict[str, Any]:
    icc_rows = []
    for name in ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"):
        value = (rel.get("icc") or {}).get(name)
        if value:
            lo, hi = (value.get("ci95") or [None, None])[:2]
            icc_rows.append({"name": name, "value": num(value.get("value")), "ci": f"{num(lo)} – {num(hi)}"})
    alpha = rel.get("krippendorff_alpha")
    alpha_rows = []
    if alpha:
        labels = {
            "nominal": _("nominal"),
            "ordinal": _("ordinal"),
            "interval": _("interval"),
            "ratio": _("rasio"),
        }
        alpha_rows = [
            {"name": labels[k], "value": num(alpha.get(k))} for k in ("nominal", "ordinal", "interval", "ratio")
        ]
    return {
        "icc": icc_rows,
        "icc_reason": rel.get("reason"),
        "alpha": alpha_rows,
        "alpha_reason": rel.get("alpha_reason"),
        "alpha_units": rel.get("alpha_units"),
    }


def _connectivity(conn: dict[str, Any]) -> dict[str, Any]:
    n = conn.get("components", 0)
    lead = _(
        "Efek penilai hanya dapat dibandingkan di dalam satu komponen jaringan: sekelompok penilai yang "
        "tersambung karena menilai pegawai yang sama, langsung atau berantai (termasuk melalui masukan 360)."
    )
    if n <= 1:
        detail = _("Semua penilai dalam analisis ini berada dalam satu komponen, jadi semuanya dapat dibandingkan.")
    else:
        detail = _(
            "Analisis ini terpecah menjadi %(n)s komponen. Bandingkan penilai hanya dengan penilai di komponen "
            "yang sama; penilai yang sendirian dalam komponennya ditandai 'tidak terhubung'. Minta masukan 360 "
            "lintas tim untuk menyambungkannya."
        ) % {"n": n}
    return {"components": n, "sizes": conn.get("sizes", []), "sentence": f"{lead} {detail}"}


def _distribution(dist: dict[str, Any]) -> dict[str, Any]:
    total = dist.get("total") or 0
    level_total = sum((dist.get("level") or {}).values()) or 0

    def rows(counts: dict[str, int], labels: dict[str, Any], denominator: int) -> list[dict[str, Any]]:
        return [
            {
                "label": str(labels.get(code, code)),
                "n": n,
                "share": round(100 * n / denominator) if denominator else 0,
            }
            for code, n in counts.items()
        ]

    return {
        "total": total,
        "predikat": rows(dist.get("predikat") or {}, PREDIKAT_LABELS, total),
        "level": rows(dist.get("level") or {}, LEVEL_LABELS, level_total),
    }


def _group_label(name: str, group: str) -> str:
    if name in ("gender", "status"):
        return str(GROUP_LABELS.get(group, group))
    if name == "age":
        return _("%(band)s tahun") % {"band": group}
    return group


def _adverse(adverse: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name in ("gender", "status", "golongan", "age", "unit"):
        item = adverse.get(name)
        if item is None:
            continue
        groups = []
        for g in item.get("groups", []):
            groups.append(
                {
                    "label": _group_label(name, g["group"]),
                    "applicants": g["applicants"],
                    "selected": g["selected"],
                    "suppressed": g["suppressed"],
                    "rate": f"{num(100 * g['rate'], 0)} %" if g.get("rate") is not None else "—",
                    "ratio": num(g.get("impact_ratio")),
                    "flag": g.get("flag"),
                    "fisher_p": num(g.get("fisher_p"), 3),
                }
            )
        cautions = []
        for g, raw in zip(groups, item.get("groups", []), strict=True):
            if not g["flag"]:
                continue
            p = raw.get("fisher_p")
            if p is not None and p < 0.05:
                text = _(
                    "%(group)s: rasio dampak %(ratio)s di bawah 0,80 dan p Fisher %(p)s di bawah 0,05; selisih ini "
                    "kecil kemungkinannya kebetulan. Periksa penyebabnya."
                )
            else:
                text = _(
                    "%(group)s: rasio dampak %(ratio)s di bawah 0,80, tetapi p Fisher %(p)s; pada kelompok sekecil "
                    "ini selisihnya bisa karena kebetulan. Pantau pada periode berikutnya."
                )
            cautions.append(text % {"group": g["label"], "ratio": g["ratio"], "p": g["fisher_p"]})
        out.append(
            {
                "name": name,
                "title": str(ADVERSE_TITLES[name]),
                "cautions": cautions,
                "groups": groups,
                "reference": _group_label(name, item["reference"]) if item.get("reference") else "",
                "unavailable": item.get("unavailable"),
                "any_flag": any(g["flag"] for g in groups),
                "any_suppressed": any(g["suppressed"] for g in groups),
                "min_group_size": item.get("min_group_size"),
            }
        )
    return out


def analysis_page(*, run: AnalysisRun) -> dict[str, Any]:
    """Everything the analysis page shows, in a fixed number of queries (names, declarations)."""
    page: dict[str, Any] = {"run": run, "status_text": run_status_text(run)}
    if run.status != RunStatus.DONE:
        return page
    results = run.results or {}
    report = results.get("report") or {}
    pairs = _pairs(results)
    appraisers = set(results.get("appraisers", []))
    conflicts = conflicts_touching(pairs, _active_conflicts())
    flagged_pair_keys = [
        (i["rater"], i["ratee"])
        for i in [*(report.get("interactions") or []), *(report.get("achievement_departures") or [])]
        if i.get("flag")
    ]
    keys = {r["id"] for r in report.get("raters", [])}
    keys |= {k for pair in flagged_pair_keys for k in pair}
    keys |= {c["ratee"] for c in conflicts}
    names = names_for(keys)
    shown = rater_names(names, {r["id"] for r in report.get("raters", [])}, appraisers, f"run{run.pk}")
    raters = _rater_rows(report, appraisers, shown)
    flagged = [r for r in raters if r["flag_codes"]]
    chart_rows = raters if len(raters) <= CHART_MAX_ROWS else flagged
    for c in conflicts:
        c["rater_name"] = names.get(c["rater"], c["rater"])
        c["ratee_name"] = names.get(c["ratee"], c["ratee"])
        c["relation"] = RELATION_LABELS.get(c["conflict"].relation, c["conflict"].relation)
    page.update(
        {
            "report": report,
            "raters": raters,
            "flagged_raters": flagged,
            "chart": forest_chart(chart_rows),
            "chart_partial": len(raters) > CHART_MAX_ROWS,
            "pairs": _flagged_pairs(report, pairs, names, shown),
            "conflicts": conflicts,
            "reliability": _reliability(report.get("reliability") or {}),
            "connectivity": _connectivity(report.get("connectivity") or {}),
            "distribution": _distribution(results.get("distribution") or {}),
            "adverse": _adverse(results.get("adverse") or {}),
            "notes": report.get("notes", []),
            "unit_points": _("poin skala nilai (1 = Di Bawah, 2 = Sesuai, 3 = Di Atas Ekspektasi)"),
            "achievement_n": results.get("achievement_n", 0),
            "is_work": run.kind == AnalysisKind.HASIL_KERJA,
        }
    )
    return page


# ---------------------------------------------------------------------------------------------
# The appraiser's own report


def position_sentence(
    severity: float | None, se: float | None, centre: float, flags: list[str], kind: str = AnalysisKind.PERILAKU
) -> str:
    """Where a rater stands against the other raters they can be compared with, in one plain sentence."""
    if severity is None and kind == AnalysisKind.HASIL_KERJA:
        return _(
            "Hasil kerja pegawai Anda hanya dinilai oleh Anda, jadi keparahan Anda tidak dapat dibandingkan "
            "langsung dengan penilai lain. BKPSDM membandingkan penilaian hasil kerja dengan capaian RHK yang terukur."
        )
    if severity is None:
        return _(
            "Penilaian Anda belum dapat dibandingkan dengan penilai lain: pegawai yang Anda nilai tidak dinilai "
            "juga oleh penilai lain (misalnya melalui masukan 360)."
        )
    diff = severity - centre
    points = num(abs(diff), 1)
    if abs(diff) < 0.05:
        return _("Penilaian Anda rata-rata setara dengan penilai lain (selisihnya kurang dari 0,05 poin).")
    if diff < 0:
        if "lenient" in flags:
            return _(
                "Anda menilai rata-rata %(points)s poin lebih murah hati daripada penilai lain; perbedaan ini bermakna."
            ) % {"points": points}
        return _(
            "Anda menilai rata-rata %(points)s poin lebih murah hati daripada penilai lain; perbedaan ini masih "
            "dalam batas kebetulan, jadi belum bermakna."
        ) % {"points": points}
    if "severe" in flags:
        return _(
            "Anda menilai rata-rata %(points)s poin lebih ketat daripada penilai lain; perbedaan ini bermakna."
        ) % {"points": points}
    return _(
        "Anda menilai rata-rata %(points)s poin lebih ketat daripada penilai lain; perbedaan ini masih dalam "
        "batas kebetulan, jadi belum bermakna."
    ) % {"points": points}


def own_reports(*, user) -> list[dict[str, Any]]:
    """The user's line in the latest finished analysis of each kind that includes them, with the other
    raters of their network as unnamed values only. Three queries whatever the number of raters."""
    who = Q(user=user)
    if user.employee_id is not None:
        who |= Q(employee_id=user.employee_id)
    mine = list(
        RaterResult.objects.filter(who, run__status=RunStatus.DONE)
        .select_related("run__period", "run__unit")
        .defer("run__results")
        .order_by("-run__finished_at", "-run_id")
    )
    latest: dict[str, RaterResult] = {}
    for row in mine:
        latest.setdefault(row.run.kind, row)
    if not latest:
        return []
    others: dict[int, list[tuple[str, float | None, float | None, int]]] = defaultdict(list)
    for run_id, key, severity, se, component in RaterResult.objects.filter(
        run_id__in=[r.run_id for r in latest.values()]
    ).values_list("run_id", "rater_key", "severity", "se", "component"):
        others[run_id].append((key, severity, se, component))
    reports = []
    for kind in AnalysisKind.values:
        row = latest.get(kind)
        if row is None:
            continue
        peers = [(s, se) for _key, s, se, c in others[row.run_id] if c == row.component]
        centre = component_centre(peers)
        rest = [
            s - centre
            for key, s, _se, c in others[row.run_id]
            if c == row.component and key != row.rater_key and s is not None
        ]
        severity = row.severity - centre if row.severity is not None else None
        lo, hi = _interval(severity, row.se)
        me = {"severity": severity, "lo": lo, "hi": hi}
        reports.append(
            {
                "row": row,
                "run": row.run,
                "kind_label": row.run.get_kind_display(),
                "sentence": position_sentence(row.severity, row.se, centre, row.flags, kind),
                "severity_text": num(severity),
                "interval_text": f"{num(lo)} – {num(hi)}" if lo is not None else "—",
                "flags": flag_items([f for f in row.flags if f != "unlinked"]),
                "chart": strip_chart(me, rest) if severity is not None else None,
                "n_others": len(rest),
                "n": row.n,
            }
        )
    return reports


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def conflicts_mine(*, user) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(perm.own_conflicts_q(user)).select_related(
        "employee", "other", "declared_by", "withdrawn_by"
    )


def conflicts_all(*, active_only: bool = False) -> QuerySet[ConflictOfInterest]:
    qs = ConflictOfInterest.objects.select_related("employee__unit", "other__unit", "declared_by", "withdrawn_by")
    return qs.filter(withdrawn_at__isnull=True) if active_only else qs


def conflict_get_for(*, user, pk: int) -> ConflictOfInterest:
    conflict = ConflictOfInterest.objects.select_related("employee", "other").filter(pk=pk).first()
    if conflict is None:
        raise Http404
    if not (perm.can_view_all_conflicts(user) or conflicts_mine(user=user).filter(pk=pk).exists()):
        raise Http404
    return conflict


def conflict_subjects(*, user) -> list[Employee]:
    """The employees a user may declare for (themselves and their team), for the form's choice list."""
    scope = perm.conflict_subject_q(user)
    if scope is None:
        return []
    return list(Employee.objects.filter(scope).order_by("name"))


# ---------------------------------------------------------------------------------------------
# Calibration sessions


def sessions_for(*, user) -> QuerySet[CalibrationSession]:
    qs = CalibrationSession.objects.select_related("period", "unit", "created_by")
    scope = perm.sessions_scope_q(user)
    return qs if scope is None else qs.filter(scope).distinct()


def session_get_for(*, user, pk: int) -> CalibrationSession:
    session = CalibrationSession.objects.select_related("period", "unit", "created_by").filter(pk=pk).first()
    if session is None or not perm.can_view_session(user, session):
        raise Http404
    return session


def session_member_get(*, session: CalibrationSession, pk: int) -> CalibrationMember:
    """A member of this session; 404 for a member of another session as for a missing one."""
    member = CalibrationMember.objects.select_related("user").filter(pk=pk, session=session).first()
    if member is None:
        raise Http404
    return member


def evaluation_for_decision(*, pk: int) -> Evaluation | None:
    """The rating a decision is posted for, or None; `services.calibration_decide` checks that it lies
    in the session's period and perangkat daerah."""
    return Evaluation.objects.filter(pk=pk).first()


def _session_runs(session: CalibrationSession) -> list[AnalysisRun]:
    """The latest finished run of each kind for the session's scope: its own unit first, else the whole
    organisation's run (then only the session's unit is reviewed)."""
    candidates = list(
        AnalysisRun.objects.filter(
            Q(unit__isnull=True) | Q(unit_id=session.unit_id), period_id=session.period_id, status=RunStatus.DONE
        )
        .order_by("-finished_at", "-id")
        .values_list("pk", "kind", "unit_id")
    )
    chosen: dict[str, int] = {}
    for pk, kind, unit_id in candidates:
        if unit_id == session.unit_id and kind not in chosen:
            chosen[kind] = pk
    for pk, kind, _unit_id in candidates:
        chosen.setdefault(kind, pk)
    if not chosen:
        return []
    return list(AnalysisRun.objects.filter(pk__in=chosen.values()).select_related("unit").order_by("kind"))


def session_page(*, session: CalibrationSession, user) -> dict[str, Any]:
    """The committee's page: members, what is missing, and each flagged rating with its current state."""
    members = list(session.memberships.select_related("user").order_by("kind", "added_at"))
    missing = [str(MemberKind(k).label) for k in missing_member_kinds(members)]
    runs = _session_runs(session)
    conflicts = _active_conflicts()
    reasons: dict[int, list[str]] = defaultdict(list)
    raters_of: dict[int, str] = {}
    name_keys: set[str] = set()
    staged: list[tuple[int, str, dict]] = []
    for run in runs:
        results = run.results or {}
        report = results.get("report") or {}
        evaluations: dict[str, int] = results.get("evaluations", {})
        pairs = _pairs(results)
        kind_label = run.get_kind_display()
        flagged = {r["id"]: [f for f in r.get("flags", []) if f in REVIEW_FLAGS] for r in report.get("raters", [])}
        for (rater, ratee), source in pairs.items():
            ev = evaluations.get(ratee)
            if ev is None:
                continue
            if source == "penilai":
                raters_of[ev] = rater
                name_keys.add(rater)
                for f in flagged.get(rater, []):
                    staged.append((ev, "flag", {"kind": kind_label, "flag": f, "rater": rater}))
        for item in [*(report.get("interactions") or []), *(report.get("achievement_departures") or [])]:
            ev = evaluations.get(item["ratee"])
            if ev is None or not item.get("flag"):
                continue
            name_keys.add(item["rater"])
            staged.append(
                (ev, "pair", {"kind": kind_label, "item": item, "source": pairs.get((item["rater"], item["ratee"]))})
            )
        for c in conflicts_touching(pairs, conflicts):
            ev = evaluations.get(c["ratee"])
            if ev is not None:
                name_keys.add(c["rater"])
                staged.append((ev, "conflict", {"kind": kind_label, **c}))
    names = names_for(name_keys)
    appraiser_keys = {k for run in runs for k in (run.results or {}).get("appraisers", [])}
    names = rater_names(names, name_keys, appraiser_keys, f"session{session.pk}")
    seen: set[tuple[int, str]] = set()
    for ev, what, data in staged:
        if what == "flag":
            text = _("%(kind)s: penilai %(rater)s ditandai %(flag)s. %(why)s") % {
                "kind": data["kind"],
                "rater": names.get(data["rater"], data["rater"]),
                "flag": str(FLAG_LABELS[data["flag"]]).lower(),
                "why": FLAG_EXPLANATIONS[data["flag"]],
            }
        elif what == "pair":
            item = data["item"]
            role = _("pejabat penilai") if data["source"] == "penilai" else _("responden 360")
            sentence = _pair_sentence(item["bias"]) if "bias" in item else _departure_sentence(item["departure"])
            text = _("%(kind)s: %(rater)s (%(role)s) %(sentence)s.") % {
                "kind": data["kind"],
                "rater": names.get(item["rater"], item["rater"]),
                "role": role,
                "sentence": sentence,
            }
        else:
            text = _("%(kind)s: konflik kepentingan dinyatakan antara %(rater)s dan pegawai ini (%(relation)s).") % {
                "kind": data["kind"],
                "rater": names.get(data["rater"], data["rater"]),
                "relation": RELATION_LABELS.get(data["conflict"].relation, data["conflict"].relation),
            }
        if (ev, text) not in seen:
            seen.add((ev, text))
            reasons[ev].append(text)
    evaluations_qs = Evaluation.objects.filter(pk__in=list(reasons)).select_related("skp__employee", "skp__unit")
    if session.unit is not None:
        evaluations_qs = evaluations_qs.filter(skp__unit__path__startswith=session.unit.path)
    decisions = {
        d.evaluation_id: d
        for d in session.decisions.select_related("session", "decided_by").filter(evaluation_id__in=list(reasons))
    }
    items = []
    for ev in evaluations_qs:
        decision = decisions.get(ev.pk)
        items.append(
            {
                "evaluation": ev,
                "employee": ev.skp.employee,
                "rater": names.get(raters_of.get(ev.pk, ""), ""),
                "reasons": reasons[ev.pk],
                "work": level_label(ev.work_level),
                "behaviour": level_label(ev.behaviour_level),
                "predikat": predikat_label(ev.predikat),
                "decision": decision,
                "decision_view": _decision_view(decision) if decision else None,
            }
        )
    items.sort(key=lambda i: i["employee"].name)
    is_member = any(m.user_id == user.pk for m in members)
    return {
        "session": session,
        "members": members,
        "missing": missing,
        "runs": runs,
        "items": items,
        "is_member": is_member,
        "can_decide": is_member and not missing and perm.can_decide(user, session, members),
        "can_manage": perm.can_manage_sessions(user),
        "decided": len(decisions),
    }


# ---------------------------------------------------------------------------------------------
# Calibration as the performance pages show it


@dataclass(frozen=True)
class CalibrationNote:
    """One calibration decision about an evaluation, ready to show beside the original rating."""

    decision: str
    changed: bool
    original_work_level: str
    original_behaviour_level: str
    original_predikat: str
    new_work_level: str
    new_behaviour_level: str
    new_predikat: str
    reason: str
    decided_at: datetime
    decided_by: str
    session_title: str
    sentence: str


def _decision_view(d: CalibrationDecision) -> CalibrationNote:
    original = d.original or {}
    changed = d.decision == DecisionKind.ADJUST
    if changed:
        sentence = _(
            "Diubah melalui kalibrasi: predikat %(old)s menjadi %(new)s (hasil kerja %(old_work)s → %(new_work)s, "
            "perilaku kerja %(old_behaviour)s → %(new_behaviour)s). Alasan: %(reason)s"
        ) % {
            "old": predikat_label(original.get("predikat")) or "—",
            "new": predikat_label(d.new_predikat) or "—",
            "old_work": level_label(original.get("work_level")) or "—",
            "new_work": level_label(d.new_work_level) or "—",
            "old_behaviour": level_label(original.get("behaviour_level")) or "—",
            "new_behaviour": level_label(d.new_behaviour_level) or "—",
            "reason": d.reason,
        }
    else:
        sentence = _("Ditinjau dalam kalibrasi dan tidak diubah. Alasan: %(reason)s") % {"reason": d.reason}
    return CalibrationNote(
        decision=d.decision,
        changed=changed,
        original_work_level=original.get("work_level", ""),
        original_behaviour_level=original.get("behaviour_level", ""),
        original_predikat=original.get("predikat", ""),
        new_work_level=d.new_work_level,
        new_behaviour_level=d.new_behaviour_level,
        new_predikat=d.new_predikat,
        reason=d.reason,
        decided_at=d.decided_at,
        decided_by=str(d.decided_by) if d.decided_by_id else "",
        session_title=d.session.title,
        sentence=sentence,
    )


def calibration_for_evaluation(evaluation_ids) -> dict[int, list[CalibrationNote]]:
    """Calibration decisions keyed by evaluation id, newest first (one query for any number of ids).

    Each note carries the original levels and predikat, the new ones (for an adjustment), the reason
    and a ready sentence ("Diubah melalui kalibrasi: …") for the employee's evaluation page.
    """
    ids = [int(i) for i in evaluation_ids]
    out: dict[int, list[CalibrationNote]] = {}
    if not ids:
        return out
    rows = (
        CalibrationDecision.objects.filter(evaluation_id__in=ids)
        .select_related("session", "decided_by")
        .order_by("-decided_at", "-id")
    )
    for d in rows:
        out.setdefault(d.evaluation_id, []).append(_decision_view(d))
    return out
