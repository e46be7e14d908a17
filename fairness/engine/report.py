"""`analyse()`: one call from `Ratings` to the JSON-ready fairness report (docs/fairness-cli.md).

The additive model is always fitted: it supplies the connectivity, the adjusted scores on the
rating scale and the interaction (favouritism) analysis for both models. With ``model="rasch"``
the rater severities, ratee measures, criterion difficulties and fit statistics come from the
many-facet Rasch model (logits) instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fairness.engine.additive import AdditiveResult, fit_additive
from fairness.engine.data import InputError, Ratings
from fairness.engine.diagnostics import rater_flags
from fairness.engine.favouritism import achievement_departures, pair_interactions
from fairness.engine.reliability import icc_all, krippendorff_alpha

MODELS = ("additive", "rasch")
KRIPPENDORFF_LEVELS = ("nominal", "ordinal", "interval", "ratio")
# Alpha is computed on at most this many units (a fixed-seed sample beyond it) to bound run time.
MAX_ALPHA_UNITS = 200_000


def _num(x: Any) -> float | None:
    """JSON-safe float: NaN and infinities become null."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _clean(obj: Any) -> Any:
    """Replace non-finite floats anywhere in a nested structure by None (JSON has no NaN)."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def _pair_means(r: Ratings, fit: AdditiveResult) -> np.ndarray:
    return np.bincount(fit.pairs.index, weights=r.score, minlength=fit.pairs.n.shape[0]) / fit.pairs.n


def _icc(r: Ratings, fit: AdditiveResult) -> tuple[dict | None, str | None, str | None]:
    """ICC on the ratee x rater table of pair mean scores (Shrout & Fleiss 1979).

    Complete table: all six ICCs. Otherwise, when ratees with several raters exist, the one-way
    ICC1/ICC1k on the ratees with the most common number k >= 2 of raters (Shrout & Fleiss case 1:
    each target rated by a different set of k raters); the two-way forms need a crossed design.
    """
    pairs = fit.pairs
    means = _pair_means(r, fit)
    n_ratees, n_raters = r.n_ratees, r.n_raters
    if pairs.n.shape[0] == n_ratees * n_raters and n_ratees >= 2:
        table = np.empty((n_ratees, n_raters))
        table[pairs.ratee, pairs.rater] = means
        return icc_all(table), "complete", None
    per_ratee = np.bincount(pairs.ratee, minlength=n_ratees)
    multi = per_ratee[per_ratee >= 2]
    if multi.size < 2:
        return (
            None,
            None,
            "Tabel pegawai × penilai tidak lengkap dan kurang dari dua pegawai dinilai oleh lebih dari "
            "satu penilai; ICC tidak dapat dihitung.",
        )
    k = int(np.bincount(multi).argmax())
    chosen = per_ratee[pairs.ratee] == k
    if int(chosen.sum()) // k < 2:
        return None, None, "Terlalu sedikit pegawai dengan jumlah penilai yang sama untuk ICC."
    # Pairs are sorted by ratee, so each chosen ratee's k pairs are contiguous.
    table = means[chosen].reshape(-1, k)
    full = icc_all(table)
    icc = {name: (full[name] if name in ("ICC1", "ICC1k") else None) for name in full}
    reason = (
        f"Tabel pegawai × penilai tidak lengkap ({pairs.n.shape[0]} dari {n_ratees * n_raters} sel); "
        f"hanya ICC1 dan ICC1k (model satu arah) dihitung pada {table.shape[0]} pegawai yang masing-masing "
        f"dinilai oleh {k} penilai. ICC2/ICC3 memerlukan desain silang lengkap."
    )
    return icc, "one_way", reason


def _alpha(r: Ratings) -> tuple[dict | None, str | None, int]:
    """Krippendorff's alpha with units = ratee x criterion and coders = raters.

    Alpha depends only on the values that share a unit, not on which coder gave them, so the
    coders x units matrix is packed to (max raters per unit) rows instead of one row per rater.
    """
    n_units_all = r.n_ratees * r.n_criteria
    unit = r.ratee.astype(np.int64) * r.n_criteria + r.criterion
    counts = np.bincount(unit, minlength=n_units_all)
    rows = np.flatnonzero(counts[unit] >= 2)
    if rows.size == 0:
        return None, "Tidak ada pegawai×kriteria yang dinilai oleh dua penilai atau lebih.", 0
    reason = None
    pairable = np.flatnonzero(counts >= 2)
    if pairable.size > MAX_ALPHA_UNITS:
        keep = np.zeros(n_units_all, dtype=bool)
        rng = np.random.default_rng(0)
        keep[rng.choice(pairable, size=MAX_ALPHA_UNITS, replace=False)] = True
        rows = rows[keep[unit[rows]]]
        reason = f"Alpha dihitung pada sampel acak tetap {MAX_ALPHA_UNITS} dari {pairable.size} unit."
    u = unit[rows]
    order = np.argsort(u, kind="stable")
    u_sorted = u[order]
    starts = np.flatnonzero(np.r_[True, u_sorted[1:] != u_sorted[:-1]])
    col = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, u_sorted.size]))
    slot = np.arange(u_sorted.size) - starts[col]
    data = np.full((int(slot.max()) + 1, starts.size), np.nan)
    data[slot, col] = r.score[rows[order]]
    values = {level: _num(krippendorff_alpha(data, level)) for level in KRIPPENDORFF_LEVELS}
    return values, reason, int(starts.size)


def analyse(
    ratings: Ratings,
    model: str = "additive",
    achievement: np.ndarray | None = None,
    *,
    t_crit: float = 2.0,
    fdr: float | None = 0.05,
) -> dict[str, Any]:
    """Fairness report for one appraisal round: the JSON contract of docs/fairness-cli.md.

    `achievement`, when given, is aligned with ``ratings.ratee_ids`` (NaN where unknown) and
    enables the objective-achievement favouritism route. Raises `InputError` for unusable input.
    """
    if model not in MODELS:
        raise InputError("unknown_model", {"model": model})
    if ratings.n == 0:
        raise InputError("empty_file")
    if ratings.n_raters < 2:
        raise InputError("one_rater_only")
    if ratings.n_ratees < 2:
        raise InputError("one_ratee_only")
    notes: list[str] = []
    fit = fit_additive(ratings)
    if not fit.converged:
        notes.append(
            f"Penyelesaian numerik belum konvergen setelah {fit.cg_iterations} iterasi; hasil mungkin kurang tepat."
        )

    if model == "rasch":
        try:
            from fairness.engine.rasch import fit_mfrm
        except ImportError:
            raise InputError("model_unavailable", {"model": model}) from None
        res = fit_mfrm(ratings)
        severity = np.asarray(res.rater_severity, dtype=np.float64)
        se = np.asarray(res.rater_se, dtype=np.float64)
        infit = np.asarray(res.rater_infit, dtype=np.float64)
        outfit = np.asarray(res.rater_outfit, dtype=np.float64)
        measure = np.asarray(res.ratee_measure, dtype=np.float64)
        measure_se = np.asarray(res.ratee_se, dtype=np.float64)
        difficulty = np.asarray(res.criterion_difficulty, dtype=np.float64)
        separation = _num(getattr(res, "rater_separation_reliability", None))
        notes.append(
            "Model Rasch banyak-faset: keparahan, ukuran pegawai dan kesulitan kriteria dalam logit; "
            "skor terkoreksi dan interaksi dari model aditif (satuan skala nilai)."
        )
    else:
        severity = fit.rater_severity
        se = fit.rater_se
        infit = fit.rater_infit
        outfit = fit.rater_outfit
        measure = fit.ratee_effect
        measure_se = None
        difficulty = fit.criterion_difficulty
        separation = None
        notes.append(
            "Model aditif: keparahan penilai dalam satuan skala nilai (lebih tinggi = lebih keras); "
            f"SE metode '{fit.se_method}'."
        )

    linked = fit.rater_linked
    flags = [list(f) for f in rater_flags(ratings, severity=severity, se=se, infit=infit, outfit=outfit)]
    for j in np.flatnonzero(~linked):
        flags[j].append("unlinked")

    raters = [
        {
            "id": ratings.rater_ids[j],
            "severity": _num(severity[j]) if linked[j] else None,
            "se": _num(se[j]) if linked[j] else None,
            "infit": _num(infit[j]),
            "outfit": _num(outfit[j]),
            "n": int(fit.rater_n[j]),
            "component": int(fit.rater_component[j]),
            "flags": flags[j],
        }
        for j in range(ratings.n_raters)
    ]
    ratees = [
        {
            "id": ratings.ratee_ids[i],
            "measure": _num(measure[i]),
            "se": _num(measure_se[i]) if measure_se is not None else None,
            "adjusted_score": _num(fit.ratee_adjusted[i]),
            "n": int(fit.ratee_n[i]),
            "component": int(fit.ratee_component[i]),
        }
        for i in range(ratings.n_ratees)
    ]
    criteria = [{"id": ratings.criterion_ids[k], "difficulty": _num(difficulty[k])} for k in range(ratings.n_criteria)]

    inter = pair_interactions(fit, t_crit=t_crit, fdr=fdr)
    interactions = [
        {
            "rater": ratings.rater_ids[j],
            "ratee": ratings.ratee_ids[i],
            "n": int(n),
            "bias": _num(b),
            "t": _num(t),
            "q": _num(q),
            "flag": bool(f),
        }
        for j, i, n, b, t, q, f in zip(
            inter.rater, inter.ratee, inter.n, inter.bias, inter.t, inter.q, inter.flag, strict=True
        )
    ]
    if inter.n_not_estimable:
        notes.append(
            f"{inter.n_not_estimable} pasangan penilai×pegawai tidak dapat diuji favoritismenya karena pegawai "
            "itu hanya dinilai oleh satu penilai (interaksi tidak dapat dipisahkan dari efek pegawai); "
            "gunakan data capaian objektif (--achievement) untuk pasangan ini."
        )
    if interactions:
        notes.append(
            "Bias interaksi = rata-rata terkoreksi dari penilai ini dikurangi rata-rata terkoreksi dari "
            "penilai lain untuk pegawai yang sama. Ditandai bila |t| ≥ 2 dan q (Benjamini-Hochberg) ≤ 0,05. "
            "Bila pegawai hanya punya dua penilai, kedua pasangan bernilai cermin (+d dan -d): tanda "
            "menunjukkan perbedaan penilaian, tidak membuktikan penilai mana yang keliru."
        )

    departures = None
    achievement_leniency = None
    if achievement is not None:
        ach = np.asarray(achievement, dtype=np.float64)
        if ach.shape[0] != ratings.n_ratees:
            raise InputError("length_mismatch", {"lengths": [ach.shape[0], ratings.n_ratees]})
        missing = int((~np.isfinite(ach)).sum())
        if missing:
            example = ratings.ratee_ids[int(np.flatnonzero(~np.isfinite(ach))[0])]
            notes.append(
                f"Capaian tidak tersedia untuk {missing} pegawai (contoh: {example}); pasangan mereka dilewati."
            )
        dep = achievement_departures(fit, ach, z_crit=t_crit, fdr=fdr, ratings=ratings)
        departures = [
            {
                "rater": ratings.rater_ids[j],
                "ratee": ratings.ratee_ids[i],
                "departure": _num(d),
                "z": _num(z),
                "q": _num(q),
                "flag": bool(f),
            }
            for j, i, d, z, q, f in zip(dep.rater, dep.ratee, dep.departure, dep.z, dep.q, dep.flag, strict=True)
        ]
        achievement_leniency = [
            {
                "rater": ratings.rater_ids[j],
                "leniency": _num(dep.rater_leniency[j]),
                "se": _num(dep.rater_leniency_se[j]),
                "z": _num(dep.rater_leniency_z[j]),
                "q": _num(dep.rater_leniency_q[j]),
                "n": int(dep.rater_leniency_n[j]),
                "flag": "lenient_vs_achievement"
                if dep.rater_leniency_flag[j] and dep.rater_leniency[j] > 0
                else ("severe_vs_achievement" if dep.rater_leniency_flag[j] else None),
            }
            for j in range(ratings.n_raters)
            if dep.rater_leniency_n[j] > 0
        ]
        notes.append(
            "Kemurahan terhadap capaian = rata-rata selisih nilai seorang penilai dari garis capaian objektif "
            "bersama; dapat dibandingkan antarpenilai walaupun tiap pegawai hanya dinilai satu orang."
        )
        notes.append(
            "Penyimpangan capaian = selisih nilai dari nilai yang diprediksi capaian objektif, dikurangi "
            "kecenderungan umum penilai itu pada pegawai lain; ditandai bila |z| ≥ 2 dan q ≤ 0,05."
        )

    icc, icc_design, icc_reason = _icc(ratings, fit)
    alpha, alpha_reason, alpha_units = _alpha(ratings)

    n_comp = fit.n_components
    sizes = [
        {
            "component": c,
            "raters": int(fit.component_raters[c]),
            "ratees": int(fit.component_ratees[c]),
            "ratings": int(fit.component_ratings[c]),
        }
        for c in range(n_comp)
    ]
    if n_comp > 1:
        notes.append(
            f"Jaringan penilai×pegawai terpecah menjadi {n_comp} komponen terhubung. Keparahan penilai hanya "
            "dapat dibandingkan di dalam satu komponen (dijumlahkan nol per komponen); membandingkan "
            "antarkomponen mengasumsikan rata-rata keparahan yang sama."
        )
    n_unlinked = int((~linked).sum())
    if n_unlinked:
        notes.append(
            f"{n_unlinked} penilai tidak berbagi pegawai dengan penilai lain; keparahan mereka tidak dapat "
            "diperkirakan (null) dan ditandai 'unlinked'."
        )

    report = {
        "model": model,
        "n_ratings": ratings.n,
        "raters": raters,
        "ratees": ratees,
        "criteria": criteria,
        "interactions": interactions,
        "achievement_departures": departures,
        "achievement_leniency": achievement_leniency,
        "reliability": {
            "icc": icc,
            "icc_design": icc_design,
            "reason": icc_reason,
            "krippendorff_alpha": alpha,
            "alpha_units": alpha_units,
            "alpha_reason": alpha_reason,
            "rater_separation_reliability": separation,
        },
        "residual_variance": _num(fit.residual_variance),
        "connectivity": {"components": n_comp, "sizes": sizes},
        "notes": notes,
    }
    return _clean(report)
