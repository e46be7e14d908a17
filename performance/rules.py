"""Pure rules of the performance cycle: PermenPANRB 6/2022 (docs/domain.md §1), PP 30/2019 Pasal 59
(objections) and PermenPANRB 1/2023 with PerBKN 3/2023 (credit points).

No Django and no I/O: plain values in, plain values out. Every number that the regulation text does
not fix (domain.md marks it [M]) or that Terang chose itself is a parameter with a documented
default: a frozen rule dataclass, a mapping, or JSON-ready data, so a changed regulation is a change
of configuration, not of code. Enum values equal the `TextChoices` values in `performance.models`,
and every function also accepts the plain stored strings (`"DI_ATAS"`).

Arithmetic is exact (`Fraction`/`Decimal`, never float); rounding is ROUND_HALF_UP.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any


class RuleSetError(ValueError):
    """Rule settings (quotas, thresholds) given as data are malformed; the message names the key."""


# --------------------------------------------------------------------------------------------
# Levels and predikat
# --------------------------------------------------------------------------------------------


class Level(StrEnum):
    """A rating against the leader's expectation: of work results, of behaviour, of one indicator or RHK."""

    DI_ATAS = "DI_ATAS"
    SESUAI = "SESUAI"
    DI_BAWAH = "DI_BAWAH"


class Predikat(StrEnum):
    """The employee's predikat kinerja. KURANG is the regulation's "Kurang/Misconduct"."""

    SANGAT_BAIK = "SANGAT_BAIK"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"


class OrgPredikat(StrEnum):
    """The unit's predikat (capaian kinerja organisasi); it picks the distribution pattern."""

    ISTIMEWA = "ISTIMEWA"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"


LEVEL_ORDER: tuple[Level, ...] = (Level.DI_ATAS, Level.SESUAI, Level.DI_BAWAH)  # best to worst
PREDIKAT_ORDER: tuple[Predikat, ...] = tuple(Predikat)  # best to worst
_LEVEL_RANK = {Level.DI_BAWAH: 0, Level.SESUAI: 1, Level.DI_ATAS: 2}

# (work result, behaviour) -> predikat; the matrix of the Lampiran, domain.md §1 [C].
PREDIKAT_MATRIX: Mapping[tuple[Level, Level], Predikat] = MappingProxyType(
    {
        (Level.DI_ATAS, Level.DI_BAWAH): Predikat.KURANG,
        (Level.DI_ATAS, Level.SESUAI): Predikat.BAIK,
        (Level.DI_ATAS, Level.DI_ATAS): Predikat.SANGAT_BAIK,
        (Level.SESUAI, Level.DI_BAWAH): Predikat.KURANG,
        (Level.SESUAI, Level.SESUAI): Predikat.BAIK,
        (Level.SESUAI, Level.DI_ATAS): Predikat.BAIK,
        (Level.DI_BAWAH, Level.DI_BAWAH): Predikat.SANGAT_KURANG,
        (Level.DI_BAWAH, Level.SESUAI): Predikat.BUTUH_PERBAIKAN,
        (Level.DI_BAWAH, Level.DI_ATAS): Predikat.BUTUH_PERBAIKAN,
    }
)


def predikat(
    work: Level | str, behaviour: Level | str, matrix: Mapping[tuple[Level, Level], Predikat] = PREDIKAT_MATRIX
) -> Predikat:
    """The predikat for a work-result rating and a behaviour rating (PermenPANRB 6/2022, Lampiran)."""
    return matrix[(Level(work), Level(behaviour))]


# --------------------------------------------------------------------------------------------
# Number helpers
# --------------------------------------------------------------------------------------------


def _to_decimal(value: Any, name: str) -> Decimal:
    """A finite Decimal from a Decimal, int or decimal string (a float goes through its repr)."""
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    try:
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{name}: expected a decimal number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return result


def _to_fraction(value: Any, name: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str) and "/" in value:
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{name}: expected a fraction, got {value!r}") from None
    return Fraction(_to_decimal(value, name))


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero, computed exactly."""
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    digits = tuple(int(d) for d in str(units))
    return Decimal((1 if value < 0 and units else 0, digits, -places))


# --------------------------------------------------------------------------------------------
# Indicators and RHK
# --------------------------------------------------------------------------------------------


class Aspect(StrEnum):
    KUANTITAS = "KUANTITAS"
    KUALITAS = "KUALITAS"
    WAKTU = "WAKTU"
    BIAYA = "BIAYA"


class Direction(StrEnum):
    """Whether more is better (kuantitas, kualitas) or less is better (waktu, biaya)."""

    HIGHER_BETTER = "HIGHER_BETTER"
    LOWER_BETTER = "LOWER_BETTER"


_DEFAULT_QUALITATIVE_VALUE: Mapping[Level, Decimal] = MappingProxyType(
    {Level.DI_ATAS: Decimal("120"), Level.SESUAI: Decimal("100"), Level.DI_BAWAH: Decimal("80")}
)


@dataclass(frozen=True)
class AchievementRule:
    """How a capaian (achievement %) turns into a level. The regulation sets no numbers: all Terang's choice.

    - `above_at`: capaian at or above this is Di Atas (default 110).
    - `meets_at`: capaian at or above this is Sesuai, below it Di Bawah (default 100).
    - `cap`: capaian is shown and averaged capped at this, so one runaway indicator cannot carry an
      RHK (default 150).
    - `qualitative_value`: the nominal capaian of a kualitatif indicator that the pejabat penilai judged
      at a level, used when averaging an RHK (default Di Atas 120, Sesuai 100, Di Bawah 80).

    Requires 0 < meets_at <= above_at <= cap and a value for each level.
    """

    above_at: Decimal = Decimal("110")
    meets_at: Decimal = Decimal("100")
    cap: Decimal = Decimal("150")
    qualitative_value: Mapping[Level, Decimal] = field(default_factory=lambda: _DEFAULT_QUALITATIVE_VALUE, hash=False)

    def __post_init__(self) -> None:
        for name in ("above_at", "meets_at", "cap"):
            try:
                object.__setattr__(self, name, _to_decimal(getattr(self, name), name))
            except ValueError as error:
                raise RuleSetError(str(error)) from None
        if not Decimal(0) < self.meets_at <= self.above_at <= self.cap:
            raise RuleSetError(
                f"achievement rule: need 0 < meets_at <= above_at <= cap, got meets_at={self.meets_at}, "
                f"above_at={self.above_at}, cap={self.cap}"
            )
        if not isinstance(self.qualitative_value, Mapping):
            raise RuleSetError("qualitative_value: expected a mapping of level to capaian")
        values: dict[Level, Decimal] = {}
        for key, value in self.qualitative_value.items():
            try:
                level = Level(key)
                values[level] = _to_decimal(value, f"qualitative_value.{key}")
            except ValueError as error:
                raise RuleSetError(f"qualitative_value: {error}") from None
            if values[level] < 0:
                raise RuleSetError(f"qualitative_value.{key}: must not be negative, got {value!r}")
        missing = [level.value for level in Level if level not in values]
        if missing:
            raise RuleSetError(f"qualitative_value: missing {', '.join(missing)}")
        object.__setattr__(self, "qualitative_value", MappingProxyType(values))

    def to_data(self) -> dict[str, Any]:
        """JSON-ready settings; `parse_achievement_rule` reads them back."""
        return {
            "above_at": str(self.above_at),
            "meets_at": str(self.meets_at),
            "cap": str(self.cap),
            "qualitative_value": {level.value: str(value) for level, value in self.qualitative_value.items()},
        }


DEFAULT_ACHIEVEMENT_RULE = AchievementRule()


def parse_achievement_rule(data: Mapping[str, Any]) -> AchievementRule:
    """An AchievementRule from stored settings; missing keys keep their default, `{}` gives the defaults."""
    if not isinstance(data, Mapping):
        raise RuleSetError("achievement rule: expected an object")
    known = {"above_at", "meets_at", "cap", "qualitative_value"}
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise RuleSetError(f"achievement rule: unknown key {', '.join(unknown)}")
    return AchievementRule(**data)


def indicator_capaian(
    target: Decimal | int | str,
    realisation: Decimal | int | str,
    direction: Direction | str,
    rule: AchievementRule = DEFAULT_ACHIEVEMENT_RULE,
) -> Decimal | None:
    """The capaian (%) of a kuantitatif indicator, capped at `rule.cap`, rounded to 2 decimals.

    HIGHER_BETTER: realisation / target × 100. LOWER_BETTER (waktu, biaya): target / realisation × 100,
    and a realisation of 0 against a positive target earns the cap. A target of 0 gives None: the
    capaian cannot be computed and the page must say so. Negative numbers raise ValueError.
    """
    target = _to_decimal(target, "target")
    realisation = _to_decimal(realisation, "realisation")
    direction = Direction(direction)
    if target < 0 or realisation < 0:
        raise ValueError(f"target and realisation must not be negative, got {target} and {realisation}")
    if target == 0:
        return None
    cap = Fraction(rule.cap)
    if direction is Direction.HIGHER_BETTER:
        ratio = Fraction(realisation) * 100 / Fraction(target)
    elif realisation == 0:
        ratio = cap
    else:
        ratio = Fraction(target) * 100 / Fraction(realisation)
    return _round_half_up(min(ratio, cap), 2)


def level_from_capaian(capaian: Decimal | int | str, rule: AchievementRule = DEFAULT_ACHIEVEMENT_RULE) -> Level:
    """Di Atas at or above `rule.above_at`, Sesuai at or above `rule.meets_at`, else Di Bawah."""
    capaian = _to_decimal(capaian, "capaian")
    if capaian < 0:
        raise ValueError(f"capaian must not be negative, got {capaian}")
    if capaian >= rule.above_at:
        return Level.DI_ATAS
    if capaian >= rule.meets_at:
        return Level.SESUAI
    return Level.DI_BAWAH


@dataclass(frozen=True)
class IndicatorResult:
    """The result of one indicator or RHK: both None when there is no realisation yet.

    A kuantitatif indicator has a capaian (and its level); a kualitatif one has only the level the
    pejabat penilai judged.
    """

    capaian: Decimal | None = None
    level: Level | None = None

    def __post_init__(self) -> None:
        if self.level is not None:
            object.__setattr__(self, "level", Level(self.level))


def rhk_result(
    indicators: Iterable[IndicatorResult], rule: AchievementRule = DEFAULT_ACHIEVEMENT_RULE
) -> IndicatorResult:
    """An RHK's result: the mean capaian of its indicators and the level of that mean.

    Each indicator counts with its capaian capped at `rule.cap`; a kualitatif one (level, no capaian)
    counts as `rule.qualitative_value[level]`. Indicators without a result are skipped; with none at
    all the RHK has no result. The level is taken from the rounded mean, so the shown number and the
    shown level always agree.
    """
    cap = Fraction(rule.cap)
    values: list[Fraction] = []
    for indicator in indicators:
        if indicator.capaian is not None:
            values.append(min(Fraction(_to_decimal(indicator.capaian, "capaian")), cap))
        elif indicator.level is not None:
            values.append(min(Fraction(rule.qualitative_value[indicator.level]), cap))
    if not values:
        return IndicatorResult(None, None)
    capaian = _round_half_up(sum(values, Fraction(0)) / len(values), 2)
    return IndicatorResult(capaian, level_from_capaian(capaian, rule))


# --------------------------------------------------------------------------------------------
# Work-result rating suggestion
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkRatingRule:
    """How the regulation's words become shares of the UTAMA results (Terang's reading, configurable).

    - `majority`: "sebagian besar" means a share strictly above this (default 1/2).
    - `small_part`: "sebagian kecil" of the UTAMA results below expectation means a share of at
      most this (default 1/3).
    """

    majority: Fraction = Fraction(1, 2)
    small_part: Fraction = Fraction(1, 3)

    def __post_init__(self) -> None:
        for name in ("majority", "small_part"):
            try:
                value = _to_fraction(getattr(self, name), name)
            except ValueError as error:
                raise RuleSetError(str(error)) from None
            if not 0 <= value < 1:
                raise RuleSetError(f"{name}: must be at least 0 and below 1, got {value}")
            object.__setattr__(self, name, value)


DEFAULT_WORK_RATING_RULE = WorkRatingRule()

# Stable reason codes of `suggest_work_rating`, with the level each one gives.
WORK_SUGGESTION_REASONS: Mapping[str, Level] = MappingProxyType(
    {
        "majority_above_no_main_below": Level.DI_ATAS,
        "tie_above_lifted_by_tambahan": Level.DI_ATAS,
        "majority_above_but_main_below": Level.SESUAI,
        "majority_meets_small_part_below": Level.SESUAI,
        "tie_meets_lifted_by_tambahan": Level.SESUAI,
        "main_below_over_small_part": Level.DI_BAWAH,
        "no_majority_meets": Level.DI_BAWAH,
    }
)


@dataclass(frozen=True)
class WorkSuggestion:
    """A suggested work-result rating, its reason code, and the counts a page needs to explain it."""

    level: Level
    reason: str
    utama_total: int
    utama_above: int
    utama_meets: int
    utama_below: int
    tambahan_above: int
    tambahan_meets: int
    tambahan_below: int

    def to_data(self) -> dict[str, Any]:
        """JSON-ready copy (for `Evaluation.suggestion`)."""
        return {
            "level": self.level.value,
            "reason": self.reason,
            "utama_total": self.utama_total,
            "utama_above": self.utama_above,
            "utama_meets": self.utama_meets,
            "utama_below": self.utama_below,
            "tambahan_above": self.tambahan_above,
            "tambahan_meets": self.tambahan_meets,
            "tambahan_below": self.tambahan_below,
        }


def suggest_work_rating(
    rhk: Iterable[tuple[bool, Level | str]], rule: WorkRatingRule = DEFAULT_WORK_RATING_RULE
) -> WorkSuggestion | None:
    """Suggest the work-result rating from the levels of the RHK that have a result.

    `rhk` holds `(is_utama, level)` pairs. The regulation's wording (domain.md §1) is read on the
    UTAMA results, because they carry the job:

    - Di Atas: more than `rule.majority` of the UTAMA results above expectation, and none below.
    - Sesuai: more than `rule.majority` at or above expectation, and at most `rule.small_part` below.
    - Di Bawah: otherwise ("most or all below"; this includes the gap the wording leaves, e.g. 3
      above and 2 below, which is neither Di Atas nor Sesuai).

    TAMBAHAN results never lower the suggestion. Their only effect is a tie-break: when the UTAMA
    share sits exactly on the majority line (e.g. 2 of 4 above, none below), at least one TAMBAHAN
    result above expectation lifts it over the line. They never excuse an UTAMA result below
    expectation. Hence the suggestion never falls when a TAMBAHAN result is added or an UTAMA
    result improves. None when there is no UTAMA result at all: nothing to suggest.
    """
    counts = {(utama, level): 0 for utama in (True, False) for level in Level}
    for is_utama, level in rhk:
        counts[(bool(is_utama), Level(level))] += 1
    above, meets, below = (counts[(True, level)] for level in LEVEL_ORDER)
    total = above + meets + below
    if total == 0:
        return None
    lift = counts[(False, Level.DI_ATAS)] > 0

    def share(part: int) -> Fraction:
        return Fraction(part, total)

    def over_majority(part: int) -> bool:
        return share(part) > rule.majority or (lift and share(part) == rule.majority)

    if below == 0 and over_majority(above):
        level = Level.DI_ATAS
        reason = "majority_above_no_main_below" if share(above) > rule.majority else "tie_above_lifted_by_tambahan"
    elif share(below) <= rule.small_part and over_majority(above + meets):
        level = Level.SESUAI
        if over_majority(above):
            reason = "majority_above_but_main_below"
        elif share(above + meets) > rule.majority:
            reason = "majority_meets_small_part_below"
        else:
            reason = "tie_meets_lifted_by_tambahan"
    else:
        level = Level.DI_BAWAH
        reason = "main_below_over_small_part" if over_majority(above + meets) else "no_majority_meets"
    return WorkSuggestion(
        level=level,
        reason=reason,
        utama_total=total,
        utama_above=above,
        utama_meets=meets,
        utama_below=below,
        tambahan_above=counts[(False, Level.DI_ATAS)],
        tambahan_meets=counts[(False, Level.SESUAI)],
        tambahan_below=counts[(False, Level.DI_BAWAH)],
    )


# --------------------------------------------------------------------------------------------
# Behaviour (BerAKHLAK), 360 input, justification
# --------------------------------------------------------------------------------------------

# The 7 core values with their 3 guidance lines (PermenPANRB 6/2022, Lampiran; domain.md §1 [C]).
BERAKHLAK: tuple[tuple[str, str, tuple[str, str, str]], ...] = (
    (
        "pelayanan",
        "Berorientasi Pelayanan",
        (
            "memahami dan memenuhi kebutuhan masyarakat",
            "ramah, cekatan, solutif, dan dapat diandalkan",
            "melakukan perbaikan tiada henti",
        ),
    ),
    (
        "akuntabel",
        "Akuntabel",
        (
            "melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan berintegritas tinggi",
            "menggunakan kekayaan dan BMN secara bertanggung jawab, efektif, dan efisien",
            "tidak menyalahgunakan kewenangan jabatan",
        ),
    ),
    (
        "kompeten",
        "Kompeten",
        (
            "meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
            "membantu orang lain belajar",
            "melaksanakan tugas dengan kualitas terbaik",
        ),
    ),
    (
        "harmonis",
        "Harmonis",
        (
            "menghargai setiap orang apapun latar belakangnya",
            "suka menolong orang lain",
            "membangun lingkungan kerja yang kondusif",
        ),
    ),
    (
        "loyal",
        "Loyal",
        (
            "memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta pemerintahan yang sah",
            "menjaga nama baik sesama ASN, pimpinan, instansi, dan negara",
            "menjaga rahasia jabatan dan negara",
        ),
    ),
    (
        "adaptif",
        "Adaptif",
        (
            "cepat menyesuaikan diri menghadapi perubahan",
            "terus berinovasi dan mengembangkan kreativitas",
            "bertindak proaktif",
        ),
    ),
    (
        "kolaboratif",
        "Kolaboratif",
        (
            "memberi kesempatan kepada berbagai pihak untuk berkontribusi",
            "terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
            "menggerakkan pemanfaatan berbagai sumberdaya untuk tujuan bersama",
        ),
    ),
)


BERAKHLAK_CODES: frozenset[str] = frozenset(code for code, _name, _lines in BERAKHLAK)


@dataclass(frozen=True)
class BehaviourRule:
    """`majority`: "most" of the BerAKHLAK values means a share strictly above this (default 1/2)."""

    majority: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        try:
            value = _to_fraction(self.majority, "majority")
        except ValueError as error:
            raise RuleSetError(str(error)) from None
        if not 0 <= value < 1:
            raise RuleSetError(f"majority: must be at least 0 and below 1, got {value}")
        object.__setattr__(self, "majority", value)


DEFAULT_BEHAVIOUR_RULE = BehaviourRule()


def suggest_behaviour_rating(values: Mapping[str, Level | str], rule: BehaviourRule = DEFAULT_BEHAVIOUR_RULE) -> Level:
    """The overall behaviour rating suggested by the per-value levels (keyed by BerAKHLAK code).

    Di Atas when more than `rule.majority` of the values are above and none below; Di Bawah when
    more than `rule.majority` are below; Sesuai otherwise. Raising any value never lowers the
    result. At least one value is required (ValueError otherwise).
    """
    levels = [Level(level) for level in values.values()]
    if not levels:
        raise ValueError("no behaviour value has been rated")
    above = Fraction(levels.count(Level.DI_ATAS), len(levels))
    below = Fraction(levels.count(Level.DI_BAWAH), len(levels))
    if below == 0 and above > rule.majority:
        return Level.DI_ATAS
    if below > rule.majority:
        return Level.DI_BAWAH
    return Level.SESUAI


# Fewer answers than this are not shown at all, so no single respondent can be recognised.
MIN_360_RESPONSES = 3


def peer_consensus(levels: Sequence[Level | str], minimum: int = MIN_360_RESPONSES) -> Level | None:
    """The median of the 360 answers (Di Bawah < Sesuai < Di Atas); None with fewer than `minimum`.

    With an even count whose two middle answers differ, the result is Sesuai. Equivalently: Di Atas
    when more than half answered Di Atas, Di Bawah when more than half answered Di Bawah, else Sesuai.
    """
    if minimum < 1:
        raise ValueError(f"minimum must be at least 1, got {minimum}")
    ordered = sorted((Level(level) for level in levels), key=_LEVEL_RANK.__getitem__)
    if len(ordered) < minimum:
        return None
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return low if low == high else Level.SESUAI


def justification_required(
    given: Level | str, suggested: Level | str | None, peer: Level | str | None = None
) -> tuple[str, ...]:
    """Why the pejabat penilai must write a reason: "differs_from_suggestion", "differs_from_360", or ()."""
    given = Level(given)
    codes = []
    if suggested is not None and Level(suggested) != given:
        codes.append("differs_from_suggestion")
    if peer is not None and Level(peer) != given:
        codes.append("differs_from_360")
    return tuple(codes)


# --------------------------------------------------------------------------------------------
# Distribution quotas by the organisation's predikat
# --------------------------------------------------------------------------------------------


class QuotaOp(StrEnum):
    """max/min: a share of the unit at most/at least; some: at least one person; none: no one."""

    MAX = "max"
    MIN = "min"
    SOME = "some"
    NONE = "none"


# The Lampiran's distribution patterns (domain.md §1 [C]) as plain, JSON-ready data. Treat it as
# read-only: `parse_distribution_rules` copies what it needs.
DEFAULT_DISTRIBUTION_RULES: dict[str, list[dict[str, Any]]] = {
    OrgPredikat.ISTIMEWA.value: [
        {"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.70"},
    ],
    OrgPredikat.BAIK.value: [
        {"predikat": ["BAIK"], "op": "max", "share": "0.70"},
        {"predikat": ["BUTUH_PERBAIKAN", "KURANG"], "op": "some"},
    ],
    OrgPredikat.BUTUH_PERBAIKAN.value: [
        {"predikat": ["BUTUH_PERBAIKAN"], "op": "min", "share": "0.60"},
        {"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.10"},
    ],
    OrgPredikat.KURANG.value: [
        {"predikat": ["KURANG"], "op": "min", "share": "0.60"},
        {"predikat": ["BUTUH_PERBAIKAN"], "op": "min", "share": "0.10"},
        {"predikat": ["SANGAT_BAIK"], "op": "max", "share": "0.10"},
    ],
    OrgPredikat.SANGAT_KURANG.value: [
        {"predikat": ["SANGAT_KURANG"], "op": "min", "share": "0.60"},
        {"predikat": ["KURANG", "BUTUH_PERBAIKAN"], "op": "min", "share": "0.10"},
        {"predikat": ["SANGAT_BAIK"], "op": "none"},
    ],
}


@dataclass(frozen=True)
class QuotaConstraint:
    """One constraint of a pattern: the people with any of `predikat`, bound by `op` (and `share`)."""

    predikat: tuple[Predikat, ...]
    op: QuotaOp
    share: Decimal | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"predikat": [p.value for p in self.predikat], "op": self.op.value}
        if self.share is not None:
            data["share"] = str(self.share)
        return data


@dataclass(frozen=True)
class DistributionRules:
    """Validated distribution patterns, one tuple of constraints per organisation predikat."""

    patterns: Mapping[OrgPredikat, tuple[QuotaConstraint, ...]] = field(hash=False)

    def for_org(self, org: OrgPredikat | str) -> tuple[QuotaConstraint, ...]:
        return self.patterns[OrgPredikat(org)]

    def to_data(self) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready copy in the shape of DEFAULT_DISTRIBUTION_RULES."""
        return {org.value: [c.to_data() for c in self.patterns[org]] for org in OrgPredikat}


def _parse_constraint(item: Any, where: str) -> QuotaConstraint:
    if not isinstance(item, Mapping):
        raise RuleSetError(f"{where}: expected an object with predikat, op and share")
    unknown = sorted(str(key) for key in item if key not in {"predikat", "op", "share"})
    if unknown:
        raise RuleSetError(f"{where}: unknown key {', '.join(unknown)}")

    values = item.get("predikat")
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        raise RuleSetError(f"{where}.predikat: expected a non-empty list of predikat, got {values!r}")
    parsed: list[Predikat] = []
    for value in values:
        if value not in Predikat.__members__.values():
            known = ", ".join(p.value for p in Predikat)
            raise RuleSetError(f"{where}.predikat: unknown predikat {value!r} (known: {known})")
        if Predikat(value) in parsed:
            raise RuleSetError(f"{where}.predikat: {value} is listed twice")
        parsed.append(Predikat(value))

    op_value = item.get("op")
    if op_value not in QuotaOp.__members__.values():
        known = ", ".join(op.value for op in QuotaOp)
        raise RuleSetError(f"{where}.op: unknown op {op_value!r} (known: {known})")
    op = QuotaOp(op_value)

    share: Decimal | None = None
    if op in (QuotaOp.MAX, QuotaOp.MIN):
        if "share" not in item:
            raise RuleSetError(f"{where}.share: required for op {op.value!r}")
        try:
            share = _to_decimal(item["share"], f"{where}.share")
        except ValueError as error:
            raise RuleSetError(str(error)) from None
        if not 0 <= share <= 1:
            raise RuleSetError(f"{where}.share: must be between 0 and 1, got {item['share']!r}")
    elif "share" in item:
        raise RuleSetError(f"{where}.share: not allowed for op {op.value!r}")
    return QuotaConstraint(tuple(parsed), op, share)


def parse_distribution_rules(data: Mapping[str, Any]) -> DistributionRules:
    """Validate distribution patterns given as data (e.g. `Period.distribution_rules`).

    Keys are OrgPredikat values, each a list of `{"predikat": [...], "op": "max"|"min"|"some"|"none",
    "share": "0.70"}`; `share` is a decimal in [0, 1], given for max/min only. A missing org predikat
    keeps its default pattern, so `{}` means the Lampiran's defaults. Raises RuleSetError naming the key.
    """
    if not isinstance(data, Mapping):
        raise RuleSetError("distribution rules: expected an object keyed by organisation predikat")
    unknown = [key for key in data if key not in OrgPredikat.__members__.values()]
    if unknown:
        known = ", ".join(org.value for org in OrgPredikat)
        raise RuleSetError(f"distribution rules: unknown organisation predikat {unknown[0]!r} (known: {known})")
    patterns: dict[OrgPredikat, tuple[QuotaConstraint, ...]] = {}
    for org in OrgPredikat:
        items = data.get(org.value, DEFAULT_DISTRIBUTION_RULES[org.value])
        if isinstance(items, (str, Mapping)) or not isinstance(items, Sequence):
            raise RuleSetError(f"{org.value}: expected a list of constraints")
        patterns[org] = tuple(_parse_constraint(item, f"{org.value}[{i}]") for i, item in enumerate(items))
    return DistributionRules(MappingProxyType(patterns))


DEFAULT_DISTRIBUTION = parse_distribution_rules(DEFAULT_DISTRIBUTION_RULES)


@dataclass(frozen=True)
class Limit:
    """A constraint turned into a head count for a unit of `total` people.

    `allowed` is the most people who may have those predikat (max, none), `needed` the fewest who
    must (min, some); the other is None.
    """

    org_predikat: OrgPredikat
    predikat: tuple[Predikat, ...]
    op: QuotaOp
    share: Decimal | None
    total: int
    allowed: int | None = None
    needed: int | None = None

    def holds(self, count: int) -> bool:
        if self.allowed is not None and count > self.allowed:
            return False
        return not (self.needed is not None and count < self.needed)


@dataclass(frozen=True)
class Violation:
    """A broken constraint: `count` people have those predikat now, against `allowed` or `needed`."""

    org_predikat: OrgPredikat
    predikat: tuple[Predikat, ...]
    op: QuotaOp
    share: Decimal | None
    count: int
    allowed: int | None
    needed: int | None
    total: int


def _rules(rules: DistributionRules | Mapping[str, Any] | None) -> DistributionRules:
    if rules is None:
        return DEFAULT_DISTRIBUTION
    if isinstance(rules, DistributionRules):
        return rules
    return parse_distribution_rules(rules)


def quota_limits(
    total: int, org: OrgPredikat | str, rules: DistributionRules | Mapping[str, Any] | None = None
) -> list[Limit]:
    """The head-count bound of each constraint for a unit of `total` people, in exact arithmetic.

    max: floor(share × total) allowed; min: ceil(share × total) needed; some: at least one (none
    needed in an empty unit); none: 0 allowed. `rules` defaults to the Lampiran's patterns.
    """
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError(f"total must be a whole number of people, got {total!r}")
    org = OrgPredikat(org)
    limits = []
    for constraint in _rules(rules).for_org(org):
        allowed = needed = None
        if constraint.op is QuotaOp.MAX:
            allowed = math.floor(Fraction(constraint.share) * total)
        elif constraint.op is QuotaOp.MIN:
            needed = math.ceil(Fraction(constraint.share) * total)
        elif constraint.op is QuotaOp.SOME:
            needed = min(1, total)
        else:
            allowed = 0
        limits.append(
            Limit(org, constraint.predikat, constraint.op, constraint.share, total, allowed=allowed, needed=needed)
        )
    return limits


def check_distribution(
    counts: Mapping[Predikat | str, int],
    org: OrgPredikat | str,
    rules: DistributionRules | Mapping[str, Any] | None = None,
) -> list[Violation]:
    """The constraints of `org`'s pattern that `counts` (people per predikat) break; [] when all hold.

    Missing predikat count as 0; the unit's size is the sum of the counts.
    """
    people = dict.fromkeys(Predikat, 0)
    for key, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count of {key}: expected a whole number of people, got {count!r}")
        people[Predikat(key)] += count
    total = sum(people.values())
    violations = []
    for limit in quota_limits(total, org, rules):
        count = sum(people[p] for p in limit.predikat)
        if not limit.holds(count):
            violations.append(
                Violation(
                    limit.org_predikat, limit.predikat, limit.op, limit.share, count, limit.allowed, limit.needed, total
                )
            )
    return violations


# A unit head's work-result rating is the unit's result (domain.md §1); this mapping is [M].
UNIT_HEAD_WORK_LEVEL: Mapping[OrgPredikat, Level] = MappingProxyType(
    {
        OrgPredikat.ISTIMEWA: Level.DI_ATAS,
        OrgPredikat.BAIK: Level.SESUAI,
        OrgPredikat.BUTUH_PERBAIKAN: Level.DI_BAWAH,
        OrgPredikat.KURANG: Level.DI_BAWAH,
        OrgPredikat.SANGAT_KURANG: Level.DI_BAWAH,
    }
)


# --------------------------------------------------------------------------------------------
# Credit points of functional posts (PermenPANRB 1/2023, PerBKN 3/2023)
# --------------------------------------------------------------------------------------------

DEFAULT_PREDIKAT_FACTOR: Mapping[Predikat, Decimal] = MappingProxyType(
    {
        Predikat.SANGAT_BAIK: Decimal("1.50"),
        Predikat.BAIK: Decimal("1.00"),
        Predikat.BUTUH_PERBAIKAN: Decimal("0.75"),
        Predikat.KURANG: Decimal("0.50"),
        Predikat.SANGAT_KURANG: Decimal("0.25"),
    }
)

# Annual coefficient by grade; keys are the grade codes of org.rules.FUNGSIONAL_GRADES.
DEFAULT_GRADE_COEFFICIENT: Mapping[str, Decimal] = MappingProxyType(
    {
        "AHLI_UTAMA": Decimal("50"),
        "AHLI_MADYA": Decimal("37.5"),
        "AHLI_MUDA": Decimal("25"),
        "AHLI_PERTAMA": Decimal("12.5"),
        "PENYELIA": Decimal("25"),
        "MAHIR": Decimal("12.5"),
        "TERAMPIL": Decimal("5"),
        "PEMULA": Decimal("3.75"),
    }
)


def credit_points(
    grade: str,
    predikat: Predikat | str,
    months: int = 12,
    coefficients: Mapping[str, Decimal] = DEFAULT_GRADE_COEFFICIENT,
    factors: Mapping[Predikat, Decimal] = DEFAULT_PREDIKAT_FACTOR,
) -> Decimal:
    """Angka kredit earned: coefficient × predikat factor × months / 12, rounded to 3 decimals.

    `months` (1–12) prorates a partial year. An unknown grade raises ValueError.
    """
    if grade not in coefficients:
        raise ValueError(f"unknown functional grade {grade!r} (known: {', '.join(coefficients)})")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 12:
        raise ValueError(f"months must be a whole number from 1 to 12, got {months!r}")
    factor = factors[Predikat(predikat)]
    value = Fraction(coefficients[grade]) * Fraction(factor) * Fraction(months, 12)
    return _round_half_up(value, 3)


# --------------------------------------------------------------------------------------------
# Periods and deadlines
# --------------------------------------------------------------------------------------------


class Scheme(StrEnum):
    """Periodic evaluations: quarterly (the official example) or by semester (schools). [M]"""

    TRIWULAN = "TRIWULAN"
    SEMESTER = "SEMESTER"


@dataclass(frozen=True)
class Slice:
    """One periodic evaluation inside a year, inclusive of both dates."""

    code: str
    label: str
    start: date
    end: date


_ROMAN = ("I", "II", "III", "IV")
_SCHEME_SLICES = {Scheme.TRIWULAN: ("TW", "Triwulan", 3), Scheme.SEMESTER: ("S", "Semester", 6)}


def period_slices(year: int, scheme: Scheme | str) -> list[Slice]:
    """The slices of `year` in order (TW1–TW4 or S1–S2), covering 1 January to 31 December without gaps."""
    prefix, label, months = _SCHEME_SLICES[Scheme(scheme)]
    slices = []
    for index in range(12 // months):
        start = date(year, index * months + 1, 1)
        end_month = start.month + months - 1
        end = date(year, 12, 31) if end_month == 12 else date(year, end_month + 1, 1) - timedelta(days=1)
        slices.append(Slice(f"{prefix}{index + 1}", f"{label} {_ROMAN[index]}", start, end))
    return slices


# PP 30/2019 Pasal 59: an objection is filed within 14 days; counted in calendar days.
OBJECTION_DAYS = 14


def objection_deadline(published_on: date, days: int = OBJECTION_DAYS) -> date:
    """The last day to file an objection: `days` after publication (a filing that day is on time)."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return published_on + timedelta(days=days)


def objection_open(published_on: date, today: date, days: int = OBJECTION_DAYS) -> bool:
    """Whether an objection may be filed today: from the publication day through the deadline."""
    return published_on <= today <= objection_deadline(published_on, days)


# Predikat that open a follow-up: development, reassignment (PP 30/2019 Pasal 56–58).
FOLLOW_UP_PREDIKAT: frozenset[Predikat] = frozenset({Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG})
