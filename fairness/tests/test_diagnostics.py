"""Rater effect flags on planted halo, central-tendency and random raters, and on direct inputs."""

import numpy as np
import pytest

from fairness.engine.data import Ratings
from fairness.engine.diagnostics import (
    FLAG_CENTRAL_TENDENCY,
    FLAG_HALO,
    FLAG_LENIENT,
    FLAG_MISFIT,
    FLAG_MUTED,
    FLAG_SEVERE,
    rater_central_tendency_stats,
    rater_flags,
    rater_halo_stats,
)
from fairness.engine.rasch import fit_mfrm, simulate_mfrm

THRESHOLDS = np.array([-2.0, -0.7, 0.7, 2.0])
N_RATEE, N_RATER, N_CRITERIA = 300, 30, 7


def planted_round(seed: int) -> tuple[Ratings, dict[str, set[int]]]:
    """An appraisal round (1-5 scale, 2-3 raters per ratee) with 3 halo, 3 central-tendency and 2
    random raters among 30.

    Halo: one general impression per ratee, drawn from the model without criterion difficulty and
    repeated on every criterion, 15 % of them nudged by one point. Central tendency: 75 % of the
    rater's ratings replaced by the middle score 3. Random: uniform 1-5 regardless of the ratee.
    """
    rng = np.random.default_rng(seed)
    k = rng.integers(2, 4, size=N_RATEE)
    pair_ratee = np.repeat(np.arange(N_RATEE), k)
    pair_rater = np.concatenate([rng.choice(N_RATER, size=kk, replace=False) for kk in k])
    ratee = np.repeat(pair_ratee, N_CRITERIA)
    rater = np.repeat(pair_rater, N_CRITERIA)
    criterion = np.tile(np.arange(N_CRITERIA), pair_ratee.size)
    measure = rng.normal(0.0, 1.0, N_RATEE)
    severity = rng.normal(0.0, 0.6, N_RATER)
    difficulty = rng.normal(0.0, 0.5, N_CRITERIA)
    score = simulate_mfrm(
        ratee,
        rater,
        criterion,
        ratee_measure=measure,
        rater_severity=severity,
        criterion_difficulty=difficulty,
        thresholds=THRESHOLDS,
        rng=rng,
        lowest=1,
    )
    roles = rng.permutation(N_RATER)
    planted = {"halo": set(roles[:3].tolist()), "central": set(roles[3:6].tolist()), "random": set(roles[6:8].tolist())}

    impression = simulate_mfrm(
        pair_ratee,
        pair_rater,
        np.zeros_like(pair_ratee),
        ratee_measure=measure,
        rater_severity=severity,
        criterion_difficulty=np.zeros(1),
        thresholds=THRESHOLDS,
        rng=rng,
        lowest=1,
    )
    halo = np.isin(rater, list(planted["halo"]))
    nudged = np.clip(np.repeat(impression, N_CRITERIA) + rng.choice([-1, 1], score.size), 1, 5)
    score[halo] = np.where(rng.random(score.size) < 0.15, nudged, np.repeat(impression, N_CRITERIA))[halo]
    central = np.isin(rater, list(planted["central"])) & (rng.random(score.size) < 0.75)
    score[central] = 3.0
    random = np.isin(rater, list(planted["random"]))
    score[random] = rng.integers(1, 6, size=random.sum())
    return Ratings.from_codes(ratee, rater, criterion, score), planted


def flagged(flags: list[list[str]], name: str) -> set[int]:
    return {j for j, f in enumerate(flags) if name in f}


def test_planted_rater_effects_are_found_with_high_precision_and_recall():
    """Across three simulated rounds, halo, central-tendency and random raters are flagged with
    precision and recall >= 0.9 (halo, central_tendency, misfit respectively)."""
    hits = {name: [0, 0, 0] for name in (FLAG_HALO, FLAG_CENTRAL_TENDENCY, FLAG_MISFIT)}  # tp, fp, fn
    for seed in (0, 1, 2):
        r, planted = planted_round(seed)
        res = fit_mfrm(r)
        flags = rater_flags(
            r, severity=res.rater_severity, se=res.rater_se, infit=res.rater_infit, outfit=res.rater_outfit
        )
        for name, truth in (
            (FLAG_HALO, planted["halo"]),
            (FLAG_CENTRAL_TENDENCY, planted["central"]),
            (FLAG_MISFIT, planted["random"]),
        ):
            got = flagged(flags, name)
            hits[name][0] += len(got & truth)
            hits[name][1] += len(got - truth)
            hits[name][2] += len(truth - got)

    for name, (tp, fp, fn) in hits.items():
        assert tp / (tp + fp) >= 0.9, name
        assert tp / (tp + fn) >= 0.9, name


def test_random_rater_misfits_with_infit_and_outfit_above_1_5():
    """A rater scoring at random has both mean-squares well above 1.5."""
    r, planted = planted_round(3)
    res = fit_mfrm(r)

    for j in planted["random"]:
        assert res.rater_infit[j] > 1.5
        assert res.rater_outfit[j] > 1.5


def test_severity_flags_use_the_standardised_distance_from_the_mean():
    """|severity - mean| / SE >= 2 flags severe (harsher) or lenient; 1.9 SEs does not."""
    r = Ratings.from_codes(np.arange(8), np.arange(4).repeat(2), np.zeros(8), np.tile([1.0, 2.0], 4))
    severity = np.array([0.5, -0.5, 0.19, -0.19])  # mean 0

    flags = rater_flags(r, severity=severity, se=np.full(4, 0.1))

    assert [FLAG_SEVERE in f for f in flags] == [True, False, False, False]
    assert [FLAG_LENIENT in f for f in flags] == [False, True, False, False]


def test_an_imprecise_far_out_rater_does_not_shift_the_reference_point():
    """The mean severity is precision-weighted: an extreme rater at -9 logits (SE 1.8) is lenient,
    and the others, within 2 SEs of each other, stay unflagged."""
    r = Ratings.from_codes(np.arange(8), np.arange(4).repeat(2), np.zeros(8), np.tile([1.0, 2.0], 4))

    flags = rater_flags(r, severity=np.array([0.15, -0.15, 0.0, -9.0]), se=np.array([0.1, 0.1, 0.1, 1.8]))

    assert flags == [[], [], [], [FLAG_LENIENT]]


def test_fit_flags_follow_the_half_to_one_and_a_half_rule():
    """Mean-squares > 1.5 flag misfit, < 0.5 muted, and NaN (extreme raters) nothing."""
    r = Ratings.from_codes(np.arange(8), np.arange(4).repeat(2), np.zeros(8), np.tile([1.0, 2.0], 4))

    flags = rater_flags(
        r,
        severity=np.zeros(4),
        se=np.full(4, 0.1),
        infit=np.array([1.6, 0.4, 1.0, np.nan]),
        outfit=np.array([1.0, 0.45, 1.49, np.nan]),
    )

    assert flags == [[FLAG_MISFIT], [FLAG_MUTED], [], []]


def test_halo_stats_explain_identical_scores_across_criteria():
    """A rater who gives each ratee one score on every criterion has zero within-ratee spread and
    perfectly correlated criteria, while a rater who varies across criteria does not."""
    rng = np.random.default_rng(0)
    n_ratee, n_crit = 12, 4
    ratee = np.tile(np.repeat(np.arange(n_ratee), n_crit), 2)
    rater = np.repeat([0, 1], n_ratee * n_crit)
    criterion = np.tile(np.arange(n_crit), 2 * n_ratee)
    level = rng.integers(1, 6, n_ratee)
    halo_scores = np.repeat(level, n_crit)
    varied = np.clip(halo_scores + rng.integers(-2, 3, n_ratee * n_crit), 1, 5)
    r = Ratings.from_codes(ratee, rater, criterion, np.concatenate([halo_scores, varied]).astype(float))

    stats = rater_halo_stats(r)

    assert stats["within_sd"][0] == 0.0
    assert stats["spread_ratio"][0] == 0.0
    assert stats["criterion_correlation"][0] == pytest.approx(1.0)
    assert stats["n_ratees"].tolist() == [n_ratee, n_ratee]
    assert stats["within_sd"][1] > 0.5
    assert stats["flag"].tolist() == [True, False]


def test_central_tendency_stats_use_the_middle_of_the_scale():
    """On a 1-4 scale the middle is {2, 3}: a rater using only 2s and 3s is flagged, one using the
    whole scale is not."""
    ratee = np.arange(40)
    rater = np.repeat([0, 1], 20)
    score = np.concatenate([np.tile([2.0, 3.0], 10), np.tile([1.0, 2.0, 3.0, 4.0], 5)])
    r = Ratings.from_codes(ratee, rater, np.zeros(40, dtype=int), score)

    stats = rater_central_tendency_stats(r)

    assert stats["middle"].tolist() == [2.0, 3.0]
    assert stats["middle_share"].tolist() == [1.0, 0.5]
    assert stats["pooled_middle_share"] == 0.75
    assert stats["flag"].tolist() == [True, False]
    assert rater_central_tendency_stats(r, scale_min=1, scale_max=5)["middle"].tolist() == [3.0]
