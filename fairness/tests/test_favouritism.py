"""Favouritism: pair bias (ratees with >= 2 raters) and the objective-achievement route."""

import numpy as np
import pytest

from bench.fairness_data import simulate
from fairness.engine.additive import fit_additive
from fairness.engine.data import Ratings
from fairness.engine.favouritism import achievement_departures, bh_adjust, pair_interactions


def _precision_recall(truth: np.ndarray, rater, ratee, flagged) -> tuple[float, float]:
    planted = {tuple(p) for p in truth.tolist()}
    found = {(int(j), int(i)) for j, i, f in zip(rater, ratee, flagged, strict=True) if f}
    hit = len(planted & found)
    return hit / max(len(found), 1), hit / len(planted)


def test_planted_favoured_pairs_are_found():
    """300 ratees x 40 raters x 7 criteria, 2-3 raters per ratee, 10 favoured pairs with a bias of
    1-1.5 scale points, residual SD about 0.36: positive flags have precision and recall >= 0.9."""
    sim = simulate(
        300,
        n_raters=40,
        rater_count_probs=(0, 0.6, 0.4),
        n_favoured=10,
        halo_frac=0.1,
        error_sd=0.3,
        profile_sd=0.2,
        seed=0,
    )
    inter = pair_interactions(fit_additive(sim.ratings()))
    precision, recall = _precision_recall(sim.favoured, inter.rater, inter.ratee, inter.flag & (inter.bias > 0))
    assert precision >= 0.9
    assert recall >= 0.9


def test_bias_is_the_leave_pair_out_contrast_and_t_uses_its_own_se():
    sim = simulate(60, n_raters=8, rater_count_probs=(0, 0.5, 0.5), seed=4)
    r = sim.ratings()
    fit = fit_additive(r)
    inter = pair_interactions(fit)
    adj = r.score + fit.rater_severity[r.rater] - fit.criterion_effect[r.criterion]
    sigma = np.sqrt(fit.residual_variance)
    for j, i, bias, t in list(zip(inter.rater, inter.ratee, inter.bias, inter.t, strict=True))[:20]:
        own = (r.ratee == i) & (r.rater == j)
        other = (r.ratee == i) & (r.rater != j)
        assert bias == pytest.approx(adj[own].mean() - adj[other].mean(), abs=1e-8)
        se = sigma * np.sqrt(1 / own.sum() + 1 / other.sum())
        assert t == pytest.approx(bias / se, rel=1e-8)


def test_two_rater_biases_are_mirror_images():
    sim = simulate(50, n_raters=6, rater_count_probs=(0, 1), seed=2)
    inter = pair_interactions(fit_additive(sim.ratings()))
    by_ratee = np.bincount(inter.ratee, weights=inter.bias)
    np.testing.assert_allclose(by_ratee, 0.0, atol=1e-8)


def test_single_rater_per_ratee_has_no_estimable_interactions():
    sim = simulate(80, n_raters=8, rater_count_probs=(1,), n_favoured=5, seed=1)
    fit = fit_additive(sim.ratings())
    inter = pair_interactions(fit)
    assert inter.bias.size == 0
    assert inter.n_not_estimable == 80


def test_achievement_route_finds_favouritism_with_one_rater_per_ratee():
    """With one rater per ratee, pair bias is confounded with the ratee effect; the objective
    achievement (tracking the true ratee effect) exposes 10 favoured pairs of 1.5-2 points."""
    sim = simulate(300, n_raters=40, rater_count_probs=(1,), n_favoured=10, favour_range=(1.5, 2.0), seed=0)
    fit = fit_additive(sim.ratings())
    dep = achievement_departures(fit, sim.achievement)
    precision, recall = _precision_recall(sim.favoured, dep.rater, dep.ratee, dep.flag & (dep.z > 0))
    assert precision >= 0.9
    assert recall >= 0.9
    # A rater's general severity is removed: departures sum to zero within each rater.
    np.testing.assert_allclose(np.bincount(dep.rater, weights=dep.departure), 0.0, atol=1e-8)


def test_achievement_missing_for_a_ratee_skips_its_pairs():
    sim = simulate(60, n_raters=6, rater_count_probs=(1,), seed=3)
    ach = sim.achievement.copy()
    ach[:5] = np.nan
    dep = achievement_departures(fit_additive(sim.ratings()), ach)
    assert not np.isin(dep.ratee, np.arange(5)).any()
    assert dep.n_not_assessable == 5


def test_bh_adjust_matches_statsmodels():
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    np.testing.assert_allclose(bh_adjust(p), multipletests(p, method="fdr_bh")[1])


def test_without_residual_degrees_of_freedom_nothing_is_flagged():
    r = Ratings.from_codes(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.zeros(4, int), np.array([1.0, 3, 2, 2]))
    inter = pair_interactions(fit_additive(r))
    assert not inter.flag.any()
