"""transparency.rules: score, midrank percentiles, position families, pseudonyms, disclosure and the
minimum group size. Examples plus hypothesis properties; no database."""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transparency.rules import (
    PREDIKAT_POINTS,
    PUBLIC_MIN_GROUP,
    BoardMode,
    Suppression,
    board_entries,
    midrank_percentiles,
    percentile_of,
    position_family,
    pseudonyms,
    public_minimum,
    score,
    score_hundredths,
    suppress,
)

PREDIKAT = list(PREDIKAT_POINTS)  # best first
capaian_st = st.one_of(st.none(), st.decimals(min_value=0, max_value=999, places=2))
groups_and_scores = st.lists(
    st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=20)), min_size=1, max_size=60
)


# ---------------------------------------------------------------------------------------------
# Score


def test_score_is_predikat_points_times_1000_plus_capaian():
    assert score("BAIK", Decimal("112.5")) == Decimal("4112.50")
    assert score("SANGAT_KURANG", None) == Decimal("1000.00")
    assert score("SANGAT_BAIK", Decimal("1500")) == Decimal("5999.99")  # capaian never overtakes a predikat


@given(st.sampled_from(PREDIKAT), capaian_st, st.sampled_from(PREDIKAT), capaian_st)
def test_a_better_predikat_always_scores_higher_whatever_the_capaian(p1, c1, p2, c2):
    if PREDIKAT.index(p1) < PREDIKAT.index(p2):
        assert score(p1, c1) > score(p2, c2)


@given(st.sampled_from(PREDIKAT), capaian_st, capaian_st)
def test_within_a_predikat_the_score_follows_the_capaian(p, c1, c2):
    a, b = (c1 or Decimal(0)), (c2 or Decimal(0))
    if a < b:
        assert score(p, c1) < score(p, c2)


@given(st.lists(st.tuples(st.sampled_from(PREDIKAT), st.integers(min_value=-1, max_value=150_000)), max_size=30))
def test_vectorised_scores_agree_with_the_scalar_definition(items):
    points = np.array([PREDIKAT_POINTS[p] for p, _c in items], dtype=np.int64)
    cents = np.array([c for _p, c in items], dtype=np.int64)
    got = score_hundredths(points, cents)
    for (p, c), value in zip(items, got.tolist(), strict=True):
        capaian = Decimal(c).scaleb(-2) if c >= 0 else None
        assert Decimal(value).scaleb(-2) == score(p, capaian)


# ---------------------------------------------------------------------------------------------
# Percentiles


def test_percentile_examples():
    # One group of five distinct scores: 0, 25, 50, 75, 100.
    got = midrank_percentiles(np.zeros(5, dtype=int), np.array([30, 10, 50, 20, 40]))
    assert got.tolist() == [50.0, 0.0, 100.0, 25.0, 75.0]
    # Ties count half: two equal at the bottom of three.
    assert midrank_percentiles(np.zeros(3, dtype=int), np.array([1, 1, 2])).tolist() == [25.0, 25.0, 100.0]
    # A group of one has no percentile; groups do not mix.
    got = midrank_percentiles(np.array([7, 8, 8]), np.array([5, 1, 9]))
    assert np.isnan(got[0]) and got[1:].tolist() == [0.0, 100.0]


@given(groups_and_scores)
def test_percentiles_are_within_0_and_100_and_missing_only_for_a_group_of_one(items):
    groups = np.array([g for g, _s in items])
    scores = np.array([s for _g, s in items])
    got = midrank_percentiles(groups, scores)
    sizes = {g: int((groups == g).sum()) for g in set(groups.tolist())}
    for g, value in zip(groups.tolist(), got.tolist(), strict=True):
        if sizes[g] == 1:
            assert np.isnan(value)
        else:
            assert 0 <= value <= 100


@given(groups_and_scores)
def test_percentiles_follow_the_plain_definition(items):
    """Lower colleagues plus half the equal ones, over the colleagues, within the same group."""
    groups = np.array([g for g, _s in items])
    scores = np.array([s for _g, s in items])
    got = midrank_percentiles(groups, scores)
    for i, (g, s) in enumerate(items):
        others = [s2 for j, (g2, s2) in enumerate(items) if g2 == g and j != i]
        expected = percentile_of(s, others)
        if expected is None:
            assert np.isnan(got[i])
        else:
            assert got[i] == pytest.approx(expected)


@given(groups_and_scores)
def test_percentiles_are_monotone_in_the_score_and_equal_for_ties(items):
    groups = np.array([g for g, _s in items])
    scores = np.array([s for _g, s in items])
    got = midrank_percentiles(groups, scores)
    for i in range(len(items)):
        for j in range(len(items)):
            if groups[i] != groups[j] or np.isnan(got[i]):
                continue
            if scores[i] > scores[j]:
                assert got[i] > got[j]
            elif scores[i] == scores[j]:
                assert got[i] == got[j]


@given(st.integers(min_value=2, max_value=50), st.integers())
def test_everyone_tied_sits_at_50(n, value):
    assert set(midrank_percentiles(np.zeros(n, dtype=int), np.full(n, value % 1000)).tolist()) == {50.0}


@given(groups_and_scores, st.randoms(use_true_random=False))
def test_percentiles_do_not_depend_on_the_order_of_the_rows(items, rnd):
    shuffled = list(range(len(items)))
    rnd.shuffle(shuffled)
    groups = np.array([g for g, _s in items])
    scores = np.array([s for _g, s in items])
    a = midrank_percentiles(groups, scores)
    b = midrank_percentiles(groups[shuffled], scores[shuffled])
    np.testing.assert_array_equal(a[shuffled], b)


# ---------------------------------------------------------------------------------------------
# Position family


@pytest.mark.parametrize(
    ("kind", "name", "family"),
    [
        ("FUNGSIONAL", "Pranata Komputer Ahli Pertama", ("JF:pranata komputer", "Pranata Komputer")),
        ("FUNGSIONAL", "Pranata  Komputer terampil", ("JF:pranata komputer", "Pranata Komputer")),
        ("FUNGSIONAL", "Guru Ahli Muda", ("JF:guru", "Guru")),
        ("FUNGSIONAL", "Analis Kebijakan", ("JF:analis kebijakan", "Analis Kebijakan")),
        ("PELAKSANA", "Pengolah Data", ("PELAKSANA", "")),
        ("JPT_PRATAMA", "Kepala Dinas Sosial", ("JPT_PRATAMA", "")),
    ],
)
def test_position_family_is_the_functional_post_without_its_grade_or_the_kind(kind, name, family):
    assert position_family(kind, name) == family


# ---------------------------------------------------------------------------------------------
# Pseudonyms

KEY = b"k" * 32


@given(st.sets(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=300), st.integers(1, 10**6))
@settings(max_examples=40)
def test_pseudonyms_are_distinct_stable_and_differ_between_periods(ids, period_id):
    ids = sorted(ids)
    first = pseudonyms(KEY, period_id, ids)
    assert len(set(first.values())) == len(ids)
    assert pseudonyms(KEY, period_id, list(reversed(ids))) == first  # stable, whatever the order
    assert pseudonyms(KEY, period_id, ids[:1])[ids[0]].startswith(first[ids[0]][:5])
    other = pseudonyms(KEY, period_id + 1, ids)
    assert sum(first[i] == other[i] for i in ids) <= max(1, len(ids) // 50)


def test_pseudonyms_need_the_key_and_do_not_contain_the_id_or_nip():
    nip_like = 199004042015032004
    mine = pseudonyms(KEY, 3, [nip_like, 1, 2])
    assert pseudonyms(b"another key" * 3, 3, [nip_like, 1, 2]) != mine
    for value in mine.values():
        assert str(nip_like)[-4:] not in value and value.isalnum()


# ---------------------------------------------------------------------------------------------
# Minimum group size

sizes_st = st.dictionaries(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=30), max_size=12)


@given(sizes_st, st.integers(min_value=0, max_value=10), st.integers(min_value=2, max_value=10))
def test_no_shown_figure_and_no_computable_remainder_describes_fewer_than_the_minimum(sizes, outside, minimum):
    total = sum(sizes.values()) + outside
    got = suppress(sizes, total, minimum)
    shown = {k: n for k, n in sizes.items() if k not in got.groups}
    # Every shown group is big enough, every small group hidden.
    assert all(n >= minimum for n in shown.values())
    assert all(k in got.groups for k, n in sizes.items() if n < minimum)
    assert got.total_hidden == (total < minimum)
    if not got.total_hidden:
        # The people that can be worked out as total minus the shown groups are none or enough.
        remainder = total - sum(shown.values())
        assert remainder == 0 or remainder >= minimum


@given(sizes_st, st.integers(min_value=2, max_value=10))
def test_hiding_more_than_needed_is_only_for_the_complement(sizes, minimum):
    got = suppress(sizes, sum(sizes.values()), minimum)
    for k, reason in got.groups.items():
        assert reason == (Suppression.SMALL if sizes[k] < minimum else Suppression.COMPLEMENT)


def test_the_portal_minimum_never_drops_below_5():
    assert public_minimum(2) == PUBLIC_MIN_GROUP == 5
    assert public_minimum(8) == 8


# ---------------------------------------------------------------------------------------------
# Disclosure policy

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=3, max_size=20).map(lambda s: "Nama " + s)
PSEUDONYMS = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ234567", min_size=5, max_size=5)
people_st = st.lists(st.tuples(NAMES, PSEUDONYMS, st.sampled_from(PREDIKAT)), max_size=15)


def _people(items):
    return [(i + 1, name, pseudonym, predikat) for i, (name, pseudonym, predikat) in enumerate(items)]


@given(people_st, st.integers(min_value=2, max_value=8))
def test_aggregates_only_never_shows_anyone(items, minimum):
    people = _people(items)
    assert board_entries(BoardMode.AGGREGATES, people, group_size=len(people) + 99, minimum=minimum) == []


@given(people_st, st.integers(min_value=2, max_value=8))
def test_pseudonym_mode_never_leaks_a_name(items, minimum):
    people = _people(items)
    entries = board_entries(BoardMode.PSEUDONYMS, people, group_size=len(people), minimum=minimum, viewer_id=1)
    names = {name for _i, name, _p, _d in people}
    assert all(e.label not in names and "Nama" not in e.label for e in entries)
    if len(people) < minimum:
        assert entries == []
    else:
        assert sorted(e.label for e in entries) == sorted(p for _i, _n, p, _d in people)
        assert sum(e.is_me for e in entries) == (1 if people else 0)


@given(people_st, st.integers(min_value=2, max_value=8))
def test_names_mode_shows_names_with_predikat_only_for_a_big_enough_group(items, minimum):
    people = _people(items)
    entries = board_entries(BoardMode.NAMES, people, group_size=len(people), minimum=minimum)
    if len(people) < minimum:
        assert entries == []
    else:
        assert sorted((e.label, e.predikat) for e in entries) == sorted((n, d) for _i, n, _p, d in people)
