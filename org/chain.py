"""The default reporting chain (domain.md §1), as pure computation.

An employee's pejabat penilai is the nearest unit head, walking up the organisation tree from
the employee's own unit, whose position ranks at least as high as the employee's kind of post
requires. Nobody found means the Kepala Daerah, who is not on the ASN roster (None here).
The atasan pejabat penilai is the pejabat penilai's own pejabat penilai.
"""

from collections.abc import Mapping
from dataclasses import dataclass

# Rank of a structural position that heads a unit.
HEAD_RANK = {"PENGAWAS": 3, "ADMINISTRATOR": 4, "JPT_PRATAMA": 5, "JPT_MADYA": 6, "JPT_UTAMA": 7}

# The lowest rank of head that may appraise each kind of post (domain.md §1, default chain).
MIN_PENILAI_RANK = {
    "PELAKSANA": 3,
    "PENGAWAS": 4,
    "ADMINISTRATOR": 5,
    "JPT_PRATAMA": 6,
    "JPT_MADYA": 7,
    "JPT_UTAMA": 8,  # appraised by the minister or Kepala Daerah, outside the roster
}
MIN_PENILAI_RANK_FUNGSIONAL = {
    "AHLI_UTAMA": 6,
    "AHLI_MADYA": 5,
    "AHLI_MUDA": 4,
    "AHLI_PERTAMA": 3,
    "PENYELIA": 3,
    "MAHIR": 3,
    "TERAMPIL": 3,
    "PEMULA": 3,
}


def min_penilai_rank(kind: str, grade: str = "") -> int:
    if kind == "FUNGSIONAL":
        return MIN_PENILAI_RANK_FUNGSIONAL.get(grade, 3)
    return MIN_PENILAI_RANK.get(kind, 3)


@dataclass(frozen=True)
class Person:
    id: int
    unit_id: int
    kind: str
    grade: str = ""
    penilai_override: int | None = None
    atasan_override: int | None = None


@dataclass(frozen=True)
class UnitNode:
    id: int
    parent_id: int | None
    head_id: int | None  # the active employee holding the unit's head position
    head_rank: int = 0


def derive_penilai(person: Person, units: Mapping[int, UnitNode]) -> int | None:
    """The default pejabat penilai of one person (None: the Kepala Daerah)."""
    need = min_penilai_rank(person.kind, person.grade)
    unit_id: int | None = person.unit_id
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        node = units.get(unit_id)
        if node is None:
            return None
        if node.head_id is not None and node.head_id != person.id and node.head_rank >= need:
            return node.head_id
        unit_id = node.parent_id
    return None


def resolve_lines(
    people: Mapping[int, Person], units: Mapping[int, UnitNode]
) -> dict[int, tuple[int | None, int | None]]:
    """Penilai and atasan penilai in force for everyone: the override where set, else the default."""
    penilai = {
        pid: (p.penilai_override if p.penilai_override is not None else derive_penilai(p, units))
        for pid, p in people.items()
    }
    lines = {}
    for pid, p in people.items():
        first = penilai[pid]
        if p.atasan_override is not None:
            second = p.atasan_override
        elif first is not None:
            second = penilai.get(first)
        else:
            second = None
        lines[pid] = (first, second)
    return lines


def find_cycles(penilai: Mapping[int, int | None]) -> list[list[int]]:
    """Every cycle in the penilai graph (each as the list of ids around it), in O(n)."""
    state: dict[int, int] = {}  # 1 = on the current walk, 2 = done
    cycles = []
    for start in penilai:
        if state.get(start):
            continue
        walk: list[int] = []
        node: int | None = start
        while node is not None and node in penilai and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = penilai[node]
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node) :])
        for visited in walk:
            state[visited] = 2
    return cycles
