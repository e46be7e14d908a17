"""Rater effect flags: severity/leniency, halo, central tendency and misfit.

Each flag comes from a small, explainable statistic so the interface can say in plain language
why a rater was flagged; the helpers `rater_halo_stats` and `rater_central_tendency_stats` return
those statistics. Rater effects follow Myford, C. M. & Wolfe, E. W. (2003, 2004), "Detecting and
measuring rater effects using many-facet Rasch measurement", Journal of Applied Measurement 4(4)
and 5(2). Pure numpy; loops run over raters, never over ratings.
"""

from __future__ import annotations

import numpy as np

from fairness.engine.data import Ratings

FLAG_SEVERE = "severe"
FLAG_LENIENT = "lenient"
FLAG_HALO = "halo"
FLAG_CENTRAL_TENDENCY = "central_tendency"
FLAG_MISFIT = "misfit"
FLAG_MUTED = "muted"

SEVERITY_Z = 2.0
"""|severity - mean severity| / SE at or above which a rater is severe or lenient.

About a two-sided 5 % test that the rater differs from the average rater (the rater's own SE
only; the mean's error is negligible with many raters). With ~100+ ratings per rater SEs are
small, so modest differences become significant: show the logit difference next to the flag.
"""

SEVERITY_MIN_LOGITS = 0.0
"""Optional minimum |severity - mean| in logits for a severity flag; 0 disables the effect-size gate."""

HALO_SPREAD_RATIO = 0.6
"""Halo needs the rater's within-ratee SD across criteria to be at most this share of the pooled one ..."""

HALO_MIN_BETWEEN_RATIO = 0.5
"""... while the rater's SD between ratees is at least this share of the pooled one (the rater
still tells ratees apart; a rater with no spread at all is central tendency, not halo) ..."""

HALO_CORRELATION = 0.75
"""... and the mean correlation between criteria across the rater's ratees at least this high
(when it can be computed). Requiring both keeps raters whose criteria merely move together, as
criteria of one job usually do, from being flagged on either statistic alone."""

HALO_MIN_RATEES = 5
"""Ratees with every criterion rated needed before the criterion correlation is used."""

CENTRAL_MIN_EXCESS_SHARE = 0.25
"""Central tendency when the rater's share of middle-category ratings exceeds the pooled share
by at least this many percentage points (0.25 = 25 points) ..."""

CENTRAL_SPREAD_RATIO = 0.7
"""... and the rater's score SD is at most this share of the pooled SD."""

MISFIT_MNSQ = 1.5
"""Infit or outfit mean-square above this: noisy, unpredictable ratings (Linacre's rule of thumb:
above 1.5 "unproductive for measurement"; random scoring lands well above it)."""

MUTED_MNSQ = 0.5
"""Infit or outfit mean-square below this: too predictable (overfit), e.g. halo or central tendency."""


def rater_flags(
    r: Ratings,
    *,
    severity: np.ndarray,
    se: np.ndarray,
    infit: np.ndarray | None = None,
    outfit: np.ndarray | None = None,
) -> list[list[str]]:
    """Flags per rater code: severe, lenient, halo, central_tendency, misfit, muted.

    - severe / lenient: |severity - mean(severity)| / se >= SEVERITY_Z (a significance test of the
      rater's severity against the average rater; Myford & Wolfe 2004). Higher = harsher. The mean
      is precision-weighted (weights 1 / se^2): equal to the plain mean when SEs are alike, but an
      extreme rater measured far out with a large SE cannot drag the reference point.
    - halo: see `rater_halo_stats` (within-ratee spread across criteria; criterion correlation).
    - central_tendency: see `rater_central_tendency_stats` (overuse of the middle of the scale).
    - misfit / muted: infit or outfit mean-square > MISFIT_MNSQ / < MUTED_MNSQ (Linacre's
      0.5-1.5 "productive for measurement" range; Wright & Linacre 1994, Rasch Measurement
      Transactions 8:3). NaN fit (extreme raters) raises no fit flag.
    """
    n = _n_raters(r)
    severity = np.asarray(severity, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    flags: list[list[str]] = [[] for _ in range(n)]

    centre = _precision_weighted_mean(severity, se)
    diff = severity - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / se, np.nan)
    big = np.abs(diff) >= SEVERITY_MIN_LOGITS
    severe = (z >= SEVERITY_Z) & big
    lenient = (z <= -SEVERITY_Z) & big

    halo = rater_halo_stats(r)["flag"]
    central = rater_central_tendency_stats(r)["flag"]

    misfit = np.zeros(n, dtype=bool)
    muted = np.zeros(n, dtype=bool)
    for mnsq in (infit, outfit):
        if mnsq is None:
            continue
        mnsq = np.asarray(mnsq, dtype=np.float64)
        # NaN compares False, so extreme raters without fit statistics get no fit flag.
        misfit |= mnsq > MISFIT_MNSQ
        muted |= mnsq < MUTED_MNSQ

    for name, mask in (
        (FLAG_SEVERE, severe),
        (FLAG_LENIENT, lenient),
        (FLAG_HALO, halo),
        (FLAG_CENTRAL_TENDENCY, central),
        (FLAG_MISFIT, misfit),
        (FLAG_MUTED, muted & ~misfit),
    ):
        for j in np.flatnonzero(mask[:n]):
            flags[j].append(name)
    return flags


def rater_halo_stats(r: Ratings) -> dict[str, np.ndarray | float]:
    """Per-rater halo statistics (arrays indexed by rater code) and the pooled references.

    A halo rater rates a ratee's criteria alike, from one general impression (Thorndike 1920;
    Myford & Wolfe 2004). Returned:

    - ``within_sd``: pooled SD of the rater's scores across criteria within each ratee;
      ``pooled_within_sd`` is the same over all raters, ``spread_ratio`` their quotient.
    - ``between_sd``: SD of the rater's per-ratee mean scores; ``pooled_between_sd`` and
      ``between_ratio`` likewise.
    - ``criterion_correlation``: mean Pearson correlation between pairs of criteria over the
      ratees the rater rated on every criterion (NaN with fewer than HALO_MIN_RATEES such ratees
      or no varying criteria); ``n_ratees``: number of those ratees.
    - ``flag``: spread_ratio <= HALO_SPREAD_RATIO and between_ratio >= HALO_MIN_BETWEEN_RATIO and
      criterion_correlation >= HALO_CORRELATION (the last waived when the correlation is NaN).
    """
    n = _n_raters(r)
    rater = np.asarray(r.rater, dtype=np.intp)
    ratee = np.asarray(r.ratee, dtype=np.intp)
    score = np.asarray(r.score, dtype=np.float64)
    n_ratee = int(ratee.max()) + 1 if ratee.size else 0

    # One group per (rater, ratee) pair: sums give within-group sums of squares in one pass.
    group = rater * n_ratee + ratee
    keys, g = np.unique(group, return_inverse=True)
    g = g.reshape(-1)
    g_n = np.bincount(g).astype(np.float64)
    g_sum = np.bincount(g, weights=score)
    g_ss = np.bincount(g, weights=score**2) - g_sum**2 / g_n
    g_ss = np.maximum(g_ss, 0.0)
    g_mean = g_sum / g_n
    g_rater = keys // n_ratee

    within_ss = np.bincount(g_rater, weights=g_ss, minlength=n)
    within_df = np.bincount(g_rater, weights=g_n - 1.0, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        within_sd = np.sqrt(within_ss / within_df)
        pooled_within_sd = float(np.sqrt(within_ss.sum() / within_df.sum()))
        group_count = np.bincount(g_rater, minlength=n).astype(np.float64)
        rater_mean = np.bincount(g_rater, weights=g_mean, minlength=n) / group_count
        between_ss = np.bincount(g_rater, weights=(g_mean - rater_mean[g_rater]) ** 2, minlength=n)
        between_sd = np.sqrt(between_ss / (group_count - 1.0))
        pooled_between_sd = float(np.sqrt(between_ss.sum() / (group_count - 1.0).clip(min=0).sum()))
        spread_ratio = within_sd / pooled_within_sd
        between_ratio = between_sd / pooled_between_sd

    correlation, n_complete = _criterion_correlations(r, n)
    flag = (
        (spread_ratio <= HALO_SPREAD_RATIO)
        & (between_ratio >= HALO_MIN_BETWEEN_RATIO)
        & ((correlation >= HALO_CORRELATION) | np.isnan(correlation))
    )
    return {
        "within_sd": within_sd,
        "pooled_within_sd": pooled_within_sd,
        "spread_ratio": spread_ratio,
        "between_sd": between_sd,
        "pooled_between_sd": pooled_between_sd,
        "between_ratio": between_ratio,
        "criterion_correlation": correlation,
        "n_ratees": n_complete,
        "flag": flag,
    }


def _criterion_correlations(r: Ratings, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean inter-criterion correlation per rater over ratees rated on every criterion."""
    rater = np.asarray(r.rater, dtype=np.intp)
    ratee = np.asarray(r.ratee, dtype=np.intp)
    crit = np.asarray(r.criterion, dtype=np.intp)
    score = np.asarray(r.score, dtype=np.float64)
    n_crit = int(crit.max()) + 1 if crit.size else 0
    correlation = np.full(n, np.nan)
    n_complete = np.zeros(n, dtype=np.int64)
    if n_crit < 2:
        return correlation, n_complete

    order = np.argsort(rater, kind="stable")
    bounds = np.searchsorted(rater[order], np.arange(n + 1))
    for j in range(n):
        sel = order[bounds[j] : bounds[j + 1]]
        if sel.size == 0:
            continue
        rated = np.unique(ratee[sel], return_inverse=True)
        rows = rated[1].reshape(-1)
        table = np.full((rated[0].size, n_crit), np.nan)
        # Duplicate (ratee, criterion) ratings by one rater keep the last; the data layer rejects them.
        table[rows, crit[sel]] = score[sel]
        used = ~np.isnan(table).all(axis=0)
        table = table[:, used]
        complete = table[~np.isnan(table).any(axis=1)]
        n_complete[j] = complete.shape[0]
        if complete.shape[0] < HALO_MIN_RATEES or complete.shape[1] < 2:
            continue
        sd = complete.std(axis=0)
        varying = complete[:, sd > 0]
        if varying.shape[1] < 2:
            continue  # correlation undefined when fewer than two criteria vary
        c = np.corrcoef(varying, rowvar=False)
        upper = c[np.triu_indices_from(c, k=1)]
        correlation[j] = float(np.mean(upper))
    return correlation, n_complete


def rater_central_tendency_stats(
    r: Ratings, *, scale_min: float | None = None, scale_max: float | None = None
) -> dict[str, np.ndarray | float]:
    """Per-rater central tendency statistics (arrays indexed by rater code) and pooled references.

    Central tendency is overuse of the middle of the scale and avoidance of its ends (Myford &
    Wolfe 2004; Saal, Downey & Lahey 1980). The middle categories are the scale points within 0.5
    of the scale midpoint: 3 on a 1-5 scale, 2 and 3 on a 1-4 scale. The scale is the observed
    range unless `scale_min` / `scale_max` are given. Returned:

    - ``middle_share``: share of the rater's ratings in the middle; ``pooled_middle_share`` over
      all ratings; ``excess_share`` = middle_share - pooled_middle_share.
    - ``sd``: SD of the rater's scores; ``pooled_sd``; ``spread_ratio`` = sd / pooled_sd.
    - ``middle``: the middle score values used.
    - ``flag``: excess_share >= CENTRAL_MIN_EXCESS_SHARE and spread_ratio <= CENTRAL_SPREAD_RATIO.
    """
    n = _n_raters(r)
    rater = np.asarray(r.rater, dtype=np.intp)
    score = np.asarray(r.score, dtype=np.float64)
    lo = float(score.min()) if scale_min is None else float(scale_min)
    hi = float(score.max()) if scale_max is None else float(scale_max)
    midpoint = (lo + hi) / 2.0
    in_middle = np.abs(score - midpoint) <= 0.5 + 1e-9
    middle = np.unique(score[in_middle])

    count = np.bincount(rater, minlength=n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        middle_share = np.bincount(rater, weights=in_middle.astype(np.float64), minlength=n) / count
        mean = np.bincount(rater, weights=score, minlength=n) / count
        var = np.bincount(rater, weights=score**2, minlength=n) / count - mean**2
        sd = np.sqrt(np.maximum(var, 0.0))
        pooled_sd = float(score.std())
        spread_ratio = sd / pooled_sd
    pooled_middle_share = float(in_middle.mean()) if score.size else float("nan")
    excess = middle_share - pooled_middle_share
    flag = (excess >= CENTRAL_MIN_EXCESS_SHARE) & (spread_ratio <= CENTRAL_SPREAD_RATIO)
    return {
        "middle_share": middle_share,
        "pooled_middle_share": pooled_middle_share,
        "excess_share": excess,
        "sd": sd,
        "pooled_sd": pooled_sd,
        "spread_ratio": spread_ratio,
        "middle": middle,
        "flag": flag,
    }


def _precision_weighted_mean(value: np.ndarray, se: np.ndarray) -> float:
    """Mean of the finite values weighted by 1 / se^2; the plain mean when no SE is usable."""
    ok = np.isfinite(value) & np.isfinite(se) & (se > 0)
    if ok.any():
        w = 1.0 / se[ok] ** 2
        return float((w * value[ok]).sum() / w.sum())
    finite = np.isfinite(value)
    return float(value[finite].mean()) if finite.any() else 0.0


def _n_raters(r: Ratings) -> int:
    """Number of rater codes (labels may list raters without ratings)."""
    top = int(np.max(r.rater)) + 1 if len(r.rater) else 0
    return max(len(r.rater_ids), top)
