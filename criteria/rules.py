"""Pure rules of criteria drafting: word diffs between versions, vote tallies, round states and
position families. No Django import, no I/O."""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The grade words of a functional post (PermenPANRB 1/2023), as they end a post's name:
# "Pranata Komputer Ahli Pertama" belongs to the family "Pranata Komputer".
GRADE_WORDS = (
    "Ahli Utama",
    "Ahli Madya",
    "Ahli Muda",
    "Ahli Pertama",
    "Penyelia",
    "Mahir",
    "Terampil",
    "Pemula",
)
_GRADE_SUFFIX = re.compile(r"\s+(?:" + "|".join(re.escape(g) for g in GRADE_WORDS) + r")\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Words, runs of whitespace and single punctuation marks: a diff reads as words change, not letters.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def position_family(name: str) -> str:
    """The family of a post: its name without the functional grade ("Pranata Komputer")."""
    clean = _SPACES.sub(" ", name or "").strip()
    return _GRADE_SUFFIX.sub("", clean).strip()


class Op(StrEnum):
    SAME = "same"
    INS = "ins"
    DEL = "del"


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """The change from `old` to `new` as (operation, text) pieces, word by word.

    Joining the SAME and DEL pieces gives `old` back; joining SAME and INS gives `new`.
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[tuple[Op, str]] = []

    def add(op: Op, tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(Op.SAME, a[i1:i2])
        else:
            add(Op.DEL, a[i1:i2])
            add(Op.INS, b[j1:j2])
    return pieces


@dataclass(frozen=True)
class Tally:
    up: int
    down: int

    @property
    def voters(self) -> int:
        return self.up + self.down

    @property
    def score(self) -> int:
        return self.up - self.down


def tally(values) -> Tally:
    """Count the votes (+1 agree, −1 disagree), one value per voter."""
    up = down = 0
    for v in values:
        if v == 1:
            up += 1
        elif v == -1:
            down += 1
        else:
            raise ValueError(f"a vote is +1 or -1, not {v!r}")
    return Tally(up=up, down=down)


class RoundState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


def round_state(*, closed: bool, opens_at: datetime, closes_at: datetime, now: datetime) -> RoundState:
    """Where a drafting round stands at `now`: a round is open from `opens_at` until `closes_at`
    (or until someone closes it), and closed ever after."""
    if closed or now >= closes_at:
        return RoundState.CLOSED
    if now < opens_at:
        return RoundState.SCHEDULED
    return RoundState.OPEN


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a fraction, or None when there is nobody to count."""
    if whole <= 0:
        return None
    return part / whole
