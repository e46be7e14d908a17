"""Tests for org.rules: NIP parsing (property-based) and cell parsers (examples per error code)."""

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from org.rules import (
    PANGKAT,
    NipInfo,
    RuleError,
    check_nip_matches,
    golongan_code,
    normalize_nip,
    parse_date,
    parse_email,
    parse_gender,
    parse_golongan,
    parse_jenis_jabatan,
    parse_nip,
    parse_status,
)

TODAY = date(2026, 6, 1)


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(RuleError) as info:
        call(*args, **kwargs)
    return info.value.code


# --------------------------------------------------------------------------------------------
# NIP strategies
# --------------------------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2006, 12, 31))
genders = st.sampled_from("12")
serials = st.integers(min_value=1, max_value=999)


@st.composite
def pns_nips(draw):
    """A valid PNS NIP with a TMT at 18 or older, not after TODAY's year."""
    birth = draw(birth_dates.filter(lambda d: d.year + 18 <= TODAY.year - 1))
    year = draw(st.integers(min_value=birth.year + 19, max_value=TODAY.year))
    month = draw(st.integers(min_value=1, max_value=12))
    gender, serial = draw(genders), draw(serials)
    nip = f"{birth:%Y%m%d}{year:04d}{month:02d}{gender}{serial:03d}"
    return nip, birth, date(year, month, 1), gender, serial


@st.composite
def pppk_nips(draw):
    birth = draw(birth_dates.filter(lambda d: d.year + 18 <= TODAY.year))
    year = draw(st.integers(min_value=max(2019, birth.year + 18), max_value=TODAY.year))
    gender, serial = draw(genders), draw(serials)
    return f"{birth:%Y%m%d}{year:04d}21{gender}{serial:03d}", birth, year, gender, serial


@given(pns_nips())
def test_every_valid_pns_nip_parses_and_round_trips(case):
    nip, birth, tmt, gender, serial = case
    info = parse_nip(nip, today=TODAY)
    assert info == NipInfo(nip, "PNS", birth, tmt, None, "L" if gender == "1" else "P", serial, ())


@given(pppk_nips())
def test_every_valid_pppk_nip_parses_and_round_trips(case):
    nip, birth, year, gender, serial = case
    info = parse_nip(nip, today=TODAY)
    assert (info.kind, info.birth_date, info.appointment_year, info.tmt) == ("PPPK", birth, year, None)
    assert (info.gender, info.serial, info.warnings) == ("L" if gender == "1" else "P", serial, ())


@given(pns_nips(), st.sampled_from("03456789"))
def test_any_gender_digit_other_than_1_or_2_is_refused(case, digit):
    nip = case[0]
    assert code_of(parse_nip, nip[:14] + digit + nip[15:], today=TODAY) == "nip_gender_invalid"


@given(st.one_of(pns_nips(), pppk_nips()))
def test_serial_000_is_refused(case):
    nip = case[0]
    assert code_of(parse_nip, nip[:15] + "000", today=TODAY) == "nip_serial_zero"


@given(pns_nips(), st.integers(min_value=0, max_value=99).filter(lambda m: not 1 <= m <= 12 and m != 21))
def test_impossible_tmt_month_is_refused(case, month):
    nip = case[0]
    assert code_of(parse_nip, f"{nip[:12]}{month:02d}{nip[14:]}", today=TODAY) == "nip_tmt_invalid"


@settings(max_examples=200)
@given(
    st.one_of(pns_nips(), pppk_nips()),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=18),
            st.sampled_from([" ", "\u00a0", ".", "-", "\t", "\u2013", "  "]),
        ),
        max_size=6,
    ),
)
def test_separators_anywhere_are_normalised(case, inserts):
    nip = case[0]
    typed = nip
    for position, separator in sorted(inserts, reverse=True):
        typed = typed[:position] + separator + typed[position:]
    assert normalize_nip(typed) == nip
    assert parse_nip(typed, today=TODAY) == parse_nip(nip, today=TODAY)


@given(pns_nips(), st.integers(min_value=0, max_value=17), st.sampled_from("OolI,xA"))
def test_a_letter_in_place_of_a_digit_is_refused(case, position, letter):
    nip = case[0]
    assert code_of(parse_nip, nip[:position] + letter + nip[position + 1 :], today=TODAY) == "nip_not_digits"


# --------------------------------------------------------------------------------------------
# NIP examples, one per code
# --------------------------------------------------------------------------------------------


def test_domain_md_pppk_example_parses():
    info = parse_nip("199312282025212001", today=TODAY)
    assert (info.kind, info.birth_date, info.appointment_year, info.gender, info.serial) == (
        "PPPK",
        date(1993, 12, 28),
        2025,
        "P",
        1,
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("19800101200501100", "nip_length"),
        ("1980010120050110011", "nip_length"),
        ("", "nip_length"),
        ("19800101200501100A", "nip_not_digits"),
        ("١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١", "nip_not_digits"),  # Arabic-Indic digits are not NIP digits
        ("198002302005011001", "nip_birth_date_invalid"),  # 30 February
        ("189912312005011001", "nip_birth_date_invalid"),  # before 1900
        ("203001012050011001", "nip_birth_date_invalid"),  # in the future
        ("198001012005131001", "nip_tmt_invalid"),
        ("198001012005001001", "nip_tmt_invalid"),
        ("198001012035011001", "nip_tmt_invalid"),  # TMT years ahead
        ("198006011979121001", "nip_tmt_before_birth"),
        ("198006011980061001", "nip_tmt_before_birth"),  # same month as birth
        ("199001011985211001", "nip_tmt_before_birth"),  # PPPK appointed before birth
        ("198001012005013001", "nip_gender_invalid"),
        ("198001012005011000", "nip_serial_zero"),
    ],
)
def test_invalid_nip_gives_its_code(raw, code):
    assert code_of(parse_nip, raw, today=TODAY) == code


def test_tmt_before_18th_birthday_is_a_warning_not_an_error():
    info = parse_nip("199005152007061001", today=TODAY)
    assert [w.code for w in info.warnings] == ["nip_tmt_under_18"]
    assert info.warnings[0].params["age"] == 17


def test_pppk_appointment_before_18_is_a_warning():
    info = parse_nip("200801012024211001", today=TODAY)
    assert [w.code for w in info.warnings] == ["nip_tmt_under_18"]


def test_normalize_nip_strips_excel_text_apostrophe_and_accepts_numbers():
    assert normalize_nip("'198001012005011001") == "198001012005011001"
    assert normalize_nip(None) == ""
    assert normalize_nip("1980 0101 2005.01-1\u00a0001") == "198001012005011001"


def test_check_nip_matches_reports_each_disagreement():
    info = parse_nip("198001012005011001", today=TODAY)
    assert check_nip_matches(info, birth_date=date(1980, 1, 1), gender="L", status="PNS") == []
    assert check_nip_matches(info, birth_date=None, gender=None, status=None) == []
    errors = check_nip_matches(info, birth_date=date(1980, 1, 2), gender="P", status="PPPK")
    assert [e.code for e in errors] == ["nip_birth_date_mismatch", "nip_gender_mismatch", "nip_status_mismatch"]
    assert errors[0].params["nip_date"] == "01/01/1980"


def test_rule_error_carries_code_and_params_and_compares_by_value():
    error = RuleError("nip_length", {"length": 3})
    assert (error.code, error.params) == ("nip_length", {"length": 3})
    assert error == RuleError("nip_length", {"length": 3})
    assert error != RuleError("nip_length", {"length": 4})


# --------------------------------------------------------------------------------------------
# Golongan
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["III/a", "III a", "IIIa", "3a", "3/a", "III-A", "iii/A", "III/a ", " Gol. III/a", "Penata Muda (III/a)"],
)
def test_pns_golongan_variants_are_canonical(raw):
    assert parse_golongan(raw, "PNS") == "III/a"


@pytest.mark.parametrize("raw", ["IX", "9", "Gol. IX", "golongan 9", 9, 9.0, "ix"])
def test_pppk_golongan_variants_are_canonical(raw):
    assert parse_golongan(raw, "PPPK") == "IX"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("III/e", "PNS"),
        ("V/a", "PNS"),
        ("III", "PNS"),
        ("IX", "PNS"),
        ("", "PNS"),
        (None, "PNS"),
        ("XVIII", "PPPK"),
        ("18", "PPPK"),
        ("0", "PPPK"),
        ("III/a", "PPPK"),
        ("Penata (III/b)", "PNS"),  # pangkat and golongan disagree
    ],
)
def test_unknown_golongan_is_refused(raw, status):
    assert code_of(parse_golongan, raw, status) == "golongan_unknown"


def test_golongan_without_status_tries_pns_then_pppk():
    assert parse_golongan("3a", None) == "III/a"
    assert parse_golongan("XI", None) == "XI"


def test_golongan_codes_follow_siasn():
    assert golongan_code("I/a", "PNS") == 11
    assert golongan_code("II/d", "PNS") == 24
    assert golongan_code("IV/e", "PNS") == 45
    assert golongan_code("I", "PPPK") == 1
    assert golongan_code("XVII", "PPPK") == 17
    assert code_of(golongan_code, "III/e", "PNS") == "golongan_unknown"
    assert sorted(golongan_code(g, "PNS") for g in PANGKAT) == [golongan_code(g, "PNS") for g in PANGKAT]


def test_pangkat_table_has_all_17_pns_golongan():
    assert len(PANGKAT) == 17
    assert PANGKAT["III/a"] == "Penata Muda"
    assert PANGKAT["IV/e"] == "Pembina Utama"
    assert all(parse_golongan(name, "PNS") == gol for gol, name in PANGKAT.items())


# --------------------------------------------------------------------------------------------
# Jenis jabatan
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JPT Pratama", ("JPT_PRATAMA", "")),
        ("Jabatan Pimpinan Tinggi Pratama", ("JPT_PRATAMA", "")),
        ("jpt madya", ("JPT_MADYA", "")),
        ("JPT Utama", ("JPT_UTAMA", "")),
        ("Administrator", ("ADMINISTRATOR", "")),
        ("Pengawas", ("PENGAWAS", "")),
        ("Pelaksana", ("PELAKSANA", "")),
        ("JFU", ("PELAKSANA", "")),
        ("Fungsional Ahli Muda", ("FUNGSIONAL", "AHLI_MUDA")),
        ("JF Ahli Pertama", ("FUNGSIONAL", "AHLI_PERTAMA")),
        ("Fungsional Terampil", ("FUNGSIONAL", "TERAMPIL")),
        ("Ahli Muda", ("FUNGSIONAL", "AHLI_MUDA")),
        ("JFT - Ahli Utama", ("FUNGSIONAL", "AHLI_UTAMA")),
        ("Fungsional (Penyelia)", ("FUNGSIONAL", "PENYELIA")),
        ("Mahir", ("FUNGSIONAL", "MAHIR")),
        ("Fungsional Keterampilan Pemula", ("FUNGSIONAL", "PEMULA")),
        ("Pengawas Sekolah Ahli Madya", ("FUNGSIONAL", "AHLI_MADYA")),
        ("Eselon III", ("ADMINISTRATOR", "")),
    ],
)
def test_jenis_jabatan_variants(raw, expected):
    assert parse_jenis_jabatan(raw) == expected


@pytest.mark.parametrize("raw", ["Fungsional", "JF", "Jabatan Fungsional Tertentu", "Fungsional Ahli"])
def test_fungsional_without_grade_is_refused(raw):
    assert code_of(parse_jenis_jabatan, raw) == "fungsional_grade_missing"


@pytest.mark.parametrize("raw", ["Kepala Bidang", "JPT", "", None, "Administrasi", "Eselon I"])
def test_unknown_jenis_jabatan_is_refused(raw):
    assert code_of(parse_jenis_jabatan, raw) == "jenis_jabatan_unknown"


# --------------------------------------------------------------------------------------------
# Gender, status, date, email
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("L", "L"),
        ("p", "P"),
        ("Laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("Pria", "L"),
        ("Perempuan", "P"),
        ("wanita", "P"),
    ],
)
def test_gender_variants(raw, expected):
    assert parse_gender(raw) == expected


@pytest.mark.parametrize("raw", ["X", "", None, "1", "Laki-laki/Perempuan"])
def test_unknown_gender_is_refused(raw):
    assert code_of(parse_gender, raw) == "gender_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"), [("PNS", "PNS"), ("cpns", "PNS"), ("PPPK", "PPPK"), ("P3K", "PPPK"), ("ASN PPPK", "PPPK")]
)
def test_status_variants(raw, expected):
    assert parse_status(raw) == expected


@pytest.mark.parametrize("raw", ["Honorer", "", None, "TNI"])
def test_unknown_status_is_refused(raw):
    assert code_of(parse_status, raw) == "status_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(1980, 1, 1, 13, 5), date(1980, 1, 1)),
        (date(1980, 1, 1), date(1980, 1, 1)),
        (29221, date(1980, 1, 1)),
        (29221.75, date(1980, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        ("15/04/1988", date(1988, 4, 15)),
        ("5/4/1988", date(1988, 4, 5)),
        ("15-04-1988", date(1988, 4, 15)),
        ("15.04.1988", date(1988, 4, 15)),
        ("1988-04-15", date(1988, 4, 15)),
        ("1988-04-15 00:00:00", date(1988, 4, 15)),
        ("15 April 1988", date(1988, 4, 15)),
        ("1 Agustus 1988", date(1988, 8, 1)),
    ],
)
def test_date_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/1980", "12/31/1980", "29/02/1981", 0, 60, -5, 10**8, float("nan")])
def test_impossible_dates_are_date_invalid(raw):
    assert code_of(parse_date, raw) == "date_invalid"


@pytest.mark.parametrize("raw", ["1980/01/15", "15/04/88", "kemarin", "", None, "15 Foo 1988", True])
def test_unrecognised_dates_are_date_format(raw):
    assert code_of(parse_date, raw) == "date_format"


def test_email_is_lower_cased_and_empty_allowed():
    assert parse_email(" Rudi.Hartono@Example.go.id ") == "rudi.hartono@example.go.id"
    assert parse_email("") == ""
    assert parse_email(None) == ""


@pytest.mark.parametrize(
    "raw", ["rudi", "rudi@", "@example.go.id", "a@b", "a b@c.id", "a..b@c.id", "a@c..id", "a@@c.id"]
)
def test_bad_email_is_refused(raw):
    assert code_of(parse_email, raw) == "email_invalid"
