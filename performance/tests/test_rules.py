"""Tests for performance.rules: examples from docs/domain.md §1 and hypothesis properties. No database."""

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performance.rules import (
    BERAKHLAK,
    DEFAULT_ACHIEVEMENT_RULE,
    DEFAULT_DISTRIBUTION,
    DEFAULT_DISTRIBUTION_RULES,
    DEFAULT_GRADE_COEFFICIENT,
    DEFAULT_PREDIKAT_FACTOR,
    FOLLOW_UP_PREDIKAT,
    LEVEL_ORDER,
    MIN_360_RESPONSES,
    OBJECTION_DAYS,
    PREDIKAT_ORDER,
    UNIT_HEAD_WORK_LEVEL,
    WORK_SUGGESTION_REASONS,
    AchievementRule,
    BehaviourRule,
    Direction,
    IndicatorResult,
    Level,
    OrgPredikat,
    Predikat,
    QuotaOp,
    RuleSetError,
    Scheme,
    WorkRatingRule,
    check_distribution,
    credit_points,
    indicator_capaian,
    justification_required,
    level_from_capaian,
    objection_deadline,
    objection_open,
    parse_achievement_rule,
    parse_distribution_rules,
    peer_consensus,
    period_slices,
    predikat,
    quota_limits,
    rhk_result,
    suggest_behaviour_rating,
    suggest_work_rating,
)

ATAS, SESUAI, BAWAH = Level.DI_ATAS, Level.SESUAI, Level.DI_BAWAH
SB, B, BP, K, SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)
RANK = {BAWAH: 0, SESUAI: 1, ATAS: 2}
D = Decimal

levels = st.sampled_from(list(Level))


# --------------------------------------------------------------------------------------------
# Predikat matrix
# --------------------------------------------------------------------------------------------

# The table of domain.md §1, row by row: work result × behaviour (Di Bawah, Sesuai, Di Atas).
MATRIX_ROWS = {
    ATAS: (K, B, SB),
    SESUAI: (K, B, B),
    BAWAH: (SK, BP, BP),
}


@pytest.mark.parametrize("work", list(Level))
@pytest.mark.parametrize("column", range(3))
def test_predikat_matches_every_cell_of_the_matrix(work, column):
    behaviour = (BAWAH, SESUAI, ATAS)[column]
    assert predikat(work, behaviour) is MATRIX_ROWS[work][column]


def test_predikat_accepts_stored_strings_and_rejects_unknown_levels():
    assert predikat("DI_ATAS", "DI_ATAS") is SB
    with pytest.raises(ValueError):
        predikat("TINGGI", "SESUAI")


def test_predikat_order_runs_best_to_worst():
    assert PREDIKAT_ORDER == (SB, B, BP, K, SK)
    assert LEVEL_ORDER == (ATAS, SESUAI, BAWAH)


@given(levels, levels, levels)
def test_predikat_never_falls_when_one_rating_rises(fixed, low, high):
    """The regulation's matrix is monotone in each rating."""
    if RANK[low] > RANK[high]:
        low, high = high, low
    position = PREDIKAT_ORDER.index
    assert position(predikat(high, fixed)) <= position(predikat(low, fixed))
    assert position(predikat(fixed, high)) <= position(predikat(fixed, low))


# --------------------------------------------------------------------------------------------
# Indicator capaian and levels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisation", "expected"),
    [("10", "8", "80.00"), ("3", "2", "66.67"), ("10", "11", "110.00"), ("12", "12", "100.00"), ("5", "0", "0.00")],
)
def test_capaian_higher_better_is_realisation_over_target(target, realisation, expected):
    assert str(indicator_capaian(D(target), D(realisation), Direction.HIGHER_BETTER)) == expected


@pytest.mark.parametrize(
    ("target", "realisation", "expected"),
    [("10", "8", "125.00"), ("10", "12", "83.33"), ("30", "30", "100.00"), ("10", "0", "150.00")],
)
def test_capaian_lower_better_is_target_over_realisation(target, realisation, expected):
    assert str(indicator_capaian(D(target), D(realisation), Direction.LOWER_BETTER)) == expected


def test_capaian_is_capped_at_the_rule_cap():
    assert indicator_capaian(D(100), D(200), Direction.HIGHER_BETTER) == D("150.00")
    assert indicator_capaian(D(100), D(200), "HIGHER_BETTER", AchievementRule(cap=D(120))) == D("120.00")
    assert indicator_capaian(D(10), D(0), "LOWER_BETTER", AchievementRule(cap=D(130))) == D("130.00")


def test_capaian_rounds_half_up_to_two_decimals():
    # 1/32 × 100 = 3.125 exactly: half-up gives 3.13 where banker's rounding would give 3.12.
    assert str(indicator_capaian(D(32), D(1), Direction.HIGHER_BETTER)) == "3.13"
    assert str(indicator_capaian(D(160), D(1), Direction.HIGHER_BETTER)) == "0.63"
    assert str(indicator_capaian(D(1), D(32), Direction.LOWER_BETTER)) == "3.13"
    assert str(indicator_capaian(D(3), D(1), Direction.HIGHER_BETTER)) == "33.33"


@pytest.mark.parametrize("direction", list(Direction))
@pytest.mark.parametrize("realisation", ["0", "5"])
def test_capaian_with_target_zero_cannot_be_computed(direction, realisation):
    assert indicator_capaian(D(0), D(realisation), direction) is None


@pytest.mark.parametrize("direction", list(Direction))
@pytest.mark.parametrize(("target", "realisation"), [("-1", "5"), ("5", "-1"), ("-2", "-2")])
def test_capaian_rejects_negative_numbers(direction, target, realisation):
    with pytest.raises(ValueError, match="negative"):
        indicator_capaian(D(target), D(realisation), direction)


def test_capaian_rejects_non_numbers():
    with pytest.raises(ValueError):
        indicator_capaian(D("NaN"), D(1), Direction.HIGHER_BETTER)
    with pytest.raises(ValueError):
        indicator_capaian("sepuluh", D(1), Direction.HIGHER_BETTER)


amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
positive_amounts = amounts.filter(lambda value: value > 0)


@given(positive_amounts, amounts, amounts)
def test_capaian_higher_better_rises_with_realisation(target, a, b):
    low, high = sorted((a, b))
    assert indicator_capaian(target, low, "HIGHER_BETTER") <= indicator_capaian(target, high, "HIGHER_BETTER")


@given(positive_amounts, amounts, amounts)
def test_capaian_lower_better_falls_with_realisation(target, a, b):
    low, high = sorted((a, b))
    assert indicator_capaian(target, low, "LOWER_BETTER") >= indicator_capaian(target, high, "LOWER_BETTER")


@given(positive_amounts, amounts, st.sampled_from(list(Direction)))
def test_capaian_is_the_exact_ratio_rounded_to_the_cent(target, realisation, direction):
    result = indicator_capaian(target, realisation, direction)
    if direction is Direction.HIGHER_BETTER:
        exact = Fraction(realisation) * 100 / Fraction(target)
    else:
        exact = Fraction(target) * 100 / Fraction(realisation) if realisation else Fraction(150)
    exact = min(exact, Fraction(150))
    assert result.as_tuple().exponent == -2
    assert Fraction(0) <= Fraction(result) <= Fraction(150)
    assert abs(Fraction(result) - exact) <= Fraction(1, 200)


@pytest.mark.parametrize(
    ("capaian", "expected"),
    [
        ("150", ATAS),
        ("110", ATAS),
        ("110.00", ATAS),
        ("109.99", SESUAI),
        ("100", SESUAI),
        ("99.99", BAWAH),
        ("0", BAWAH),
    ],
)
def test_level_thresholds_at_the_boundaries(capaian, expected):
    assert level_from_capaian(D(capaian)) is expected


def test_level_thresholds_follow_the_rule():
    rule = AchievementRule(above_at=D(120), meets_at=D(90))
    assert level_from_capaian(D(119), rule) is SESUAI
    assert level_from_capaian(D(120), rule) is ATAS
    assert level_from_capaian(D(90), rule) is SESUAI
    assert level_from_capaian(D("89.99"), rule) is BAWAH


def test_level_rejects_negative_capaian():
    with pytest.raises(ValueError):
        level_from_capaian(D(-1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"meets_at": D(120)},  # above_at below meets_at
        {"cap": D(105)},  # cap below above_at
        {"meets_at": D(0)},
        {"above_at": "tinggi"},
        {"qualitative_value": {ATAS: D(120), SESUAI: D(100)}},
        {"qualitative_value": {ATAS: D(120), SESUAI: D(100), BAWAH: D(-1)}},
        {"qualitative_value": {"TINGGI": D(1), ATAS: D(120), SESUAI: D(100), BAWAH: D(80)}},
    ],
)
def test_achievement_rule_rejects_inconsistent_settings(kwargs):
    with pytest.raises(RuleSetError):
        AchievementRule(**kwargs)


def test_achievement_rule_round_trips_through_json():
    rule = AchievementRule(above_at=D("115.5"), qualitative_value={"DI_ATAS": "125", "SESUAI": 100, "DI_BAWAH": "75"})
    restored = parse_achievement_rule(json.loads(json.dumps(rule.to_data())))
    assert restored == rule
    assert restored.qualitative_value[ATAS] == D(125)
    assert parse_achievement_rule({}) == DEFAULT_ACHIEVEMENT_RULE
    assert parse_achievement_rule({"cap": "200"}).cap == D(200)


def test_parse_achievement_rule_names_the_bad_key():
    with pytest.raises(RuleSetError, match="batas"):
        parse_achievement_rule({"batas": "110"})
    with pytest.raises(RuleSetError, match="cap"):
        parse_achievement_rule({"cap": "banyak"})


# --------------------------------------------------------------------------------------------
# RHK result
# --------------------------------------------------------------------------------------------


def test_rhk_averages_kuantitatif_and_kualitatif_indicators():
    # 120 (kuantitatif) and a kualitatif judged Sesuai (nominal 100): mean 110, Di Atas.
    result = rhk_result([IndicatorResult(D("120.00"), ATAS), IndicatorResult(None, SESUAI)])
    assert result == IndicatorResult(D("110.00"), ATAS)
    result = rhk_result([IndicatorResult(D("90.00"), BAWAH), IndicatorResult(None, BAWAH)])
    assert result == IndicatorResult(D("85.00"), BAWAH)


def test_rhk_uses_the_rules_nominal_values_for_kualitatif():
    rule = AchievementRule(qualitative_value={ATAS: D(130), SESUAI: D(100), BAWAH: D(60)})
    assert rhk_result([IndicatorResult(None, ATAS), IndicatorResult(D(100), SESUAI)], rule).capaian == D("115.00")
    assert rhk_result([IndicatorResult(None, BAWAH)], rule) == IndicatorResult(D("60.00"), BAWAH)


def test_rhk_skips_indicators_without_a_result():
    assert rhk_result([IndicatorResult(D(104), SESUAI), IndicatorResult()]) == IndicatorResult(D("104.00"), SESUAI)


def test_rhk_without_any_result_has_none():
    assert rhk_result([IndicatorResult(), IndicatorResult(None, None)]) == IndicatorResult(None, None)
    assert rhk_result([]) == IndicatorResult(None, None)


def test_rhk_caps_each_indicator_before_averaging():
    # 300 counts as 150, so the mean of 300 and 50 is 100 (Sesuai), not 175.
    assert rhk_result([IndicatorResult(D(300)), IndicatorResult(D(50))]) == IndicatorResult(D("100.00"), SESUAI)


def test_rhk_level_follows_the_shown_rounded_mean():
    assert rhk_result([IndicatorResult(D(100)), IndicatorResult(D(100)), IndicatorResult(D(101))]).capaian == D(
        "100.33"
    )
    # 109.995 is shown as 110.00, so it is Di Atas.
    assert rhk_result([IndicatorResult(D("109.99")), IndicatorResult(D("110.00"))]) == IndicatorResult(
        D("110.00"), ATAS
    )


def test_rhk_prefers_a_computed_capaian_over_a_level():
    assert rhk_result([IndicatorResult(D(90), ATAS)]) == IndicatorResult(D("90.00"), BAWAH)


# --------------------------------------------------------------------------------------------
# Work-result suggestion
# --------------------------------------------------------------------------------------------


def utama(*levels):
    return [(True, level) for level in levels]


def tambahan(*levels):
    return [(False, level) for level in levels]


def test_all_results_above_suggest_di_atas():
    suggestion = suggest_work_rating(utama(ATAS, ATAS, ATAS))
    assert suggestion.level is ATAS
    assert suggestion.reason == "majority_above_no_main_below"
    assert (suggestion.utama_total, suggestion.utama_above, suggestion.utama_below) == (3, 3, 0)


def test_most_above_but_one_main_below_is_not_di_atas():
    suggestion = suggest_work_rating(utama(ATAS, ATAS, ATAS, BAWAH))
    assert suggestion.level is SESUAI
    assert suggestion.reason == "majority_above_but_main_below"
    assert suggestion.utama_below == 1


def test_small_part_of_main_below_is_sesuai():
    suggestion = suggest_work_rating(utama(SESUAI, SESUAI, BAWAH))  # 1 of 3 below: the small part
    assert suggestion.level is SESUAI
    assert suggestion.reason == "majority_meets_small_part_below"


def test_more_than_a_small_part_of_main_below_is_di_bawah():
    suggestion = suggest_work_rating(utama(SESUAI, SESUAI, SESUAI, BAWAH, BAWAH))  # 2 of 5 below
    assert suggestion.level is BAWAH
    assert suggestion.reason == "main_below_over_small_part"


def test_most_results_below_is_di_bawah():
    suggestion = suggest_work_rating(utama(BAWAH, BAWAH, BAWAH, ATAS))
    assert suggestion.level is BAWAH
    assert suggestion.reason == "no_majority_meets"


def test_all_as_expected_is_sesuai():
    assert suggest_work_rating(utama(SESUAI, SESUAI)).level is SESUAI


def test_no_main_result_gives_no_suggestion():
    assert suggest_work_rating([]) is None
    assert suggest_work_rating(tambahan(ATAS, ATAS)) is None


def test_half_above_needs_a_tambahan_above_to_reach_di_atas():
    assert suggest_work_rating(utama(ATAS, SESUAI)).level is SESUAI
    assert suggest_work_rating(utama(ATAS, SESUAI) + tambahan(SESUAI)).level is SESUAI
    lifted = suggest_work_rating(utama(ATAS, SESUAI) + tambahan(ATAS))
    assert (lifted.level, lifted.reason) == (ATAS, "tie_above_lifted_by_tambahan")


def test_tambahan_above_never_excuses_a_main_result_below():
    assert suggest_work_rating(utama(ATAS, ATAS, ATAS, BAWAH) + tambahan(*[ATAS] * 5)).level is SESUAI
    assert suggest_work_rating(utama(BAWAH, BAWAH, SESUAI) + tambahan(*[ATAS] * 5)).level is BAWAH


def test_tambahan_below_does_not_lower_the_suggestion():
    suggestion = suggest_work_rating(utama(ATAS, ATAS) + tambahan(BAWAH, BAWAH, BAWAH))
    assert suggestion.level is ATAS
    assert (suggestion.tambahan_above, suggestion.tambahan_meets, suggestion.tambahan_below) == (0, 0, 3)


def test_tie_on_meets_is_lifted_by_tambahan_under_a_looser_rule():
    rule = WorkRatingRule(majority=Fraction(1, 2), small_part=Fraction(1, 2))
    assert suggest_work_rating(utama(SESUAI, BAWAH), rule).reason == "no_majority_meets"
    lifted = suggest_work_rating(utama(SESUAI, BAWAH) + tambahan(ATAS), rule)
    assert (lifted.level, lifted.reason) == (SESUAI, "tie_meets_lifted_by_tambahan")


def test_work_rule_shares_are_configurable():
    strict = WorkRatingRule(majority=Fraction(2, 3), small_part=Fraction(0))
    assert suggest_work_rating(utama(ATAS, ATAS, SESUAI)).level is ATAS
    assert suggest_work_rating(utama(ATAS, ATAS, SESUAI), strict).level is SESUAI
    assert suggest_work_rating(utama(SESUAI, SESUAI, SESUAI, BAWAH), strict).level is BAWAH
    assert WorkRatingRule(majority="2/3").majority == Fraction(2, 3)


@pytest.mark.parametrize("kwargs", [{"majority": 1}, {"majority": "-0.1"}, {"small_part": "1"}, {"small_part": "x"}])
def test_work_rule_rejects_shares_outside_zero_to_one(kwargs):
    with pytest.raises(RuleSetError):
        WorkRatingRule(**kwargs)


def test_work_suggestion_accepts_strings_and_serialises():
    suggestion = suggest_work_rating([(True, "DI_ATAS"), (False, "SESUAI")])
    data = json.loads(json.dumps(suggestion.to_data()))
    assert data == {
        "level": "DI_ATAS",
        "reason": "majority_above_no_main_below",
        "utama_total": 1,
        "utama_above": 1,
        "utama_meets": 0,
        "utama_below": 0,
        "tambahan_above": 0,
        "tambahan_meets": 1,
        "tambahan_below": 0,
    }


rhk_lists = st.lists(st.tuples(st.booleans(), levels), max_size=12)
rhk_with_main = rhk_lists.filter(lambda items: any(is_utama for is_utama, _ in items))


@given(rhk_lists)
def test_suggestion_is_none_exactly_when_no_main_result(items):
    assert (suggest_work_rating(items) is None) == (not any(is_utama for is_utama, _ in items))


@given(st.data(), rhk_with_main)
def test_suggestion_is_deterministic_and_ignores_order(data, items):
    shuffled = data.draw(st.permutations(items))
    first = suggest_work_rating(items)
    assert first == suggest_work_rating(items) == suggest_work_rating(shuffled)
    assert first.level in Level
    assert WORK_SUGGESTION_REASONS[first.reason] is first.level
    assert first.utama_above + first.utama_meets + first.utama_below == first.utama_total
    assert first.tambahan_above + first.tambahan_meets + first.tambahan_below == len(items) - first.utama_total


@given(rhk_with_main, levels)
def test_adding_a_tambahan_never_lowers_the_suggestion(items, level):
    before = suggest_work_rating(items).level
    after = suggest_work_rating([*items, (False, level)]).level
    assert RANK[after] >= RANK[before]


@given(rhk_with_main)
def test_adding_a_tambahan_above_never_lowers_the_suggestion(items):
    before = suggest_work_rating(items).level
    after = suggest_work_rating([*items, (False, ATAS)]).level
    assert RANK[after] >= RANK[before]


@given(st.data(), rhk_with_main)
def test_improving_a_main_result_never_lowers_the_suggestion(data, items):
    main = [i for i, (is_utama, _) in enumerate(items) if is_utama]
    index = data.draw(st.sampled_from(main))
    old = items[index][1]
    new = data.draw(st.sampled_from([level for level in Level if RANK[level] >= RANK[old]]))
    improved = [*items[:index], (True, new), *items[index + 1 :]]
    assert RANK[suggest_work_rating(improved).level] >= RANK[suggest_work_rating(items).level]


@given(rhk_with_main)
def test_turning_a_main_result_from_below_to_above_never_lowers_it(items):
    items = [*items, (True, BAWAH)]
    improved = [*items[:-1], (True, ATAS)]
    assert RANK[suggest_work_rating(improved).level] >= RANK[suggest_work_rating(items).level]


@given(rhk_with_main)
def test_suggestion_respects_the_regulation_wording(items):
    """Di Atas never with a main result below; Sesuai at most a third below; unanimity decides."""
    suggestion = suggest_work_rating(items)
    main = [level for is_utama, level in items if is_utama]
    if suggestion.level is ATAS:
        assert BAWAH not in main
    if suggestion.level is SESUAI:
        assert 3 * main.count(BAWAH) <= len(main)
    if set(main) == {ATAS}:
        assert suggestion.level is ATAS
    if set(main) == {BAWAH}:
        assert suggestion.level is BAWAH


# --------------------------------------------------------------------------------------------
# Behaviour, 360, justification
# --------------------------------------------------------------------------------------------

CODES = ("pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")


def behaviour(*levels):
    return dict(zip(CODES, levels, strict=False))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((SESUAI,) * 7, SESUAI),
        ((ATAS,) * 4 + (SESUAI,) * 3, ATAS),
        ((ATAS,) * 3 + (SESUAI,) * 4, SESUAI),
        ((ATAS,) * 6 + (BAWAH,), SESUAI),  # one value below blocks Di Atas
        ((BAWAH,) * 4 + (ATAS,) * 3, BAWAH),
        ((BAWAH,) * 3 + (ATAS,) * 4, SESUAI),
        ((BAWAH,) * 7, BAWAH),
    ],
)
def test_behaviour_suggestion_examples(values, expected):
    assert suggest_behaviour_rating(behaviour(*values)) is expected


def test_behaviour_majority_is_configurable():
    values = behaviour(*(ATAS,) * 4, *(SESUAI,) * 3)
    assert suggest_behaviour_rating(values, BehaviourRule(majority=Fraction(2, 3))) is SESUAI
    assert suggest_behaviour_rating({"loyal": "DI_BAWAH"}) is BAWAH


def test_behaviour_without_values_is_an_error():
    with pytest.raises(ValueError):
        suggest_behaviour_rating({})


behaviour_values = st.lists(levels, min_size=1, max_size=7).map(lambda items: behaviour(*items))


@given(st.data(), behaviour_values)
def test_raising_a_behaviour_value_never_lowers_the_suggestion(data, values):
    code = data.draw(st.sampled_from(sorted(values)))
    new = data.draw(st.sampled_from([level for level in Level if RANK[level] >= RANK[values[code]]]))
    assert RANK[suggest_behaviour_rating({**values, code: new})] >= RANK[suggest_behaviour_rating(values)]


@given(levels, st.integers(min_value=1, max_value=7))
def test_unanimous_behaviour_values_give_that_level(level, size):
    assert suggest_behaviour_rating(behaviour(*[level] * size)) is level


def test_berakhlak_values_and_guidance_match_the_regulation():
    assert BERAKHLAK == (
        (
            "pelayanan",
            "Berorientasi Pelayanan",
            (
                "memahami dan memenuhi kebutuhan masyarakat",
                "ramah, cekatan, solutif, dan dapat diandalkan",
                "melakukan perbaikan tiada henti",
            ),
        ),
        (
            "akuntabel",
            "Akuntabel",
            (
                "melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan berintegritas tinggi",
                "menggunakan kekayaan dan BMN secara bertanggung jawab, efektif, dan efisien",
                "tidak menyalahgunakan kewenangan jabatan",
            ),
        ),
        (
            "kompeten",
            "Kompeten",
            (
                "meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
                "membantu orang lain belajar",
                "melaksanakan tugas dengan kualitas terbaik",
            ),
        ),
        (
            "harmonis",
            "Harmonis",
            (
                "menghargai setiap orang apapun latar belakangnya",
                "suka menolong orang lain",
                "membangun lingkungan kerja yang kondusif",
            ),
        ),
        (
            "loyal",
            "Loyal",
            (
                "memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta pemerintahan yang sah",
                "menjaga nama baik sesama ASN, pimpinan, instansi, dan negara",
                "menjaga rahasia jabatan dan negara",
            ),
        ),
        (
            "adaptif",
            "Adaptif",
            (
                "cepat menyesuaikan diri menghadapi perubahan",
                "terus berinovasi dan mengembangkan kreativitas",
                "bertindak proaktif",
            ),
        ),
        (
            "kolaboratif",
            "Kolaboratif",
            (
                "memberi kesempatan kepada berbagai pihak untuk berkontribusi",
                "terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
                "menggerakkan pemanfaatan berbagai sumberdaya untuk tujuan bersama",
            ),
        ),
    )
    assert tuple(code for code, _, _ in BERAKHLAK) == CODES


def test_peer_consensus_needs_the_minimum_number_of_answers():
    assert MIN_360_RESPONSES == 3
    assert peer_consensus([ATAS, ATAS]) is None
    assert peer_consensus([]) is None
    assert peer_consensus([BAWAH, ATAS, ATAS]) is ATAS
    assert peer_consensus([ATAS, ATAS, ATAS, ATAS], minimum=5) is None
    with pytest.raises(ValueError):
        peer_consensus([ATAS], minimum=0)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((BAWAH, SESUAI, ATAS), SESUAI),
        ((ATAS, BAWAH, BAWAH), BAWAH),
        (("DI_ATAS", "DI_ATAS", "SESUAI"), ATAS),
        ((ATAS, ATAS, BAWAH, BAWAH), SESUAI),  # even split: the middle answers differ
        ((ATAS, ATAS, ATAS, SESUAI), ATAS),
        ((SESUAI, ATAS, ATAS, SESUAI), SESUAI),
        ((BAWAH, BAWAH, BAWAH, ATAS, ATAS), BAWAH),
    ],
)
def test_peer_consensus_is_the_median(answers, expected):
    assert peer_consensus(answers) is expected


@given(st.lists(levels, max_size=15), st.integers(min_value=1, max_value=6))
def test_peer_consensus_is_a_strict_majority_else_sesuai(answers, minimum):
    result = peer_consensus(answers, minimum)
    if len(answers) < minimum:
        assert result is None
    elif 2 * answers.count(ATAS) > len(answers):
        assert result is ATAS
    elif 2 * answers.count(BAWAH) > len(answers):
        assert result is BAWAH
    else:
        assert result is SESUAI


@pytest.mark.parametrize(
    ("given_level", "suggested", "peer", "expected"),
    [
        (SESUAI, SESUAI, None, ()),
        (SESUAI, SESUAI, SESUAI, ()),
        (ATAS, SESUAI, None, ("differs_from_suggestion",)),
        (ATAS, ATAS, SESUAI, ("differs_from_360",)),
        (BAWAH, SESUAI, ATAS, ("differs_from_suggestion", "differs_from_360")),
        (BAWAH, None, None, ()),
        (BAWAH, None, ATAS, ("differs_from_360",)),
        ("SESUAI", "SESUAI", "SESUAI", ()),
    ],
)
def test_justification_codes(given_level, suggested, peer, expected):
    assert justification_required(given_level, suggested, peer) == expected


# --------------------------------------------------------------------------------------------
# Distribution quotas
# --------------------------------------------------------------------------------------------


def bounds(total, org, rules=None):
    return [
        (tuple(p.value for p in limit.predikat), limit.op, limit.allowed, limit.needed)
        for limit in quota_limits(total, org, rules)
    ]


def test_default_quota_limits_for_ten_people():
    assert bounds(10, OrgPredikat.ISTIMEWA) == [(("SANGAT_BAIK",), "max", 7, None)]
    assert bounds(10, OrgPredikat.BAIK) == [
        (("BAIK",), "max", 7, None),
        (("BUTUH_PERBAIKAN", "KURANG"), "some", None, 1),
    ]
    assert bounds(10, OrgPredikat.BUTUH_PERBAIKAN) == [
        (("BUTUH_PERBAIKAN",), "min", None, 6),
        (("SANGAT_BAIK",), "max", 1, None),
    ]
    assert bounds(10, OrgPredikat.KURANG) == [
        (("KURANG",), "min", None, 6),
        (("BUTUH_PERBAIKAN",), "min", None, 1),
        (("SANGAT_BAIK",), "max", 1, None),
    ]
    assert bounds(10, OrgPredikat.SANGAT_KURANG) == [
        (("SANGAT_KURANG",), "min", None, 6),
        (("KURANG", "BUTUH_PERBAIKAN"), "min", None, 1),
        (("SANGAT_BAIK",), "none", 0, None),
    ]


def test_quota_limits_round_max_down_and_min_up():
    # 7 people, Butuh Perbaikan: 60% is 4.2 → at least 5; 10% is 0.7 → no Sangat Baik at all.
    assert bounds(7, "BUTUH_PERBAIKAN") == [(("BUTUH_PERBAIKAN",), "min", None, 5), (("SANGAT_BAIK",), "max", 0, None)]
    assert bounds(3, "ISTIMEWA") == [(("SANGAT_BAIK",), "max", 2, None)]


def test_quota_limits_use_exact_arithmetic():
    # In binary floating point 0.29 × 100 = 28.999… and 0.07 × 100 = 7.000…1.
    rules = parse_distribution_rules(
        {
            "ISTIMEWA": [
                {"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.29"},
                {"predikat": ["BAIK"], "op": "min", "share": "0.07"},
            ]
        }
    )
    assert bounds(100, "ISTIMEWA", rules) == [(("SANGAT_BAIK",), "max", 29, None), (("BAIK",), "min", None, 7)]


def test_quota_limits_of_an_empty_unit_need_no_one():
    assert bounds(0, "BAIK") == [(("BAIK",), "max", 0, None), (("BUTUH_PERBAIKAN", "KURANG"), "some", None, 0)]
    assert check_distribution({}, "SANGAT_KURANG") == []


@pytest.mark.parametrize("total", [-1, 2.5, True])
def test_quota_limits_reject_a_bad_total(total):
    with pytest.raises(ValueError):
        quota_limits(total, "BAIK")


def only(violations):
    assert len(violations) == 1, violations
    return violations[0]


def test_istimewa_allows_at_most_seventy_percent_sangat_baik():
    violation = only(check_distribution({SB: 8, B: 2}, OrgPredikat.ISTIMEWA))
    assert (violation.op, violation.share, violation.count, violation.allowed, violation.total) == (
        QuotaOp.MAX,
        D("0.70"),
        8,
        7,
        10,
    )
    assert violation.predikat == (SB,)
    assert check_distribution({SB: 7, B: 2, SK: 1}, OrgPredikat.ISTIMEWA) == []


def test_baik_needs_some_butuh_perbaikan_or_kurang():
    violation = only(check_distribution({B: 7, SB: 3}, OrgPredikat.BAIK))
    assert (violation.op, violation.predikat, violation.count, violation.needed) == (QuotaOp.SOME, (BP, K), 0, 1)
    assert check_distribution({B: 7, SB: 2, K: 1}, "BAIK") == []
    assert check_distribution({B: 6, SB: 1, SK: 2, BP: 1}, "BAIK") == []
    violation = only(check_distribution({B: 8, BP: 1, SB: 1}, "BAIK"))
    assert (violation.op, violation.count, violation.allowed) == (QuotaOp.MAX, 8, 7)


def test_butuh_perbaikan_needs_sixty_percent_and_caps_sangat_baik():
    assert check_distribution({BP: 6, SB: 1, B: 3}, "BUTUH_PERBAIKAN") == []
    violation = only(check_distribution({BP: 5, B: 5}, "BUTUH_PERBAIKAN"))
    assert (violation.op, violation.count, violation.needed) == (QuotaOp.MIN, 5, 6)
    violation = only(check_distribution({BP: 6, SB: 2, B: 2}, "BUTUH_PERBAIKAN"))
    assert (violation.op, violation.predikat, violation.count, violation.allowed) == (QuotaOp.MAX, (SB,), 2, 1)


def test_kurang_needs_kurang_and_butuh_perbaikan():
    assert check_distribution({K: 6, BP: 1, B: 3}, "KURANG") == []
    violation = only(check_distribution({K: 6, B: 4}, "KURANG"))
    assert (violation.op, violation.predikat, violation.needed) == (QuotaOp.MIN, (BP,), 1)
    violation = only(check_distribution({K: 6, BP: 1, SB: 2, B: 1}, "KURANG"))
    assert (violation.predikat, violation.allowed) == ((SB,), 1)


def test_sangat_kurang_allows_no_sangat_baik():
    assert check_distribution({SK: 6, K: 1, B: 3}, "SANGAT_KURANG") == []
    assert check_distribution({SK: 6, BP: 1, B: 3}, "SANGAT_KURANG") == []
    violation = only(check_distribution({SK: 6, K: 1, SB: 1, B: 2}, "SANGAT_KURANG"))
    assert (violation.op, violation.predikat, violation.count, violation.allowed) == (QuotaOp.NONE, (SB,), 1, 0)
    violations = check_distribution({SK: 5, B: 5}, "SANGAT_KURANG")
    assert [(v.predikat, v.needed) for v in violations] == [((SK,), 6), ((K, BP), 1)]


def test_check_distribution_reads_string_keys_and_rejects_bad_counts():
    assert check_distribution({"SANGAT_BAIK": 8, "BAIK": 2}, "ISTIMEWA")[0].count == 8
    with pytest.raises(ValueError):
        check_distribution({SB: -1}, "ISTIMEWA")
    with pytest.raises(ValueError):
        check_distribution({"LUAR_BIASA": 1}, "ISTIMEWA")


counts_strategy = st.dictionaries(st.sampled_from(list(Predikat)), st.integers(min_value=0, max_value=40))


@given(counts_strategy, st.sampled_from(list(OrgPredikat)))
def test_violations_are_exactly_the_broken_limits(counts, org):
    total = sum(counts.values())
    broken = []
    for limit in quota_limits(total, org):
        count = sum(counts.get(p, 0) for p in limit.predikat)
        too_many = limit.allowed is not None and count > limit.allowed
        too_few = limit.needed is not None and count < limit.needed
        if too_many or too_few:
            broken.append((limit.predikat, limit.op, count))
    violations = check_distribution(counts, org)
    assert [(v.predikat, v.op, v.count) for v in violations] == broken
    assert (violations == []) == (broken == [])


@given(counts_strategy, st.sampled_from(list(OrgPredikat)))
def test_violations_match_the_shares_of_the_regulation(counts, org):
    """Each default constraint, read straight from the data with exact shares, is broken iff reported."""
    total = sum(counts.values())
    reported = {(tuple(v.predikat), v.op.value) for v in check_distribution(counts, org)}
    for constraint in DEFAULT_DISTRIBUTION_RULES[org.value]:
        group = tuple(Predikat(p) for p in constraint["predikat"])
        count = sum(counts.get(p, 0) for p in group)
        share = Fraction(constraint["share"]) if "share" in constraint else None
        if constraint["op"] == "max":
            broken = count > share * total
        elif constraint["op"] == "min":
            broken = count < share * total
        elif constraint["op"] == "some":
            broken = total > 0 and count == 0
        else:
            broken = count > 0
        assert ((group, constraint["op"]) in reported) == broken


def test_default_rules_round_trip_through_json():
    data = json.loads(json.dumps(DEFAULT_DISTRIBUTION_RULES))
    parsed = parse_distribution_rules(data)
    assert parsed == DEFAULT_DISTRIBUTION
    assert parsed.to_data() == DEFAULT_DISTRIBUTION_RULES
    assert set(DEFAULT_DISTRIBUTION_RULES) == {org.value for org in OrgPredikat}


def test_missing_org_predikat_keep_their_default_pattern():
    assert parse_distribution_rules({}) == DEFAULT_DISTRIBUTION
    parsed = parse_distribution_rules({"ISTIMEWA": [{"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.5"}]})
    assert parsed.for_org("ISTIMEWA")[0].share == D("0.5")
    assert parsed.for_org("BAIK") == DEFAULT_DISTRIBUTION.for_org("BAIK")
    assert parse_distribution_rules({"ISTIMEWA": []}).for_org("ISTIMEWA") == ()


def test_check_distribution_uses_the_given_rules():
    rules = {"ISTIMEWA": [{"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.5"}]}
    assert only(check_distribution({SB: 6, B: 4}, "ISTIMEWA", rules)).allowed == 5
    assert check_distribution({SB: 6, B: 4}, "ISTIMEWA") == []


def constraint(**item):
    return {"ISTIMEWA": [item]}


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (["ISTIMEWA"], "organisation predikat"),
        ({"LUAR_BIASA": []}, "LUAR_BIASA"),
        ({"BAIK": "max 70%"}, "BAIK"),
        ({"BAIK": {"predikat": ["BAIK"]}}, "BAIK"),
        ({"KURANG": ["max"]}, r"KURANG\[0\]"),
        (constraint(predikat=["BAIK"], op="max", share="0.7", note="x"), "note"),
        (constraint(predikat=[], op="max", share="0.7"), r"ISTIMEWA\[0\]\.predikat"),
        (constraint(predikat="BAIK", op="max", share="0.7"), r"ISTIMEWA\[0\]\.predikat"),
        (constraint(predikat=["CUKUP"], op="max", share="0.7"), "CUKUP"),
        (constraint(predikat=["BAIK", "BAIK"], op="max", share="0.7"), "twice"),
        (constraint(predikat=["BAIK"], op="at_most", share="0.7"), r"\.op"),
        (constraint(predikat=["BAIK"]), r"\.op"),
        (constraint(predikat=["BAIK"], op="max"), r"\.share"),
        (constraint(predikat=["BAIK"], op="min", share="1.5"), r"\.share"),
        (constraint(predikat=["BAIK"], op="min", share="-0.1"), r"\.share"),
        (constraint(predikat=["BAIK"], op="min", share="tujuh puluh"), r"\.share"),
        (constraint(predikat=["BAIK"], op="min", share=True), r"\.share"),
        (constraint(predikat=["BAIK"], op="min", share="NaN"), r"\.share"),
        (constraint(predikat=["BAIK"], op="some", share="0.1"), r"\.share"),
        (constraint(predikat=["SANGAT_BAIK"], op="none", share="0"), r"\.share"),
    ],
)
def test_parse_distribution_rules_rejects_bad_data_naming_the_key(data, names):
    with pytest.raises(RuleSetError, match=names):
        parse_distribution_rules(data)


def test_rule_set_error_is_a_value_error():
    assert issubclass(RuleSetError, ValueError)


def test_unit_head_work_level_default():
    assert dict(UNIT_HEAD_WORK_LEVEL) == {
        OrgPredikat.ISTIMEWA: ATAS,
        OrgPredikat.BAIK: SESUAI,
        OrgPredikat.BUTUH_PERBAIKAN: BAWAH,
        OrgPredikat.KURANG: BAWAH,
        OrgPredikat.SANGAT_KURANG: BAWAH,
    }


# --------------------------------------------------------------------------------------------
# Credit points
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "coefficient"),
    [
        ("AHLI_UTAMA", "50.000"),
        ("AHLI_MADYA", "37.500"),
        ("AHLI_MUDA", "25.000"),
        ("AHLI_PERTAMA", "12.500"),
        ("PENYELIA", "25.000"),
        ("MAHIR", "12.500"),
        ("TERAMPIL", "5.000"),
        ("PEMULA", "3.750"),
    ],
)
def test_credit_points_with_baik_equal_the_grade_coefficient(grade, coefficient):
    assert str(credit_points(grade, Predikat.BAIK)) == coefficient


@pytest.mark.parametrize(
    ("predikat_value", "expected"),
    [(SB, "37.500"), (B, "25.000"), (BP, "18.750"), (K, "12.500"), (SK, "6.250")],
)
def test_credit_points_apply_the_predikat_factor(predikat_value, expected):
    assert str(credit_points("AHLI_MUDA", predikat_value)) == expected


def test_credit_points_examples():
    assert str(credit_points("AHLI_PERTAMA", "SANGAT_BAIK")) == "18.750"
    assert str(credit_points("AHLI_MUDA", B, months=6)) == "12.500"
    # 5 × 0.75 / 12 = 0.3125: half-up gives 0.313.
    assert str(credit_points("TERAMPIL", BP, months=1)) == "0.313"
    assert str(credit_points("PEMULA", K, months=1)) == "0.156"


def test_credit_point_tables_are_configurable():
    assert credit_points("AHLI_MUDA", B, coefficients={"AHLI_MUDA": D(30)}) == D(30)
    assert credit_points("AHLI_MUDA", SB, factors={**DEFAULT_PREDIKAT_FACTOR, SB: D("2")}) == D(50)
    assert set(DEFAULT_GRADE_COEFFICIENT) == {
        "AHLI_UTAMA",
        "AHLI_MADYA",
        "AHLI_MUDA",
        "AHLI_PERTAMA",
        "PENYELIA",
        "MAHIR",
        "TERAMPIL",
        "PEMULA",
    }


@pytest.mark.parametrize(("grade", "months"), [("AHLI_SUPER", 12), ("AHLI_MUDA", 0), ("AHLI_MUDA", 13)])
def test_credit_points_reject_unknown_grade_and_bad_months(grade, months):
    with pytest.raises(ValueError):
        credit_points(grade, B, months)


@given(st.sampled_from(sorted(DEFAULT_GRADE_COEFFICIENT)), st.integers(min_value=1, max_value=12))
def test_credit_points_rise_with_the_predikat_and_prorate_by_month(grade, months):
    points = [credit_points(grade, p, months) for p in PREDIKAT_ORDER]
    assert points == sorted(points, reverse=True)
    full = Fraction(credit_points(grade, B))
    assert abs(Fraction(credit_points(grade, B, months)) - full * months / 12) <= Fraction(1, 2000)


# --------------------------------------------------------------------------------------------
# Periods and deadlines
# --------------------------------------------------------------------------------------------


def test_triwulan_slices():
    slices = period_slices(2025, Scheme.TRIWULAN)
    assert [(s.code, s.label, s.start, s.end) for s in slices] == [
        ("TW1", "Triwulan I", date(2025, 1, 1), date(2025, 3, 31)),
        ("TW2", "Triwulan II", date(2025, 4, 1), date(2025, 6, 30)),
        ("TW3", "Triwulan III", date(2025, 7, 1), date(2025, 9, 30)),
        ("TW4", "Triwulan IV", date(2025, 10, 1), date(2025, 12, 31)),
    ]


def test_semester_slices():
    slices = period_slices(2024, "SEMESTER")
    assert [(s.code, s.label, s.start, s.end) for s in slices] == [
        ("S1", "Semester I", date(2024, 1, 1), date(2024, 6, 30)),
        ("S2", "Semester II", date(2024, 7, 1), date(2024, 12, 31)),
    ]


@given(st.integers(min_value=1900, max_value=2200), st.sampled_from(list(Scheme)))
def test_slices_cover_the_year_without_gaps(year, scheme):
    slices = period_slices(year, scheme)
    assert slices[0].start == date(year, 1, 1)
    assert slices[-1].end == date(year, 12, 31)
    for before, after in pairwise(slices):
        assert after.start == before.end + timedelta(days=1)
    assert all(s.start <= s.end for s in slices)
    assert len(slices) == {Scheme.TRIWULAN: 4, Scheme.SEMESTER: 2}[scheme]


def test_objection_deadline_is_fourteen_days_after_publication():
    assert OBJECTION_DAYS == 14
    assert objection_deadline(date(2025, 1, 31)) == date(2025, 2, 14)
    assert objection_deadline(date(2024, 2, 20)) == date(2024, 3, 5)  # leap year
    assert objection_deadline(date(2025, 1, 31), days=7) == date(2025, 2, 7)


def test_objection_window_boundaries():
    published = date(2025, 1, 31)
    assert objection_open(published, date(2025, 1, 30)) is False
    assert objection_open(published, published) is True
    assert objection_open(published, date(2025, 2, 14)) is True
    assert objection_open(published, date(2025, 2, 15)) is False
    assert objection_open(published, date(2025, 2, 7), days=7) is True
    assert objection_open(published, date(2025, 2, 8), days=7) is False
    with pytest.raises(ValueError):
        objection_deadline(published, days=-1)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=-30, max_value=60),
    st.integers(min_value=0, max_value=30),
)
def test_objection_open_iff_within_the_days(published, offset, days):
    today = published + timedelta(days=offset)
    assert objection_open(published, today, days) is (0 <= offset <= days)


def test_follow_up_predikat():
    assert frozenset({BP, K, SK}) == FOLLOW_UP_PREDIKAT
