"""CSV readers for the fairness engine: every defect becomes an `InputError`, never a traceback.

Row numbers in errors are physical file lines, the header being line 1, so users can find them in
a spreadsheet. Accepted quirks of real exports: UTF-8 byte-order mark, spaces around fields and
header names in any case; a `;` delimiter (Indonesian Excel) with decimal commas (`3,5`);
Indonesian header names (`pegawai,penilai,kriteria,nilai`; `kelompok,pelamar,terpilih`).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from typing import IO

import numpy as np

from fairness.engine.adverse import GroupCounts
from fairness.engine.data import InputError, Ratings

RATING_COLUMNS = ("ratee", "rater", "criterion", "score")
_ALIASES = {
    "pegawai": "ratee",
    "dinilai": "ratee",
    "penilai": "rater",
    "kriteria": "criterion",
    "nilai": "score",
    "skor": "score",
    "kelompok": "group",
    "pelamar": "applicants",
    "terpilih": "selected",
    "pegawai_id": "ratee",
    "capaian": "achievement",
}
_TRUE = {"1", "true", "ya", "y", "yes", "t", "benar"}
_FALSE = {"0", "false", "tidak", "n", "no", "f", "salah", "tdk"}


def _open(source: str | os.PathLike[str] | IO[str]) -> IO[str]:
    if hasattr(source, "read"):
        # Streams (stdin) are read whole: the delimiter sniffing needs to rewind.
        data = source.read()
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError("bad_encoding") from None
        return io.StringIO(data.lstrip("\ufeff"), newline="")
    try:
        with open(source, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise InputError("file_not_found", {"path": str(source)}) from None
    except IsADirectoryError:
        raise InputError("file_not_found", {"path": str(source)}) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("bad_encoding") from None
    return io.StringIO(text, newline="")


def _rows(source: str | os.PathLike[str] | IO[str]) -> tuple[list[str], str, Iterator[tuple[int, list[str]]]]:
    """Normalised header, the delimiter, and (line number, stripped fields) for non-blank rows."""
    fh = _open(source)
    first = ""
    for line in fh:
        if line.strip():
            first = line.lstrip("\ufeff")
            break
    if not first:
        raise InputError("empty_file")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    fh.seek(0)
    reader = csv.reader(fh, delimiter=delimiter)
    header: list[str] | None = None
    for fields in reader:
        if any(f.strip() for f in fields):
            header = [_ALIASES.get(h, h) for h in (f.strip().lstrip("\ufeff").strip().lower() for f in fields)]
            break
    assert header is not None

    def body() -> Iterator[tuple[int, list[str]]]:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            yield reader.line_num, [f.strip() for f in fields]

    return header, delimiter, body()


def _check_header(header: list[str], expected: tuple[str, ...]) -> None:
    if header != list(expected):
        raise InputError("bad_header", {"expected": ",".join(expected), "found": ",".join(header)})


def _parse_float(text: str, delimiter: str) -> float:
    if delimiter == ";":
        text = text.replace(",", ".")
    return float(text)


def read_ratings(source: str | os.PathLike[str] | IO[str]) -> Ratings:
    """Read a `ratee,rater,criterion,score` CSV into `Ratings`.

    Raises `InputError` with codes: file_not_found, bad_encoding, empty_file, bad_header,
    wrong_column_count, missing_value, non_numeric_score, non_finite_score, duplicate_rating,
    one_rater_only.
    """
    header, delimiter, rows = _rows(source)
    _check_header(header, RATING_COLUMNS)
    ratee: list[str] = []
    rater: list[str] = []
    crit: list[str] = []
    score: list[float] = []
    lines: list[int] = []
    for line, fields in rows:
        if len(fields) != 4:
            raise InputError("wrong_column_count", {"row": line, "expected": 4, "found": len(fields)})
        for name, value in zip(RATING_COLUMNS, fields, strict=True):
            if value == "":
                raise InputError("missing_value", {"row": line, "column": name})
        try:
            value = _parse_float(fields[3], delimiter)
        except ValueError:
            raise InputError("non_numeric_score", {"row": line, "value": fields[3]}) from None
        if not math.isfinite(value):
            raise InputError("non_finite_score", {"row": line, "value": fields[3]})
        ratee.append(fields[0])
        rater.append(fields[1])
        crit.append(fields[2])
        score.append(value)
        lines.append(line)
    if not score:
        raise InputError("empty_file")
    ratings = Ratings.from_columns(ratee, rater, crit, score)
    _check_duplicates(ratings, np.asarray(lines))
    if ratings.n_raters < 2:
        raise InputError("one_rater_only")
    return ratings


def _check_duplicates(r: Ratings, lines: np.ndarray) -> None:
    """Reject a second rating of the same (ratee, rater, criterion): usually a doubled export."""
    key = (r.ratee.astype(np.int64) * r.n_raters + r.rater) * r.n_criteria + r.criterion
    order = np.argsort(key, kind="stable")
    dup = np.flatnonzero(key[order][1:] == key[order][:-1])
    if dup.size:
        first, second = order[dup[0]], order[dup[0] + 1]
        raise InputError(
            "duplicate_rating",
            {
                "row": int(lines[second]),
                "first_row": int(lines[first]),
                "ratee": r.ratee_ids[r.ratee[second]],
                "rater": r.rater_ids[r.rater[second]],
                "criterion": r.criterion_ids[r.criterion[second]],
            },
        )


def read_achievement(source: str | os.PathLike[str] | IO[str], ratee_ids: list[str]) -> tuple[np.ndarray, list[str]]:
    """Read a `ratee,achievement` CSV; returns values aligned with `ratee_ids` (NaN where absent)
    and the ids in the file that are not among the rated ratees (ignored, reported by the caller).
    """
    header, delimiter, rows = _rows(source)
    _check_header(header, ("ratee", "achievement"))
    position = {rid: i for i, rid in enumerate(ratee_ids)}
    values = np.full(len(ratee_ids), np.nan)
    unknown: list[str] = []
    seen = False
    for line, fields in rows:
        seen = True
        if len(fields) != 2:
            raise InputError("wrong_column_count", {"row": line, "expected": 2, "found": len(fields)})
        if fields[0] == "":
            raise InputError("missing_value", {"row": line, "column": "ratee"})
        if fields[1] == "":
            raise InputError("missing_value", {"row": line, "column": "achievement"})
        try:
            value = _parse_float(fields[1], delimiter)
        except ValueError:
            raise InputError("non_numeric_score", {"row": line, "value": fields[1]}) from None
        if not math.isfinite(value):
            raise InputError("non_finite_score", {"row": line, "value": fields[1]})
        idx = position.get(fields[0])
        if idx is None:
            unknown.append(fields[0])
        elif not math.isnan(values[idx]):
            raise InputError("duplicate_ratee", {"row": line, "ratee": fields[0]})
        else:
            values[idx] = value
    if not seen:
        raise InputError("empty_file")
    return values, unknown


def _parse_count(text: str, line: int, column: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise InputError("non_integer_count", {"row": line, "column": column, "value": text}) from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise InputError("non_integer_count", {"row": line, "column": column, "value": text})
    return int(value)


def read_adverse(source: str | os.PathLike[str] | IO[str]) -> GroupCounts:
    """Read adverse-impact data: aggregated `group,applicants,selected` or one row per person
    `group,selected` (selected as 0/1, true/false, ya/tidak).

    Raises `InputError` with codes: empty_file, bad_header, wrong_column_count, missing_value,
    non_integer_count, bad_selected_value, selected_exceeds_applicants, duplicate_group,
    too_few_groups.
    """
    header, _, rows = _rows(source)
    groups: dict[str, list[int]] = {}
    if header == ["group", "applicants", "selected"]:
        for line, fields in rows:
            if len(fields) != 3:
                raise InputError("wrong_column_count", {"row": line, "expected": 3, "found": len(fields)})
            for name, value in zip(header, fields, strict=True):
                if value == "":
                    raise InputError("missing_value", {"row": line, "column": name})
            applicants = _parse_count(fields[1], line, "applicants")
            selected = _parse_count(fields[2], line, "selected")
            if selected > applicants:
                raise InputError(
                    "selected_exceeds_applicants",
                    {"row": line, "selected": selected, "applicants": applicants},
                )
            if fields[0] in groups:
                raise InputError("duplicate_group", {"row": line, "group": fields[0]})
            groups[fields[0]] = [applicants, selected]
    elif header == ["group", "selected"]:
        for line, fields in rows:
            if len(fields) != 2:
                raise InputError("wrong_column_count", {"row": line, "expected": 2, "found": len(fields)})
            for name, value in zip(header, fields, strict=True):
                if value == "":
                    raise InputError("missing_value", {"row": line, "column": name})
            flag = fields[1].lower()
            if flag in _TRUE:
                hit = 1
            elif flag in _FALSE:
                hit = 0
            else:
                raise InputError("bad_selected_value", {"row": line, "value": fields[1]})
            counts = groups.setdefault(fields[0], [0, 0])
            counts[0] += 1
            counts[1] += hit
    else:
        raise InputError(
            "bad_header",
            {"expected": "group,applicants,selected | group,selected", "found": ",".join(header)},
        )
    if not groups:
        raise InputError("empty_file")
    if len(groups) < 2:
        raise InputError("too_few_groups")
    names = list(groups)
    return GroupCounts(
        groups=names,
        applicants=np.array([groups[g][0] for g in names], dtype=np.int64),
        selected=np.array([groups[g][1] for g in names], dtype=np.int64),
    )
