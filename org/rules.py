"""Pure rules for civil-servant (ASN) identity data: NIP, golongan, jabatan and roster cell values.

No Django here: every function takes plain values and either returns a clean value or raises
`RuleError(code, params)`. `org.messages` turns codes into translated text. The rules follow
docs/domain.md §7 (NIP and ranks).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

NIP_LENGTH = 18
# A PNS NIP has the TMT month at positions 13–14 (01–12); NI PPPK puts the literal "21" there.
PPPK_MARKER = "21"
MIN_BIRTH_YEAR = 1900
# Civil servants may be appointed from 18 (UU 20/2023 and PP 11/2017 art. 23: minimum age 18).
MIN_APPOINTMENT_AGE = 18

Kind = Literal["PNS", "PPPK"]
Gender = Literal["L", "P"]


class RuleError(Exception):
    """A rule violation: a stable `code` plus the `params` its message needs.

    Codes are translated in `org.messages.ERROR_MESSAGES`; params are plain values (str, int,
    date, lists) so they can be stored as JSON next to an import report.
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(code, self.params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleError):
            return NotImplemented
        return (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)


# --------------------------------------------------------------------------------------------
# NIP
# --------------------------------------------------------------------------------------------

# Separators people type or paste into a NIP: ASCII and Unicode spaces (NBSP, narrow NBSP,
# zero-width space), dots, hyphens and dashes. A leading apostrophe is Excel's "store as text" mark.
_NIP_SEPARATORS = re.compile(r"[\s\u00a0\u202f\u2007\u200b\ufeff.\-\u2010-\u2015\u2212]+")


@dataclass(frozen=True, slots=True)
class NipInfo:
    """What an 18-digit NIP (PNS) or NI PPPK says about its holder (domain.md §7)."""

    nip: str
    kind: Kind
    birth_date: date
    tmt: date | None  # first day of the TMT CPNS month; PNS only
    appointment_year: int | None  # PPPK only
    gender: Gender
    serial: int
    warnings: tuple[RuleError, ...] = ()


def normalize_nip(raw: object) -> str:
    """Remove spaces (incl. NBSP), dots and dashes from a typed NIP; other characters are kept.

    Non-digit characters that remain are reported by `parse_nip` as `nip_not_digits`, so a
    letter O typed for a zero is not silently dropped.
    """
    if raw is None:
        return ""
    text = _NIP_SEPARATORS.sub("", str(raw))
    return text.removeprefix("'")


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_years(day: date, years: int) -> date:
    # 29 February plus N years falls on 1 March when the target year is not a leap year.
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_nip(raw: object, *, today: date | None = None) -> NipInfo:
    """Parse a PNS NIP or an NI PPPK (18 digits) and check it is internally consistent.

    Layout (domain.md §7, BKN): PNS ``YYYYMMDD`` birth + ``YYYYMM`` TMT CPNS + ``G`` + ``NNN``;
    PPPK ``YYYYMMDD`` birth + ``YYYY`` appointment year + ``21`` + ``G`` + ``NNN``. A TMT month
    can never be 21, so ``21`` at positions 13–14 identifies PPPK. ``G`` is 1 (male, L) or
    2 (female, P); the serial is never 000.

    Raises `RuleError` on the first hard error; soft findings (appointed before 18) go to
    ``NipInfo.warnings``.
    """
    today = today or date.today()
    nip = normalize_nip(raw)
    if not (nip.isascii() and nip.isdigit()):
        bad = sorted({ch for ch in nip if not (ch.isascii() and ch.isdigit())})
        if nip:
            raise RuleError("nip_not_digits", {"value": nip, "chars": "".join(bad)})
    if len(nip) != NIP_LENGTH:
        raise RuleError("nip_length", {"value": nip, "length": len(nip), "expected": NIP_LENGTH})

    birth = _real_date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if birth is None or birth.year < MIN_BIRTH_YEAR or birth > today:
        raise RuleError("nip_birth_date_invalid", {"value": nip[0:8], "nip": nip})

    gender_digit = nip[14]
    if gender_digit not in "12":
        raise RuleError("nip_gender_invalid", {"value": gender_digit, "nip": nip})
    serial = int(nip[15:18])
    if serial == 0:
        raise RuleError("nip_serial_zero", {"nip": nip})

    year = int(nip[8:12])
    warnings: list[RuleError] = []
    if nip[12:14] == PPPK_MARKER:
        if year < MIN_BIRTH_YEAR or year > today.year + 1:
            raise RuleError("nip_tmt_invalid", {"value": nip[8:12], "nip": nip, "kind": "PPPK"})
        if year <= birth.year:
            raise RuleError("nip_tmt_before_birth", {"nip": nip, "tmt": str(year), "birth_date": _fmt(birth)})
        if year < birth.year + MIN_APPOINTMENT_AGE:
            warnings.append(RuleError("nip_tmt_under_18", {"nip": nip, "tmt": str(year), "age": year - birth.year}))
        return NipInfo(nip, "PPPK", birth, None, year, _gender(gender_digit), serial, tuple(warnings))

    month = int(nip[12:14])
    tmt = _real_date(year, month, 1) if 1 <= month <= 12 else None
    if tmt is None or year < MIN_BIRTH_YEAR or year > today.year + 1:
        raise RuleError("nip_tmt_invalid", {"value": nip[8:14], "nip": nip, "kind": "PNS"})
    # TMT is a month: it must start after the birth month.
    if tmt <= birth.replace(day=1):
        raise RuleError("nip_tmt_before_birth", {"nip": nip, "tmt": tmt.strftime("%m/%Y"), "birth_date": _fmt(birth)})
    if tmt < _add_years(birth, MIN_APPOINTMENT_AGE).replace(day=1):
        age = tmt.year - birth.year - ((tmt.month, tmt.day) < (birth.month, birth.day))
        warnings.append(RuleError("nip_tmt_under_18", {"nip": nip, "tmt": tmt.strftime("%m/%Y"), "age": age}))
    return NipInfo(nip, "PNS", birth, tmt, None, _gender(gender_digit), serial, tuple(warnings))


def _gender(digit: str) -> Gender:
    return "L" if digit == "1" else "P"


def check_nip_matches(
    info: NipInfo, *, birth_date: date | None, gender: str | None, status: str | None
) -> list[RuleError]:
    """Compare a parsed NIP with the other columns of the same record.

    The NIP is issued by BKN and encodes birth date, gender and PNS/PPPK (domain.md §7); a
    disagreement means one of them was typed wrongly. ``None`` skips that comparison.
    """
    errors: list[RuleError] = []
    if birth_date is not None and birth_date != info.birth_date:
        errors.append(
            RuleError(
                "nip_birth_date_mismatch",
                {"nip": info.nip, "nip_date": _fmt(info.birth_date), "column_date": _fmt(birth_date)},
            )
        )
    if gender is not None and gender != info.gender:
        errors.append(RuleError("nip_gender_mismatch", {"nip": info.nip, "nip_gender": info.gender, "gender": gender}))
    if status is not None and status != info.kind:
        errors.append(RuleError("nip_status_mismatch", {"nip": info.nip, "nip_kind": info.kind, "status": status}))
    return errors


# --------------------------------------------------------------------------------------------
# Golongan (PNS I/a–IV/e, PPPK I–XVII)
# --------------------------------------------------------------------------------------------

_PNS_ROMANS = ("I", "II", "III", "IV")
_PNS_LETTERS = {"I": "abcd", "II": "abcd", "III": "abcd", "IV": "abcde"}

PANGKAT: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
PNS_GOLONGAN: tuple[str, ...] = tuple(PANGKAT)

_PPPK_ROMANS = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip
PPPK_GOLONGAN: tuple[str, ...] = _PPPK_ROMANS

_PNS_GOL = re.compile(r"(IV|III|II|I|[1-4])([A-E])")
_GOL_PREFIX = re.compile(r"^(?:GOLONGAN|GOL)(?:\s*RUANG)?\b\.?\s*", re.IGNORECASE)
# "Tingkat I" is often shortened to "Tk. I". Longest names first, so "Penata Muda Tingkat I"
# wins over "Penata Muda".
_PANGKAT_BY_NAME = {name.upper(): gol for gol, name in PANGKAT.items()}
_PANGKAT_NAME = re.compile(r"\b(" + "|".join(sorted(_PANGKAT_BY_NAME, key=len, reverse=True)) + r")\b")
_TINGKAT_SHORT = re.compile(r"\bTK\b\.?")
_GOL_SEPARATORS = re.compile(r"[\s/\\\-.,:;()\[\]]+")


def _clean_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return " ".join(str(raw).split())


def _parse_pns_golongan(text: str) -> str | None:
    upper = _TINGKAT_SHORT.sub("TINGKAT", text.upper())
    named: str | None = None
    if match := _PANGKAT_NAME.search(upper):
        named = _PANGKAT_BY_NAME[match.group(1)]
        upper = upper[: match.start()] + " " + upper[match.end() :]
    # Separators people use between the roman numeral and the letter, and around a pangkat name.
    code = _GOL_SEPARATORS.sub("", _GOL_PREFIX.sub("", upper.strip(" ,-()")))
    if not code:
        return named
    match = _PNS_GOL.fullmatch(code)
    if match is None:
        return None
    roman = match.group(1)
    if roman.isdigit():
        roman = _PNS_ROMANS[int(roman) - 1]
    letter = match.group(2).lower()
    if letter not in _PNS_LETTERS[roman]:
        return None
    canonical = f"{roman}/{letter}"
    if named is not None and named != canonical:
        return None
    return canonical


def _parse_pppk_golongan(text: str) -> str | None:
    code = re.sub(r"[\s.]+", "", _GOL_PREFIX.sub("", text.upper()))
    if code.isdigit():
        number = int(code)
        return _PPPK_ROMANS[number - 1] if 1 <= number <= len(_PPPK_ROMANS) else None
    return code if code in _PPPK_ROMANS else None


def parse_golongan(raw: object, status: str | None) -> str:
    """Return the canonical golongan: PNS "I/a" … "IV/e", PPPK "I" … "XVII" (domain.md §7).

    Accepts what HR types: "III/a", "III a", "IIIa", "3a", "3/a", "III-A", "Gol. III/a",
    "Penata Muda (III/a)"; for PPPK "IX", "9", "Gol. IX", "golongan 9". With ``status=None``
    the PNS form is tried first, then PPPK. Raises `RuleError("golongan_unknown")`.
    """
    text = _clean_text(raw)
    result: str | None = None
    if text:
        if status in ("PNS", None):
            result = _parse_pns_golongan(text)
        if result is None and status in ("PPPK", None):
            result = _parse_pppk_golongan(text)
    if result is None:
        raise RuleError(
            "golongan_unknown",
            {"value": text, "status": status or "", "expected": "I–XVII" if status == "PPPK" else "I/a–IV/e"},
        )
    return result


def golongan_code(canonical: str, status: str) -> int:
    """SIASN-style numeric code: PNS I/a = 11 … IV/e = 45; PPPK I = 1 … XVII = 17."""
    if status == "PNS" and canonical in PANGKAT:
        roman, letter = canonical.split("/")
        return (_PNS_ROMANS.index(roman) + 1) * 10 + "abcde".index(letter) + 1
    if status == "PPPK" and canonical in _PPPK_ROMANS:
        return _PPPK_ROMANS.index(canonical) + 1
    raise RuleError("golongan_unknown", {"value": canonical, "status": status, "expected": ""})


# --------------------------------------------------------------------------------------------
# Jenis jabatan (UU 20/2023: JPT, administrasi, fungsional)
# --------------------------------------------------------------------------------------------

POSITION_KINDS = (
    "JPT_UTAMA",
    "JPT_MADYA",
    "JPT_PRATAMA",
    "ADMINISTRATOR",
    "PENGAWAS",
    "PELAKSANA",
    "FUNGSIONAL",
)
FUNGSIONAL_GRADES = (
    "AHLI_UTAMA", "AHLI_MADYA", "AHLI_MUDA", "AHLI_PERTAMA",
    "PENYELIA", "MAHIR", "TERAMPIL", "PEMULA",
)  # fmt: skip

_JPT = re.compile(r"(?:jpt|jabatan pimpinan tinggi|pimpinan tinggi)\s+(utama|madya|pratama)")
_EXACT_KINDS = {
    "administrator": "ADMINISTRATOR",
    "jabatan administrator": "ADMINISTRATOR",
    "pengawas": "PENGAWAS",
    "jabatan pengawas": "PENGAWAS",
    "pelaksana": "PELAKSANA",
    "jabatan pelaksana": "PELAKSANA",
    # JFU (fungsional umum) was renamed pelaksana by PermenPANRB 41/2018.
    "jfu": "PELAKSANA",
    "fungsional umum": "PELAKSANA",
    "jabatan fungsional umum": "PELAKSANA",
    "staf": "PELAKSANA",
    "staff": "PELAKSANA",
    # Equalisation of echelons (PermenPANRB 17/2021): II → JPT Pratama, III → administrator, IV → pengawas.
    # Eselon I is left out: I.a may be JPT Utama or Madya.
    "eselon ii": "JPT_PRATAMA",
    "eselon iia": "JPT_PRATAMA",
    "eselon ii a": "JPT_PRATAMA",
    "eselon ii b": "JPT_PRATAMA",
    "eselon iib": "JPT_PRATAMA",
    "eselon iii": "ADMINISTRATOR",
    "eselon iiia": "ADMINISTRATOR",
    "eselon iii a": "ADMINISTRATOR",
    "eselon iiib": "ADMINISTRATOR",
    "eselon iii b": "ADMINISTRATOR",
    "eselon iv": "PENGAWAS",
    "eselon iva": "PENGAWAS",
    "eselon iv a": "PENGAWAS",
    "eselon ivb": "PENGAWAS",
    "eselon iv b": "PENGAWAS",
}
_GRADE = re.compile(r"(?:^|\s)(ahli utama|ahli madya|ahli muda|ahli pertama|penyelia|mahir|terampil|pemula)$")
_FUNGSIONAL_ONLY = re.compile(
    r"(?:jabatan\s+)?(?:jf|jft|jfk|fungsional)(?:\s+tertentu)?(?:\s+(?:keahlian|keterampilan|ahli))?"
)


def parse_jenis_jabatan(raw: object) -> tuple[str, str]:
    """Return ``(kind, grade)``; grade is "" except for FUNGSIONAL (UU 20/2023 art. 17–19).

    Accepts "JPT Pratama", "Jabatan Pimpinan Tinggi Pratama", "Administrator", "Pengawas",
    "Pelaksana", "JFU", "Fungsional Ahli Muda", "JF Ahli Pertama", "Fungsional Terampil",
    "Ahli Muda", and a full fungsional title ending in its grade ("Pengawas Sekolah Ahli Madya").
    Raises `jenis_jabatan_unknown`, or `fungsional_grade_missing` for "Fungsional" alone.
    """
    text = " ".join(re.sub(r"[^0-9a-z]+", " ", _clean_text(raw).lower()).split())
    if text in _EXACT_KINDS:
        return _EXACT_KINDS[text], ""
    jpt = _JPT.fullmatch(text)
    if jpt:
        return "JPT_" + jpt.group(1).upper(), ""
    grade = _GRADE.search(text)
    if grade:
        return "FUNGSIONAL", grade.group(1).replace(" ", "_").upper()
    if text and _FUNGSIONAL_ONLY.fullmatch(text):
        raise RuleError("fungsional_grade_missing", {"value": _clean_text(raw)})
    raise RuleError("jenis_jabatan_unknown", {"value": _clean_text(raw)})


# --------------------------------------------------------------------------------------------
# Other cells
# --------------------------------------------------------------------------------------------

_GENDERS = {
    "l": "L",
    "lk": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "laki": "L",
    "pria": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
}


def parse_gender(raw: object) -> Gender:
    """Return "L" or "P" from L/P, Laki-laki, Pria, Perempuan, Wanita (any case)."""
    key = " ".join(re.sub(r"[^a-z]+", " ", _clean_text(raw).lower()).split())
    if key in _GENDERS:
        return _GENDERS[key]  # type: ignore[return-value]
    raise RuleError("gender_invalid", {"value": _clean_text(raw)})


_STATUSES = {
    "pns": "PNS",
    "cpns": "PNS",  # a CPNS already holds the NIP of the PNS form
    "calon pns": "PNS",
    "pegawai negeri sipil": "PNS",
    "calon pegawai negeri sipil": "PNS",
    "pppk": "PPPK",
    "p3k": "PPPK",
    "pppk paruh waktu": "PPPK",
    "pegawai pemerintah dengan perjanjian kerja": "PPPK",
}


def parse_status(raw: object) -> Kind:
    """Return "PNS" (also for CPNS) or "PPPK" (UU 20/2023 art. 6)."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", _clean_text(raw).lower()).split())
    key = key.removeprefix("asn ")
    if key in _STATUSES:
        return _STATUSES[key]  # type: ignore[return-value]
    raise RuleError("status_invalid", {"value": _clean_text(raw)})


# Excel's 1900 date system counts 1900-02-29, which never existed (the Lotus 1-2-3 bug):
# serial 60 is that phantom day and serials from 61 on are one day ahead.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTHNAME_YEAR = re.compile(r"(\d{1,2})[\s\-]+([a-z]+)\.?[\s\-]+(\d{4})")


def parse_date(value: object) -> date:
    """Return a date from a spreadsheet cell.

    Accepts `date`/`datetime`, Excel serial numbers (1900 system; 29221 is 01/01/1980),
    "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy", ISO "yyyy-mm-dd" and "1 Januari 1980".
    Day comes first: US "mm/dd/yyyy" is not accepted. Raises `date_invalid` for a date that does
    not exist and `date_format` for text in another shape.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_excel_serial(value)
    text = _clean_text(value)
    if not text:
        raise RuleError("date_format", {"value": text})
    parts: tuple[int, int, int] | None = None
    if match := _DMY.fullmatch(text):
        parts = int(match.group(4)), int(match.group(3)), int(match.group(1))
    elif match := _ISO.fullmatch(text):
        parts = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif (match := _DAY_MONTHNAME_YEAR.fullmatch(text.lower())) and match.group(2) in _MONTHS:
        parts = int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1))
    if parts is None:
        raise RuleError("date_format", {"value": text})
    day = _real_date(*parts)
    if day is None:
        raise RuleError("date_invalid", {"value": text})
    return day


def _from_excel_serial(serial: float) -> date:
    if not math.isfinite(serial):
        raise RuleError("date_invalid", {"value": str(serial)})
    whole = int(serial)  # the fraction is the time of day
    if whole < 1 or whole > _EXCEL_MAX_SERIAL or whole == 60:
        raise RuleError("date_invalid", {"value": str(serial)})
    if whole < 60:
        return _EXCEL_EPOCH + timedelta(days=whole + 1)
    return _EXCEL_EPOCH + timedelta(days=whole)


# Deliberately basic (RFC 5321 lengths, one @, a dot in the domain): the address is confirmed
# by sending mail to it, not by a regex.
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+"
)


def parse_email(raw: object) -> str:
    """Return the address lower-cased, "" when empty; raise `email_invalid` on bad syntax."""
    text = _clean_text(raw)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.lower()
    if not text:
        return ""
    local, _, domain = text.rpartition("@")
    valid = (
        _EMAIL.fullmatch(text) is not None
        and len(text) <= 254
        and len(local) <= 64
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
        and not domain.rsplit(".", 1)[-1].isdigit()
    )
    if not valid:
        raise RuleError("email_invalid", {"value": text})
    return text
