"""Adverse impact: four-fifths rule (29 CFR 1607.4(D)), Fisher's exact test, small-group suppression."""

import numpy as np
import pytest

from fairness.engine.adverse import GroupCounts, adverse_impact
from fairness.engine.data import InputError


def _counts(groups, applicants, selected):
    return GroupCounts(groups=list(groups), applicants=np.array(applicants), selected=np.array(selected))


def test_uniform_guidelines_qa_12_worked_example():
    """Uniform Guidelines Questions & Answers No. 12 (44 Fed. Reg. 11996, 1979): hiring rates of
    60 % (whites), 45 % (American Indians), 48 % (Hispanics), 51 % (Blacks) give impact ratios
    75 %, 80 % and 85 %; adverse impact is indicated for American Indians only, not for Hispanics
    at exactly 80 %."""
    result = adverse_impact(
        _counts(["White", "AmericanIndian", "Hispanic", "Black"], [100, 100, 100, 100], [60, 45, 48, 51])
    )
    by = {g["group"]: g for g in result["groups"]}
    assert result["reference"] == "White"
    assert by["AmericanIndian"]["impact_ratio"] == pytest.approx(0.75)
    assert by["Hispanic"]["impact_ratio"] == pytest.approx(0.80)
    assert by["Black"]["impact_ratio"] == pytest.approx(0.85)
    assert [by[g]["flag"] for g in ("White", "AmericanIndian", "Hispanic", "Black")] == [False, True, False, False]


def test_fisher_exact_matches_tea_tasting_textbook_value():
    """Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided P = 0.486 (Agresti, Categorical Data
    Analysis, 2nd ed. 2002, section 3.5.2, Table 3.8)."""
    result = adverse_impact(_counts(["A", "B"], [4, 4], [3, 1]), min_group_size=1)
    assert result["groups"][0]["fisher_p"] == pytest.approx(0.4857, abs=1e-4)
    assert result["groups"][1]["fisher_p"] == pytest.approx(0.4857, abs=1e-4)


def test_ratio_just_below_threshold_is_flagged():
    result = adverse_impact(_counts(["A", "B"], [1000, 1000], [500, 399]))
    assert result["groups"][1]["impact_ratio"] == pytest.approx(0.798)
    assert result["groups"][1]["flag"] is True


def test_small_groups_are_suppressed_not_dropped():
    result = adverse_impact(_counts(["A", "B", "C"], [50, 40, 3], [30, 10, 0]), min_group_size=5)
    small = result["groups"][2]
    assert small["group"] == "C"
    assert small["suppressed"] is True
    assert small["rate"] is None
    assert small["impact_ratio"] is None
    assert small["selected"] is None
    assert small["applicants"] == 3
    assert any("disembunyikan" in n for n in result["notes"])


def test_suppressed_group_cannot_be_the_reference():
    result = adverse_impact(_counts(["A", "B", "C"], [50, 40, 2], [20, 10, 2]), min_group_size=5)
    assert result["reference"] == "A"


def test_nobody_selected_gives_no_ratio_and_a_note():
    result = adverse_impact(_counts(["A", "B"], [10, 10], [0, 0]))
    assert all(g["impact_ratio"] is None and g["flag"] is False for g in result["groups"])
    assert result["notes"]


def test_fewer_than_two_groups_is_an_input_error():
    with pytest.raises(InputError) as exc:
        adverse_impact(_counts(["A"], [10], [3]))
    assert exc.value.code == "too_few_groups"
