"""Favouritism: rater x ratee interactions beyond the additive model.

Two routes, because with one rater per ratee a rater x ratee interaction cannot be told apart
from the ratee effect (the ratee effect absorbs the pair's whole mean, the pair residual is 0):

1. Pair bias (ratees with at least two raters). For pair p = (ratee i, rater j)::

       bias_p = mean residual of p / (1 - n_p / n_i)
              = adjusted mean given by j  -  adjusted mean given by i's other raters

   (adjusted = minus rater and criterion effects), the leave-pair-out contrast used in Facets
   bias/interaction analysis (Linacre). Under no interaction its variance is
   ``sigma^2 (1/n_p + 1/(n_i - n_p))``, so ``t = bias_p / (sigma sqrt(1/n_p + 1/(n_i - n_p)))``;
   this is the mean residual divided by its own SE. The plain ``sigma / sqrt(n_p)`` would ignore
   that the ratee effect was fitted from the same rows and understate |t| (by sqrt 2 for two
   raters). A pair is flagged when |t| >= `t_crit` (default 2) *and* its Benjamini-Hochberg
   adjusted p-value is <= `fdr` (default 0.05): with thousands of pairs, |t| >= 2 alone would
   flag about 4.5 % of innocent pairs. With exactly two raters the two pair biases are mirror
   images (+d and -d); the flag means "these raters disagree on this ratee beyond their general
   severities", and the sign says which rater scored higher.

2. Objective achievement (works with one rater per ratee). Criterion-adjusted pair means are
   regressed on the ratee's achievement (OLS); each pair's residual minus the rater's mean residual
   over their *other* pairs (the rater's general severity, leave-one-out so the pair does not mask
   itself) is standardised by a robust SD (1.4826 x MAD) and flagged when |z| >= `z_crit` and the
   BH-adjusted normal p-value <= `fdr`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from fairness.engine.additive import AdditiveResult


@dataclass(frozen=True, eq=False)
class Interactions:
    """Per estimable pair: codes, rows, bias (rating units), t, two-sided p, BH q, flag."""

    rater: np.ndarray
    ratee: np.ndarray
    n: np.ndarray
    bias: np.ndarray
    t: np.ndarray
    p: np.ndarray
    q: np.ndarray
    flag: np.ndarray
    n_not_estimable: int


@dataclass(frozen=True, eq=False)
class Departures:
    """Per assessable pair: codes, departure from achievement-predicted score net of the rater's
    general severity (rating units), robust z, BH q, flag."""

    rater: np.ndarray
    ratee: np.ndarray
    departure: np.ndarray
    z: np.ndarray
    q: np.ndarray
    flag: np.ndarray
    slope: float
    n_not_assessable: int
    # Per rater (aligned with rater codes): mean departure from the pooled achievement line, i.e.
    # leniency measured against achievement (positive = rates above what achievement predicts).
    # Comparable across raters even when no ratee has two raters, because achievement is the anchor.
    rater_leniency: np.ndarray | None = None
    rater_leniency_se: np.ndarray | None = None
    rater_leniency_z: np.ndarray | None = None
    rater_leniency_q: np.ndarray | None = None
    rater_leniency_flag: np.ndarray | None = None
    rater_leniency_n: np.ndarray | None = None


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) step-up adjusted p-values (q-values)."""
    m = p.shape[0]
    if m == 0:
        return p.copy()
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def _robust_sd(x: np.ndarray, fallback: float) -> float:
    """1.4826 x MAD (the normal SD, robust to outliers); the plain SD where the MAD is 0, and
    `fallback` where that is 0 too. NaN for fewer than three values."""
    if x.size < 3:
        return float("nan")
    scale = 1.4826 * float(np.median(np.abs(x - np.median(x))))
    if scale <= 0:
        scale = float(np.std(x)) or fallback
    return scale


def _normal_q(z: np.ndarray) -> np.ndarray:
    """BH-adjusted two-sided normal p-values; a non-finite z counts as p = 1."""
    p = 2.0 * stats.norm.sf(np.abs(z))
    return bh_adjust(np.where(np.isfinite(p), p, 1.0))


def pair_interactions(fit: AdditiveResult, *, t_crit: float = 2.0, fdr: float | None = 0.05) -> Interactions:
    """Rater x ratee bias for pairs whose ratee has at least one other rater (route 1 above)."""
    pairs = fit.pairs
    n_i = fit.ratee_n[pairs.ratee].astype(np.float64)
    n_p = pairs.n
    estimable = n_i > n_p
    sigma = np.sqrt(fit.residual_variance) if np.isfinite(fit.residual_variance) else np.nan
    n_p_e = n_p[estimable]
    n_i_e = n_i[estimable]
    bias = (pairs.resid_sum[estimable] / n_p_e) / (1.0 - n_p_e / n_i_e)
    se = sigma * np.sqrt(1.0 / n_p_e + 1.0 / (n_i_e - n_p_e))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = bias / se
    df = max(fit.df_resid, 1)
    p = 2.0 * stats.t.sf(np.abs(t), df)
    p = np.where(np.isfinite(p), p, 1.0)
    q = bh_adjust(p)
    flag = np.abs(t) >= t_crit
    if fdr is not None:
        flag &= q <= fdr
    return Interactions(
        rater=pairs.rater[estimable],
        ratee=pairs.ratee[estimable],
        n=n_p_e.astype(np.int64),
        bias=bias,
        t=t,
        p=p,
        q=q,
        flag=flag,
        n_not_estimable=int((~estimable).sum()),
    )


def achievement_departures(
    fit: AdditiveResult,
    achievement: np.ndarray,
    *,
    z_crit: float = 2.0,
    fdr: float | None = 0.05,
    ratings=None,
) -> Departures:
    """Ratings that depart from the achievement-predicted score beyond the rater's own severity.

    `achievement` is aligned with the ratee codes, NaN where unknown. Route 2 in the module
    docstring. Departures sum to zero within each rater by construction.
    """
    pairs = fit.pairs
    n_pairs = pairs.n.shape[0]
    # Criterion-adjusted pair mean = mean residual + fitted (adjusted ratee score + leniency).
    if ratings is not None:
        # From the scores themselves, net of criterion difficulty: defined even where ratee and rater
        # effects are not (one rater per ratee); equal to the model form up to a constant.
        crit = np.nan_to_num(np.asarray(fit.criterion_effect, dtype=np.float64))
        adjusted = np.asarray(ratings.score, dtype=np.float64) - crit[ratings.criterion]
        pair_mean = np.bincount(pairs.index, weights=adjusted, minlength=n_pairs) / pairs.n
    else:
        pair_mean = pairs.resid_sum / pairs.n + fit.ratee_adjusted[pairs.ratee] - fit.rater_severity[pairs.rater]
    ach = np.asarray(achievement, dtype=np.float64)[pairs.ratee]
    ok = np.isfinite(ach)
    slope = float("nan")
    resid = np.full(n_pairs, np.nan)
    if ok.sum() >= 3 and np.ptp(ach[ok]) > 0:
        slope, intercept = np.polyfit(ach[ok], pair_mean[ok], 1)
        resid[ok] = pair_mean[ok] - (intercept + slope * ach[ok])
    n_raters = fit.rater_severity.shape[0]
    has = np.isfinite(resid)
    r_sum = np.bincount(pairs.rater[has], weights=resid[has], minlength=n_raters)
    r_cnt = np.bincount(pairs.rater[has], minlength=n_raters).astype(np.float64)
    others = r_cnt[pairs.rater] - 1.0
    assessable = has & (others >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        general = (r_sum[pairs.rater] - np.where(has, resid, 0.0)) / others
    dep = (resid - general)[assessable]
    scale = _robust_sd(dep, fallback=1.0)
    z = dep / scale if dep.size else dep
    q = _normal_q(z)
    flag = np.abs(z) >= z_crit
    if fdr is not None:
        flag &= q <= fdr
    # Leniency against achievement per rater: the mean residual, against the robust residual scale.
    with np.errstate(divide="ignore", invalid="ignore"):
        leniency = np.where(r_cnt > 0, r_sum / r_cnt, np.nan)
    spread = _robust_sd(resid[has], fallback=float("nan"))
    with np.errstate(divide="ignore", invalid="ignore"):
        len_se = np.where(r_cnt > 0, spread / np.sqrt(r_cnt), np.nan)
        len_z = leniency / len_se
    len_q = _normal_q(len_z)
    len_flag = np.isfinite(len_z) & (np.abs(np.nan_to_num(len_z)) >= z_crit) & (r_cnt >= 2)
    if fdr is not None:
        len_flag &= len_q <= fdr
    return Departures(
        rater_leniency=leniency,
        rater_leniency_se=len_se,
        rater_leniency_z=len_z,
        rater_leniency_q=len_q,
        rater_leniency_flag=len_flag,
        rater_leniency_n=r_cnt.astype(np.int64),
        rater=pairs.rater[assessable],
        ratee=pairs.ratee[assessable],
        departure=dep,
        z=z,
        q=q,
        flag=flag,
        slope=slope,
        n_not_assessable=int((~assessable).sum()),
    )
