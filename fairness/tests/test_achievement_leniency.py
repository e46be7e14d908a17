"""Leniency measured against objective achievement: works when every ratee has one rater only.

That is the normal appraisal (one pejabat penilai per employee), where the additive model cannot
compare raters (each team is its own component). The shared anchor is the measured achievement:
a rater whose ratings sit above the pooled rating-on-achievement line, team after team, is lenient.
"""

import numpy as np

from fairness.engine.data import Ratings
from fairness.engine.report import analyse


def _one_rater_per_ratee(n_raters=30, team=8, lenient=(0, 1), severe=(2,), shift=0.9, seed=7):
    rng = np.random.default_rng(seed)
    ratee, rater, crit, score, ach = [], [], [], [], []
    for j in range(n_raters):
        bias = shift if j in lenient else (-shift if j in severe else 0.0)
        for k in range(team):
            i = j * team + k
            achievement = rng.uniform(70, 130)
            ach.append(achievement)
            true = 1.0 + (achievement - 70) / 30  # 1..3 along achievement
            ratee.append(f"p{i:04d}")
            rater.append(f"r{j:02d}")
            crit.append("hasil_kerja")
            score.append(true + bias + rng.normal(0, 0.25))
    r = Ratings.from_columns(ratee, rater, crit, score)
    order = {rid: n for n, rid in enumerate(r.ratee_ids)}
    aligned = np.empty(len(order))
    for rid, a in zip(ratee, ach, strict=True):
        aligned[order[rid]] = a
    return r, aligned


def test_lenient_and_severe_raters_are_found_with_the_right_sign_without_overlap():
    ratings, achievement = _one_rater_per_ratee()
    report = analyse(ratings, achievement=achievement)
    assert report["connectivity"]["components"] == 30  # no rater shares a ratee: the additive model is blind here
    rows = {row["rater"]: row for row in report["achievement_leniency"]}
    flagged = {rid for rid, row in rows.items() if row["flag"]}
    assert flagged == {"r00", "r01", "r02"}  # precision and recall 1 at this size
    assert rows["r00"]["flag"] == rows["r01"]["flag"] == "lenient_vs_achievement"
    assert rows["r02"]["flag"] == "severe_vs_achievement"
    assert rows["r00"]["leniency"] > 0.5 and rows["r02"]["leniency"] < -0.5
    # The estimate recovers the planted shift relative to the fair raters (about +0.9 and -0.9,
    # minus the small pull the biased raters put on the pooled line).
    fair = np.mean([rows[f"r{j:02d}"]["leniency"] for j in range(3, 30)])
    assert abs((rows["r00"]["leniency"] - fair) - 0.9) < 0.25


def test_without_achievement_there_is_no_leniency_section():
    ratings, _ = _one_rater_per_ratee(n_raters=5)
    assert analyse(ratings)["achievement_leniency"] is None
