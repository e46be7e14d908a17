"""Additive rater-effects model, solved at national scale.

Model (one row per rating)::

    score = mu + ratee_i + criterion_k + leniency_j + error,   error ~ (0, sigma^2)

Identification: criterion effects sum to zero; rater effects sum to zero *within each connected
component* of the rater x ratee network (severities of raters who never share a ratee, directly or
through a chain of shared ratees, cannot be compared); ratee effects sum to zero overall.
Severity is reported as ``-leniency`` (higher = harsher), in rating units.

Method: the ratee effects are absorbed (the within-ratee transformation of Abowd, Kramarz &
Margolis 1999; the same fixed point that Guimaraes & Portugal 2010 reach by alternating
projections). What remains is the Schur complement ``S = X'(I - P_ratee)X`` on the small
rater+criterion block, built explicitly as a sparse matrix from the ratee x rater count matrix
``R`` and the ratee x criterion count matrix ``C`` (``W = diag(1 / n_ratee)``)::

    S_bb = diag(n_rater) - R' W R           S_bc = N_rater,crit - R' W C
    S_cc = diag(n_crit)  - C' W C           rhs  = X' (y - ratee mean)

and solved by Jacobi-preconditioned conjugate gradients. ``S`` is positive semidefinite and its
null space is exactly {constant per component on raters} + {constant on criteria}; the orthogonal
complement of that null space is the sum-to-zero constraint set, so the constrained estimate is
the Moore-Penrose solution and ``Cov(theta) = sigma^2 S^+``.

Standard errors: for problems with at most ``dense_limit`` rater+criterion parameters the diagonal
of ``sigma^2 S^+`` is computed exactly (eigendecomposition). Above that the SE is
``sigma / sqrt(S_jj)``: the information of that rater with every other parameter held fixed, the
convention Facets uses for its model SEs (Linacre). It understates the SE of raters linked to the
rest of their component through only one or two others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import LinearOperator, cg

from fairness.engine.data import InputError, Ratings


@dataclass(frozen=True, eq=False)
class Pairs:
    """Distinct (ratee, rater) pairs, sorted by ratee then rater, with per-pair row counts.

    `index` maps each rating row to its pair; `resid_sum` is the sum of that pair's residuals.
    """

    ratee: np.ndarray
    rater: np.ndarray
    n: np.ndarray
    resid_sum: np.ndarray
    index: np.ndarray


@dataclass(frozen=True, eq=False)
class AdditiveResult:
    """Estimates of the additive model; arrays are indexed by the codes of `Ratings`."""

    mu: float
    rater_severity: np.ndarray
    rater_se: np.ndarray
    rater_infit: np.ndarray
    rater_outfit: np.ndarray
    rater_n: np.ndarray
    rater_component: np.ndarray
    criterion_effect: np.ndarray
    ratee_effect: np.ndarray
    ratee_adjusted: np.ndarray
    ratee_n: np.ndarray
    ratee_component: np.ndarray
    component_raters: np.ndarray
    component_ratees: np.ndarray
    component_ratings: np.ndarray
    residual_variance: float
    df_resid: int
    se_method: str
    cg_iterations: int
    converged: bool
    pairs: Pairs

    @property
    def n_components(self) -> int:
        return int(self.component_raters.shape[0])

    @property
    def criterion_difficulty(self) -> np.ndarray:
        """Criterion difficulty (higher = lower scores), the sign convention of Rasch facets."""
        return -self.criterion_effect

    @property
    def rater_linked(self) -> np.ndarray:
        """True where the rater shares a component with at least one other rater."""
        return self.component_raters[self.rater_component] > 1


def _pair_index(ratee: np.ndarray, rater: np.ndarray, n_ratees: int, n_raters: int):
    """Distinct (ratee, rater) pairs and the pair of every row, without an O(n log n) argsort.

    np.sort on int64 keys is several times faster than argsort/np.unique(return_inverse); the row
    to pair map is then found by scanning each ratee's (short) list of raters.
    """
    key = ratee.astype(np.int64)
    key *= n_raters
    key += rater
    sorted_key = np.sort(key)
    del key
    first = np.empty(sorted_key.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=first[1:])
    uniq = sorted_key[first]
    del sorted_key, first
    pair_ratee = (uniq // n_raters).astype(np.int32)
    pair_rater = (uniq % n_raters).astype(np.int32)
    del uniq
    indptr = np.zeros(n_ratees + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_ratee, minlength=n_ratees), out=indptr[1:])
    max_degree = int(np.diff(indptr).max()) if n_ratees else 0
    n_pairs = pair_ratee.shape[0]
    if max_degree > 32:
        # A ratee with many raters would make the scan slow; fall back to the generic path.
        _, inverse = np.unique(ratee.astype(np.int64) * n_raters + rater, return_inverse=True)
        return pair_ratee, pair_rater, indptr, inverse.astype(np.int32 if n_pairs < 2**31 else np.int64)
    pid = indptr[ratee]
    hit = pair_rater[np.minimum(pid, n_pairs - 1)] == rater
    rest = np.flatnonzero(~hit)
    del hit
    offset = 1
    while rest.size:
        cand = pid[rest] + offset
        ok = pair_rater[np.minimum(cand, n_pairs - 1)] == rater[rest]
        pid[rest[ok]] = cand[ok]
        rest = rest[~ok]
        offset += 1
    return pair_ratee, pair_rater, indptr, pid.astype(np.int32 if n_pairs < 2**31 else np.int64)


def _components(pair_ratee: np.ndarray, pair_rater: np.ndarray, n_ratees: int, n_raters: int):
    """Connected components of the bipartite ratee-rater graph, numbered largest first."""
    size = n_ratees + n_raters
    graph = sp.csr_matrix(
        (np.ones(pair_ratee.shape[0], dtype=np.int8), (pair_ratee, pair_rater.astype(np.int64) + n_ratees)),
        shape=(size, size),
    )
    n_comp, labels = connected_components(graph, directed=False)
    ratee_lab = labels[:n_ratees]
    rater_lab = labels[n_ratees:]
    n_rt = np.bincount(ratee_lab, minlength=n_comp)
    n_rr = np.bincount(rater_lab, minlength=n_comp)
    # Largest first (by raters, then ratees) so component 0 is the main network.
    order = np.lexsort((-n_rt, -n_rr))
    relabel = np.empty(n_comp, dtype=np.int32)
    relabel[order] = np.arange(n_comp, dtype=np.int32)
    return relabel[ratee_lab], relabel[rater_lab], n_rr[order], n_rt[order]


def _pinv_diag(dense: np.ndarray, rater_comp: np.ndarray, comp_raters: np.ndarray, n_raters: int) -> np.ndarray:
    """diag(S^+) for the PSD Schur complement with known null space span(U).

    U has one unit vector per component (constant on its raters) and one constant on the
    criteria, so ``S^+ = (S + c U U')^-1 - U U' / c`` (c > 0 any scale); one Cholesky factorisation
    instead of an eigendecomposition. Falls back to eigh if the null space is larger than U
    (e.g. a criterion never rated alongside another).
    """
    dim = dense.shape[0]
    scale = float(np.mean(np.diag(dense))) or 1.0
    a = dense.copy()
    uu_diag = np.empty(dim)
    uu_diag[:n_raters] = 1.0 / comp_raters[rater_comp]
    n_crit = dim - n_raters
    uu_diag[n_raters:] = 1.0 / n_crit
    order = np.argsort(rater_comp, kind="stable")
    bounds = np.r_[0, np.cumsum(comp_raters)]
    for g in range(comp_raters.shape[0]):
        idx = order[bounds[g] : bounds[g + 1]]
        a[np.ix_(idx, idx)] += scale / comp_raters[g]
    a[n_raters:, n_raters:] += scale / n_crit
    factor, info = lapack.dpotrf(a, lower=1, clean=1, overwrite_a=1)
    if info == 0:
        # dpotrs against the identity: dpotri is pathologically slow in some OpenBLAS builds.
        inv, info = lapack.dpotrs(factor, np.eye(dim), lower=1)
        if info == 0:
            return np.diag(inv) - uu_diag / scale
    evals, evecs = np.linalg.eigh(dense)
    keep = evals > 1e-9 * max(evals.max(), 1.0)
    return (evecs[:, keep] ** 2) @ (1.0 / evals[keep])


def fit_additive(
    r: Ratings,
    *,
    rtol: float = 1e-10,
    maxiter: int = 20000,
    dense_limit: int = 3000,
) -> AdditiveResult:
    """Fit the additive rater model by ratee absorption and a sparse Schur-complement solve.

    See the module docstring for the model, the constraints and the standard-error formula
    (Abowd-Kramarz-Margolis absorption; Guimaraes-Portugal alternating-projection fixed point;
    Facets-style model SEs above `dense_limit` parameters).
    """
    if r.n == 0:
        raise InputError("empty_file")
    if not np.all(np.isfinite(r.score)):
        raise InputError("non_finite_score", {"row": "?", "value": "NaN"})
    n_ratees, n_raters, n_crit = r.n_ratees, r.n_raters, r.n_criteria
    if n_raters < 2:
        raise InputError("one_rater_only")
    y = r.score
    ratee, rater, crit = r.ratee, r.rater, r.criterion

    pair_ratee, pair_rater, indptr, pid = _pair_index(ratee, rater, n_ratees, n_raters)
    n_pairs = pair_ratee.shape[0]
    pair_n = np.bincount(pid, minlength=n_pairs).astype(np.float64)
    ratee_n = np.bincount(ratee, minlength=n_ratees).astype(np.float64)
    rater_n = np.bincount(rater, minlength=n_raters).astype(np.float64)
    crit_n = np.bincount(crit, minlength=n_crit).astype(np.float64)
    if np.any(ratee_n == 0) or np.any(rater_n == 0) or np.any(crit_n == 0):
        raise InputError("length_mismatch", {"lengths": "kode tanpa penilaian"})
    w = 1.0 / ratee_n

    ratee_comp, rater_comp, comp_raters, comp_ratees = _components(pair_ratee, pair_rater, n_ratees, n_raters)
    n_comp = comp_raters.shape[0]

    # Ratee x rater and ratee x criterion count matrices.
    R = sp.csr_matrix((pair_n, pair_rater, indptr), shape=(n_ratees, n_raters))
    C = np.bincount(ratee.astype(np.int64) * n_crit + crit, minlength=n_ratees * n_crit)
    C = C.reshape(n_ratees, n_crit).astype(np.float64)
    WC = C * w[:, None]
    RT = R.T.tocsr()
    WR = sp.csr_matrix((pair_n * w[pair_ratee], pair_rater, indptr), shape=(n_ratees, n_raters))
    S_bb = (sp.diags(rater_n) - RT @ WR).tocsr()
    del WR
    rater_crit = np.bincount(rater.astype(np.int64) * n_crit + crit, minlength=n_raters * n_crit)
    S_bc = rater_crit.reshape(n_raters, n_crit).astype(np.float64) - RT @ WC
    S_cc = np.diag(crit_n) - C.T @ WC
    del WC

    sum_y = np.bincount(ratee, weights=y, minlength=n_ratees)
    ybar = sum_y * w
    rhs = np.concatenate(
        [
            np.bincount(rater, weights=y, minlength=n_raters) - RT @ ybar,
            np.bincount(crit, weights=y, minlength=n_crit) - C.T @ ybar,
        ]
    )

    def matvec(v: np.ndarray) -> np.ndarray:
        vb, vc = v[:n_raters], v[n_raters:]
        return np.concatenate([S_bb @ vb + S_bc @ vc, S_bc.T @ vb + S_cc @ vc])

    dim = n_raters + n_crit
    diag = np.concatenate([S_bb.diagonal(), np.diag(S_cc)])
    inv_diag = np.where(diag > 1e-12 * max(diag.max(), 1.0), 1.0 / np.where(diag > 0, diag, 1.0), 1.0)
    op = LinearOperator((dim, dim), matvec=matvec, dtype=np.float64)
    prec = LinearOperator((dim, dim), matvec=lambda v: inv_diag * v, dtype=np.float64)
    iterations = 0

    def count(_: np.ndarray) -> None:
        nonlocal iterations
        iterations += 1

    if np.linalg.norm(rhs) == 0.0:
        theta, info = np.zeros(dim), 0
    else:
        theta, info = cg(op, rhs, rtol=rtol, atol=0.0, maxiter=maxiter, M=prec, callback=count)

    # Impose the constraints: project out the null space (per-component rater mean, criterion mean).
    lenient = theta[:n_raters].copy()
    comp_mean = np.bincount(rater_comp, weights=lenient, minlength=n_comp) / comp_raters
    lenient -= comp_mean[rater_comp]
    crit_eff = theta[n_raters:] - theta[n_raters:].mean()

    adjusted = (sum_y - R @ lenient - C @ crit_eff) * w
    mu = float(adjusted.mean())
    del C

    # Row residuals, built in place to keep national-scale memory to one extra float array.
    e = adjusted[ratee]
    e += lenient[rater]
    e += crit_eff[crit]
    np.subtract(y, e, out=e)
    rss = float(e @ e)
    df_resid = int(r.n - n_ratees - (n_raters - n_comp) - (n_crit - 1))
    sigma2 = rss / df_resid if df_resid > 0 else float("nan")

    pair_resid = np.bincount(pid, weights=e, minlength=n_pairs)
    # Internally studentised residuals: leverage approximated by the ratee term 1/n_i, which
    # dominates because each ratee has few ratings; rows of single-rating ratees carry no information.
    one_minus_h = 1.0 - w[ratee]
    informative = one_minus_h > 0
    e *= e
    sq_sum = np.bincount(rater, weights=e, minlength=n_raters)
    var_sum = np.bincount(rater, weights=one_minus_h, minlength=n_raters)
    np.divide(e, one_minus_h, out=e, where=informative)
    e[~informative] = 0.0
    z2_sum = np.bincount(rater, weights=e, minlength=n_raters)
    n_inf = np.bincount(rater, weights=informative.astype(np.float64), minlength=n_raters)
    del e, one_minus_h, informative
    with np.errstate(divide="ignore", invalid="ignore"):
        infit = np.where(var_sum > 0, sq_sum / (sigma2 * var_sum), np.nan)
        outfit = np.where(n_inf > 0, z2_sum / (sigma2 * n_inf), np.nan)

    linked = comp_raters[rater_comp] > 1
    if dim <= dense_limit:
        dense = np.zeros((dim, dim))
        dense[:n_raters, :n_raters] = S_bb.toarray()
        dense[:n_raters, n_raters:] = S_bc
        dense[n_raters:, :n_raters] = S_bc.T
        dense[n_raters:, n_raters:] = S_cc
        var_b = sigma2 * _pinv_diag(dense, rater_comp, comp_raters, n_raters)[:n_raters]
        se_method = "exact"
    else:
        sbb = S_bb.diagonal()
        with np.errstate(divide="ignore"):
            var_b = np.where(sbb > 0, sigma2 / np.where(sbb > 0, sbb, 1.0), np.nan)
        se_method = "diagonal"
    rater_se = np.where(linked, np.sqrt(np.maximum(var_b, 0.0)), np.nan)

    return AdditiveResult(
        mu=mu,
        rater_severity=-lenient,
        rater_se=rater_se,
        rater_infit=infit,
        rater_outfit=outfit,
        rater_n=rater_n.astype(np.int64),
        rater_component=rater_comp,
        criterion_effect=crit_eff,
        ratee_effect=adjusted - mu,
        ratee_adjusted=adjusted,
        ratee_n=ratee_n.astype(np.int64),
        ratee_component=ratee_comp,
        component_raters=comp_raters,
        component_ratees=comp_ratees,
        component_ratings=np.bincount(ratee_comp, weights=ratee_n, minlength=n_comp).astype(np.int64),
        residual_variance=sigma2,
        df_resid=df_resid,
        se_method=se_method,
        cg_iterations=iterations,
        converged=info == 0,
        pairs=Pairs(ratee=pair_ratee, rater=pair_rater, n=pair_n, resid_sum=pair_resid, index=pid),
    )
