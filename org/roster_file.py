"""Reading, checking and writing the employee roster spreadsheet (issue #2).

Django-free: `read_roster` turns an uploaded .xlsx or .csv into `RawRow`s, `validate_rows` turns
those into typed `CleanRow`s plus every `RowError`, and `write_roster`/`roster_template` build the
export and the blank template. Whether an atasan exists and reporting cycles are checked by the
import service, which has the database.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO, Literal
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from org.rules import (
    MIN_BIRTH_YEAR,
    NipInfo,
    RuleError,
    check_nip_matches,
    normalize_nip,
    parse_date,
    parse_email,
    parse_gender,
    parse_golongan,
    parse_jenis_jabatan,
    parse_nip,
    parse_status,
)

COLUMNS: tuple[str, ...] = (
    "NIP",
    "NAMA",
    "GELAR_DEPAN",
    "GELAR_BELAKANG",
    "JENIS_KELAMIN",
    "TANGGAL_LAHIR",
    "GOL_RUANG",
    "JABATAN",
    "JENIS_JABATAN",
    "UNIT_KERJA",
    "NIP_ATASAN",
    "STATUS",
    "EMAIL",
)
REQUIRED: tuple[str, ...] = (
    "NIP",
    "NAMA",
    "JENIS_KELAMIN",
    "TANGGAL_LAHIR",
    "GOL_RUANG",
    "JABATAN",
    "JENIS_JABATAN",
    "UNIT_KERJA",
    "STATUS",
)
# Text limits, so one over-long cell is reported on its row instead of failing the whole import
# at the database. Keep in step with the field lengths in org/models.py.
MAX_LENGTHS: dict[str, int] = {
    "NAMA": 200,
    "GELAR_DEPAN": 50,
    "GELAR_BELAKANG": 80,
    "JABATAN": 200,
    "UNIT_KERJA": 200,  # per unit name in the path
    "EMAIL": 254,
}
UNIT_SEPARATOR = ">"
# nip_duplicate lists at most this many other rows.
DUPLICATE_ROWS_SHOWN = 20
PROGRESS_EVERY = 1000
# Unzipped size above which an .xlsx is refused: 50,000 rows × 13 columns is about 40 MB of
# sheet XML, so this leaves room while stopping zip bombs.
MAX_XLSX_UNZIPPED = 400 * 1024 * 1024
# How far down to look for the header row, for sheets that start with a title line.
HEADER_SEARCH_ROWS = 10

Format = Literal["csv", "xlsx"]


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row as read: ``number`` is the row number the user sees (header is row 1)."""

    number: int
    values: dict[str, object]


class Roster(list[RawRow]):
    """The rows of a roster file plus what the UI reports about its header."""

    def __init__(
        self, rows: Iterable[RawRow] = (), *, ignored_columns: Sequence[str] = (), fmt: Format = "xlsx"
    ) -> None:
        super().__init__(rows)
        self.ignored_columns: tuple[str, ...] = tuple(ignored_columns)
        self.format: Format = fmt


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one cell: spreadsheet row number, canonical column, code and params."""

    row: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CleanRow:
    """A roster row whose cells passed every rule, with typed values."""

    number: int
    nip: str
    nama: str
    gelar_depan: str
    gelar_belakang: str
    gender: str  # "L" | "P"
    birth_date: date
    golongan: str  # canonical, see org.rules.parse_golongan
    jabatan: str
    position_kind: str
    position_grade: str
    unit_path: tuple[str, ...]
    nip_atasan: str  # "" when empty
    status: str  # "PNS" | "PPPK"
    email: str  # "" when empty
    warnings: tuple[RowError, ...] = ()


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HEADER_IGNORED = re.compile(r"[\s_.\-/]+")
_HEADER_ALIASES: dict[str, str] = {
    "NIPBARU": "NIP",
    "NAMALENGKAP": "NAMA",
    "NAMAPEGAWAI": "NAMA",
    "JK": "JENIS_KELAMIN",
    "LP": "JENIS_KELAMIN",
    "TGLLAHIR": "TANGGAL_LAHIR",
    "GOLONGAN": "GOL_RUANG",
    "GOLONGANRUANG": "GOL_RUANG",
    "GOL": "GOL_RUANG",
    "NAMAJABATAN": "JABATAN",
    "NIPATASANLANGSUNG": "NIP_ATASAN",
    "STATUSKEPEGAWAIAN": "STATUS",
    "STATUSASN": "STATUS",
    "SUREL": "EMAIL",
    "ALAMATEMAIL": "EMAIL",
}
_HEADER_KEYS: dict[str, str] = {_HEADER_IGNORED.sub("", c): c for c in COLUMNS} | _HEADER_ALIASES
# A spreadsheet opens such a cell as a formula (OWASP "CSV injection").
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def header_key(name: object) -> str | None:
    """Canonical column for a header cell, ignoring case, spaces, ``_ . - /``; None if unknown."""
    if name is None:
        return None
    return _HEADER_KEYS.get(_HEADER_IGNORED.sub("", str(name)).upper())


def read_roster(data: bytes | BinaryIO, filename: str, *, progress: Callable[[int], None] | None = None) -> Roster:
    """Read the first worksheet of an .xlsx, or a .csv, into `RawRow`s (a `Roster` list).

    The type is taken from the content, not the extension. Strings are stripped and empty cells
    become None; numbers and dates stay Python objects so `validate_rows` can tell a NIP stored
    as a number. Fully empty rows are skipped but keep the numbering of the sheet. Raises
    `RuleError` for file-level problems: file_empty, file_legacy_xls, file_not_spreadsheet,
    file_unreadable, file_too_large, columns_duplicate, columns_missing, no_data_rows.
    """
    blob = data if isinstance(data, bytes) else data.read()
    params = {"filename": filename}
    if not blob.strip():
        raise RuleError("file_empty", params)
    if blob.startswith(_ZIP_MAGICS):
        return _read_xlsx(blob, filename, progress)
    if blob.startswith(_OLE_MAGIC):
        # Excel 97–2003, or an .xlsx protected with a password (also an OLE container).
        raise RuleError("file_legacy_xls", params)
    text = _decode_text(blob)
    if text is None or text.lstrip()[:1] == "<":
        # "<": HTML or XML saved with an .xls name, which some HR systems export.
        raise RuleError("file_not_spreadsheet", params)
    return _read_csv(text, filename, progress)


def _decode_text(blob: bytes) -> str | None:
    if blob.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated.
        try:
            return blob.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in blob[:8192]:
        return None  # PDF, image or other binary
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = blob.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than tab and line breaks mean binary content.
        sample = text[:8192]
        if sum(ch < " " and ch not in "\t\r\n" for ch in sample) > len(sample) // 100:
            return None
        return text
    return None


def _read_xlsx(blob: bytes, filename: str, progress: Callable[[int], None] | None) -> Roster:
    params = {"filename": filename}
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            names = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise RuleError("file_unreadable", params) from exc
    if "xl/workbook.xml" not in {info.filename for info in names}:
        # .docx, .ods, a zip of photos …
        raise RuleError("file_not_spreadsheet", params)
    if sum(info.file_size for info in names) > MAX_XLSX_UNZIPPED:
        raise RuleError("file_too_large", params | {"limit_mb": MAX_XLSX_UNZIPPED // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(blob), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise RuleError("file_unreadable", params) from exc
    try:
        if not workbook.worksheets:
            raise RuleError("file_unreadable", params)
        sheet = workbook.worksheets[0]
        # A stale <dimension> in the file would cut rows off silently; read what is really there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        return _collect(_guard(rows, params), "xlsx", progress)
    finally:
        workbook.close()


# openpyxl raises a wide, undocumented range of exceptions on damaged files.
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    ParseError,
    SyntaxError,
    zlib.error,
)


def _guard(rows: Iterator[tuple[object, ...]], params: dict[str, str]) -> Iterator[tuple[object, ...]]:
    """Re-raise openpyxl errors met while streaming the sheet as `file_unreadable`."""
    try:
        yield from rows
    except _XLSX_ERRORS as exc:
        raise RuleError("file_unreadable", params) from exc


def _read_csv(text: str, filename: str, progress: Callable[[int], None] | None) -> Roster:
    text = text.removeprefix("\ufeff")
    first_line, _, rest = text.partition("\n")
    # Excel honours a first line "sep=;" and hides it, so the header is still row 1.
    sep_hint = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if sep_hint:
        delimiter, text = sep_hint.group(1), rest
    else:
        delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _collect(reader, "csv", progress)


def _sniff_delimiter(header_line: str) -> str:
    # Quoted header names may contain a comma; count outside quotes only.
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _collect(rows: Iterable[Sequence[object]], fmt: Format, progress: Callable[[int], None] | None) -> Roster:
    """Find the header, map its columns and gather the non-empty data rows after it."""
    numbered = enumerate(rows, start=1)
    mapping, ignored = _mapping(_find_header(numbered))
    absent = [c for c in COLUMNS if c not in {name for _, name in mapping}]
    width = max(index for index, _ in mapping) + 1
    result = Roster(ignored_columns=ignored, fmt=fmt)
    read = 0
    for number, row in numbered:
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        if len(row) < width:
            row = (*row, *((None,) * (width - len(row))))
        values = {name: _cell(row[index]) for index, name in mapping}
        if all(v is None for v in values.values()):
            continue
        for name in absent:
            values[name] = None
        result.append(RawRow(number, values))
    if progress is not None and read % PROGRESS_EVERY:
        progress(read)
    if not result:
        raise RuleError("no_data_rows", {})
    return result


def _find_header(numbered: Iterator[tuple[int, Sequence[object]]]) -> Sequence[object]:
    """Return the header row, consuming rows up to it (a title line above it is allowed).

    The header is the first row naming all required columns; failing that, the row with the
    most known names in the first rows, so `columns_missing` lists what it lacks.
    """
    best: tuple[int, Sequence[object]] | None = None
    for number, row in numbered:
        if not _is_empty(row):
            known = sum(header_key(cell) is not None for cell in row)
            if known >= len(REQUIRED):
                return row
            if best is None or known > best[0]:
                best = (known, row)
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise RuleError("file_empty", {})
    return best[1]


def _mapping(header: Sequence[object]) -> tuple[list[tuple[int, str]], list[str]]:
    """Column index → canonical name; raises on duplicated or missing required columns."""
    mapping: list[tuple[int, str]] = []
    ignored: list[str] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        name = header_key(cell)
        if name is None:
            ignored.append(str(cell).strip())
        elif name in seen:
            if name not in duplicates:
                duplicates.append(name)
        else:
            seen[name] = index
            mapping.append((index, name))
    if duplicates:
        raise RuleError("columns_duplicate", {"columns": duplicates})
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise RuleError("columns_missing", {"columns": missing, "ignored": ignored})
    return mapping, ignored


def _is_empty(row: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _cell(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        # Undo the export's formula neutralisation, so export → import is lossless.
        if value[0] == "'" and value[1:2] in ("=", "+", "-", "@"):
            return value[1:]
        return value
    return value


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

# A NIP that went through a number cell: "1.98001E+17" or "1,98001E+17" as shown by Excel.
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d*)?[eE][+]?\d+")


def _stored_as_number(value: object, nip: str) -> bool:
    """True when a NIP cell shows the damage done by a number cell.

    Excel keeps 15 significant digits, so an 18-digit NIP typed into a number cell comes back as
    a float, in scientific notation, or with its last three digits (the serial) turned into 000.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    if isinstance(value, str) and _SCIENTIFIC.fullmatch(value.strip()):
        return True
    return len(nip) == 18 and nip.isdigit() and nip.endswith("000")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """Cell value as single-spaced text ("" for None); whole floats lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class _RowCheck:
    """Collects the errors of one row; each parser's RuleError becomes a RowError on a column."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def add(self, column: str, error: RuleError) -> None:
        self.errors.append(RowError(self.raw.number, column, error.code, error.params))

    def required_text(self, column: str) -> str:
        text = _text(self.raw.values.get(column))
        if not text:
            self.add(column, RuleError("required", {"column": column}))
        else:
            self.check_length(column, text)
        return text

    def optional_text(self, column: str) -> str:
        text = _text(self.raw.values.get(column))
        self.check_length(column, text)
        return text

    def check_length(self, column: str, text: str) -> None:
        limit = MAX_LENGTHS.get(column)
        if limit is not None and len(text) > limit:
            self.add(column, RuleError("too_long", {"column": column, "limit": limit, "length": len(text)}))

    def parsed(self, column: str, parser: Callable[[object], Any]) -> Any:
        """Run ``parser`` on a required cell; None (and an error) when empty or refused."""
        value = self.raw.values.get(column)
        if _blank(value):
            self.add(column, RuleError("required", {"column": column}))
            return None
        try:
            return parser(value)
        except RuleError as error:
            self.add(column, error)
            return None


def _check_nip(check: _RowCheck, column: str, today: date) -> NipInfo | None:
    value = check.raw.values.get(column)
    nip = normalize_nip(value)
    if _stored_as_number(value, nip):
        check.add(column, RuleError("nip_stored_as_number", {"column": column, "value": _text(value)}))
        return None
    try:
        return parse_nip(nip, today=today)
    except RuleError as error:
        if column == "NIP":
            check.add(column, error)
        else:
            check.add(
                column,
                RuleError("nip_atasan_invalid", {"value": nip, "reason": error.code, "reason_params": error.params}),
            )
        return None


def _unit_path(check: _RowCheck) -> tuple[str, ...]:
    text = check.raw.values.get("UNIT_KERJA")
    if _blank(text):
        check.add("UNIT_KERJA", RuleError("required", {"column": "UNIT_KERJA"}))
        return ()
    parts = tuple(" ".join(part.split()) for part in str(text).split(UNIT_SEPARATOR))
    if not all(parts):
        check.add("UNIT_KERJA", RuleError("unit_path_invalid", {"value": _text(text)}))
        return ()
    for part in parts:
        check.check_length("UNIT_KERJA", part)
    return parts


# Gender, status, golongan and jenis jabatan take a handful of distinct values across
# thousands of rows; caching the parsers makes validation of a large file several times faster.
# typed=True keeps True apart from 1.
_parse_gender = functools.lru_cache(maxsize=1024, typed=True)(parse_gender)
_parse_status = functools.lru_cache(maxsize=1024, typed=True)(parse_status)
_parse_golongan = functools.lru_cache(maxsize=4096, typed=True)(parse_golongan)
_parse_jenis_jabatan = functools.lru_cache(maxsize=4096, typed=True)(parse_jenis_jabatan)


def _birth_date(value: object, today: date) -> date:
    day = parse_date(value)
    if day.year < MIN_BIRTH_YEAR or day > today:
        raise RuleError("birth_date_out_of_range", {"value": day.strftime("%d/%m/%Y")})
    return day


def validate_rows(rows: Iterable[RawRow], *, today: date | None = None) -> tuple[list[CleanRow], list[RowError]]:
    """Check every cell of every row and return the clean rows and all errors.

    A row with any error is left out of the clean list; warnings (a TMT before age 18) stay on the
    clean row. The NIP must agree with birth date, gender and status (domain.md §7), appear once
    in the file, and differ from NIP_ATASAN. Existence of the atasan and reporting cycles are
    checked by the import service.
    """
    today = today or date.today()
    checked: list[tuple[_RowCheck, CleanRow | None]] = []
    rows_by_nip: dict[str, list[int]] = defaultdict(list)
    for raw in rows:
        check = _RowCheck(raw)
        clean = _validate_row(check, today)
        checked.append((check, clean))
        nip = normalize_nip(raw.values.get("NIP"))
        if nip:
            rows_by_nip[nip].append(raw.number)

    clean_rows: list[CleanRow] = []
    errors: list[RowError] = []
    for check, clean in checked:
        nip = normalize_nip(check.raw.values.get("NIP"))
        same = rows_by_nip.get(nip, [])
        if len(same) > 1:
            others = [n for n in same if n != check.raw.number]
            # Capped: a NIP pasted down a whole column would otherwise give n² row numbers.
            params = {"nip": nip, "rows": others[:DUPLICATE_ROWS_SHOWN], "count": len(same)}
            check.add("NIP", RuleError("nip_duplicate", params))
        if check.errors:
            errors.extend(check.errors)
        elif clean is not None:
            clean_rows.append(clean)
    return clean_rows, errors


def _validate_row(check: _RowCheck, today: date) -> CleanRow | None:
    values = check.raw.values
    info = None
    if _blank(values.get("NIP")):
        check.add("NIP", RuleError("required", {"column": "NIP"}))
    else:
        info = _check_nip(check, "NIP", today)
    nama = check.required_text("NAMA")
    gelar_depan = check.optional_text("GELAR_DEPAN")
    gelar_belakang = check.optional_text("GELAR_BELAKANG")
    gender = check.parsed("JENIS_KELAMIN", _parse_gender)
    birth_date = check.parsed("TANGGAL_LAHIR", lambda v: _birth_date(v, today))
    status = check.parsed("STATUS", _parse_status)
    golongan = check.parsed("GOL_RUANG", lambda v: _parse_golongan(v, status))
    jabatan = check.required_text("JABATAN")
    position = check.parsed("JENIS_JABATAN", _parse_jenis_jabatan)
    unit_path = _unit_path(check)

    nip_atasan = ""
    if not _blank(values.get("NIP_ATASAN")):
        atasan = _check_nip(check, "NIP_ATASAN", today)
        if atasan is not None:
            nip_atasan = atasan.nip
            if info is not None and atasan.nip == info.nip:
                check.add("NIP_ATASAN", RuleError("atasan_self", {"nip": info.nip}))

    email = ""
    try:
        email = parse_email(values.get("EMAIL"))
    except RuleError as error:
        check.add("EMAIL", error)
    if email:
        check.check_length("EMAIL", email)

    if info is not None:
        columns = {
            "nip_birth_date_mismatch": "TANGGAL_LAHIR",
            "nip_gender_mismatch": "JENIS_KELAMIN",
            "nip_status_mismatch": "STATUS",
        }
        for error in check_nip_matches(info, birth_date=birth_date, gender=gender, status=status):
            check.add(columns[error.code], error)
        check.warnings.extend(RowError(check.raw.number, "NIP", w.code, w.params) for w in info.warnings)

    if check.errors or info is None:
        return None
    return CleanRow(
        number=check.raw.number,
        nip=info.nip,
        nama=nama,
        gelar_depan=gelar_depan,
        gelar_belakang=gelar_belakang,
        gender=gender,
        birth_date=birth_date,
        golongan=golongan,
        jabatan=jabatan,
        position_kind=position[0],
        position_grade=position[1],
        unit_path=unit_path,
        nip_atasan=nip_atasan,
        status=status,
        email=email,
        warnings=tuple(check.warnings),
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

_TEXT_COLUMNS = frozenset({"NIP", "NIP_ATASAN"})
_DATE_FORMAT = "DD/MM/YYYY"
_WIDTHS = {
    "NIP": 21,
    "NAMA": 30,
    "GELAR_DEPAN": 12,
    "GELAR_BELAKANG": 16,
    "JENIS_KELAMIN": 14,
    "TANGGAL_LAHIR": 14,
    "GOL_RUANG": 11,
    "JABATAN": 32,
    "JENIS_JABATAN": 22,
    "UNIT_KERJA": 48,
    "NIP_ATASAN": 21,
    "STATUS": 9,
    "EMAIL": 30,
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def neutralise(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (OWASP CSV injection advice)."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def _export_value(column: str, value: object) -> object:
    """Cell value for the export: text neutralised, paths joined, NIPs as text, dates kept."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        value = f" {UNIT_SEPARATOR} ".join(str(part) for part in value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    if column in _TEXT_COLUMNS or not isinstance(value, (int, float, bool)):
        return neutralise(str(value))
    return value


def write_roster(rows: Iterable[dict[str, object]], fmt: Format) -> bytes:
    """Export rows (dicts keyed by `COLUMNS`) as .csv or .xlsx, re-readable by `read_roster`.

    CSV is UTF-8 with BOM and commas, which Excel opens directly. XLSX has a bold frozen header,
    NIP columns stored as text and dates as real dates. Both neutralise formula injection.
    """
    if fmt == "csv":
        return _write_csv(rows)
    if fmt == "xlsx":
        return _write_xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}")


def _write_csv(rows: Iterable[dict[str, object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        out = []
        for column in COLUMNS:
            value = _export_value(column, row.get(column))
            if isinstance(value, date):
                value = value.strftime("%d/%m/%Y")
            out.append("" if value is None else value)
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_xlsx(rows: Iterable[dict[str, object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pegawai")
    _prepare_sheet(sheet)
    sheet.append([_header_cell(sheet, column) for column in COLUMNS])
    text_indices = [i for i, column in enumerate(COLUMNS) if column in _TEXT_COLUMNS]
    for row in rows:
        out: list[object] = [_export_value(column, row.get(column)) for column in COLUMNS]
        for i, value in enumerate(out):
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = _DATE_FORMAT
                out[i] = cell
        for i in text_indices:
            # Typed as text, so re-entering a NIP in Excel does not turn it into a number.
            cell = WriteOnlyCell(sheet, out[i])
            cell.number_format = "@"
            out[i] = cell
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _prepare_sheet(sheet: Any) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column]


def _header_cell(sheet: Any, column: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, column)
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    return cell


# --------------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------------

_EXAMPLE_ROW: dict[str, object] = {
    # An invented person: NIP = born 15/04/1988, TMT CPNS 03/2014, male, serial 007.
    "NIP": "198804152014031007",
    "NAMA": "Rudi Hartono Saputra",
    "GELAR_DEPAN": "",
    "GELAR_BELAKANG": "S.Kom., M.T.",
    "JENIS_KELAMIN": "L",
    "TANGGAL_LAHIR": date(1988, 4, 15),
    "GOL_RUANG": "III/c",
    "JABATAN": "Pranata Komputer Ahli Muda",
    "JENIS_JABATAN": "Fungsional Ahli Muda",
    "UNIT_KERJA": "Dinas Komunikasi dan Informatika > Bidang Aplikasi Informatika",
    "NIP_ATASAN": "197903222005012004",
    "STATUS": "PNS",
    "EMAIL": "rudi.hartono@example.go.id",
}

# (column, what it holds, accepted forms); "required" comes from REQUIRED.
_GUIDE: tuple[tuple[str, str, str], ...] = (
    (
        "NIP",
        "NIP 18 digit (PNS) atau NI PPPK 18 digit, tanpa spasi.",
        "Format kolom sebagai Teks agar tiga digit terakhir tidak berubah menjadi 000. Contoh: 198804152014031007.",
    ),
    ("NAMA", "Nama lengkap tanpa gelar.", "Teks bebas, paling banyak 200 karakter."),
    ("GELAR_DEPAN", "Gelar di depan nama.", "Contoh: Dr., Ir., drg. Boleh dikosongkan."),
    ("GELAR_BELAKANG", "Gelar di belakang nama.", "Contoh: S.Kom., M.T. Boleh dikosongkan."),
    (
        "JENIS_KELAMIN",
        "Jenis kelamin.",
        "L atau P (juga: Laki-laki, Pria, Perempuan, Wanita). Harus sama dengan digit ke-15 NIP.",
    ),
    (
        "TANGGAL_LAHIR",
        "Tanggal lahir.",
        "dd/mm/yyyy (hari dulu), misalnya 15/04/1988, atau sel bertipe tanggal. Harus sama dengan 8 digit awal NIP.",
    ),
    (
        "GOL_RUANG",
        "Golongan ruang saat ini.",
        "PNS: I/a sampai IV/e, misalnya III/a (juga: III a, 3a). PPPK: I sampai XVII, misalnya IX (juga: 9).",
    ),
    ("JABATAN", "Nama jabatan.", "Contoh: Kepala Bidang Aplikasi Informatika, Pranata Komputer Ahli Muda."),
    (
        "JENIS_JABATAN",
        "Jenis jabatan.",
        "JPT Utama, JPT Madya, JPT Pratama, Administrator, Pengawas, Pelaksana, atau Fungsional "
        "dengan jenjangnya: Ahli Utama, Ahli Madya, Ahli Muda, Ahli Pertama, Penyelia, Mahir, "
        "Terampil, Pemula (misalnya Fungsional Ahli Muda).",
    ),
    (
        "UNIT_KERJA",
        "Unit kerja lengkap, dari perangkat daerah sampai unit terkecil.",
        "Nama unit dipisah tanda >, misalnya: Dinas Pendidikan > Bidang Pembinaan SD > Seksi Kurikulum.",
    ),
    (
        "NIP_ATASAN",
        "NIP atasan langsung.",
        "18 digit; format kolom sebagai Teks. Kosongkan bila tidak punya atasan di daftar ini "
        "(misalnya Sekretaris Daerah).",
    ),
    ("STATUS", "Status kepegawaian.", "PNS atau PPPK (CPNS juga diterima dan dicatat sebagai PNS)."),
    ("EMAIL", "Alamat email untuk masuk ke Terang.", "Contoh: nama@example.go.id. Boleh dikosongkan."),
)


def roster_template() -> bytes:
    """Blank roster .xlsx: frozen header, NIP columns as text, one invented example row, and a
    "Petunjuk" sheet explaining each column in Indonesian."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Pegawai"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS[column]
        # Column styles apply to cells the user fills in later.
        if column in _TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        elif column == "TANGGAL_LAHIR":
            sheet.column_dimensions[letter].number_format = _DATE_FORMAT
    sheet.append([_export_value(column, _EXAMPLE_ROW[column]) or None for column in COLUMNS])
    for cell in sheet[2]:
        column = COLUMNS[cell.column - 1]
        if column in _TEXT_COLUMNS:
            cell.number_format = "@"
        elif column == "TANGGAL_LAHIR":
            cell.number_format = _DATE_FORMAT
    _add_choices(sheet)

    guide = workbook.create_sheet("Petunjuk")
    guide.append(["Kolom", "Wajib", "Isi", "Bentuk yang diterima"])
    for cell in guide[1]:
        cell.font = _HEADER_FONT
    for column, meaning, forms in _GUIDE:
        guide.append([column, "Ya" if column in REQUIRED else "Tidak", meaning, forms])
    guide.append([])
    guide.append(
        [
            "Catatan",
            "",
            "Baris 1 adalah judul kolom; jangan diubah. Baris contoh (baris 2) boleh ditimpa.",
            "",
        ]
    )
    for letter, width in zip("ABCD", (18, 8, 48, 90), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_choices(sheet: Any) -> None:
    """Drop-down lists for the short coded columns; "warning" style, since other spellings are accepted."""
    choices = {
        "JENIS_KELAMIN": '"L,P"',
        "STATUS": '"PNS,PPPK"',
        "JENIS_JABATAN": '"JPT Utama,JPT Madya,JPT Pratama,Administrator,Pengawas,Pelaksana,'
        "Fungsional Ahli Utama,Fungsional Ahli Madya,Fungsional Ahli Muda,Fungsional Ahli Pertama,"
        'Fungsional Penyelia,Fungsional Mahir,Fungsional Terampil,Fungsional Pemula"',
    }
    for column, formula in choices.items():
        letter = get_column_letter(COLUMNS.index(column) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        validation.add(f"{letter}2:{letter}10000")
        sheet.add_data_validation(validation)
