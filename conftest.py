"""Shared fixtures: a small organisation loaded through the real roster import, and personas.

Personas follow the reporting line: `pegawai` is appraised by `penilai` (head of a seksi), whose
superior is `atasan` (head of the bidang), under `kadis` (head of the dinas). `lain` works in
another dinas. Office-wide roles: `admin`, `auditor`, `pimpinan`, `panitia`; `outsider` has a
login and nothing else.
"""

import io
from dataclasses import dataclass

import pytest

from org.roster_file import COLUMNS

PASSWORD = "sandi-uji-12345"

BASE_ROWS = [
    # NIP, NAMA, JK, LAHIR, GOL, JABATAN, JENIS, UNIT, STATUS
    (
        "197001012000031001",
        "Kadis Satu",
        "L",
        "01/01/1970",
        "IV/c",
        "Kepala Dinas Komunikasi",
        "JPT Pratama",
        "Dinas Kominfo",
        "PNS",
    ),
    (
        "197502022001122002",
        "Kabid Dua",
        "P",
        "02/02/1975",
        "IV/a",
        "Kepala Bidang Aplikasi",
        "Administrator",
        "Dinas Kominfo > Bidang Aplikasi",
        "PNS",
    ),
    (
        "198003032005011003",
        "Kasi Tiga",
        "L",
        "03/03/1980",
        "III/d",
        "Kepala Seksi Layanan",
        "Pengawas",
        "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
        "PNS",
    ),
    (
        "199004042015032004",
        "Pegawai Empat",
        "P",
        "04/04/1990",
        "III/a",
        "Pranata Komputer Ahli Pertama",
        "Fungsional Ahli Pertama",
        "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
        "PNS",
    ),
    (
        "199105052020211005",
        "Pegawai Lima",
        "L",
        "05/05/1991",
        "IX",
        "Pengelola Layanan Operasional",
        "Pelaksana",
        "Dinas Kominfo > Bidang Aplikasi > Seksi Layanan",
        "PPPK",
    ),
    (
        "197106062000031006",
        "Kadis Enam",
        "L",
        "06/06/1971",
        "IV/c",
        "Kepala Dinas Sosial",
        "JPT Pratama",
        "Dinas Sosial",
        "PNS",
    ),
    (
        "199207072018012007",
        "Pegawai Tujuh",
        "P",
        "07/07/1992",
        "II/c",
        "Pengadministrasi Perkantoran",
        "Pelaksana",
        "Dinas Sosial",
        "PNS",
    ),
]


def roster_row(nip, nama, jk, lahir, gol, jabatan, jenis, unit, status, atasan="", email=None) -> dict:
    return {
        "NIP": nip,
        "NAMA": nama,
        "GELAR_DEPAN": "",
        "GELAR_BELAKANG": "",
        "JENIS_KELAMIN": jk,
        "TANGGAL_LAHIR": lahir,
        "GOL_RUANG": gol,
        "JABATAN": jabatan,
        "JENIS_JABATAN": jenis,
        "UNIT_KERJA": unit,
        "NIP_ATASAN": atasan,
        "STATUS": status,
        "EMAIL": email if email is not None else f"{nama.lower().replace(' ', '.')}@contoh.example",
    }


def csv_bytes(rows: list[dict], sep: str = ",") -> bytes:
    out = io.StringIO()
    out.write(sep.join(COLUMNS) + "\n")
    for row in rows:
        out.write(sep.join(str(row.get(c, "")) for c in COLUMNS) + "\n")
    return out.getvalue().encode("utf-8")


def base_rows() -> list[dict]:
    return [roster_row(*r) for r in BASE_ROWS]


@dataclass
class City:
    employees: dict
    users: dict

    def user(self, name: str):
        return self.users[name]


@pytest.fixture
def city(db) -> City:
    from accounts.models import Role, RoleGrant, User
    from org.models import Employee
    from org.services import roster_import

    result = roster_import(actor=None, data=csv_bytes(base_rows()), filename="uji.csv")
    assert result.ok, [e.message for e in result.errors]
    emp = {e.nip: e for e in Employee.objects.select_related("unit", "position")}
    by_name = {
        "kadis": emp["197001012000031001"],
        "atasan": emp["197502022001122002"],
        "penilai": emp["198003032005011003"],
        "pegawai": emp["199004042015032004"],
        "pppk": emp["199105052020211005"],
        "kadis_lain": emp["197106062000031006"],
        "lain": emp["199207072018012007"],
    }
    users = {}
    for key, e in by_name.items():
        user = User.objects.get(employee=e)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users[key] = user
    for key, role in [
        ("admin", Role.ADMIN),
        ("auditor", Role.AUDITOR),
        ("panitia", Role.PANITIA),
        ("pimpinan", Role.PIMPINAN),
    ]:
        user = User.objects.create_user(
            username=key, password=PASSWORD, first_name=key.title(), email=f"{key}@contoh.example"
        )
        RoleGrant.objects.create(user=user, role=role)
        users[key] = user
    users["outsider"] = User.objects.create_user(username="luar", password=PASSWORD, first_name="Orang Luar")
    return City(employees=by_name, users=users)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="accounts.backends.NipOrEmailBackend")
        return client

    return _login


# ---------------------------------------------------------------------------------------------
# The performance cycle: a period, and an agreed SKP for `pegawai` (appraised by `penilai`).


@dataclass
class Cycle:
    city: City
    period: object
    skp: object
    utama: object
    tambahan: object
    quant: object
    qual: object

    def slices(self):
        return list(self.period.slices.order_by("start"))

    def to_status(self, status: str):
        from performance.services import period_set_status

        self.period = period_set_status(actor=self.city.user("admin"), period=self.period, status=status)
        self.skp.refresh_from_db()
        return self.period


def make_period(admin, year: int = 2026, scheme: str = "TRIWULAN"):
    from datetime import date

    from performance.services import period_create

    return period_create(
        actor=admin,
        year=year,
        name=f"Kinerja {year}",
        scheme=scheme,
        planning_opens=date(year, 1, 1),
        planning_closes=date(year, 1, 31),
        evaluation_opens=date(year, 12, 1),
        evaluation_closes=date(year + 1, 1, 31),
    )


def make_agreed_skp(city: City, period, who: str = "pegawai", appraiser: str = "penilai"):
    from performance import services as s

    employee = city.employees[who]
    user = city.user(who)
    skp = s.skp_start(actor=user, period=period, employee=employee)
    utama = s.rhk_save(actor=user, skp=skp, text="Layanan aplikasi daerah berjalan andal", kind="UTAMA")
    quant = s.indicator_save(
        actor=user,
        rhk=utama,
        text="Jumlah aplikasi yang dipelihara",
        aspect="KUANTITAS",
        kind="KUANTITATIF",
        target_value="10",
        target_unit="aplikasi",
    )
    tambahan = s.rhk_save(actor=user, skp=skp, text="Pendampingan literasi digital", kind="TAMBAHAN")
    qual = s.indicator_save(
        actor=user,
        rhk=tambahan,
        text="Kualitas materi pendampingan",
        aspect="KUALITAS",
        kind="KUALITATIF",
        target_text="Materi disetujui kepala bidang tanpa revisi besar",
    )
    skp.refresh_from_db()
    skp = s.skp_submit(actor=user, skp=skp)
    skp = s.skp_review(actor=city.user(appraiser), skp=skp, agree=True)
    return skp, utama, tambahan, quant, qual


@pytest.fixture
def cycle(city) -> Cycle:
    period = make_period(city.user("admin"))
    skp, utama, tambahan, quant, qual = make_agreed_skp(city, period)
    return Cycle(city=city, period=period, skp=skp, utama=utama, tambahan=tambahan, quant=quant, qual=qual)
