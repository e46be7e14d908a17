"""A synthetic Sawahlunto-like city: organisation, positions and people with valid NIPs.

Every name is drawn at random from lists of common given names; nobody here is a real person.
The generator returns roster rows (the import columns), so the demo is loaded through the same
import service an HR office uses.
"""

import random
from dataclasses import dataclass
from datetime import date

GIVEN_M = [
    "Rahmat",
    "Andi",
    "Budi",
    "Fajar",
    "Hendra",
    "Irwan",
    "Joni",
    "Rizky",
    "Yusuf",
    "Zulfikar",
    "Arif",
    "Dedi",
    "Eko",
    "Ferdi",
    "Gusti",
    "Hafiz",
    "Ikhsan",
    "Khairul",
    "Lukman",
    "Muhammad",
    "Nofri",
    "Oki",
    "Putra",
    "Reza",
    "Syahrul",
    "Taufik",
    "Wahyu",
    "Yogi",
    "Afrizal",
    "Defrizal",
    "Erizal",
    "Yulianto",
    "Firdaus",
    "Hidayat",
]
GIVEN_F = [
    "Siti",
    "Rina",
    "Dewi",
    "Fitri",
    "Gita",
    "Hana",
    "Indah",
    "Lestari",
    "Mega",
    "Nurul",
    "Putri",
    "Rahmi",
    "Sari",
    "Tika",
    "Wulan",
    "Yuni",
    "Annisa",
    "Desi",
    "Elvi",
    "Fauziah",
    "Melati",
    "Novita",
    "Rosa",
    "Suci",
    "Vivi",
    "Yeni",
    "Zahara",
    "Afni",
    "Citra",
    "Efrina",
    "Helmi",
    "Ratna",
    "Syafitri",
    "Yolanda",
]
FAMILY = [
    "Putra",
    "Saputra",
    "Hidayat",
    "Rahman",
    "Syafri",
    "Yulis",
    "Efendi",
    "Gusman",
    "Hamdani",
    "Irawan",
    "Kurniawan",
    "Marlina",
    "Novianti",
    "Oktavia",
    "Pratama",
    "Rahmadani",
    "Sulastri",
    "Syahputra",
    "Wahyuni",
    "Yanti",
    "Zainal",
    "Amelia",
    "Basri",
    "Darmawan",
    "Fadhilah",
    "Harun",
    "Ismail",
    "Jamal",
    "Lubis",
    "Munir",
    "Nasution",
    "Rasyid",
    "Suryani",
    "Taher",
    "Usman",
    "Wijaya",
]

# (name, head title, bidang names); the sekretariat is added to each dinas/badan.
PERANGKAT_DAERAH = [
    (
        "Sekretariat Daerah",
        "Sekretaris Daerah",
        ["Bagian Pemerintahan", "Bagian Hukum", "Bagian Organisasi", "Bagian Perekonomian", "Bagian Umum"],
    ),
    ("Sekretariat DPRD", "Sekretaris DPRD", ["Bagian Persidangan", "Bagian Keuangan"]),
    ("Inspektorat", "Inspektur", ["Inspektur Pembantu Wilayah I", "Inspektur Pembantu Wilayah II"]),
    (
        "Badan Perencanaan Pembangunan Daerah",
        "Kepala Badan",
        [
            "Bidang Perencanaan Ekonomi",
            "Bidang Perencanaan Sosial Budaya",
            "Bidang Infrastruktur dan Kewilayahan",
        ],
    ),
    (
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "Kepala Badan",
        ["Bidang Pengadaan dan Informasi", "Bidang Mutasi dan Promosi", "Bidang Pengembangan Kompetensi"],
    ),
    (
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        "Kepala Badan",
        ["Bidang Anggaran", "Bidang Perbendaharaan", "Bidang Aset", "Bidang Pendapatan"],
    ),
    ("Dinas Pendidikan", "Kepala Dinas", ["Bidang Pembinaan SD", "Bidang Pembinaan SMP", "Bidang PAUD"]),
    (
        "Dinas Kesehatan",
        "Kepala Dinas",
        ["Bidang Pelayanan Kesehatan", "Bidang Kesehatan Masyarakat", "Bidang Pencegahan Penyakit"],
    ),
    (
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "Kepala Dinas",
        ["Bidang Bina Marga", "Bidang Sumber Daya Air", "Bidang Penataan Ruang"],
    ),
    ("Dinas Perumahan dan Kawasan Permukiman", "Kepala Dinas", ["Bidang Perumahan", "Bidang Permukiman"]),
    (
        "Satuan Polisi Pamong Praja dan Pemadam Kebakaran",
        "Kepala Satuan",
        ["Bidang Penegakan Perda", "Bidang Pemadam Kebakaran"],
    ),
    (
        "Dinas Sosial",
        "Kepala Dinas",
        ["Bidang Rehabilitasi Sosial", "Bidang Perlindungan dan Jaminan Sosial"],
    ),
    (
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Kepala Dinas",
        ["Bidang Pelayanan Pendaftaran Penduduk", "Bidang Pencatatan Sipil"],
    ),
    (
        "Dinas Pengendalian Penduduk, KB, Pemberdayaan Perempuan dan Perlindungan Anak",
        "Kepala Dinas",
        ["Bidang Keluarga Berencana", "Bidang Perlindungan Anak"],
    ),
    ("Dinas Perhubungan", "Kepala Dinas", ["Bidang Lalu Lintas", "Bidang Angkutan"]),
    (
        "Dinas Komunikasi dan Informatika",
        "Kepala Dinas",
        ["Bidang Aplikasi Informatika", "Bidang Informasi dan Komunikasi Publik", "Bidang Statistik"],
    ),
    (
        "Dinas Pariwisata dan Kebudayaan",
        "Kepala Dinas",
        ["Bidang Destinasi Pariwisata", "Bidang Kebudayaan", "Bidang Pengelolaan Warisan Tambang"],
    ),
    (
        "Dinas Pertanian dan Pangan",
        "Kepala Dinas",
        ["Bidang Tanaman Pangan", "Bidang Peternakan", "Bidang Ketahanan Pangan"],
    ),
    (
        "Dinas Perdagangan, Koperasi dan UKM",
        "Kepala Dinas",
        ["Bidang Perdagangan", "Bidang Koperasi dan UKM"],
    ),
    (
        "Dinas Lingkungan Hidup",
        "Kepala Dinas",
        ["Bidang Pengelolaan Sampah", "Bidang Pengendalian Pencemaran"],
    ),
    (
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "Kepala Dinas",
        ["Bidang Perizinan", "Bidang Penanaman Modal"],
    ),
    ("Dinas Perpustakaan dan Kearsipan", "Kepala Dinas", ["Bidang Perpustakaan", "Bidang Kearsipan"]),
    ("Dinas Pemuda, Olahraga dan Tenaga Kerja", "Kepala Dinas", ["Bidang Kepemudaan", "Bidang Tenaga Kerja"]),
    (
        "Badan Penanggulangan Bencana Daerah",
        "Kepala Pelaksana",
        ["Bidang Pencegahan dan Kesiapsiagaan", "Bidang Kedaruratan dan Logistik"],
    ),
    ("Badan Kesatuan Bangsa dan Politik", "Kepala Badan", ["Bidang Ideologi dan Wawasan Kebangsaan"]),
    (
        "Rumah Sakit Umum Daerah",
        "Direktur",
        ["Bidang Pelayanan Medik", "Bidang Keperawatan", "Bidang Penunjang"],
    ),
]
KECAMATAN = ["Barangin", "Lembah Segar", "Silungkang", "Talawi"]

# Share of staff in each kind of post, and the functional posts each domain has.
FUNGSIONAL_BY_PD = {
    "Dinas Pendidikan": ["Guru", "Pengawas Sekolah"],
    "Dinas Kesehatan": ["Perawat", "Bidan", "Dokter", "Nutrisionis"],
    "Rumah Sakit Umum Daerah": ["Dokter", "Perawat", "Apoteker", "Pranata Laboratorium Kesehatan"],
    "Inspektorat": ["Auditor", "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah"],
    "Badan Perencanaan Pembangunan Daerah": ["Perencana"],
    "Dinas Komunikasi dan Informatika": ["Pranata Komputer", "Pranata Hubungan Masyarakat", "Statistisi"],
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia": ["Analis Sumber Daya Manusia Aparatur"],
}
PELAKSANA_TITLES = [
    "Pengadministrasi Perkantoran",
    "Penata Layanan Operasional",
    "Pengelola Layanan Operasional",
    "Operator Layanan Operasional",
    "Penelaah Teknis Kebijakan",
    "Pengolah Data dan Informasi",
]
FUNGSIONAL_GRADES = [
    ("AHLI_PERTAMA", 0.4),
    ("AHLI_MUDA", 0.3),
    ("AHLI_MADYA", 0.08),
    ("TERAMPIL", 0.12),
    ("MAHIR", 0.07),
    ("PENYELIA", 0.03),
]
GRADE_LABEL = {
    "AHLI_PERTAMA": "Ahli Pertama",
    "AHLI_MUDA": "Ahli Muda",
    "AHLI_MADYA": "Ahli Madya",
    "TERAMPIL": "Terampil",
    "MAHIR": "Mahir",
    "PENYELIA": "Penyelia",
}
GOLONGAN_BY = {
    "JPT_PRATAMA": ["IV/b", "IV/c", "IV/d"],
    "ADMINISTRATOR": ["IV/a", "IV/b"],
    "PENGAWAS": ["III/c", "III/d", "IV/a"],
    "PELAKSANA": ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c"],
    "AHLI_PERTAMA": ["III/a", "III/b"],
    "AHLI_MUDA": ["III/c", "III/d"],
    "AHLI_MADYA": ["IV/a", "IV/b", "IV/c"],
    "TERAMPIL": ["II/c", "II/d", "III/a"],
    "MAHIR": ["III/a", "III/b"],
    "PENYELIA": ["III/c", "III/d"],
}
PPPK_GOLONGAN = {
    "PELAKSANA": ["V", "VII"],
    "AHLI_PERTAMA": ["IX"],
    "AHLI_MUDA": ["X", "XI"],
    "TERAMPIL": ["VII"],
    "MAHIR": ["VII", "VIII"],
    "PENYELIA": ["VIII"],
    "AHLI_MADYA": ["XI"],
}
AGE_BY = {"JPT_PRATAMA": (48, 58), "ADMINISTRATOR": (42, 56), "PENGAWAS": (35, 55), "PELAKSANA": (22, 57)}

EMAIL_DOMAIN = "sawahlunto.example"  # a reserved test domain: the demo never emails a real address


@dataclass
class Slot:
    """One post to fill: the unit path, the position title and its kind."""

    unit_path: tuple[str, ...]
    jabatan: str
    kind: str
    grade: str = ""


def _structure(rng: random.Random) -> tuple[list[Slot], list[tuple[tuple[str, ...], str]]]:
    """Head posts of every unit, and the staff units (where pelaksana and fungsional sit) with their PD."""
    heads: list[Slot] = []
    staff_units: list[tuple[tuple[str, ...], str]] = []
    for name, head_title, bidangs in PERANGKAT_DAERAH:
        pd = (name,)
        heads.append(Slot(pd, f"Kepala {name}" if head_title.startswith("Kepala") else head_title, "JPT_PRATAMA"))
        sek = "Sekretariat" if not name.startswith("Sekretariat") else "Bagian Tata Usaha"
        parts = [sek, *bidangs] if not name.startswith(("Sekretariat", "Inspektorat")) else bidangs
        for part in parts:
            unit = (*pd, part)
            title = "Sekretaris" if part == "Sekretariat" else f"Kepala {part}"
            if part.startswith("Inspektur"):
                title = part
            heads.append(Slot(unit, title, "ADMINISTRATOR"))
            subs = (
                ["Subbagian Umum dan Kepegawaian", "Subbagian Keuangan"]
                if part == "Sekretariat"
                else [
                    f"{'Subbagian' if part.startswith('Bagian') else 'Seksi'} {part.split(' ', 1)[1]} {i}"
                    for i in (1, 2)
                ]
            )
            for sub in subs:
                sub_unit = (*unit, sub)
                heads.append(Slot(sub_unit, f"Kepala {sub}", "PENGAWAS"))
                staff_units.append((sub_unit, name))
            staff_units.append((unit, name))
    for kec in KECAMATAN:
        pd = (f"Kecamatan {kec}",)
        heads.append(Slot(pd, f"Camat {kec}", "ADMINISTRATOR"))
        for sub in ("Seksi Pemerintahan", "Seksi Pelayanan Umum", "Subbagian Umum"):
            heads.append(Slot((*pd, sub), f"Kepala {sub}", "PENGAWAS"))
            staff_units.append(((*pd, sub), pd[0]))
    rng.shuffle(staff_units)
    return heads, staff_units


def _name(rng: random.Random, gender: str) -> str:
    given = GIVEN_M if gender == "L" else GIVEN_F
    return f"{rng.choice(given)} {rng.choice(FAMILY)}"


def _nip(rng: random.Random, birth: date, gender: str, status: str, used: set[str]) -> tuple[str, date]:
    for _attempt in range(1000):
        if status == "PNS":
            age_at_tmt = rng.randint(22, 32)
            tmt_year = max(min(birth.year + age_at_tmt, 2024), birth.year + 19)
            tmt_month = rng.randint(1, 12)
            middle = f"{tmt_year:04d}{tmt_month:02d}"
        else:
            first = min(max(birth.year + 22, 2019), 2025)
            middle = f"{rng.randint(first, 2025):04d}21"
        nip = f"{birth:%Y%m%d}{middle}{'1' if gender == 'L' else '2'}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip, birth
    raise RuntimeError("could not find a free NIP")  # pragma: no cover


def _birth(rng: random.Random, age_range: tuple[int, int], today: date) -> date:
    age = rng.randint(*age_range)
    return date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))


def generate_city(n_employees: int = 2500, *, seed: int = 2026, today: date | None = None) -> list[dict]:
    """Roster rows (import columns) for a city of about `n_employees` people; deterministic per seed."""
    rng = random.Random(seed)
    today = today or date(2026, 1, 1)
    heads, staff_units = _structure(rng)
    used: set[str] = set()
    rows: list[dict] = []
    by_unit_head: dict[tuple[str, ...], str] = {}

    def person(slot: Slot, status: str = "PNS") -> dict:
        gender = rng.choice("LP")
        key = slot.grade or slot.kind
        age_range = AGE_BY.get(slot.kind, (24, 57))
        if slot.grade in ("AHLI_MADYA",):
            age_range = (42, 58)
        birth = _birth(rng, age_range, today)
        nip, _birth_date = _nip(rng, birth, gender, status, used)
        name = _name(rng, gender)
        gol = rng.choice(PPPK_GOLONGAN.get(key, ["IX"])) if status == "PPPK" else rng.choice(GOLONGAN_BY[key])
        local = name.lower().replace(" ", ".")
        return {
            "NIP": nip,
            "NAMA": name,
            "GELAR_DEPAN": "dr." if "Dokter" in slot.jabatan else "",
            "GELAR_BELAKANG": rng.choice(["S.E.", "S.T.", "S.Kom.", "S.Sos.", "M.Si.", "S.H.", "M.M.", "S.Pd."])
            if slot.kind in ("JPT_PRATAMA", "ADMINISTRATOR") or slot.grade.startswith("AHLI")
            else "",
            "JENIS_KELAMIN": gender,
            "TANGGAL_LAHIR": birth.strftime("%d/%m/%Y"),
            "GOL_RUANG": gol,
            "JABATAN": slot.jabatan,
            "JENIS_JABATAN": _jenis(slot),
            "UNIT_KERJA": " > ".join(slot.unit_path),
            "NIP_ATASAN": "",
            "STATUS": status,
            "EMAIL": f"{local}.{nip[-3:]}@{EMAIL_DOMAIN}",
        }

    for slot in heads:
        row = person(slot)
        rows.append(row)
        by_unit_head[slot.unit_path] = row["NIP"]
    remaining = max(n_employees - len(rows), 0)
    weights = [
        4.0 if pd in ("Dinas Pendidikan", "Dinas Kesehatan", "Rumah Sakit Umum Daerah") else 1.0
        for _unit, pd in staff_units
    ]
    for _i in range(remaining):
        unit, pd = rng.choices(staff_units, weights=weights)[0]
        fungsional = FUNGSIONAL_BY_PD.get(pd)
        if fungsional and rng.random() < 0.65:
            grade = rng.choices([g for g, _w in FUNGSIONAL_GRADES], weights=[w for _g, w in FUNGSIONAL_GRADES])[0]
            title = rng.choice(fungsional)
            slot = Slot(unit, f"{title} {GRADE_LABEL[grade]}", "FUNGSIONAL", grade)
        else:
            slot = Slot(unit, rng.choice(PELAKSANA_TITLES), "PELAKSANA")
        status = "PPPK" if rng.random() < 0.18 else "PNS"
        rows.append(person(slot, status))
    return rows


def _jenis(slot: Slot) -> str:
    if slot.kind == "FUNGSIONAL":
        return f"Fungsional {GRADE_LABEL[slot.grade]}"
    return {
        "JPT_PRATAMA": "JPT Pratama",
        "ADMINISTRATOR": "Administrator",
        "PENGAWAS": "Pengawas",
        "PELAKSANA": "Pelaksana",
    }[slot.kind]
