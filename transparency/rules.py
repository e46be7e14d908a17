"""Pure rules of the results board and the public portal: score, percentiles, position families,
pseudonyms, disclosure and the minimum group size.

No Django and no I/O: plain values and numpy arrays in, plain values out.

Definitions (shown to employees in one sentence each, docs/id and the board page):

- **Score** = predikat points × 1,000 + the employee's average capaian of RHK utama (in %, with the
  capaian cap of the period's achievement rule, never above 999.99). Points: Sangat Baik 5, Baik 4,
  Butuh Perbaikan 3, Kurang/Misconduct 2, Sangat Kurang 1. The predikat decides the order first; the
  capaian only separates people with the same predikat. No measured capaian counts as 0.
- **Percentile** within a group = the percentage of the *other* members of the group whose score is
  lower, a colleague with the same score counting half (the midrank):
  ``100 × (lower + (equal − 1) / 2) / (n − 1)``, where ``equal`` includes the person. It runs from 0
  (everyone else is higher) to 100 (everyone else is lower); when everyone ties it is 50. A group of
  one has no percentile.
- **Position family**: for a jabatan fungsional, the functional post's name without its grade
  ("Pranata Komputer Ahli Pertama" and "Pranata Komputer Terampil" are both "Pranata Komputer": the
  same work under the same instansi pembina); for every other post, its kind (JPT Pratama,
  Administrator, Pengawas, Pelaksana ...).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import numpy as np

from criteria.rules import GRADE_WORDS

# The portal never shows a figure for fewer people than this, whatever the policy says.
PUBLIC_MIN_GROUP = 5
# The board's minimum may be set lower inside the organisation, but not below this.
BOARD_MIN_GROUP = 2

# Predikat (stored codes, best first) and their points in the score.
PREDIKAT_POINTS: Mapping[str, int] = {
    "SANGAT_BAIK": 5,
    "BAIK": 4,
    "BUTUH_PERBAIKAN": 3,
    "KURANG": 2,
    "SANGAT_KURANG": 1,
}
SCORE_STEP = 1000  # points × this, so any capaian below it cannot overtake a better predikat
CAPAIAN_MAX_IN_SCORE = Decimal("999.99")

# Functional grades as they end a post's name: the same words the criteria library strips.
GRADE_SUFFIXES = tuple(g.casefold() for g in GRADE_WORDS)
FUNGSIONAL = "FUNGSIONAL"


class BoardMode(StrEnum):
    """What the unit's board shows of other people (the organisation's disclosure policy)."""

    NAMES = "names"  # names with predikat
    PSEUDONYMS = "pseudonyms"  # a pseudonym per person with predikat
    AGGREGATES = "aggregates"  # counts only


class Suppression(StrEnum):
    """Why a group's figures are hidden."""

    SMALL = "small"  # fewer people than the minimum
    COMPLEMENT = "complement"  # its figures could be worked out from the totals and the other groups


# --------------------------------------------------------------------------------------------
# Score and percentiles
# --------------------------------------------------------------------------------------------


def score(predikat: str, capaian: Decimal | None) -> Decimal:
    """The score of one result (see the module docstring), with two decimals."""
    points = PREDIKAT_POINTS[predikat]
    value = min(capaian, CAPAIAN_MAX_IN_SCORE) if capaian is not None else Decimal(0)
    value = max(value, Decimal(0))
    return (Decimal(points * SCORE_STEP) + value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_hundredths(points: np.ndarray, capaian_hundredths: np.ndarray) -> np.ndarray:
    """Scores in hundredths as int64, for many results at once.

    `capaian_hundredths` is -1 where no capaian was measured (counted as 0).
    """
    capaian = np.clip(np.asarray(capaian_hundredths, dtype=np.int64), 0, int(CAPAIAN_MAX_IN_SCORE * 100))
    return np.asarray(points, dtype=np.int64) * (SCORE_STEP * 100) + capaian


def midrank_percentiles(groups: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each item's percentile within its group: ``100 × (lower + (equal − 1)/2) / (n − 1)``.

    `groups` are integer group codes, `scores` comparable numbers (exact: integers are best). NaN
    where the group has one member. One sort for any number of groups.
    """
    groups = np.asarray(groups)
    scores = np.asarray(scores)
    n = len(scores)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    order = np.lexsort((scores, groups))
    g, s = groups[order], scores[order]
    new_group = np.r_[True, g[1:] != g[:-1]]
    group_start = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group) - 1
    group_size = np.diff(np.r_[group_start, n])
    new_tie = new_group | np.r_[True, s[1:] != s[:-1]]
    tie_start = np.flatnonzero(new_tie)
    tie_of = np.cumsum(new_tie) - 1
    tie_size = np.diff(np.r_[tie_start, n])
    lower = tie_start[tie_of] - group_start[group_of]
    equal_others = tie_size[tie_of] - 1
    size = group_size[group_of]
    pct = np.where(size > 1, 100.0 * (lower + equal_others / 2.0) / np.maximum(size - 1, 1), np.nan)
    out[order] = pct
    return out


def percentile_shown(pct: float | None, group_size: int, minimum: int) -> bool:
    """Whether a percentile may be shown: the group has one (two people or more) and at least
    `minimum` people, since in a smaller group a percentile points at colleagues' results."""
    return pct is not None and group_size >= minimum


def percentile_of(score_value, others: Iterable) -> float | None:
    """One person's percentile against the scores of the others in their group (the plain definition)."""
    others = list(others)
    if not others:
        return None
    lower = sum(1 for x in others if x < score_value)
    equal = sum(1 for x in others if x == score_value)
    return 100.0 * (lower + equal / 2) / len(others)


# --------------------------------------------------------------------------------------------
# Position family
# --------------------------------------------------------------------------------------------


def position_family(kind: str, position_name: str) -> tuple[str, str]:
    """(key, name) of a post's family. The name is empty for a non-functional post: the caller shows
    the kind's label. Keys compare case- and space-insensitively."""
    if kind != FUNGSIONAL:
        return kind, ""
    name = " ".join(position_name.split())
    lowered = name.casefold()
    for suffix in GRADE_SUFFIXES:
        if lowered.endswith(" " + suffix):
            name = name[: -len(suffix) - 1].rstrip(" -–,")
            break
    if not name:
        return FUNGSIONAL, ""
    return f"JF:{name.casefold()}", name


# --------------------------------------------------------------------------------------------
# Pseudonyms
# --------------------------------------------------------------------------------------------

_PSEUDONYM_LENGTH = 5
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def _code(key: bytes, period_id: int, employee_id: int) -> str:
    digest = hmac.new(key, f"{period_id}:{employee_id}".encode(), hashlib.sha256).digest()
    return _NOT_ALNUM.sub("", base64.b32encode(digest).decode("ascii"))


def pseudonyms(key: bytes, period_id: int, employee_ids: Sequence[int], prefix: str = "") -> dict[int, str]:
    """A pseudonym per employee for one period: a keyed hash of (period, employee), so it is stable
    for the period, different in the next one, and cannot be worked out from the NIP or the id
    without the key. Codes are 5 characters; where two collide both grow until they differ."""
    codes = {eid: _code(key, period_id, eid) for eid in set(employee_ids)}
    length = {eid: _PSEUDONYM_LENGTH for eid in codes}
    while True:
        seen: dict[str, list[int]] = {}
        for eid, code in codes.items():
            seen.setdefault(code[: length[eid]], []).append(eid)
        clashes = [ids for ids in seen.values() if len(ids) > 1]
        if not clashes:
            break
        for ids in clashes:
            for eid in ids:
                length[eid] += 1
    return {eid: f"{prefix}{code[: length[eid]]}" for eid, code in codes.items()}


# --------------------------------------------------------------------------------------------
# Minimum group size and disclosure
# --------------------------------------------------------------------------------------------


def public_minimum(policy_minimum: int) -> int:
    """The portal's minimum group size: the policy's, but never below PUBLIC_MIN_GROUP."""
    return max(PUBLIC_MIN_GROUP, int(policy_minimum))


def board_minimum(policy_minimum: int) -> int:
    return max(BOARD_MIN_GROUP, int(policy_minimum))


@dataclass(frozen=True)
class SuppressionResult:
    groups: dict  # key -> Suppression, for every hidden group
    total_hidden: bool  # the whole organisation's figures are hidden too


def suppress(sizes: Mapping, total: int, minimum: int) -> SuppressionResult:
    """Which groups' figures to hide so that no published figure describes fewer than `minimum` people.

    `sizes` are the groups shown side by side (perangkat daerah), `total` the organisation's count,
    which may include people in no group. Primary: every group below the minimum. Secondary: the
    hidden people together (hidden groups plus those in no group) can be worked out as the total
    minus the shown groups, so while they are more than none and fewer than the minimum, the
    smallest shown group is hidden too. The total itself is hidden when it is below the minimum.
    """
    hidden: dict = {k: Suppression.SMALL for k, n in sizes.items() if n < minimum}
    if total < minimum:
        return SuppressionResult({k: hidden.get(k, Suppression.SMALL) for k in sizes}, True)
    outside = total - sum(sizes.values())
    shown = sorted((n, str(k), k) for k, n in sizes.items() if k not in hidden)
    hidden_people = outside + sum(sizes[k] for k in hidden)
    while 0 < hidden_people < minimum and shown:
        n, _label, k = shown.pop(0)
        hidden[k] = Suppression.COMPLEMENT
        hidden_people += n
    return SuppressionResult(hidden, False)


@dataclass(frozen=True)
class BoardEntry:
    """One line of a unit's board as the policy allows it to be shown: a label and a predikat."""

    label: str
    predikat: str
    is_me: bool = False


def board_entries(
    mode: BoardMode | str,
    people: Iterable[tuple[int, str, str, str]],
    *,
    group_size: int,
    minimum: int,
    viewer_id: int | None = None,
) -> list[BoardEntry]:
    """The unit board's lines under the policy. `people` are (employee id, name, pseudonym, predikat).

    Names mode shows names, pseudonyms mode pseudonyms (never a name), aggregates mode nobody. Either
    list is shown only for a group of at least `minimum` people: a short list gives away more than
    the counts it adds up to, and a few pseudonyms are easily matched to faces.
    """
    mode = BoardMode(mode)
    if mode == BoardMode.AGGREGATES or group_size < minimum:
        return []
    out = []
    for eid, name, pseudonym, predikat in people:
        label = name if mode == BoardMode.NAMES else pseudonym
        out.append(BoardEntry(label=label, predikat=predikat, is_me=eid == viewer_id))
    # Sorted by label, never by anything that follows the person (id, NIP, unit order).
    out.sort(key=lambda e: e.label.casefold())
    return out
