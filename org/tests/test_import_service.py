"""The roster import on the real database: all or nothing, update by NIP, reporting lines, audit."""

import pytest

from audit.models import Event
from audit.selectors import audit_chain_verify
from conftest import base_rows, csv_bytes, roster_row
from org.models import Employee, Position, Unit
from org.services import roster_import

pytestmark = pytest.mark.django_db


def _import(rows, **kwargs):
    return roster_import(actor=None, data=csv_bytes(rows), filename="uji.csv", **kwargs)


def test_import_creates_units_positions_people_and_the_reporting_line():
    result = _import(base_rows())
    assert result.ok, result.errors
    assert result.summary["created"] == 7
    pegawai = Employee.objects.get(nip="199004042015032004")
    assert pegawai.unit.name == "Seksi Layanan"
    assert pegawai.unit.parent.name == "Bidang Aplikasi"
    assert pegawai.penilai.nip == "198003032005011003"  # the head of her seksi
    assert pegawai.atasan_penilai.nip == "197502022001122002"  # the head of the bidang
    kasi = Employee.objects.get(nip="198003032005011003")
    assert kasi.penilai.nip == "197502022001122002"
    kadis = Employee.objects.get(nip="197001012000031001")
    assert kadis.penilai is None  # the Kepala Daerah, who is not on the roster
    assert Position.objects.get(name="Kepala Seksi Layanan").is_head
    assert not Position.objects.get(name="Pranata Komputer Ahli Pertama").is_head
    # every person has a login named by NIP, without a usable password until they set one
    assert not pegawai.user.has_usable_password()


def test_pelaksana_directly_in_a_dinas_is_appraised_by_the_head_of_the_dinas():
    _import(base_rows())
    lain = Employee.objects.get(nip="199207072018012007")
    assert lain.penilai.nip == "197106062000031006"


def test_reimport_updates_by_nip_and_never_duplicates():
    _import(base_rows())
    rows = base_rows()
    rows[3]["GOL_RUANG"] = "III/b"
    result = _import(rows)
    assert result.ok
    assert result.summary == {**result.summary, "created": 0, "updated": 1, "unchanged": 6}
    assert Employee.objects.count() == 7
    assert Employee.objects.get(nip="199004042015032004").golongan == "III/b"
    event = Event.objects.filter(action="org.employee.update").get()
    assert event.changes == {"golongan": {"old": "III/a", "new": "III/b"}}


def test_one_bad_row_saves_nothing_and_every_error_is_listed():
    rows = base_rows()
    rows[2]["TANGGAL_LAHIR"] = "31/02/1980"
    rows[4]["NIP"] = "12345"
    result = _import(rows)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} >= {(4, "TANGGAL_LAHIR"), (6, "NIP")}
    assert all(e.message for e in result.errors)
    assert Employee.objects.count() == 0
    assert Unit.objects.count() == 0
    assert Event.objects.count() == 0


def test_dry_run_reports_the_summary_and_saves_nothing():
    result = _import(base_rows(), dry_run=True)
    assert result.ok
    assert result.summary["created"] == 7
    assert Employee.objects.count() == 0
    assert Event.objects.count() == 0


def test_supervisor_that_exists_nowhere_is_an_error():
    rows = base_rows()
    rows[4]["NIP_ATASAN"] = "198512122010011999"
    result = _import(rows)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(6, "NIP_ATASAN", "atasan_not_found")]
    assert Employee.objects.count() == 0


def test_nip_atasan_that_differs_from_the_default_chain_becomes_an_override():
    rows = base_rows()
    rows[4]["NIP_ATASAN"] = "197502022001122002"  # the pelaksana reports straight to the kabid
    rows[3]["NIP_ATASAN"] = "198003032005011003"  # same as the default: no override
    assert _import(rows).ok
    pppk = Employee.objects.get(nip="199105052020211005")
    assert pppk.penilai.nip == "197502022001122002"
    assert pppk.penilai_override_id == pppk.penilai_id
    pegawai = Employee.objects.get(nip="199004042015032004")
    assert pegawai.penilai_override_id is None


def test_a_reporting_cycle_is_refused_and_nothing_is_saved():
    rows = base_rows()
    rows[1]["NIP_ATASAN"] = "198003032005011003"  # kabid reports to kasi, who reports to kabid
    result = _import(rows)
    assert not result.ok
    assert "melingkar" in result.errors[0].message
    assert Employee.objects.count() == 0


def test_same_position_name_with_two_kinds_is_refused():
    rows = base_rows()
    rows.append(
        roster_row(
            "199304042019032008",
            "Pegawai Delapan",
            "P",
            "04/04/1993",
            "III/a",
            "Pranata Komputer Ahli Pertama",
            "Pelaksana",
            "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
            "PNS",
        )
    )
    result = _import(rows)
    assert [e.code for e in result.errors] == ["jabatan_kind_conflict"]


def test_every_write_is_on_an_intact_audit_chain():
    _import(base_rows())
    rows = base_rows()
    rows[0]["NAMA"] = "Kadis Satu Baru"
    _import(rows)
    checked, brk = audit_chain_verify()
    assert brk is None
    assert checked == Event.objects.count() > 7
    assert Event.objects.filter(subject_employee_id=Employee.objects.get(nip="197001012000031001").pk).exists()


def test_export_then_reimport_changes_nothing():
    from org.exports import roster_rows
    from org.roster_file import write_roster

    _import(base_rows())
    data = write_roster(roster_rows(), "xlsx")
    result = roster_import(actor=None, data=data, filename="ekspor.xlsx")
    assert result.ok, result.errors
    assert result.summary["created"] == 0
    assert result.summary["updated"] == 0
    assert result.summary["unchanged"] == 7
    assert Employee.objects.filter(penilai_override__isnull=False).count() == 0
