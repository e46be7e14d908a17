"""Adverse impact of a selection (promotion, appraisal category, training place) by group.

The four-fifths rule of the Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D):
a group whose selection rate is *less than* 80 % of the highest group's rate is flagged. A rate
of exactly 80 % is not flagged (Uniform Guidelines Q&A No. 12: 48/60 "or 80%" shows no adverse
impact). Fisher's exact test (two-sided, group versus all other applicants) is reported alongside
because the ratio alone is unstable for small groups (Q&A No. 20-21).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import fisher_exact

from fairness.engine.data import InputError

FOUR_FIFTHS = 0.8


@dataclass(frozen=True, eq=False)
class GroupCounts:
    """Applicants and selected persons per group, in input order."""

    groups: list[str]
    applicants: np.ndarray
    selected: np.ndarray


def adverse_impact(counts: GroupCounts, *, min_group_size: int = 5, threshold: float = FOUR_FIFTHS) -> dict[str, Any]:
    """Selection rate, impact ratio against the highest-rate group, four-fifths flag and Fisher p.

    Groups with fewer than `min_group_size` applicants are listed with ``suppressed: true`` and no
    selected count, rate, ratio or p-value (their counts still count among the "others" of every other group),
    and they cannot be the reference group. Returns ``{"groups": [...], "reference": name|None,
    "threshold": ..., "min_group_size": ..., "notes": [...]}``.
    """
    if len(counts.groups) < 2:
        raise InputError("too_few_groups")
    applicants = np.asarray(counts.applicants, dtype=np.int64)
    selected = np.asarray(counts.selected, dtype=np.int64)
    for i, g in enumerate(counts.groups):
        if selected[i] > applicants[i]:
            raise InputError(
                "selected_exceeds_applicants",
                {"row": g, "selected": int(selected[i]), "applicants": int(applicants[i])},
            )
    shown = applicants >= max(min_group_size, 1)
    rates = np.divide(selected, applicants, out=np.zeros(applicants.shape[0]), where=applicants > 0)
    notes: list[str] = []
    reference: str | None = None
    top = 0.0
    if shown.any():
        top = float(rates[shown].max())
        ref_idx = int(np.flatnonzero(shown & (rates == top))[0])
        reference = counts.groups[ref_idx]
    if shown.sum() < 2:
        notes.append("Kurang dari dua kelompok memenuhi ukuran minimum; rasio dampak tidak dapat dibandingkan.")
    if shown.any() and top == 0.0:
        notes.append("Tidak ada yang terpilih pada kelompok mana pun; rasio dampak tidak terdefinisi.")
    total_app = int(applicants.sum())
    total_sel = int(selected.sum())
    rows = []
    for i, g in enumerate(counts.groups):
        row: dict[str, Any] = {
            "group": g,
            "applicants": int(applicants[i]),
            # Selected counts of tiny groups would identify people; only the group size is shown.
            "selected": int(selected[i]) if shown[i] else None,
            "suppressed": not bool(shown[i]),
            "rate": None,
            "impact_ratio": None,
            "flag": False,
            "fisher_p": None,
        }
        if shown[i]:
            row["rate"] = float(rates[i])
            if top > 0 and shown.sum() >= 2:
                ratio = float(rates[i]) / top
                row["impact_ratio"] = ratio
                # Strictly below the threshold; the ratio is compared unrounded.
                row["flag"] = bool(ratio < threshold)
            other_app = total_app - int(applicants[i])
            other_sel = total_sel - int(selected[i])
            if other_app > 0:
                table = [
                    [int(selected[i]), int(applicants[i] - selected[i])],
                    [other_sel, other_app - other_sel],
                ]
                row["fisher_p"] = float(fisher_exact(table, alternative="two-sided").pvalue)
        rows.append(row)
    n_suppressed = int((~shown).sum())
    if n_suppressed:
        notes.append(
            f"{n_suppressed} kelompok di bawah ukuran minimum {min_group_size} ditampilkan tanpa angka "
            "(disembunyikan), bukan dihapus."
        )
    return {
        "groups": rows,
        "reference": reference,
        "threshold": threshold,
        "min_group_size": min_group_size,
        "notes": notes,
    }
