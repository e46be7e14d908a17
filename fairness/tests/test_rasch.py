"""Many-facet Rasch model: analytic JMLE solutions, likelihood equations and simulation recovery."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit

from fairness.engine.data import InputError, Ratings
from fairness.engine.rasch import EXTREME_SCORE_ADJUSTMENT, fit_mfrm, simulate_mfrm

THRESHOLDS = np.array([-2.0, -0.7, 0.7, 2.0])  # a well-functioning 5-category scale


def random_design(
    rng: np.random.Generator, n_ratee: int, n_rater: int, n_criteria: int, per_ratee: tuple[int, int] = (2, 3)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each ratee rated by 2-3 distinct random raters on every criterion."""
    k = rng.integers(per_ratee[0], per_ratee[1] + 1, size=n_ratee)
    ratee = np.repeat(np.arange(n_ratee), k)
    rater = np.concatenate([rng.choice(n_rater, size=kk, replace=False) for kk in k])
    return (
        np.repeat(ratee, n_criteria),
        np.repeat(rater, n_criteria),
        np.tile(np.arange(n_criteria), ratee.size),
    )


def simulated(seed: int, *, severity_sd: float = 0.6, n_ratee: int = 300, n_rater: int = 30, n_criteria: int = 7):
    """Appraisal-sized MFRM data on a 1-5 scale with known parameters."""
    rng = np.random.default_rng(seed)
    ratee, rater, criterion = random_design(rng, n_ratee, n_rater, n_criteria)
    truth = {
        "ratee": rng.normal(0.0, 1.0, n_ratee),
        "rater": rng.normal(0.0, severity_sd, n_rater),
        "criterion": rng.normal(0.0, 0.5, n_criteria),
    }
    truth["rater"] -= truth["rater"].mean()
    truth["criterion"] -= truth["criterion"].mean()
    score = simulate_mfrm(
        ratee,
        rater,
        criterion,
        ratee_measure=truth["ratee"],
        rater_severity=truth["rater"],
        criterion_difficulty=truth["criterion"],
        thresholds=THRESHOLDS,
        rng=rng,
        lowest=1,
    )
    return Ratings.from_codes(ratee, rater, criterion, score), truth


@pytest.fixture(scope="module")
def appraisal():
    r, truth = simulated(0)
    return r, truth, fit_mfrm(r)


def test_recovers_known_severities_difficulties_and_thresholds(appraisal):
    """300 ratees x 30 raters x 7 criteria, 2-3 raters each: severities correlate >= 0.95 with the truth."""
    _, truth, res = appraisal

    assert res.converged
    assert np.corrcoef(res.rater_severity, truth["rater"])[0, 1] >= 0.95
    assert np.corrcoef(res.criterion_difficulty, truth["criterion"])[0, 1] >= 0.95
    assert np.corrcoef(res.ratee_measure, truth["ratee"])[0, 1] >= 0.9
    assert res.thresholds == pytest.approx(THRESHOLDS, abs=0.25)
    assert res.rater_separation_reliability > 0.9
    assert res.rater_separation > 3.0
    assert res.subsets == 1


def test_fit_mean_squares_are_near_one_when_data_fit_the_model(appraisal):
    """Model-generated data give infit and outfit mean-squares averaging about 1 and none above 1.5."""
    _, _, res = appraisal

    for mnsq in (res.rater_infit, res.rater_outfit):
        assert np.mean(mnsq) == pytest.approx(1.0, abs=0.05)
        assert np.max(mnsq) < 1.5
    assert np.mean(res.ratee_infit) == pytest.approx(1.0, abs=0.1)


def test_identification_constraints_hold(appraisal):
    """Rater severities and criterion difficulties are centred at 0; thresholds sum to 0."""
    _, _, res = appraisal

    assert res.rater_severity.mean() == pytest.approx(0.0, abs=1e-9)
    assert res.criterion_difficulty.mean() == pytest.approx(0.0, abs=1e-9)
    assert res.thresholds.sum() == pytest.approx(0.0, abs=1e-9)


def test_estimates_solve_the_likelihood_equations():
    """At convergence every element's observed raw score equals its expected score, and each
    category's observed count of "at or above" equals its expected count (the JML equations)."""
    r, _ = simulated(3, n_ratee=120, n_rater=12, n_criteria=5)
    res = fit_mfrm(r, tol=1e-10, max_iter=2000)
    assert res.converged
    assert not (res.ratee_extreme.any() or res.rater_extreme.any())

    eta = res.ratee_measure[r.ratee] - res.rater_severity[r.rater] - res.criterion_difficulty[r.criterion]
    psi = np.concatenate(([0.0], np.cumsum(res.thresholds)))
    k = np.arange(res.thresholds.size + 1)
    logits = eta[:, None] * k - psi
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    x = np.searchsorted(res.categories, r.score)
    residual = x - p @ k

    for codes in (r.ratee, r.rater, r.criterion):
        assert np.abs(np.bincount(codes, weights=residual)).max() < 1e-6
    at_least_expected = p[:, ::-1].cumsum(axis=1)[:, ::-1][:, 1:].sum(axis=0)
    at_least_observed = np.array([(x >= h).sum() for h in range(1, k.size)])
    assert at_least_expected - at_least_expected.mean() == pytest.approx(
        at_least_observed - at_least_observed.mean(), abs=1e-6
    )


def test_two_rater_dichotomous_case_matches_the_analytic_jmle_solution():
    """Two raters scoring 12 ratees 0/1 (one criterion): JMLE has a closed form.

    Ratees with one success out of two sit at B = 0 by symmetry, so rater 1's likelihood equation
    is N * expit(-C1) = n10 (N ratees with raw score 1, n10 of them credited by rater 1 only), giving
    C1 = -logit(n10 / N) and C2 = -C1 = log(n10 / n01): twice the conditional ML estimate of the
    severity difference, log(n10 / n01) (Andersen 1973) -- the (L - 1) / L = 1/2 JMLE bias of a
    two-item test (Wright & Masters 1982, ch. 4). A ratee credited by both raters has an extreme
    score, estimated against 2 - 0.3 score points.
    """
    pattern = [(1, 0)] * 6 + [(0, 1)] * 3 + [(1, 1)] * 2 + [(0, 0)]
    ratee = np.repeat(np.arange(len(pattern)), 2)
    rater = np.tile([0, 1], len(pattern))
    score = np.array(pattern, dtype=float).ravel()
    r = Ratings.from_codes(ratee, rater, np.zeros_like(ratee), score)

    res = fit_mfrm(r, tol=1e-12)

    assert res.rater_severity == pytest.approx([-np.log(2.0), np.log(2.0)], abs=1e-9)
    assert res.ratee_measure[:9] == pytest.approx(np.zeros(9), abs=1e-9)
    top = brentq(lambda b: expit(b + np.log(2.0)) + expit(b - np.log(2.0)) - (2 - EXTREME_SCORE_ADJUSTMENT), 0, 20)
    assert res.ratee_measure[9:11] == pytest.approx([top, top], abs=1e-8)
    assert res.ratee_measure[11] == pytest.approx(-top, abs=1e-8)
    assert res.ratee_extreme.tolist() == [False] * 9 + [True] * 3
    assert np.isnan(res.ratee_infit[9:]).all()
    assert res.thresholds == pytest.approx([0.0])


def test_scale_origin_does_not_matter():
    """A 1-5 scale and the same ratings recoded 0-4 give identical measures."""
    r, _ = simulated(4, n_ratee=60, n_rater=8, n_criteria=4)
    shifted = Ratings.from_codes(r.ratee, r.rater, r.criterion, r.score - 1.0)

    a, b = fit_mfrm(r), fit_mfrm(shifted)

    assert a.rater_severity == pytest.approx(b.rater_severity, abs=1e-9)
    assert a.categories.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_all_maximum_rater_gets_a_finite_lenient_measure_without_fit():
    """A rater who gives every ratee the top score is set aside, then measured as the most lenient,
    with a finite SE and no fit statistics; the other severities stay centred and close to the truth."""
    r, truth = simulated(1)
    score = r.score.copy()
    score[r.rater == 0] = 5.0
    r = Ratings.from_codes(r.ratee, r.rater, r.criterion, score)

    res = fit_mfrm(r)

    assert res.converged
    assert res.rater_extreme.tolist() == [True] + [False] * 29
    assert res.rater_severity[0] == res.rater_severity.min()
    assert res.rater_severity[1:].mean() == pytest.approx(0.0, abs=1e-9)  # centred on non-extreme raters
    assert np.isfinite(res.rater_se[0])
    assert np.isnan(res.rater_infit[0]) and np.isnan(res.rater_outfit[0])
    assert np.corrcoef(res.rater_severity[1:], truth["rater"][1:])[0, 1] >= 0.95


def test_ratees_with_extreme_scores_are_measured_at_the_adjusted_score():
    """Ratees with all 5s / all 1s get finite measures whose expected raw score is 0.3 points inside
    the extreme (FACETS' adjustment), above / below the average non-extreme ratee."""
    rng = np.random.default_rng(5)
    ratee, rater, criterion = random_design(rng, 200, 20, 6)
    score = simulate_mfrm(
        ratee,
        rater,
        criterion,
        ratee_measure=rng.normal(0.0, 3.0, 200),
        rater_severity=rng.normal(0, 0.5, 20),
        criterion_difficulty=np.zeros(6),
        thresholds=THRESHOLDS,
        rng=rng,
        lowest=1,
    )
    r = Ratings.from_codes(ratee, rater, criterion, score)

    res = fit_mfrm(r)

    n = np.bincount(ratee)
    total = np.bincount(ratee, weights=score - 1)
    high = res.ratee_extreme & (total == 4 * n)
    low = res.ratee_extreme & (total == 0)
    assert high.any() and low.any()
    assert np.isfinite(res.ratee_measure).all()
    eta = res.ratee_measure[ratee] - res.rater_severity[rater] - res.criterion_difficulty[criterion]
    psi = np.concatenate(([0.0], np.cumsum(res.thresholds)))
    logits = eta[:, None] * np.arange(5) - psi
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected = np.bincount(ratee, weights=(p / p.sum(axis=1, keepdims=True)) @ np.arange(5))
    assert expected[high] == pytest.approx(4 * n[high] - EXTREME_SCORE_ADJUSTMENT, abs=1e-3)
    assert expected[low] == pytest.approx(np.full(low.sum(), EXTREME_SCORE_ADJUSTMENT), abs=1e-3)
    normal = res.ratee_measure[~res.ratee_extreme]
    assert res.ratee_measure[high].min() > normal.mean() > res.ratee_measure[low].max()


def test_equal_raters_have_low_separation_reliability():
    """When all raters are equally severe, the severity spread is mostly error: reliability is low."""
    r, _ = simulated(2, severity_sd=0.0)

    res = fit_mfrm(r)

    assert res.rater_separation_reliability < 0.5


def test_counts_disconnected_rater_networks():
    """Two groups of ratees and raters that never meet form two subsets."""
    r, _ = simulated(6, n_ratee=40, n_rater=6, n_criteria=3)
    keep = (r.ratee < 20) == (r.rater < 3)
    split = Ratings.from_codes(r.ratee[keep], r.rater[keep], r.criterion[keep], r.score[keep])

    assert fit_mfrm(split).subsets == 2


def test_rejects_non_integer_scores():
    """Fractional scores raise InputError: the Rasch model needs scale categories."""
    r = Ratings.from_columns(["a", "a", "b", "b"], ["x", "y", "x", "y"], ["c"] * 4, [1.0, 2.5, 3.0, 2.0])

    with pytest.raises(InputError) as err:
        fit_mfrm(r)

    assert err.value.code == "non_integer_score"
    assert err.value.params["index"] == 1


def test_rejects_a_single_score_category():
    """Ratings that all share one score raise InputError."""
    r = Ratings.from_columns(["a", "b"], ["x", "y"], ["c", "c"], [3.0, 3.0])

    with pytest.raises(InputError) as err:
        fit_mfrm(r)

    assert err.value.code == "too_few_categories"
