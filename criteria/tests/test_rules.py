"""The pure rules: word diffs that give both texts back, tallies, round states, position families."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteria import rules
from criteria.rules import Op

WORDS = st.lists(st.sampled_from(["aduan", "layanan", "selesai", "3", "hari", ",", ".", " ", "\n", "kerja"]))


def _side(pieces, keep: Op) -> str:
    return "".join(text for op, text in pieces if op in (Op.SAME, keep))


@given(old=WORDS.map("".join), new=WORDS.map("".join))
def test_word_diff_gives_both_texts_back(old, new):
    pieces = rules.word_diff(old, new)
    assert _side(pieces, Op.DEL) == old
    assert _side(pieces, Op.INS) == new


@given(text=st.text(max_size=80))
def test_word_diff_of_unchanged_text_has_no_change(text):
    assert all(op == Op.SAME for op, _t in rules.word_diff(text, text))


def test_word_diff_marks_whole_words():
    pieces = rules.word_diff("selesai dalam 3 hari", "selesai dalam 2 hari kerja")
    assert (Op.DEL, "3") in pieces and (Op.INS, "2") in pieces
    assert pieces[-1] == (Op.INS, " kerja")


@given(st.lists(st.sampled_from([1, -1])))
def test_tally_counts_each_vote_once(values):
    t = rules.tally(values)
    assert t.voters == len(values)
    assert t.up == values.count(1) and t.down == values.count(-1)
    assert t.score == sum(values)


def test_tally_refuses_anything_but_plus_or_minus_one():
    with pytest.raises(ValueError):
        rules.tally([1, 0])


def test_round_state_follows_the_clock_and_closing():
    opens = datetime(2026, 1, 5, 8, tzinfo=UTC)
    closes = opens + timedelta(days=7)
    state = rules.round_state
    assert state(closed=False, opens_at=opens, closes_at=closes, now=opens - timedelta(minutes=1)) == "scheduled"
    assert state(closed=False, opens_at=opens, closes_at=closes, now=opens) == "open"
    assert state(closed=False, opens_at=opens, closes_at=closes, now=closes) == "closed"
    assert state(closed=True, opens_at=opens, closes_at=closes, now=opens + timedelta(days=1)) == "closed"


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Pranata Komputer Ahli Pertama", "Pranata Komputer"),
        ("Pranata  Komputer   Terampil", "Pranata Komputer"),
        ("Analis Kebijakan Ahli Madya", "Analis Kebijakan"),
        ("Pengelola Layanan Operasional", "Pengelola Layanan Operasional"),
        ("Kepala Seksi Layanan", "Kepala Seksi Layanan"),
    ],
)
def test_position_family_drops_the_functional_grade(name, family):
    assert rules.position_family(name) == family


def test_share_is_none_without_anyone_to_count():
    assert rules.share(0, 0) is None
    assert rules.share(1, 4) == 0.25
