"""Additive rater model: exact agreement with dummy-variable OLS, recovery of simulated severities,
per-component identification and invariances (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fairness_data import simulate
from fairness.engine.additive import fit_additive
from fairness.engine.data import InputError, Ratings


def _effect_coding(codes: np.ndarray, m: int) -> np.ndarray:
    """Sum-to-zero (deviation) coding: last level = minus the sum of the others."""
    x = np.zeros((codes.shape[0], m - 1))
    for c in range(m - 1):
        x[codes == c, c] = 1.0
    x[codes == m - 1, :] = -1.0
    return x


def test_estimates_and_standard_errors_equal_dummy_variable_ols():
    """With one connected network the model is ordinary least squares with sum-to-zero coded
    ratee, rater and criterion dummies; estimates, residual variance and the rater SEs
    (sigma^2 (X'X)^-1 mapped to all raters) must agree to rounding."""
    r = simulate(60, n_raters=8, rater_count_probs=(0.2, 0.5, 0.3), seed=3).ratings()
    fit = fit_additive(r)
    assert fit.n_components == 1
    assert fit.se_method == "exact"
    n_i, n_j, n_k = r.n_ratees, r.n_raters, r.n_criteria
    x = np.column_stack(
        [np.ones(r.n), _effect_coding(r.ratee, n_i), _effect_coding(r.rater, n_j), _effect_coding(r.criterion, n_k)]
    )
    beta = np.linalg.lstsq(x, r.score, rcond=None)[0]
    lenient = np.append(beta[n_i : n_i + n_j - 1], -beta[n_i : n_i + n_j - 1].sum())
    np.testing.assert_allclose(fit.rater_severity, -lenient, atol=1e-7)
    crit = np.append(beta[n_i + n_j - 1 :], -beta[n_i + n_j - 1 :].sum())
    np.testing.assert_allclose(fit.criterion_effect, crit, atol=1e-7)
    ratee = np.append(beta[1:n_i], -beta[1:n_i].sum())
    np.testing.assert_allclose(fit.ratee_effect, ratee, atol=1e-7)
    assert fit.mu == pytest.approx(beta[0], abs=1e-7)
    resid = r.score - x @ beta
    sigma2 = resid @ resid / (r.n - x.shape[1])
    assert fit.residual_variance == pytest.approx(sigma2, rel=1e-9)
    cov = sigma2 * np.linalg.inv(x.T @ x)
    lmap = np.zeros((n_j, x.shape[1]))
    lmap[: n_j - 1, n_i : n_i + n_j - 1] = np.eye(n_j - 1)
    lmap[n_j - 1, n_i : n_i + n_j - 1] = -1.0
    np.testing.assert_allclose(fit.rater_se, np.sqrt(np.diag(lmap @ cov @ lmap.T)), rtol=1e-7)


def test_recovers_simulated_severities():
    """300 ratees, 40 raters, 7 criteria, 2-3 raters per ratee, with halo raters and 10 favoured
    pairs mixed in: Pearson r with the true severities >= 0.95."""
    sim = simulate(300, n_raters=40, rater_count_probs=(0, 0.6, 0.4), halo_frac=0.1, n_favoured=10, seed=11)
    fit = fit_additive(sim.ratings())
    assert fit.converged
    assert np.corrcoef(fit.rater_severity, sim.severity)[0, 1] >= 0.95
    # Adjusted scores track the true ratee effects better than raw means do.
    raw = np.bincount(sim.ratee, weights=sim.score) / np.bincount(sim.ratee)
    assert np.corrcoef(fit.ratee_adjusted, sim.ratee_effect)[0, 1] > np.corrcoef(raw, sim.ratee_effect)[0, 1]


def test_diagonal_standard_errors_above_dense_limit_agree_in_order():
    """Above `dense_limit` the SE is sigma / sqrt(S_jj) (Facets-style, other parameters fixed):
    same estimates, SEs of the same order as the exact ones."""
    r = simulate(300, n_raters=40, rater_count_probs=(0, 0.6, 0.4), seed=5).ratings()
    exact = fit_additive(r)
    approx = fit_additive(r, dense_limit=0)
    assert approx.se_method == "diagonal"
    np.testing.assert_allclose(approx.rater_severity, exact.rater_severity, atol=1e-6)
    ratio = approx.rater_se / exact.rater_se
    assert ratio.min() > 0.7 and ratio.max() <= 1.0 + 1e-9


def test_disconnected_networks_are_identified_per_component():
    a = simulate(40, n_raters=5, rater_count_probs=(0, 1), seed=1, shuffle=False)
    b = simulate(30, n_raters=4, rater_count_probs=(0, 1), seed=2, shuffle=False)
    r = Ratings.from_codes(
        np.r_[a.ratee, b.ratee + 40],
        np.r_[a.rater, b.rater + 5],
        np.r_[a.criterion, b.criterion],
        np.r_[a.score, b.score + 1.0],
    )
    fit = fit_additive(r)
    assert fit.n_components == 2
    assert fit.component_raters.tolist() == [5, 4]
    assert fit.rater_component.tolist() == [0] * 5 + [1] * 4
    assert fit.ratee_component.tolist() == [0] * 40 + [1] * 30
    for c in range(2):
        assert fit.rater_severity[fit.rater_component == c].sum() == pytest.approx(0.0, abs=1e-9)


def test_rater_who_shares_no_ratee_is_unlinked():
    ratee = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    rater = np.array([0, 1, 0, 1, 0, 1, 2, 2])
    crit = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    score = np.array([3.0, 4, 2, 3, 4, 4, 5, 4])
    fit = fit_additive(Ratings.from_codes(ratee, rater, crit, score))
    assert fit.rater_linked.tolist() == [True, True, False]
    assert np.isnan(fit.rater_se[2])
    assert fit.rater_severity[2] == 0.0


def test_ratee_with_many_raters_uses_the_generic_pair_index():
    """More than 32 raters on one ratee switches the row-to-pair map to np.unique; results agree."""
    rng = np.random.default_rng(0)
    ratee = np.r_[np.zeros(40, int), rng.integers(1, 30, 200)]
    rater = np.r_[np.arange(40), rng.integers(0, 40, 200)]
    crit = np.zeros(240, int)
    score = rng.normal(size=240)
    fit = fit_additive(Ratings.from_codes(ratee, rater, crit, score))
    pairs = fit.pairs
    np.testing.assert_array_equal(pairs.ratee[pairs.index], ratee)
    np.testing.assert_array_equal(pairs.rater[pairs.index], rater)


def test_one_rater_is_an_input_error():
    with pytest.raises(InputError) as exc:
        fit_additive(Ratings.from_columns(["a", "b"], ["x", "x"], ["k", "k"], [1, 2]))
    assert exc.value.code == "one_rater_only"


_SMALL = simulate(40, n_raters=6, rater_count_probs=(0.2, 0.5, 0.3), seed=7)
_SMALL_R = _SMALL.ratings()
_SMALL_FIT = fit_additive(_SMALL_R)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rater=st.integers(0, 5), shift=st.floats(-3, 3, allow_nan=False))
def test_adding_a_constant_to_one_rater_shifts_only_that_rater(rater, shift):
    """Scores of rater j + c: severity differences between j and every other rater change by -c,
    all other differences, the criterion effects and the residuals stay the same."""
    score = _SMALL_R.score + np.where(_SMALL_R.rater == rater, shift, 0.0)
    fit = fit_additive(Ratings.from_codes(_SMALL_R.ratee, _SMALL_R.rater, _SMALL_R.criterion, score))
    delta = fit.rater_severity - _SMALL_FIT.rater_severity
    others = np.arange(6) != rater
    np.testing.assert_allclose(delta[rater] - delta[others], -shift, atol=1e-7)
    np.testing.assert_allclose(delta[others] - delta[others][0], 0.0, atol=1e-7)
    np.testing.assert_allclose(fit.criterion_effect, _SMALL_FIT.criterion_effect, atol=1e-7)
    assert fit.residual_variance == pytest.approx(_SMALL_FIT.residual_variance, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), probs=st.sampled_from([(1, 0), (0.5, 0.5), (0.2, 0.5, 0.3)]))
def test_sum_to_zero_constraints_hold(seed, probs):
    sim = simulate(25, n_criteria=3, n_raters=5, rater_count_probs=probs, unit_size=2, cross_unit=0.0, seed=seed)
    fit = fit_additive(sim.ratings())
    assert fit.criterion_effect.sum() == pytest.approx(0.0, abs=1e-9)
    assert fit.ratee_effect.sum() == pytest.approx(0.0, abs=1e-9)
    sums = np.bincount(fit.rater_component, weights=fit.rater_severity)
    np.testing.assert_allclose(sums, 0.0, atol=1e-8)
    # Fitted values do not depend on the constraint choice: residuals average zero per ratee.
    assert abs(fit.pairs.resid_sum.sum()) < 1e-8
