"""Inter-rater reliability: intraclass correlations and Krippendorff's alpha.

Pure numpy/scipy. Both statistics are computed from sufficient statistics (ANOVA mean squares,
the coincidence matrix) in vectorised form, so they stay fast on tens of thousands of units.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.stats import f as f_dist

ICC_ALPHA = 0.05
"""Two-sided error rate of the ICC confidence intervals (95 % intervals)."""

KRIPPENDORFF_LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Largest number of cells of the values x values distance matrix built in one block; keeps memory
# bounded when continuous data produce tens of thousands of distinct values.
_DISTANCE_BLOCK_CELLS = 1 << 22
# Up to this many units x values cells the count matrix is built dense (one bincount); beyond it,
# sparse, so continuous data with many distinct values do not allocate units x values floats.
_DENSE_COUNT_CELLS = 1 << 24
# The ratio difference function has no closed-form expected disagreement, so its cost is
# quadratic in the number of distinct values; refuse instead of running for minutes.
MAX_RATIO_DISTINCT_VALUES = 20_000


def icc_all(table: np.ndarray) -> dict:
    """The six Shrout & Fleiss (1979) intraclass correlations with 95 % confidence intervals.

    `table` is n targets x k raters, complete (no missing cells). Returns
    ``{"ICC1": {"value": v, "ci95": [lo, hi]}, "ICC2": ..., "ICC3": ..., "ICC1k": ..., "ICC2k": ...,
    "ICC3k": ...}``:

    - ICC1 / ICC1k: one-way random effects, single / average rating (Shrout & Fleiss case 1).
    - ICC2 / ICC2k: two-way random effects, absolute agreement (case 2; McGraw & Wong ICC(A,1)).
    - ICC3 / ICC3k: two-way mixed effects, consistency (case 3; McGraw & Wong ICC(C,1)).

    Point estimates use the ANOVA mean squares of Shrout, P. E. & Fleiss, J. L. (1979), "Intraclass
    correlations: uses in assessing rater reliability", Psychological Bulletin 86(2), 420-428,
    Table 1. Confidence intervals are the F-distribution intervals given there and in McGraw, K. O.
    & Wong, S. P. (1996), Psychological Methods 1(1), 30-46 (Satterthwaite degrees of freedom for
    case 2); the same formulas as ``pingouin.intraclass_corr`` and R ``psych::ICC``.
    Values are NaN where a mean square ratio is undefined (e.g. zero residual variance).
    """
    x = np.asarray(table, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("ICC table must be 2-D (targets x raters).")
    n, k = x.shape
    if n < 2 or k < 2:
        raise ValueError("ICC needs at least 2 targets and 2 raters.")
    if not np.isfinite(x).all():
        raise ValueError("ICC table must be complete and finite (drop incomplete targets first).")

    grand = x.mean()
    row_means = x.mean(axis=1)
    col_means = x.mean(axis=0)
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    ss_cols = float(n * ((col_means - grand) ** 2).sum())
    ss_err = max(ss_total - ss_rows - ss_cols, 0.0)

    df_rows, df_cols = n - 1, k - 1
    df_err = df_rows * df_cols
    df_within = n * (k - 1)
    msb = ss_rows / df_rows  # between targets (BMS)
    msj = ss_cols / df_cols  # between judges (JMS)
    mse = ss_err / df_err  # residual (EMS)
    msw = (ss_total - ss_rows) / df_within  # within targets (WMS)

    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = _div(msb - msw, msb + (k - 1) * msw)
        icc2 = _div(msb - mse, msb + (k - 1) * mse + k * (msj - mse) / n)
        icc3 = _div(msb - mse, msb + (k - 1) * mse)
        icc1k = _div(msb - msw, msb)
        icc2k = _div(msb - mse, msb + (msj - mse) / n)
        icc3k = _div(msb - mse, msb)

        q = 1 - ICC_ALPHA / 2
        # Cases 1 and 3: exact F intervals (Shrout & Fleiss 1979, eqs. 6-7 and 12-13).
        f1 = _div(msb, msw)
        f1_lo = f1 / f_dist.ppf(q, df_rows, df_within)
        f1_hi = f1 * f_dist.ppf(q, df_within, df_rows)
        f3 = _div(msb, mse)
        f3_lo = f3 / f_dist.ppf(q, df_rows, df_err)
        f3_hi = f3 * f_dist.ppf(q, df_err, df_rows)
        ci1 = [_div(f1_lo - 1, f1_lo + k - 1), _div(f1_hi - 1, f1_hi + k - 1)]
        ci3 = [_div(f3_lo - 1, f3_lo + k - 1), _div(f3_hi - 1, f3_hi + k - 1)]
        ci1k = [1 - _div(1.0, f1_lo), 1 - _div(1.0, f1_hi)]
        ci3k = [1 - _div(1.0, f3_lo), 1 - _div(1.0, f3_hi)]

        # Case 2: approximate interval with Satterthwaite df (Shrout & Fleiss 1979, eqs. 9-11).
        fj = _div(msj, mse)
        vn = df_err * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = df_rows * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = _div(vn, vd)
        f2_hi = f_dist.ppf(q, df_rows, v)
        f2_lo = f_dist.ppf(q, v, df_rows)
        denom = k * msj + (k * n - k - n) * mse
        lo2 = _div(n * (msb - f2_hi * mse), f2_hi * denom + n * msb)
        hi2 = _div(n * (f2_lo * msb - mse), denom + n * f2_lo * msb)
        ci2 = [lo2, hi2]
        ci2k = [_div(lo2 * k, 1 + lo2 * (k - 1)), _div(hi2 * k, 1 + hi2 * (k - 1))]

    def entry(value: float, ci: list) -> dict:
        return {"value": float(value), "ci95": [float(ci[0]), float(ci[1])]}

    return {
        "ICC1": entry(icc1, ci1),
        "ICC2": entry(icc2, ci2),
        "ICC3": entry(icc3, ci3),
        "ICC1k": entry(icc1k, ci1k),
        "ICC2k": entry(icc2k, ci2k),
        "ICC3k": entry(icc3k, ci3k),
    }


def _div(a: float, b: float) -> float:
    """a / b as a float, NaN when b is zero or either side is not finite."""
    a, b = float(a), float(b)
    if b == 0.0 or not np.isfinite(a) or not np.isfinite(b):
        return float("nan")
    return a / b


def krippendorff_alpha(reliability_data: np.ndarray, level: str = "interval") -> float:
    """Krippendorff's alpha for coders x units data with NaN for missing values.

    Follows Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School
    for Communication, University of Pennsylvania, sections C-E: build the values x values
    coincidence matrix o_ck = sum_u (number of c-k pairs in unit u) / (m_u - 1) over units with
    m_u >= 2 pairable values (units with fewer are not pairable and are dropped), take the marginals
    n_c, and return

        alpha = 1 - (n - 1) * sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck

    with the difference function d2 of the level of measurement: nominal (c != k), ordinal (squared
    difference of the cumulative marginal frequencies between c and k, minus half of n_c and n_k),
    interval ((c - k)^2) or ratio (((c - k) / (c + k))^2). The coincidence matrix is built as the
    product C' W C of the units x values count matrix C (one bincount; sparse when units x values
    is large), with no loop over units. The ordinal difference is the interval one on mid-rank
    positions, so nominal, ordinal and interval expected disagreements have O(values) closed forms.

    Raises ValueError for an unknown level, non 2-D input, or ratio level with more than
    MAX_RATIO_DISTINCT_VALUES distinct values (its expected disagreement is quadratic in them).
    Returns NaN when alpha is undefined: no unit has two pairable values, or all pairable values
    are equal (expected disagreement is zero).
    """
    if level not in KRIPPENDORFF_LEVELS:
        raise ValueError(f"level must be one of {KRIPPENDORFF_LEVELS}, got {level!r}.")
    data = np.asarray(reliability_data, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError("reliability_data must be 2-D (coders x units).")
    present = ~np.isnan(data)
    m_u = present.sum(axis=0)
    pairable_units = m_u >= 2
    if not pairable_units.any():
        return float("nan")

    # Keep only pairable values; units are columns, so the mask drops whole non-pairable units.
    keep = present & pairable_units[np.newaxis, :]
    unit_idx = np.broadcast_to(np.arange(data.shape[1]), data.shape)[keep]
    values, value_idx = _encode_values(data[keep])
    n_values = values.size
    if n_values < 2:
        return float("nan")

    n_units = data.shape[1]
    weights = np.zeros(n_units)
    weights[pairable_units] = 1.0 / (m_u[pairable_units] - 1)
    # o = C' diag(w) C - diag(C' w), with C the units x values count matrix. The diagonal (a value
    # paired with itself) never contributes because d2_cc = 0, so only off-diagonal cells are used.
    if n_units * n_values <= _DENSE_COUNT_CELLS:
        counts = np.bincount(unit_idx * n_values + value_idx, minlength=n_units * n_values)
        counts = counts.reshape(n_units, n_values).astype(np.float64)
        o = (counts * weights[:, np.newaxis]).T @ counts
        rows, cols = np.nonzero(~np.eye(n_values, dtype=bool) & (o != 0))
        o_vals = o[rows, cols]
    else:
        counts = sparse.csr_matrix((np.ones(unit_idx.size), (unit_idx, value_idx)), shape=(n_units, n_values))
        coo = (counts.T @ (sparse.diags(weights) @ counts)).tocoo()
        off = coo.row != coo.col
        rows, cols, o_vals = coo.row[off], coo.col[off], coo.data[off]
    # Marginals of o are the numbers of pairable values: n_c = sum_u n_uc (m_u - 1) / (m_u - 1).
    n_c = np.bincount(value_idx, minlength=n_values).astype(np.float64)
    n_total = n_c.sum()

    ranks = _ordinal_positions(n_c) if level == "ordinal" else values
    observed = float((o_vals * _delta2(level, ranks[rows], ranks[cols])).sum())
    expected = _expected_disagreement(level, ranks, n_c)
    if expected <= 0.0:
        return float("nan")
    return 1.0 - (n_total - 1) * observed / expected


def _encode_values(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each entry's index into them (like np.unique(return_inverse)).

    Rating scales are small integer ranges, where a counting pass is several times faster than the
    sort inside np.unique; other data fall back to np.unique.
    """
    lo, hi = v.min(), v.max()
    if hi - lo <= max(4 * v.size, 1024) and np.array_equal(v, np.floor(v)):
        offsets = (v - lo).astype(np.int64)
        seen = np.bincount(offsets) > 0
        lookup = np.cumsum(seen) - 1
        return lo + np.flatnonzero(seen).astype(np.float64), lookup[offsets]
    values, inverse = np.unique(v, return_inverse=True)
    return values, inverse.reshape(-1)


def _ordinal_positions(n_c: np.ndarray) -> np.ndarray:
    """Mid-rank position of each value: sum_{g<c} n_g + n_c / 2.

    Krippendorff's ordinal difference (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 equals the squared
    difference of these positions, which lets ordinal data reuse the interval machinery.
    """
    return np.cumsum(n_c) - n_c / 2.0


def _delta2(level: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared difference function of the level of measurement (ordinal: on mid-rank positions)."""
    if level == "nominal":
        return (a != b).astype(np.float64)
    if level == "ratio":
        s = a + b
        out = np.zeros(np.broadcast(a, b).shape)
        np.divide(a - b, s, out=out, where=s != 0)
        return out**2
    return (a - b) ** 2


def _expected_disagreement(level: str, values: np.ndarray, n_c: np.ndarray) -> float:
    """sum_ck n_c n_k d2_ck, the expected-disagreement numerator of Krippendorff (2011)."""
    if level == "nominal":
        return float(n_c.sum() ** 2 - (n_c**2).sum())
    if level in ("interval", "ordinal"):
        # sum_ck n_c n_k (v_c - v_k)^2 = 2 (N sum n v^2 - (sum n v)^2), in O(V).
        total = n_c.sum()
        centred = values - (n_c * values).sum() / total
        return float(2.0 * total * (n_c * centred**2).sum())
    if values.size > MAX_RATIO_DISTINCT_VALUES:
        raise ValueError(
            f"Ratio-level alpha supports at most {MAX_RATIO_DISTINCT_VALUES} distinct values "
            f"(got {values.size}); round the data or use the interval level."
        )
    # Ratio has no closed form: sum over all value pairs in row blocks to bound memory, using
    # ((c - k) / (c + k))^2 = 1 - 4ck / (c + k)^2 with in-place operations (pairs with c + k = 0 count 0).
    block = max(1, _DISTANCE_BLOCK_CELLS // values.size)
    acc = 0.0
    for start in range(0, values.size, block):
        rows = slice(start, start + block)
        denom = np.add.outer(values[rows], values)
        np.multiply(denom, denom, out=denom)
        ratio = np.multiply.outer(4.0 * values[rows], values)
        nonzero = denom != 0
        np.divide(ratio, denom, out=ratio, where=nonzero)
        np.subtract(1.0, ratio, out=ratio)
        ratio[~nonzero] = 0.0
        acc += float(n_c[rows] @ ratio @ n_c)
    return acc
