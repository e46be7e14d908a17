"""Tests for org.roster_file: reading uploads, validating rows, export and template.

Files are built in the tests (openpyxl, csv, raw bytes); nothing touches the database.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from org.roster_file import (
    COLUMNS,
    REQUIRED,
    CleanRow,
    RawRow,
    RowError,
    read_roster,
    roster_template,
    validate_rows,
    write_roster,
)
from org.rules import RuleError

TODAY = date(2026, 6, 1)

GOOD = {
    "NIP": "198804152014031007",
    "NAMA": "Rudi Hartono",
    "GELAR_DEPAN": None,
    "GELAR_BELAKANG": "S.Kom.",
    "JENIS_KELAMIN": "L",
    "TANGGAL_LAHIR": "15/04/1988",
    "GOL_RUANG": "III/c",
    "JABATAN": "Pranata Komputer Ahli Muda",
    "JENIS_JABATAN": "Fungsional Ahli Muda",
    "UNIT_KERJA": "Dinas Kominfo >  Bidang   Aplikasi",
    "NIP_ATASAN": "197903222005012004",
    "STATUS": "PNS",
    "EMAIL": "Rudi@Example.go.id",
}
BOSS = {
    **GOOD,
    "NIP": "197903222005012004",
    "NAMA": "Sari Dewi",
    "JENIS_KELAMIN": "P",
    "TANGGAL_LAHIR": "22/03/1979",
    "GOL_RUANG": "IV/a",
    "JABATAN": "Kepala Bidang Aplikasi",
    "JENIS_JABATAN": "Administrator",
    "NIP_ATASAN": None,
    "EMAIL": None,
}


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_list(record: dict) -> list[object]:
    return [record[c] for c in COLUMNS]


def read_errors(data: bytes, filename: str = "x") -> str:
    with pytest.raises(RuleError) as info:
        read_roster(data, filename)
    return info.value.code


def validate(*records: dict) -> tuple[list[CleanRow], list[RowError]]:
    rows = [RawRow(n, {c: r.get(c) for c in COLUMNS}) for n, r in enumerate(records, start=2)]
    return validate_rows(rows, today=TODAY)


def codes(errors: list[RowError]) -> set[tuple[int, str, str]]:
    return {(e.row, e.column, e.code) for e in errors}


# --------------------------------------------------------------------------------------------
# read_roster: xlsx
# --------------------------------------------------------------------------------------------


def test_xlsx_is_read_with_true_row_numbers_and_typed_cells():
    nip_as_number = {**BOSS, "NIP": 197903222005012004}
    data = xlsx_bytes(
        [
            list(COLUMNS),
            as_list(GOOD),
            [None] * len(COLUMNS),  # an empty row keeps its number but is not data
            as_list({**nip_as_number, "TANGGAL_LAHIR": datetime(1979, 3, 22)}),
        ]
    )
    rows = read_roster(data, "pegawai.xlsx")
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values["NAMA"] == "Rudi Hartono"
    assert rows[0].values["GELAR_DEPAN"] is None
    # Kept as a number (with its precision already lost), so validation can tell.
    assert isinstance(rows[1].values["NIP"], (int, float))
    assert rows[1].values["TANGGAL_LAHIR"] == datetime(1979, 3, 22)
    assert rows.format == "xlsx"


def test_nip_typed_as_number_in_xlsx_is_reported():
    data = xlsx_bytes([list(COLUMNS), as_list({**GOOD, "NIP": 198804152014031007})])
    clean, errors = validate_rows(read_roster(data, "x.xlsx"), today=TODAY)
    assert clean == []
    assert codes(errors) == {(2, "NIP", "nip_stored_as_number")}


def test_xlsx_header_variants_and_extra_columns():
    header = [
        "nip",
        "Nama",
        "Gelar Depan",
        "gelar-belakang",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Gol. Ruang",
        "JABATAN ",
        "Jenis_Jabatan",
        "Unit Kerja",
        "NIP Atasan",
        "Status",
        "E-mail",
        "Keterangan",
    ]
    data = xlsx_bytes([header, [*as_list(GOOD), "catatan"]])
    rows = read_roster(data, "x.xlsx")
    assert rows.ignored_columns == ("Keterangan",)
    assert rows[0].values["EMAIL"] == "Rudi@Example.go.id"
    assert set(rows[0].values) == set(COLUMNS)


def test_title_rows_above_the_header_are_skipped():
    data = xlsx_bytes([["DAFTAR PEGAWAI KOTA SAWAHLUNTO"], [], list(COLUMNS), as_list(GOOD)])
    rows = read_roster(data, "x.xlsx")
    assert [r.number for r in rows] == [4]


def test_optional_columns_may_be_absent():
    header = [c for c in COLUMNS if c in REQUIRED]
    data = xlsx_bytes([header, [GOOD[c] for c in header]])
    rows = read_roster(data, "x.xlsx")
    assert rows[0].values["EMAIL"] is None
    assert rows[0].values["NIP_ATASAN"] is None


def test_missing_columns_are_listed():
    header = [c for c in COLUMNS if c not in ("NIP", "STATUS")]
    with pytest.raises(RuleError) as info:
        read_roster(xlsx_bytes([header, ["x"] * len(header)]), "x.xlsx")
    assert info.value.code == "columns_missing"
    assert info.value.params["columns"] == ["NIP", "STATUS"]


def test_duplicate_columns_are_refused():
    header = [*COLUMNS, "Tanggal Lahir"]
    with pytest.raises(RuleError) as info:
        read_roster(xlsx_bytes([header]), "x.xlsx")
    assert (info.value.code, info.value.params["columns"]) == ("columns_duplicate", ["TANGGAL_LAHIR"])


def test_header_only_has_no_data_rows():
    assert read_errors(xlsx_bytes([list(COLUMNS), [None, ""]])) == "no_data_rows"


def test_progress_is_reported_every_1000_rows():
    lines = [",".join(COLUMNS)] + [",".join(str(GOOD[c] or "") for c in COLUMNS)] * 2500
    seen: list[int] = []
    read_roster("\n".join(lines).encode(), "x.csv", progress=seen.append)
    assert seen == [1000, 2000, 2500]


# --------------------------------------------------------------------------------------------
# read_roster: CSV
# --------------------------------------------------------------------------------------------


def csv_text(records: list[dict], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(["" if record[c] is None else record[c] for c in COLUMNS])
    return buffer.getvalue()


def test_csv_semicolon_with_bom_in_cp1252():
    name = "Sitti Ni'mah / Dédé"
    text = csv_text([{**GOOD, "NAMA": name, "UNIT_KERJA": "Dinas A; Bidang B > Seksi C"}], delimiter=";")
    rows = read_roster(text.encode("cp1252"), "x.csv")
    assert rows[0].values["NAMA"] == name
    assert rows[0].values["UNIT_KERJA"] == "Dinas A; Bidang B > Seksi C"  # quoted field
    assert rows.format == "csv"
    rows = read_roster(b"\xef\xbb\xbf" + text.encode("utf-8"), "x.csv")
    assert rows[0].values["NAMA"] == name
    assert rows[0].values["NIP"] == GOOD["NIP"]  # BOM not glued to the first header


def test_csv_tab_separated_utf16_from_excel_unicode_text():
    text = csv_text([GOOD], delimiter="\t")
    rows = read_roster(text.encode("utf-16"), "x.txt")
    assert rows[0].values["JABATAN"] == GOOD["JABATAN"]


def test_csv_sep_hint_line_is_honoured_and_not_counted():
    text = "sep=;\n" + csv_text([GOOD], delimiter=";")
    rows = read_roster(text.encode(), "x.csv")
    assert [r.number for r in rows] == [2]


def test_csv_quoted_multiline_field_counts_as_one_row():
    text = csv_text([{**GOOD, "JABATAN": "Analis\nKebijakan"}, BOSS])
    rows = read_roster(text.encode(), "x.csv")
    assert [r.number for r in rows] == [2, 3]


# --------------------------------------------------------------------------------------------
# read_roster: what is not a roster
# --------------------------------------------------------------------------------------------


def test_empty_file():
    assert read_errors(b"") == "file_empty"
    assert read_errors(b"  \r\n ") == "file_empty"
    assert read_errors(b",,,\r\n,,\r\n") == "file_empty"


def test_pdf_is_not_a_spreadsheet():
    assert read_errors(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00", "daftar.xlsx") == (
        "file_not_spreadsheet"
    )


def test_png_is_not_a_spreadsheet():
    assert read_errors(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)) == "file_not_spreadsheet"


def test_html_saved_as_xls_is_not_a_spreadsheet():
    assert read_errors(b"<html><body><table><tr><td>NIP</td></tr></table></body></html>") == "file_not_spreadsheet"


def test_legacy_xls_is_recognised_by_content():
    assert read_errors(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "daftar.xlsx") == "file_legacy_xls"


def test_zip_that_is_not_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert read_errors(buffer.getvalue(), "x.xlsx") == "file_not_spreadsheet"


def test_truncated_xlsx_is_unreadable():
    data = xlsx_bytes([list(COLUMNS), as_list(GOOD)])
    assert read_errors(data[: len(data) // 2], "x.xlsx") == "file_unreadable"


def test_xlsx_with_broken_sheet_xml_is_unreadable():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([list(COLUMNS), as_list(GOOD)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            archive.writestr(name, content)
    assert read_errors(buffer.getvalue(), "x.xlsx") == "file_unreadable"


def test_file_like_object_is_accepted():
    rows = read_roster(io.BytesIO(csv_text([GOOD]).encode()), "x.csv")
    assert len(rows) == 1


# --------------------------------------------------------------------------------------------
# validate_rows
# --------------------------------------------------------------------------------------------


def test_valid_rows_become_typed_clean_rows():
    clean, errors = validate(GOOD, BOSS)
    assert errors == []
    first = clean[0]
    assert first == CleanRow(
        number=2,
        nip="198804152014031007",
        nama="Rudi Hartono",
        gelar_depan="",
        gelar_belakang="S.Kom.",
        gender="L",
        birth_date=date(1988, 4, 15),
        golongan="III/c",
        jabatan="Pranata Komputer Ahli Muda",
        position_kind="FUNGSIONAL",
        position_grade="AHLI_MUDA",
        unit_path=("Dinas Kominfo", "Bidang Aplikasi"),
        nip_atasan="197903222005012004",
        status="PNS",
        email="rudi@example.go.id",
        warnings=(),
    )
    assert clean[1].nip_atasan == ""


def test_every_error_of_every_row_is_collected():
    bad = {
        **GOOD,
        "NAMA": "",
        "JENIS_KELAMIN": "X",
        "TANGGAL_LAHIR": "31/02/1988",
        "GOL_RUANG": "III/z",
        "JENIS_JABATAN": "Fungsional",
        "UNIT_KERJA": "Dinas A >> Bidang",
        "STATUS": "Honorer",
        "EMAIL": "rudi@",
    }
    clean, errors = validate(bad, {**BOSS, "JABATAN": None, "NIP": "1980"})
    assert clean == []
    assert codes(errors) == {
        (2, "NAMA", "required"),
        (2, "JENIS_KELAMIN", "gender_invalid"),
        (2, "TANGGAL_LAHIR", "date_invalid"),
        (2, "GOL_RUANG", "golongan_unknown"),
        (2, "JENIS_JABATAN", "fungsional_grade_missing"),
        (2, "UNIT_KERJA", "unit_path_invalid"),
        (2, "STATUS", "status_invalid"),
        (2, "EMAIL", "email_invalid"),
        (3, "JABATAN", "required"),
        (3, "NIP", "nip_length"),
    }


def test_every_required_column_is_checked():
    _, errors = validate({c: None for c in COLUMNS})
    assert {(e.column, e.code) for e in errors} == {(c, "required") for c in REQUIRED}
    assert all(e.params == {"column": e.column} for e in errors)


@pytest.mark.parametrize("nip", [198804152014031007, 1.98804152014031e17, "1.98804E+17", "198804152014031000"])
def test_nip_damaged_by_a_number_cell_is_reported(nip):
    _, errors = validate({**GOOD, "NIP": nip})
    assert codes(errors) == {(2, "NIP", "nip_stored_as_number")}


def test_duplicate_nip_is_reported_on_every_occurrence_with_the_other_rows():
    _, errors = validate(GOOD, BOSS, {**GOOD, "NIP": "1988 0415 2014 03 1 007"}, GOOD)
    duplicates = {e.row: e.params["rows"] for e in errors if e.code == "nip_duplicate"}
    assert duplicates == {2: [4, 5], 4: [2, 5], 5: [2, 4]}
    assert {e.params["count"] for e in errors if e.code == "nip_duplicate"} == {3}


def test_duplicate_row_list_is_capped():
    _, errors = validate(*[GOOD] * 30)
    assert len(errors) == 30
    assert all(len(e.params["rows"]) == 20 and e.params["count"] == 30 for e in errors)


def test_nip_must_agree_with_birth_date_gender_and_status():
    _, errors = validate(
        {**GOOD, "TANGGAL_LAHIR": "16/04/1988", "JENIS_KELAMIN": "P", "STATUS": "PPPK", "GOL_RUANG": "IX"}
    )
    assert codes(errors) == {
        (2, "TANGGAL_LAHIR", "nip_birth_date_mismatch"),
        (2, "JENIS_KELAMIN", "nip_gender_mismatch"),
        (2, "STATUS", "nip_status_mismatch"),
    }


def test_nip_atasan_is_checked():
    _, errors = validate({**GOOD, "NIP_ATASAN": "197903222005015004"})
    [error] = errors
    assert (error.column, error.code, error.params["reason"]) == (
        "NIP_ATASAN",
        "nip_atasan_invalid",
        "nip_gender_invalid",
    )
    _, errors = validate({**GOOD, "NIP_ATASAN": GOOD["NIP"]})
    assert codes(errors) == {(2, "NIP_ATASAN", "atasan_self")}
    _, errors = validate({**GOOD, "NIP_ATASAN": 197903222005012004})
    assert codes(errors) == {(2, "NIP_ATASAN", "nip_stored_as_number")}


def test_birth_date_in_the_future_is_refused():
    _, errors = validate({**GOOD, "TANGGAL_LAHIR": "01/01/2030"})
    assert (2, "TANGGAL_LAHIR", "birth_date_out_of_range") in codes(errors)


def test_excel_serial_and_datetime_birth_dates_are_accepted():
    clean, errors = validate({**GOOD, "TANGGAL_LAHIR": 32248}, {**BOSS, "TANGGAL_LAHIR": datetime(1979, 3, 22)})
    assert errors == []
    assert clean[0].birth_date == date(1988, 4, 15)


def test_appointment_before_18_is_kept_as_a_warning():
    young = {**GOOD, "NIP": "199005152007061001", "TANGGAL_LAHIR": "15/05/1990"}
    clean, errors = validate(young)
    assert errors == []
    assert [(w.row, w.column, w.code) for w in clean[0].warnings] == [(2, "NIP", "nip_tmt_under_18")]


def test_overlong_text_is_reported():
    _, errors = validate({**GOOD, "NAMA": "A" * 201})
    assert codes(errors) == {(2, "NAMA", "too_long")}


# --------------------------------------------------------------------------------------------
# write_roster and the template
# --------------------------------------------------------------------------------------------


def export_records() -> list[dict]:
    boss = {**BOSS, "TANGGAL_LAHIR": date(1979, 3, 22), "UNIT_KERJA": ("Dinas Kominfo", "Bidang Aplikasi")}
    staff = {
        **GOOD,
        "NAMA": '=HYPERLINK("http://evil","klik")',
        "GELAR_DEPAN": "@SUM(1)",
        "JABATAN": "+Analis",
        "TANGGAL_LAHIR": date(1988, 4, 15),
        "EMAIL": "rudi@example.go.id",
        "UNIT_KERJA": "Dinas Kominfo > Bidang Aplikasi",
    }
    return [boss, staff]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips_through_read_and_validate(fmt):
    data = write_roster(export_records(), fmt)
    rows = read_roster(data, "export." + fmt)
    clean, errors = validate_rows(rows, today=TODAY)
    assert errors == []
    assert [r.nip for r in clean] == ["197903222005012004", "198804152014031007"]
    assert clean[1].nama == '=HYPERLINK("http://evil","klik")'  # the neutralising apostrophe is undone
    assert clean[1].jabatan == "+Analis"
    assert clean[0].unit_path == ("Dinas Kominfo", "Bidang Aplikasi")
    assert clean[1].birth_date == date(1988, 4, 15)


def test_csv_export_is_utf8_with_bom_and_neutralises_formulas():
    data = write_roster(export_records(), "csv")
    assert data.startswith(b"\xef\xbb\xbfNIP,NAMA,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    staff = dict(zip(COLUMNS, rows[2], strict=True))
    assert staff["NAMA"].startswith("'=")
    assert staff["GELAR_DEPAN"] == "'@SUM(1)"
    assert staff["JABATAN"] == "'+Analis"
    assert staff["TANGGAL_LAHIR"] == "15/04/1988"
    assert staff["NIP"] == "198804152014031007"


def test_xlsx_export_has_text_nips_real_dates_frozen_bold_header_and_no_formulas():
    data = write_roster(export_records(), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    nip, name, gelar = sheet["A3"], sheet["B3"], sheet["C3"]
    assert (nip.value, nip.number_format, nip.data_type) == ("198804152014031007", "@", "s")
    assert sheet["K3"].number_format == "@"
    assert (name.data_type, name.value[:2]) == ("s", "'=")
    assert gelar.value == "'@SUM(1)"
    assert sheet["F3"].value == datetime(1988, 4, 15)
    assert sheet["F3"].number_format == "DD/MM/YYYY"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.column_dimensions["A"].width >= 18


def test_template_has_header_example_and_guide():
    data = roster_template()
    rows = read_roster(data, "templat.xlsx")
    clean, errors = validate_rows(rows, today=TODAY)
    assert errors == []
    assert len(clean) == 1
    workbook = load_workbook(io.BytesIO(data))
    sheet, guide = workbook.worksheets
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].number_format == "@"
    assert guide.title == "Petunjuk"
    described = {row[0] for row in guide.iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(COLUMNS) <= described
    required = {row[0]: row[1] for row in guide.iter_rows(min_row=2, values_only=True) if row[0] in COLUMNS}
    assert {c for c, flag in required.items() if flag == "Ya"} == set(REQUIRED)


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------


def _codes_in_source() -> set[str]:
    org = Path(__file__).resolve().parents[1]
    source = (org / "rules.py").read_text() + (org / "roster_file.py").read_text()
    return set(re.findall(r'RuleError\(\s*"([a-z0-9_]+)"', source))


def test_every_code_has_an_indonesian_message():
    from org.messages import ERROR_MESSAGES

    found = _codes_in_source()
    assert len(found) > 30
    assert found <= set(ERROR_MESSAGES)


def test_render_fills_params_joins_lists_and_survives_unknowns(settings):
    from django.utils import translation

    from org.messages import render

    with translation.override("id"):
        text = render("columns_missing", {"columns": ["NIP", "STATUS"]})
        assert "NIP, STATUS" in text
        assert "Teks" in render("nip_stored_as_number", {})
        assert "nip_atasan_invalid" not in render(
            "nip_atasan_invalid", {"value": "1", "reason": "nip_length", "reason_params": {"length": 1, "value": "1"}}
        )
        assert "berisi 1 digit" in render(
            "nip_atasan_invalid", {"value": "1", "reason": "nip_length", "reason_params": {"length": 1, "value": "1"}}
        )
        assert "no_such_code" in render("no_such_code", {"x": 1})
        assert "?" in render("required", {})
        assert "01/01/1980" in render("date_invalid", {"value": date(1980, 1, 1)})
