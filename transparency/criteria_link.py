"""What the board and portal take from the criteria app: drafting participation and adopted criteria.

The only place that knows the criteria app's selectors. While they do not exist yet, both functions
answer None and the pages say "belum ada data". The figures are copied into `UnitAggregate` when the
aggregates are refreshed, so the portal never reads the criteria tables at request time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Participation figures the pages know how to say, in the order they are shown (criteria's names).
PARTICIPATION_KEYS = ("employees", "participants", "proposers", "commenters", "voters", "rounds")
# Fields of an adopted criterion that are public (never who proposed, voted or adopted).
CRITERION_KEYS = (
    "title",
    "kind_label",
    "value_name",
    "scope",
    "position_family",
    "version",
    "text",
    "measure_unit",
    "measurement",
    "evidence",
)


def _selectors():
    try:
        from criteria import selectors
    except ImportError:
        return None
    return selectors


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _perangkat_daerah(path: str) -> int | None:
    parts = [p for p in (path or "").strip("/").split("/") if p]
    return int(parts[1]) if len(parts) >= 2 else None


def participation(*, period, unit_ids: Iterable[int]) -> dict[int, dict[str, int]] | None:
    """Drafting participation per perangkat daerah in the period: {unit id: {"employees": …,
    "participants": …, "proposers": …, …}}, counted over the unit's whole subtree.

    None when the criteria app has no `participation_by_unit` selector.
    """
    selectors = _selectors()
    func = getattr(selectors, "participation_by_unit", None) if selectors else None
    if func is None:
        return None
    wanted = list(unit_ids)
    if not wanted:
        return {}
    out: dict[int, dict[str, int]] = {}
    for row in func(period, unit_ids=wanted):
        figures = {k: _count(row.get(k)) for k in PARTICIPATION_KEYS}
        out[int(row["unit_id"])] = {k: v for k, v in figures.items() if v is not None}
    return out


def adopted(*, unit_ids: Iterable[int]) -> dict[int | None, list[dict[str, str]]] | None:
    """The criteria in force, public fields only, under the perangkat daerah that owns them (a unit
    below one counts for it; None: criteria of the whole organisation). None without the selector."""
    selectors = _selectors()
    func = getattr(selectors, "adopted_criteria", None) if selectors else None
    if func is None:
        return None
    wanted = set(unit_ids)
    out: dict[int | None, list[dict[str, str]]] = {}
    for item in func():
        pd = _perangkat_daerah(item.get("unit_path", ""))
        if pd is not None and pd not in wanted:
            continue
        out.setdefault(pd, []).append({k: str(item[k]) for k in CRITERION_KEYS if item.get(k) not in (None, "")})
    return out
