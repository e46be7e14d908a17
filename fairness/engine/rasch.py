"""Many-facet Rasch measurement (MFRM) of ratees, raters and criteria.

Rating-scale form of Linacre's FACETS model (Linacre, J. M. (1989/1994), *Many-Facet Rasch
Measurement*, MESA Press):

    log(P_nijk / P_nij(k-1)) = B_n - D_i - C_j - F_k

B ratee measure, D criterion difficulty, C rater severity (higher = harsher), F_k the Rasch-Andrich
thresholds of a rating scale shared by all criteria and raters. Parameters are estimated by joint
maximum likelihood (JMLE), cycling one Newton-Raphson step per facet with a step limit, the
procedure of Wright, B. D. & Masters, G. N. (1982), *Rating Scale Analysis*, ch. 4-5, and Linacre
(1994), ch. 8. Pure numpy: every step works on whole observation arrays (no Python loop over
ratings), so ~200k ratings fit in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from fairness.engine.data import InputError, Ratings

EXTREME_SCORE_ADJUSTMENT = 0.3
"""Score points moved off an extreme (all-minimum / all-maximum) total, as FACETS does by default."""

MAX_STEP_LOGITS = 1.0
"""Largest change of any parameter in one Newton step; keeps early iterations from overshooting."""

MAX_ABS_MEASURE = 30.0
"""Clamp for measures; only reachable by degenerate data (e.g. a category used by no active rating)."""


@dataclass
class RaschResult:
    """Estimates of `fit_mfrm`; arrays are indexed by the codes of `Ratings`.

    Measures are in logits. Criterion difficulties and rater severities are centred at 0 over the
    non-extreme elements and the thresholds sum to 0 (the identification constraints); extreme
    elements are measured afterwards in that frame, so one all-maximum rater far out does not move
    every other rater's severity (as in FACETS). Fit statistics are mean-squares (expected 1.0):
    infit = sum of squared residuals / sum of model variances (information weighted), outfit = mean
    of squared standardised residuals (Wright & Masters 1982, ch. 5), over the non-extreme ratings.
    They are NaN for elements with extreme scores, which carry no information about fit (FACETS
    reports none either), and for elements all of whose ratings involve extreme elements.
    """

    ratee_measure: np.ndarray
    ratee_se: np.ndarray
    rater_severity: np.ndarray
    rater_se: np.ndarray
    criterion_difficulty: np.ndarray
    criterion_se: np.ndarray
    thresholds: np.ndarray
    rater_infit: np.ndarray
    rater_outfit: np.ndarray
    ratee_infit: np.ndarray
    ratee_outfit: np.ndarray
    rater_separation_reliability: float
    rater_separation: float
    converged: bool
    iterations: int
    criterion_infit: np.ndarray = field(default_factory=lambda: np.empty(0))
    criterion_outfit: np.ndarray = field(default_factory=lambda: np.empty(0))
    categories: np.ndarray = field(default_factory=lambda: np.empty(0))
    """Observed score values; category k of the model is categories[k]."""
    ratee_extreme: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    rater_extreme: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    criterion_extreme: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    subsets: int = 1
    """Connected components of the ratee-rater network; severities compare only within one."""


@dataclass
class _Facet:
    """One facet's codes, parameters and bookkeeping during estimation."""

    idx: np.ndarray
    n: int
    sign: float  # +1 when the parameter raises eta (ratees), -1 when it lowers it
    value: np.ndarray
    free: np.ndarray  # elements updated in the current stage
    target: np.ndarray  # observed (or extreme-adjusted) raw score per element


def fit_mfrm(r: Ratings, *, max_iter: int = 500, tol: float = 1e-4) -> RaschResult:
    """Fit the many-facet rating-scale Rasch model by JMLE (Linacre 1994; Wright & Masters 1982).

    Scores must be integers; the distinct observed scores are mapped to categories 0..m in order,
    so a 1-5 scale becomes 0-4 and an unused intermediate category is collapsed (FACETS' default
    "ordinal" renumbering; a never-observed category has no estimable threshold).

    Extreme scores: elements whose ratings are all in the lowest or all in the highest category
    have infinite JMLE estimates. As in FACETS they are first set aside (repeatedly, since
    dropping one can make another extreme), the remaining data are estimated, and the set-aside
    elements are then estimated with the others held fixed, against their raw score moved 0.3
    score points towards the centre (EXTREME_SCORE_ADJUSTMENT). Their fit statistics are NaN.

    No JMLE bias correction ((L-1)/L) is applied to the reported measures: with incomplete,
    many-facet designs L differs per element and the factor is not well defined, FACETS does not
    apply it by default, and the rater comparisons this engine makes are relative (severity
    differences over their standard errors), for which the correction is immaterial at the ~100+
    ratings per rater of an appraisal round. The ratee measures, based on fewer ratings, are
    slightly too dispersed (by about L / (L - 1) for L ratings per ratee).

    Standard errors are model (information-based) SEs, 1 / sqrt(sum of model variances).
    Rater separation reliability = (observed variance of severities - mean error variance) /
    observed variance, floored at 0, and separation = true SD / RMSE (Linacre, "Reliability and
    separation of measures", Winsteps/FACETS manuals; Wright & Masters 1982, ch. 5).

    Convergence: the largest parameter change in an iteration is below `tol` logits.
    """
    x, categories = _categories(r.score)
    m = categories.size - 1
    n_obs = x.size

    def make_facet(idx: np.ndarray, ids: list[str], sign: float) -> _Facet:
        idx = np.asarray(idx, dtype=np.intp)
        n = max(len(ids), int(idx.max()) + 1 if idx.size else 0)
        return _Facet(idx, n, sign, np.zeros(n), np.zeros(n, dtype=bool), np.zeros(n))

    ratee = make_facet(r.ratee, r.ratee_ids, 1.0)
    criterion = make_facet(r.criterion, r.criterion_ids, -1.0)
    rater = make_facet(r.rater, r.rater_ids, -1.0)
    facets = (ratee, rater, criterion)

    xf = x.astype(np.float64)
    counts = {id(f): np.bincount(f.idx, minlength=f.n).astype(np.float64) for f in facets}
    totals = {id(f): np.bincount(f.idx, weights=xf, minlength=f.n) for f in facets}
    extreme_all = {id(f): _is_extreme(counts[id(f)], totals[id(f)], m) for f in facets}

    active = _active_observations(facets, xf, m)

    # Starting values: log-odds of the mean category for ratees, frequency-based thresholds.
    frac = (totals[id(ratee)] + 0.5) / (counts[id(ratee)] * m + 1.0)
    ratee.value = np.log(frac / (1.0 - frac))
    thresholds = _initial_thresholds(x[active] if active.any() else x, m)

    # Stage 1: non-extreme data only; every element with an active rating is free.
    for f in facets:
        f.free = np.bincount(f.idx[active], minlength=f.n) > 0
        f.target = np.bincount(f.idx[active], weights=xf[active], minlength=f.n)
    iterations = 0
    converged = False
    if active.any():
        thresholds, converged, iterations = _jmle(
            facets, thresholds, xf, active, max_iter=max_iter, tol=tol, fit_thresholds=True
        )

    # Stage 2: set-aside elements against all their ratings, everything else fixed.
    if any(((~f.free) & (counts[id(f)] > 0)).any() for f in facets):
        everything = np.ones(n_obs, dtype=bool)
        for f in facets:
            f.free = (~f.free) & (counts[id(f)] > 0)
            lo = EXTREME_SCORE_ADJUSTMENT
            hi = counts[id(f)] * m - EXTREME_SCORE_ADJUSTMENT
            f.target = np.clip(totals[id(f)], lo, hi)
        _, converged2, it2 = _jmle(facets, thresholds, xf, everything, max_iter=max_iter, tol=tol, fit_thresholds=False)
        converged = converged and converged2
        iterations += it2

    for f in facets:
        f.value[counts[id(f)] == 0] = np.nan

    eta = _eta(facets)
    expected, variance = _moments(eta, thresholds)
    resid = xf - expected
    ses, infits, outfits = [], [], []
    for f in facets:
        info = np.bincount(f.idx, weights=variance, minlength=f.n)
        with np.errstate(divide="ignore", invalid="ignore"):
            ses.append(1.0 / np.sqrt(info))
        infit, outfit = _fit(f, resid, variance, active)
        fit_ok = ~extreme_all[id(f)] & (np.bincount(f.idx[active], minlength=f.n) > 0)
        infit[~fit_ok] = np.nan
        outfit[~fit_ok] = np.nan
        infits.append(infit)
        outfits.append(outfit)

    reliability, separation = _separation(rater.value, ses[1])
    return RaschResult(
        ratee_measure=ratee.value,
        ratee_se=ses[0],
        rater_severity=rater.value,
        rater_se=ses[1],
        criterion_difficulty=criterion.value,
        criterion_se=ses[2],
        thresholds=thresholds,
        rater_infit=infits[1],
        rater_outfit=outfits[1],
        ratee_infit=infits[0],
        ratee_outfit=outfits[0],
        rater_separation_reliability=reliability,
        rater_separation=separation,
        converged=bool(converged),
        iterations=int(iterations),
        criterion_infit=infits[2],
        criterion_outfit=outfits[2],
        categories=categories,
        ratee_extreme=extreme_all[id(ratee)],
        rater_extreme=extreme_all[id(rater)],
        criterion_extreme=extreme_all[id(criterion)],
        subsets=_subsets(ratee, rater),
    )


def _categories(score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map integer scores to consecutive categories 0..m; returns (category codes, score values)."""
    score = np.asarray(score, dtype=np.float64)
    if score.size == 0:
        raise InputError("too_few_ratings", {"n": 0, "minimum": 2})
    bad = ~np.isfinite(score) | (score != np.round(score))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(
            "non_integer_score",
            {"index": first, "value": float(score[first])},
            message=(
                f"Model Rasch memerlukan skor bilangan bulat (kategori skala); "
                f"penilaian ke-{first + 1} bernilai {score[first]!r}."
            ),
        )
    categories, codes = np.unique(score, return_inverse=True)
    if categories.size < 2:
        raise InputError(
            "too_few_categories",
            {"n": int(categories.size)},
            message="Model Rasch memerlukan minimal dua kategori skor yang berbeda.",
        )
    return codes.reshape(-1).astype(np.intp), categories


def _is_extreme(count: np.ndarray, total: np.ndarray, m: int) -> np.ndarray:
    """Elements with at least one rating, all in the lowest or all in the highest category."""
    return (count > 0) & ((total <= 0) | (total >= count * m))


def _active_observations(facets: tuple[_Facet, ...], x: np.ndarray, m: int) -> np.ndarray:
    """Ratings not involving an extreme element, after repeatedly setting extreme elements aside.

    Setting one element aside can leave another with only extreme ratings (e.g. a ratee whose
    other rater was set aside), hence the fixed-point loop (Linacre 1994, ch. 8).
    """
    active = np.ones(x.size, dtype=bool)
    while True:
        drop = np.zeros(x.size, dtype=bool)
        w = active.astype(np.float64)
        for f in facets:
            count = np.bincount(f.idx, weights=w, minlength=f.n)
            total = np.bincount(f.idx, weights=x * w, minlength=f.n)
            drop |= _is_extreme(count, total, m)[f.idx]
        drop &= active
        if not drop.any():
            return active
        active &= ~drop


def _initial_thresholds(x: np.ndarray, m: int) -> np.ndarray:
    """Thresholds F_1..F_m from adjacent category frequencies, log(N_{k-1} / N_k), centred."""
    freq = np.bincount(x, minlength=m + 1).astype(np.float64) + 0.5
    f = np.log(freq[:-1] / freq[1:])
    return f - f.mean()


def _eta(facets: tuple[_Facet, ...], mask: np.ndarray | None = None) -> np.ndarray:
    """Linear predictor B - C - D per rating (optionally for the masked ratings only)."""
    eta = None
    for f in facets:
        idx = f.idx if mask is None else f.idx[mask]
        term = f.sign * f.value[idx]
        eta = term if eta is None else eta + term
    assert eta is not None
    return eta


def _probabilities(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Category probabilities of the rating-scale model, shape (categories, ratings).

    Category-major layout keeps each category's row contiguous, so the reductions over categories
    are element-wise passes over long rows instead of many tiny strided ones.
    """
    m = thresholds.size
    psi = np.concatenate(([0.0], np.cumsum(thresholds)))
    z = np.multiply.outer(np.arange(m + 1, dtype=np.float64), eta)
    z -= psi[:, np.newaxis]
    z -= z.max(axis=0)  # guards exp() against overflow for far-off measures
    np.exp(z, out=z)
    z /= np.einsum("kn->n", z)
    return z


def _moments(eta: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Model expected score and variance per rating."""
    p = _probabilities(eta, thresholds)
    k = np.arange(thresholds.size + 1, dtype=np.float64)
    # einsum rather than k @ p: BLAS gemv on a (5, n) operand is an order of magnitude slower here.
    expected = np.einsum("k,kn->n", k, p)
    variance = np.maximum(np.einsum("k,kn->n", k * k, p) - expected**2, 1e-12)
    return expected, variance


def _threshold_step(eta: np.ndarray, x: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """One Newton step for the thresholds under the sum-to-zero constraint.

    d logL / dF_h = sum_n (P(X_n >= h) - [x_n >= h]); the information matrix is
    sum_n Cov([X_n >= h], [X_n >= g]) = sum_n P(X_n >= max(h, g)) - G'G (G = P(X >= h) per rating).
    The step is taken in an orthonormal basis of zero-sum vectors, which enforces sum F = 0.
    """
    m = thresholds.size
    if m == 1:
        return np.zeros(1)
    p = _probabilities(eta, thresholds)
    # Rows h = 1..m hold P(X >= h); a running sum over rows avoids numpy's slow strided cumsum.
    at_least = np.empty((m, eta.size))
    at_least[m - 1] = p[m]
    for h in range(m - 2, -1, -1):
        np.add(at_least[h + 1], p[h + 1], out=at_least[h])
    observed = np.bincount(x.astype(np.intp), minlength=m + 1)[::-1].cumsum()[::-1][1:]
    col = at_least.sum(axis=1)
    grad = col - observed
    hmax = np.maximum.outer(np.arange(m), np.arange(m))
    info = col[hmax] - np.einsum("hn,gn->hg", at_least, at_least, optimize=True)
    # Orthonormal basis of {v : sum v = 0}: the first m - 1 left singular vectors of the centring matrix.
    basis = np.linalg.svd(np.eye(m) - 1.0 / m)[0][:, : m - 1]
    return basis @ np.linalg.lstsq(basis.T @ info @ basis, basis.T @ grad, rcond=None)[0]


def _jmle(
    facets: tuple[_Facet, ...],
    thresholds: np.ndarray,
    x: np.ndarray,
    mask: np.ndarray,
    *,
    max_iter: int,
    tol: float,
    fit_thresholds: bool,
) -> tuple[np.ndarray, bool, int]:
    """Cycle Newton-Raphson steps over the thresholds and each facet until the largest change < tol.

    Each facet step solves its own likelihood equations (observed raw score = expected score)
    with the other facets fixed: delta = (T - sum E) / sum Var, limited to MAX_STEP_LOGITS
    (Wright & Masters 1982, ch. 4). Only `free` elements move. With `fit_thresholds` (stage 1)
    criteria and raters are re-centred at 0 after each cycle, the shift moved into the ratees so
    that every rating's linear predictor is unchanged.
    """
    thresholds = thresholds.copy()
    everything = bool(mask.all())
    xm = x if everything else x[mask]
    idxs = [f.idx if everything else f.idx[mask] for f in facets]
    ratee, rater, criterion = facets

    def eta() -> np.ndarray:
        return sum((f.sign * f.value[i] for f, i in zip(facets, idxs, strict=True)), np.zeros(xm.size))

    for iteration in range(1, max_iter + 1):
        largest = 0.0
        if fit_thresholds and thresholds.size > 1:
            step = _threshold_step(eta(), xm, thresholds)
            biggest = np.abs(step).max()
            if biggest > MAX_STEP_LOGITS:
                step *= MAX_STEP_LOGITS / biggest
            thresholds += step
            largest = max(largest, float(np.abs(step).max()))
        for f, idx in zip(facets, idxs, strict=True):
            if not f.free.any():
                continue
            expected, variance = _moments(eta(), thresholds)
            residual = f.target - np.bincount(idx, weights=expected, minlength=f.n)
            info = np.bincount(idx, weights=variance, minlength=f.n)
            step = np.zeros(f.n)
            ok = f.free & (info > 0)
            step[ok] = f.sign * residual[ok] / info[ok]
            np.clip(step, -MAX_STEP_LOGITS, MAX_STEP_LOGITS, out=step)
            f.value += step
            np.clip(f.value, -MAX_ABS_MEASURE, MAX_ABS_MEASURE, out=f.value)
            largest = max(largest, float(np.abs(step).max()))
        if fit_thresholds:
            for f in (rater, criterion):
                shift = f.value[f.free].mean() if f.free.any() else 0.0
                f.value[f.free] -= shift
                # eta = B - C - D: lowering C or D by `shift` is undone by lowering B by `shift`.
                ratee.value -= shift
        if largest < tol:
            return thresholds, True, iteration
    return thresholds, False, max_iter


def _fit(f: _Facet, resid: np.ndarray, variance: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Infit and outfit mean-squares per element over the masked ratings."""
    idx = f.idx[mask]
    r2 = resid[mask] ** 2
    v = variance[mask]
    count = np.bincount(idx, minlength=f.n)
    with np.errstate(divide="ignore", invalid="ignore"):
        infit = np.bincount(idx, weights=r2, minlength=f.n) / np.bincount(idx, weights=v, minlength=f.n)
        outfit = np.bincount(idx, weights=r2 / v, minlength=f.n) / count
    return infit, outfit


def _separation(measure: np.ndarray, se: np.ndarray) -> tuple[float, float]:
    """Separation reliability and separation index of a facet's measures (Linacre).

    Observed variance is the population variance of the measures; error variance is the mean
    squared SE. Reliability = max(0, obs - err) / obs; separation = true SD / RMSE.
    """
    ok = np.isfinite(measure) & np.isfinite(se)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    observed = float(np.var(measure[ok]))
    error = float(np.mean(se[ok] ** 2))
    true_var = max(observed - error, 0.0)
    reliability = true_var / observed if observed > 0 else 0.0
    separation = float(np.sqrt(true_var / error)) if error > 0 else float("inf")
    return float(reliability), separation


def _subsets(ratee: _Facet, rater: _Facet) -> int:
    """Connected components of the bipartite ratee-rater network (FACETS' subset check)."""
    n = ratee.n + rater.n
    graph = sparse.coo_matrix((np.ones(ratee.idx.size), (ratee.idx, ratee.n + rater.idx)), shape=(n, n))
    used = np.zeros(n, dtype=bool)
    used[ratee.idx] = True
    used[ratee.n + rater.idx] = True
    _, labels = connected_components(graph, directed=False)
    return int(np.unique(labels[used]).size)


def simulate_mfrm(
    ratee: np.ndarray,
    rater: np.ndarray,
    criterion: np.ndarray,
    *,
    ratee_measure: np.ndarray,
    rater_severity: np.ndarray,
    criterion_difficulty: np.ndarray,
    thresholds: np.ndarray,
    rng: np.random.Generator,
    lowest: int = 0,
) -> np.ndarray:
    """Draw one score per rating from the rating-scale MFRM (for tests, benchmarks, power studies).

    Scores are lowest..lowest + m as float64; the model is the one `fit_mfrm` estimates.
    """
    eta = (
        np.asarray(ratee_measure, dtype=np.float64)[np.asarray(ratee, dtype=np.intp)]
        - np.asarray(rater_severity, dtype=np.float64)[np.asarray(rater, dtype=np.intp)]
        - np.asarray(criterion_difficulty, dtype=np.float64)[np.asarray(criterion, dtype=np.intp)]
    )
    p = _probabilities(eta, np.asarray(thresholds, dtype=np.float64))
    u = rng.random(p.shape[1])
    # Inverse-CDF draw: the category is the number of cumulative probabilities below u.
    category = (np.cumsum(p, axis=0) < u).sum(axis=0)
    return (category + lowest).astype(np.float64)
