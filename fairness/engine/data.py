"""Long-form rating data shared by every fairness engine module.

Pure numpy: no Django, no pandas, so the engine can run in a batch job or a notebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Indonesian default messages; the Django command maps `code` to gettext strings, these are
# the fallback for engine users outside Django (and for logs).
_MESSAGES: dict[str, str] = {
    "empty_file": "Berkas kosong atau tidak berisi data.",
    "bad_header": "Kepala kolom tidak sesuai: diharapkan %(expected)s, ditemukan %(found)s.",
    "bad_encoding": "Berkas tidak dapat dibaca sebagai teks UTF-8.",
    "wrong_column_count": "Baris %(row)s: diharapkan %(expected)s kolom, ditemukan %(found)s.",
    "missing_value": "Baris %(row)s: kolom %(column)s kosong.",
    "non_numeric_score": "Baris %(row)s: nilai %(value)s bukan angka.",
    "non_finite_score": "Baris %(row)s: nilai %(value)s tidak terhingga atau NaN.",
    "too_few_ratings": "Terlalu sedikit penilaian (%(n)s); minimal %(minimum)s.",
    "one_rater_only": "Hanya ada satu penilai; keparahan penilai tidak dapat dibandingkan.",
    "one_ratee_only": "Hanya ada satu pegawai yang dinilai.",
    "length_mismatch": "Panjang kolom tidak sama: %(lengths)s.",
    "file_not_found": "Berkas %(path)s tidak ditemukan.",
    "non_integer_count": "Baris %(row)s: %(column)s harus bilangan bulat tidak negatif, ditemukan %(value)s.",
    "bad_selected_value": (
        "Baris %(row)s: nilai terpilih %(value)s tidak dikenal (gunakan 0/1, true/false, ya/tidak)."
    ),
    "selected_exceeds_applicants": (
        "Baris %(row)s: jumlah terpilih (%(selected)s) melebihi jumlah pelamar (%(applicants)s)."
    ),
    "duplicate_group": "Baris %(row)s: kelompok %(group)s muncul lebih dari sekali.",
    "too_few_groups": "Diperlukan minimal dua kelompok untuk analisis dampak merugikan.",
    "duplicate_rating": (
        "Baris %(row)s: penilaian %(ratee)s oleh %(rater)s pada kriteria %(criterion)s sudah ada di baris "
        "%(first_row)s."
    ),
    "duplicate_ratee": "Baris %(row)s: pegawai %(ratee)s muncul lebih dari sekali.",
    "unknown_model": "Model %(model)s tidak dikenal; gunakan additive atau rasch.",
    "model_unavailable": "Model %(model)s belum tersedia di instalasi ini.",
}


class InputError(Exception):
    """Invalid user input for the fairness engine.

    `code` is a stable machine key (e.g. ``non_numeric_score``); `params` holds the values the
    message needs (row numbers are 1-based file lines, header = line 1). `str(err)` is the
    Indonesian default message; the Django layer re-translates from `code` and `params`.
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None, message: str | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        if message is None:
            template = _MESSAGES.get(code, "Masukan tidak valid (%(code)s).")
            try:
                message = template % {"code": code, **self.params}
            except (KeyError, TypeError, ValueError):
                message = template
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def _factorise(labels: Sequence[Any] | np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Map labels to 0-based int32 codes in sorted-label order (np.unique return_inverse)."""
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iuU":
        arr = arr.astype(str)
    uniq, inverse = np.unique(arr, return_inverse=True)
    return inverse.astype(np.int32).reshape(-1), [str(u) for u in uniq.tolist()]


@dataclass(frozen=True, eq=False)
class Ratings:
    """One row per (ratee, rater, criterion) rating, stored as parallel arrays of 0-based codes.

    `ratee_ids[k]` is the original label of code k (same for raters and criteria).
    """

    ratee: np.ndarray
    rater: np.ndarray
    criterion: np.ndarray
    score: np.ndarray
    ratee_ids: list[str] = field(default_factory=list)
    rater_ids: list[str] = field(default_factory=list)
    criterion_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        lengths = {len(self.ratee), len(self.rater), len(self.criterion), len(self.score)}
        if len(lengths) != 1:
            raise InputError(
                "length_mismatch",
                {"lengths": [len(self.ratee), len(self.rater), len(self.criterion), len(self.score)]},
            )

    @classmethod
    def from_columns(
        cls,
        ratee: Sequence[Any] | np.ndarray,
        rater: Sequence[Any] | np.ndarray,
        criterion: Sequence[Any] | np.ndarray,
        score: Sequence[float] | np.ndarray,
    ) -> Ratings:
        """Build from label columns; labels are factorised to sorted 0-based codes."""
        lengths = [len(ratee), len(rater), len(criterion), len(score)]
        if len(set(lengths)) != 1:
            raise InputError("length_mismatch", {"lengths": lengths})
        ratee_c, ratee_ids = _factorise(ratee)
        rater_c, rater_ids = _factorise(rater)
        crit_c, crit_ids = _factorise(criterion)
        return cls(
            ratee=ratee_c,
            rater=rater_c,
            criterion=crit_c,
            score=np.asarray(score, dtype=np.float64).reshape(-1),
            ratee_ids=ratee_ids,
            rater_ids=rater_ids,
            criterion_ids=crit_ids,
        )

    @classmethod
    def from_codes(
        cls,
        ratee: np.ndarray,
        rater: np.ndarray,
        criterion: np.ndarray,
        score: np.ndarray,
    ) -> Ratings:
        """Build from codes that are already 0-based and dense; ids become the code as text.

        Avoids the O(n log n) sort of `from_columns` for large simulated data sets.
        """
        ratee = np.ascontiguousarray(ratee, dtype=np.int32)
        rater = np.ascontiguousarray(rater, dtype=np.int32)
        criterion = np.ascontiguousarray(criterion, dtype=np.int32)

        def ids(codes: np.ndarray) -> list[str]:
            return [str(i) for i in range(int(codes.max()) + 1)] if codes.size else []

        return cls(
            ratee=ratee,
            rater=rater,
            criterion=criterion,
            score=np.ascontiguousarray(score, dtype=np.float64),
            ratee_ids=ids(ratee),
            rater_ids=ids(rater),
            criterion_ids=ids(criterion),
        )

    @property
    def n(self) -> int:
        """Number of ratings (rows)."""
        return int(self.score.shape[0])

    @property
    def n_ratees(self) -> int:
        return len(self.ratee_ids)

    @property
    def n_raters(self) -> int:
        return len(self.rater_ids)

    @property
    def n_criteria(self) -> int:
        return len(self.criterion_ids)
