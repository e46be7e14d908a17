"""`analyse()` output: the JSON contract of docs/fairness-cli.md."""

import json

import numpy as np
import pytest

from bench.fairness_data import simulate
from fairness.engine.data import InputError, Ratings
from fairness.engine.report import analyse

ICC_NAMES = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]


@pytest.fixture(scope="module")
def sim():
    # Integer scores (1-5) as in real appraisal forms.
    return simulate(80, n_raters=10, rater_count_probs=(0.4, 0.4, 0.2), n_favoured=3, categories=5, seed=2)


@pytest.fixture(scope="module")
def report(sim):
    return analyse(sim.ratings(), achievement=sim.achievement)


def test_report_follows_the_contract(report, sim):
    json.dumps(report, allow_nan=False)
    assert report["model"] == "additive"
    assert set(report) >= {
        "model",
        "raters",
        "ratees",
        "criteria",
        "interactions",
        "reliability",
        "connectivity",
        "notes",
    }
    assert len(report["raters"]) == sim.n_raters
    for rater in report["raters"]:
        assert set(rater) >= {"id", "severity", "se", "infit", "outfit", "n", "component", "flags"}
        assert isinstance(rater["flags"], list)
    assert len(report["ratees"]) == sim.n_ratees
    assert set(report["ratees"][0]) >= {"id", "measure", "adjusted_score", "n"}
    assert [c["id"] for c in report["criteria"]] == [str(k) for k in range(7)]
    for item in report["interactions"]:
        assert set(item) >= {"rater", "ratee", "bias", "t", "flag"}
        assert isinstance(item["flag"], bool)
    assert set(report["reliability"]) >= {"icc", "krippendorff_alpha", "reason"}
    assert report["connectivity"]["components"] == len(report["connectivity"]["sizes"])
    assert all(isinstance(n, str) for n in report["notes"])
    assert report["achievement_departures"] is not None


def test_severity_is_higher_for_harsher_raters(report, sim):
    sev = np.array([r["severity"] for r in report["raters"]])
    assert np.corrcoef(sev, sim.severity)[0, 1] > 0.8


def test_single_rater_pairs_are_explained_not_invented(report):
    assert any("hanya dinilai oleh satu penilai" in n for n in report["notes"])


def test_reliability_on_a_complete_crossed_design():
    pytest.importorskip("fairness.engine.reliability")
    rng = np.random.default_rng(0)
    ratee, rater, crit = (a.ravel() for a in np.meshgrid(np.arange(20), np.arange(4), np.arange(3), indexing="ij"))
    true = rng.normal(size=20)
    score = np.clip(np.rint(3 + true[ratee] + 0.3 * rater - 0.5 + rng.normal(0, 0.5, ratee.size)), 1, 5)
    rel = analyse(Ratings.from_codes(ratee, rater, crit, score))["reliability"]
    assert rel["icc_design"] == "complete"
    assert rel["reason"] is None
    assert list(rel["icc"]) == ICC_NAMES
    assert all(rel["icc"][name]["value"] is not None for name in ICC_NAMES)
    assert set(rel["krippendorff_alpha"]) == {"nominal", "ordinal", "interval", "ratio"}
    assert rel["alpha_units"] == 60


def test_reliability_without_shared_ratees_is_null_with_reason():
    pytest.importorskip("fairness.engine.reliability")
    sim = simulate(40, n_raters=5, rater_count_probs=(1,), categories=5, seed=1)
    rel = analyse(sim.ratings())["reliability"]
    assert rel["icc"] is None
    assert rel["reason"]
    assert rel["krippendorff_alpha"] is None
    assert rel["alpha_reason"]


def test_disconnected_data_get_components_and_a_note():
    r = Ratings.from_columns(
        ["a", "a", "b", "b", "c", "c", "d", "d"],
        ["x", "y", "x", "y", "z", "w", "z", "w"],
        ["k"] * 8,
        [3, 4, 2, 4, 5, 4, 3, 3],
    )
    report = analyse(r)
    assert report["connectivity"]["components"] == 2
    assert {rater["component"] for rater in report["raters"]} == {0, 1}
    assert any("komponen" in n for n in report["notes"])


def test_unknown_model_is_an_input_error(sim):
    with pytest.raises(InputError) as exc:
        analyse(sim.ratings(), model="irt")
    assert exc.value.code == "unknown_model"


def test_rasch_model_reports_logits(sim):
    pytest.importorskip("fairness.engine.rasch")
    report = analyse(sim.ratings(), model="rasch")
    assert report["model"] == "rasch"
    sev = np.array([r["severity"] for r in report["raters"]], dtype=float)
    assert np.corrcoef(sev, sim.severity)[0, 1] > 0.7
    json.dumps(report, allow_nan=False)
