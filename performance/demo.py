"""A performance cycle for the demo city: 2025 evaluated and announced, 2026 under way.

`terang load_demo` calls `load_performance_demo` once the city and its demo accounts exist. Each
year is loaded once; a year whose period already exists is left as it is. Everything is invented:
work plans, numbers, comments, links (on the demo's reserved domain) and objections.

Rows are written with bulk_create in the shapes the services give them: versions counted the way
the services count them, SkpVersion snapshots equal to `services.skp_content`, realisations with
their versions, suggestions computed by the same rules. The stage changes that touch few rows
(periods, organisation results, unit finalisation with follow-ups and credit points, publication,
objections) go through the services themselves. Each bulk load records one summary audit event
instead of one per row.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from audit.services import EventData, events_record
from org.demo import EMAIL_DOMAIN
from org.models import Employee, Unit
from performance import rules, services
from performance.bulk import compute_year, insert_rows
from performance.models import (
    CreditAward,
    Evaluation,
    EvaluationStatus,
    Evidence,
    EvidenceKind,
    Expectation,
    FollowUp,
    Indicator,
    Message,
    Notification,
    Objection,
    OrgResult,
    PeerRelation,
    PeerRequest,
    Period,
    PeriodStatus,
    Realisation,
    Rhk,
    RhkKind,
    Scheme,
    Skp,
    SkpStatus,
    SkpVersion,
    Thread,
    UnitFinalisation,
)

DONE_YEAR, CURRENT_YEAR = 2025, 2026
PUBLISHED_ON = date(2026, 2, 5)
OBJECTIONS_FILED_ON = date(2026, 2, 12)
OBJECTIONS_DECIDED_ON = date(2026, 2, 24)
# A demo is for a city; a province-sized roster gets its year from bench/performance_year.py instead.
MAX_EMPLOYEES = 12_000
BATCH = 2000

L = rules.Level
ATAS, SESUAI, BAWAH = L.DI_ATAS, L.SESUAI, L.DI_BAWAH
P = rules.Predikat
VALUES = [code for code, _name, _lines in rules.BERAKHLAK]


# ---------------------------------------------------------------------------------------------
# What people plan: indicator and RHK wording per kind of unit and post


@dataclass(frozen=True)
class IndSpec:
    text: str
    unit: str = ""
    lo: int = 0
    hi: int = 0
    aspect: str = "KUANTITAS"
    kind: str = "KUANTITATIF"
    direction: str = "HIGHER_BETTER"
    target_text: str = ""

    @property
    def mode(self) -> str:
        """count: cumulative through the year; rate: a level (%, index, time) that the latest slice shows."""
        if self.kind == "KUALITATIF":
            return "qual"
        return "rate" if self.unit in ("%", "nilai") or self.direction == "LOWER_BETTER" else "count"


def _q(text, unit, lo, hi, aspect="KUANTITAS") -> IndSpec:
    return IndSpec(text, unit, lo, hi, aspect)


def _t(text, unit, lo, hi) -> IndSpec:
    return IndSpec(text, unit, lo, hi, "WAKTU", direction="LOWER_BETTER")


def _k(text, target_text) -> IndSpec:
    return IndSpec(text, aspect="KUALITAS", kind="KUALITATIF", target_text=target_text)


# (RHK text, indicators); "{t}" is the theme the RHK inherits from the superior's RHK.
JPT_RHK = [
    ("Meningkatnya kualitas {t}", [_q("Indeks kepuasan masyarakat terhadap {t}", "nilai", 78, 84, "KUALITAS")]),
    ("Meningkatnya kinerja {t}", [_q("Persentase capaian sasaran strategis {t}", "%", 80, 90)]),
    ("Meningkatnya cakupan {t}", [_q("Persentase capaian target {t}", "%", 80, 90)]),
]
INTERNAL_THEME = "akuntabilitas kinerja dan keuangan perangkat daerah"
JPT_INTERNAL = (
    "Meningkatnya akuntabilitas kinerja dan keuangan perangkat daerah",
    [
        _q("Nilai evaluasi SAKIP perangkat daerah", "nilai", 65, 72, "KUALITAS"),
        _q("Persentase tindak lanjut rekomendasi hasil pemeriksaan", "%", 80, 90),
    ],
)
PERSPEKTIF = ["Penerima Layanan", "Proses Bisnis", "Penguatan Internal", "Anggaran"]
ADMIN_RHK = [
    (
        "Terlaksananya program {t}",
        [
            _q("Persentase kegiatan program {t} yang terlaksana sesuai rencana", "%", 80, 90),
            _q("Persentase realisasi anggaran program {t}", "%", 80, 90, "BIAYA"),
        ],
    ),
    ("Meningkatnya capaian sasaran bidang {t}", [_q("Capaian indikator kinerja program {t}", "%", 80, 90)]),
    (
        "Terkendalinya mutu layanan {t}",
        [
            _q("Persentase pengaduan {t} yang ditindaklanjuti", "%", 80, 90, "KUALITAS"),
            _t("Rata-rata waktu penanganan pengaduan {t}", "hari", 3, 7),
        ],
    ),
]
PENGAWAS_RHK = [
    (
        "Terselenggaranya kegiatan {t} sesuai jadwal",
        [
            _q("Jumlah kegiatan {t} yang terlaksana", "kegiatan", 4, 16),
            _q("Persentase kegiatan {t} yang selesai tepat waktu", "%", 80, 90, "WAKTU"),
        ],
    ),
    (
        "Tersedianya bahan kebijakan teknis {t}",
        [
            _q("Jumlah rekomendasi kebijakan {t} yang disampaikan", "rekomendasi", 2, 6),
            _k("Kualitas bahan kebijakan {t}", "Bahan kebijakan disetujui kepala bidang tanpa perubahan mendasar"),
        ],
    ),
    (
        "Terlaksananya pembinaan dan pemantauan {t}",
        [
            _q("Jumlah laporan pemantauan {t} yang disusun", "laporan", 4, 12),
            _t("Rata-rata waktu tindak lanjut hasil pemantauan {t}", "hari", 5, 10),
        ],
    ),
]
STAFF_RHK = [
    (
        "Tersusunnya laporan pelaksanaan {t}",
        [
            _q("Jumlah laporan pelaksanaan {t} yang disusun", "laporan", 4, 12),
            _k(
                "Kualitas laporan pelaksanaan {t}",
                "Laporan lengkap, didukung data, dan diterima pejabat penilai tanpa revisi substansial",
            ),
        ],
    ),
    (
        "Termutakhirkannya data {t}",
        [
            _q("Jumlah data {t} yang dimutakhirkan", "data", 60, 300),
            _q("Persentase data {t} yang valid dan lengkap", "%", 80, 90, "KUALITAS"),
        ],
    ),
    (
        "Terlaksananya dukungan administrasi kegiatan {t}",
        [
            _q("Jumlah kegiatan {t} yang didukung administrasinya", "kegiatan", 6, 24),
            _t("Rata-rata waktu penyiapan dokumen administrasi kegiatan {t}", "hari", 2, 4),
        ],
    ),
    (
        "Tertatanya arsip {t}",
        [
            _q("Jumlah berkas {t} yang diarsipkan", "berkas", 100, 500),
            _k("Ketertiban penataan arsip {t}", "Arsip tertata sesuai klasifikasi dan dapat ditemukan dalam 5 menit"),
        ],
    ),
    ("Tersedianya bahan telaahan {t}", [_q("Jumlah telaahan staf {t} yang disampaikan", "telaahan", 4, 10)]),
]
TAMBAHAN_RHK = [
    (
        "Terlaksananya tugas sebagai anggota Tim Pembangunan Zona Integritas",
        [_q("Jumlah kegiatan tim yang diikuti", "kegiatan", 4, 10)],
    ),
    ("Terlaksananya tugas sebagai narasumber sosialisasi {t}", [_q("Jumlah sosialisasi", "kegiatan", 2, 6)]),
    (
        "Tersusunnya bahan Laporan Kinerja Instansi Pemerintah (LKjIP)",
        [_k("Kualitas bahan LKjIP", "Bahan LKjIP lengkap dan disampaikan sebelum batas waktu")],
    ),
    (
        "Terlaksananya tugas sebagai pejabat pengadaan barang dan jasa",
        [_q("Jumlah paket pengadaan yang diselesaikan", "paket", 2, 8)],
    ),
    ("Terlaksananya pendampingan peserta magang", [_q("Jumlah peserta magang yang didampingi", "orang", 2, 6)]),
    (
        "Terkelolanya media sosial perangkat daerah",
        [_q("Jumlah konten informasi yang dipublikasikan", "konten", 24, 60)],
    ),
]
# Functional posts plan their own work; keyed by a word of the position name.
FUNGSIONAL_RHK = {
    "Guru": [
        (
            "Terlaksananya pembelajaran yang bermutu bagi peserta didik",
            [
                _q("Jumlah jam tatap muka pembelajaran", "jam", 540, 720),
                _q("Persentase peserta didik yang mencapai kriteria ketuntasan", "%", 75, 85, "KUALITAS"),
            ],
        ),
        (
            "Tersusunnya perangkat pembelajaran",
            [
                _q("Jumlah modul ajar yang disusun", "modul", 6, 12),
                _k("Kualitas modul ajar", "Modul ajar sesuai Kurikulum Merdeka dan disahkan kepala sekolah"),
            ],
        ),
    ],
    "Pengawas Sekolah": [
        (
            "Terlaksananya pendampingan satuan pendidikan binaan",
            [_q("Jumlah sekolah binaan yang didampingi", "sekolah", 6, 12)],
        ),
    ],
    "Perawat": [
        (
            "Terlaksananya asuhan keperawatan",
            [
                _q("Jumlah pasien yang mendapat asuhan keperawatan", "pasien", 300, 900),
                _q("Persentase dokumentasi asuhan keperawatan yang lengkap", "%", 80, 90, "KUALITAS"),
            ],
        ),
    ],
    "Bidan": [
        (
            "Terlaksananya pelayanan kebidanan",
            [_q("Jumlah ibu hamil yang mendapat pemeriksaan kehamilan", "orang", 60, 200)],
        ),
    ],
    "Dokter": [
        (
            "Terlaksananya pelayanan medis",
            [
                _q("Jumlah pasien yang diperiksa dan ditangani", "pasien", 800, 2400),
                _t("Rata-rata waktu tunggu pelayanan poliklinik", "menit", 30, 60),
            ],
        ),
    ],
    "Nutrisionis": [
        (
            "Terlaksananya pelayanan gizi",
            [_q("Jumlah balita gizi kurang yang mendapat konseling gizi", "balita", 40, 150)],
        ),
    ],
    "Apoteker": [
        (
            "Terlaksananya pelayanan kefarmasian",
            [
                _q("Jumlah resep yang dilayani", "resep", 3000, 9000),
                _t("Rata-rata waktu layanan resep", "menit", 15, 30),
            ],
        ),
    ],
    "Pranata Laboratorium": [
        ("Terlaksananya pemeriksaan laboratorium", [_q("Jumlah sampel yang diperiksa", "sampel", 1000, 4000)]),
    ],
    "Auditor": [
        (
            "Terlaksananya pengawasan intern",
            [
                _q("Jumlah laporan hasil audit yang diselesaikan", "laporan", 4, 10),
                _k("Kualitas laporan hasil audit", "Laporan sesuai standar audit intern dan lolos reviu berjenjang"),
            ],
        ),
    ],
    "Pengawas Penyelenggaraan": [
        (
            "Terlaksananya pengawasan penyelenggaraan urusan pemerintahan daerah",
            [_q("Jumlah objek pengawasan yang diperiksa", "objek", 4, 10)],
        ),
    ],
    "Perencana": [
        (
            "Tersusunnya dokumen perencanaan pembangunan",
            [
                _q("Jumlah dokumen perencanaan yang disusun", "dokumen", 3, 8),
                _k(
                    "Kualitas dokumen perencanaan",
                    "Dokumen selaras dengan RPJMD dan disetujui tanpa revisi substansial",
                ),
            ],
        ),
    ],
    "Pranata Komputer": [
        (
            "Terpeliharanya aplikasi dan infrastruktur TIK",
            [
                _q("Jumlah aplikasi yang dipelihara", "aplikasi", 4, 12),
                _t("Rata-rata waktu penyelesaian gangguan jaringan", "jam", 4, 8),
            ],
        ),
    ],
    "Pranata Hubungan Masyarakat": [
        (
            "Tersebarnya informasi publik pemerintah daerah",
            [_q("Jumlah konten informasi publik yang dipublikasikan", "konten", 60, 200)],
        ),
    ],
    "Statistisi": [
        (
            "Tersedianya data statistik sektoral",
            [_q("Jumlah set data statistik sektoral yang terbit", "set data", 10, 40)],
        ),
    ],
    "Analis Sumber Daya Manusia": [
        (
            "Terkelolanya layanan manajemen ASN",
            [
                _q("Jumlah usulan layanan kepegawaian yang diproses", "usulan", 100, 400),
                _t("Rata-rata waktu penyelesaian usulan layanan kepegawaian", "hari", 3, 7),
            ],
        ),
    ],
}


@dataclass(frozen=True)
class Domain:
    themes: tuple[str, ...]
    services: tuple[tuple[str, str, int, int], ...] = ()  # (what is served, unit, low, high)


# Keyed by a word of the perangkat daerah's name; the first match wins.
DOMAINS: list[tuple[str, Domain]] = [
    (
        "rumah sakit",
        Domain(
            ("pelayanan rawat inap", "pelayanan gawat darurat", "mutu pelayanan keperawatan", "keselamatan pasien"),
            (
                ("pemeriksaan laboratorium", "pemeriksaan", 2000, 6000),
                ("berkas klaim BPJS Kesehatan", "berkas", 600, 1800),
            ),
        ),
    ),
    (
        "kesehatan",
        Domain(
            (
                "pelayanan kesehatan dasar di puskesmas",
                "imunisasi dasar lengkap",
                "pencegahan stunting",
                "pengendalian penyakit menular",
                "kesehatan ibu dan anak",
            ),
            (("sampel air minum yang diperiksa", "sampel", 60, 200),),
        ),
    ),
    (
        "pendidikan",
        Domain(
            ("mutu pembelajaran SD", "mutu pembelajaran SMP", "layanan PAUD", "pengelolaan dana BOS"),
            (("permohonan legalisir ijazah", "permohonan", 150, 500), ("usulan mutasi siswa", "usulan", 40, 150)),
        ),
    ),
    (
        "pekerjaan umum",
        Domain(
            ("pemeliharaan jalan kota", "pengelolaan drainase", "penataan ruang kota", "pengelolaan sumber daya air"),
            (("permohonan Persetujuan Bangunan Gedung", "permohonan", 60, 200),),
        ),
    ),
    (
        "perumahan",
        Domain(("penanganan rumah tidak layak huni", "penataan kawasan permukiman", "prasarana permukiman")),
    ),
    (
        "polisi pamong",
        Domain(
            ("penegakan peraturan daerah", "ketenteraman dan ketertiban umum", "penanggulangan kebakaran"),
            (("laporan gangguan ketertiban", "laporan", 60, 200),),
        ),
    ),
    (
        "sosial",
        Domain(
            ("rehabilitasi sosial", "perlindungan dan jaminan sosial", "pemutakhiran DTKS"),
            (("usulan pemutakhiran DTKS", "usulan", 300, 900),),
        ),
    ),
    (
        "kependudukan",
        Domain(
            ("pelayanan administrasi kependudukan", "pencatatan sipil", "kepemilikan akta kelahiran anak"),
            (("permohonan akta kelahiran", "permohonan", 400, 1200), ("permohonan KTP-el", "permohonan", 800, 2400)),
        ),
    ),
    (
        "pengendalian penduduk",
        Domain(("pelayanan keluarga berencana", "perlindungan anak", "pemberdayaan perempuan")),
    ),
    (
        "perhubungan",
        Domain(
            ("manajemen lalu lintas", "pelayanan angkutan umum", "keselamatan jalan"),
            (("kendaraan yang diuji", "kendaraan", 600, 1800),),
        ),
    ),
    (
        "komunikasi",
        Domain(
            (
                "layanan aplikasi pemerintahan",
                "keterbukaan informasi publik",
                "statistik sektoral",
                "keamanan informasi",
            ),
            (("tiket layanan aplikasi", "tiket", 200, 800), ("permohonan informasi publik", "permohonan", 40, 120)),
        ),
    ),
    (
        "pariwisata",
        Domain(
            (
                "pengelolaan destinasi wisata",
                "pelestarian Warisan Tambang Batubara Ombilin",
                "pengembangan kesenian daerah",
            ),
        ),
    ),
    ("pertanian", Domain(("produksi tanaman pangan", "kesehatan hewan", "ketahanan pangan", "penyuluhan pertanian"))),
    (
        "perdagangan",
        Domain(("stabilitas harga bahan pokok", "pemberdayaan koperasi dan UMKM", "pengelolaan pasar rakyat")),
    ),
    (
        "lingkungan hidup",
        Domain(("pengelolaan sampah", "pengendalian pencemaran", "ruang terbuka hijau")),
    ),
    (
        "penanaman modal",
        Domain(
            ("pelayanan perizinan berusaha", "promosi penanaman modal"),
            (("permohonan perizinan berusaha", "permohonan", 300, 900),),
        ),
    ),
    ("perpustakaan", Domain(("layanan perpustakaan", "pembudayaan gemar membaca", "pengelolaan arsip daerah"))),
    (
        "pemuda",
        Domain(("pembinaan kepemudaan", "pembinaan olahraga prestasi", "pelatihan dan penempatan tenaga kerja")),
    ),
    ("bencana", Domain(("kesiapsiagaan bencana", "penanganan darurat bencana", "logistik kebencanaan"))),
    ("kesatuan bangsa", Domain(("wawasan kebangsaan", "kewaspadaan dini", "pembinaan organisasi kemasyarakatan"))),
    ("perencanaan", Domain(("perencanaan pembangunan daerah", "evaluasi RPJMD", "perencanaan infrastruktur"))),
    (
        "kepegawaian",
        Domain(
            ("manajemen ASN", "pengembangan kompetensi ASN", "mutasi dan promosi", "sistem informasi kepegawaian"),
            (("usulan kenaikan pangkat", "usulan", 150, 500), ("usulan pensiun", "usulan", 30, 90)),
        ),
    ),
    (
        "keuangan",
        Domain(
            ("pengelolaan anggaran daerah", "penatausahaan keuangan daerah", "pengelolaan barang milik daerah"),
            (("SP2D", "dokumen", 1500, 4000),),
        ),
    ),
    ("inspektorat", Domain(("pengawasan internal", "reviu laporan keuangan", "pencegahan korupsi"))),
    (
        "sekretariat daerah",
        Domain(("koordinasi pemerintahan", "penyusunan produk hukum daerah", "penataan organisasi", "perekonomian")),
    ),
    ("dprd", Domain(("fasilitasi persidangan DPRD", "fasilitasi anggaran DPRD", "pelayanan anggota dewan"))),
    (
        "kecamatan",
        Domain(
            ("pelayanan administrasi terpadu kecamatan", "pemerintahan desa dan kelurahan", "pemberdayaan masyarakat"),
            (("permohonan surat keterangan", "permohonan", 300, 900),),
        ),
    ),
]
DEFAULT_DOMAIN = Domain(("pelayanan administrasi perkantoran", "tata kelola keuangan", "pengelolaan kepegawaian"))

QUAL_TEXT = {
    ATAS: "Hasil diterima tanpa revisi dan dijadikan contoh oleh unit lain.",
    SESUAI: "Hasil diterima dengan catatan perbaikan kecil.",
    BAWAH: "Masih ada revisi substansial dari pejabat penilai.",
}
EXPECTATIONS = {
    "pelayanan": "Menanggapi setiap permintaan layanan paling lambat satu hari kerja.",
    "akuntabel": "Menyampaikan laporan kegiatan dan pertanggungjawaban keuangan tepat waktu.",
    "kompeten": "Mengikuti sekurang-kurangnya 20 JP pengembangan kompetensi dan berbagi hasilnya kepada tim.",
    "harmonis": "Menjaga suasana kerja yang saling menghargai di unit.",
    "loyal": "Menjaga kerahasiaan data pribadi masyarakat yang dikelola.",
    "adaptif": "Mengusulkan sekurang-kurangnya satu perbaikan cara kerja setiap semester.",
    "kolaboratif": "Aktif berbagi data dan informasi dengan bidang lain.",
}
RETURN_COMMENTS = [
    "Target indikator pertama terlalu rendah dibanding realisasi tahun lalu; mohon disesuaikan.",
    "RHK utama kedua belum mengacu pada RHK atasan yang tepat; pilih RHK bidang yang diintervensi.",
    "Lengkapi indikator kualitas untuk RHK layanan agar hasilnya dapat dinilai.",
]
THREADS = [
    (
        "Progres triwulan",
        [
            "Izin melaporkan, realisasi triwulan ini sudah saya isi beserta tautan bukti dukungnya.",
            "Terima kasih. Tolong lengkapi rekap per bulan supaya mudah diverifikasi.",
            "Baik, rekap per bulan sudah saya tambahkan pada bukti dukung.",
        ],
    ),
    (
        "Kendala data",
        [
            "Data dari kelurahan terlambat masuk, sehingga target triwulan ini belum tercapai.",
            "Koordinasikan dengan seksi terkait minggu ini; bila perlu saya bantu dengan surat dinas.",
        ],
    ),
    (
        "Usulan perbaikan cara kerja",
        [
            "Saya usul formulir permohonan dibuat daring agar berkas tidak menumpuk di loket.",
            "Ide bagus. Siapkan gambaran alurnya untuk dibahas pada rapat bidang.",
            "Siap, draf alurnya saya sampaikan Jumat ini.",
        ],
    ),
]
WORK_JUSTIFICATION = {
    "lower": "Target ditetapkan terlalu rendah di awal tahun; hasil kerja sesuai ekspektasi, belum melampaui.",
    "higher": "Realisasi tertunda karena penugasan darurat dari pimpinan; hasil akhir tetap memenuhi ekspektasi.",
}
PEER_COMMENTS = ["Selalu sigap membantu rekan.", "Komunikatif dan tepat waktu.", "", "Terbuka terhadap masukan."]


# ---------------------------------------------------------------------------------------------
# People and plans


@dataclass
class Person:
    id: int
    nip: str
    name: str
    unit_id: int
    unit_name: str
    pd_id: int
    pd_name: str
    kind: str
    position: str
    is_head: bool
    penilai_id: int | None
    atasan_id: int | None
    user_id: int | None
    depth: int = 0


@dataclass
class IndPlan:
    spec: IndSpec
    text: str
    target: Decimal | None
    order: int
    obj: Indicator | None = None


@dataclass
class RhkPlan:
    kind: str
    text: str
    theme: str
    parent: "RhkPlan | None"
    perspektif: str
    order: int
    indicators: list[IndPlan] = field(default_factory=list)
    level: rules.Level = SESUAI
    obj: Rhk | None = None


@dataclass
class SkpPlan:
    person: Person
    status: str
    rhks: list[RhkPlan] = field(default_factory=list)
    expectations: dict[str, str] = field(default_factory=dict)
    return_comment: str = ""
    predikat: rules.Predikat | None = None
    work: rules.Level | None = None
    behaviour: rules.Level | None = None
    obj: Skp | None = None


@dataclass
class Context:
    people: list[Person]
    by_id: dict[int, Person]
    admin: User
    pimpinan: User | None
    demo: tuple[Person, Person, Person] | None
    units: dict[int, Unit]
    rule: rules.AchievementRule = field(default_factory=rules.AchievementRule)


def load_performance_demo(stdout=None) -> dict[int, dict[str, Any]]:
    """Load the demo's 2025 (announced) and 2026 (under way) performance years; returns counts per year."""
    say = stdout.write if stdout is not None else (lambda _line: None)
    active = Employee.objects.filter(is_active=True)
    if not active.exists():
        return {}
    if active.exclude(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        say(_("Kinerja contoh tidak dimuat: daftar pegawai bukan kota contoh."))
        return {}
    if active.count() > MAX_EMPLOYEES:
        say(
            _("Kinerja contoh tidak dimuat: lebih dari %(max)s pegawai (lihat bench/performance_year.py).")
            % {"max": MAX_EMPLOYEES}
        )
        return {}
    admin = User.objects.filter(role_grants__role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        say(_("Kinerja contoh tidak dimuat: belum ada admin BKPSDM."))
        return {}
    loaded = {}
    for year, loader in ((DONE_YEAR, _load_done_year), (CURRENT_YEAR, _load_current_year)):
        if Period.objects.filter(year=year, scheme=Scheme.TRIWULAN).exists():
            say(_("Kinerja %(year)s sudah ada; tidak dimuat ulang.") % {"year": year})
            continue
        with transaction.atomic():
            ctx = _context(admin)
            loaded[year] = loader(ctx, random.Random(f"terang-demo-{year}"))  # noqa: S311  (invented demo data)
        say(_describe(year, loaded[year]))
    return loaded


def _describe(year: int, counts: dict[str, Any]) -> str:
    parts = [
        ngettext("%(n)s SKP", "%(n)s SKP", counts["skp"]) % {"n": counts["skp"]},
        ngettext("%(n)s RHK", "%(n)s RHK", counts["rhk"]) % {"n": counts["rhk"]},
        ngettext("%(n)s indikator", "%(n)s indikator", counts["indicator"]) % {"n": counts["indicator"]},
    ]
    parts.append(ngettext("%(n)s realisasi", "%(n)s realisasi", counts["realisation"]) % {"n": counts["realisation"]})
    if year == DONE_YEAR:
        n = counts["evaluation"]
        parts.append(ngettext("%(n)s evaluasi diumumkan", "%(n)s evaluasi diumumkan", n) % {"n": n})
        n = counts["violating_units"]
        parts.append(ngettext("%(n)s unit di luar pola distribusi", "%(n)s unit di luar pola distribusi", n) % {"n": n})
    else:
        by_status = sorted(counts["status"].items(), key=lambda item: -item[1])
        parts.append(", ".join(f"{str(SkpStatus(status).label).lower()} {n}" for status, n in by_status))
    return _("Kinerja %(year)s dimuat: %(parts)s.") % {"year": year, "parts": "; ".join(parts)}


def _context(admin: User) -> Context:
    units = {u.pk: u for u in Unit.objects.all()}
    users = dict(User.objects.filter(employee__isnull=False).values_list("employee_id", "pk"))
    people = []
    for e in Employee.objects.filter(is_active=True).select_related("position").order_by("nip"):
        unit = units[e.unit_id]
        ids = unit.ancestor_ids()
        pd = units[ids[1]] if len(ids) > 1 else unit
        people.append(
            Person(
                id=e.pk,
                nip=e.nip,
                name=e.full_name,
                unit_id=e.unit_id,
                unit_name=unit.name,
                pd_id=pd.pk,
                pd_name=pd.name,
                kind=e.position.kind,
                position=e.position.name,
                is_head=e.position.is_head,
                penilai_id=e.penilai_id,
                atasan_id=e.atasan_penilai_id,
                user_id=users.get(e.pk),
            )
        )
    by_id = {p.id: p for p in people}
    for p in people:
        p.depth = _depth(p, by_id)
    pimpinan = User.objects.filter(role_grants__role=Role.PIMPINAN, is_active=True).order_by("pk").first()
    return Context(people, by_id, admin, pimpinan, _demo_people(by_id), units)


def _depth(person: Person, by_id: dict[int, Person]) -> int:
    depth, seen, current = 0, {person.id}, person
    while current.penilai_id in by_id and current.penilai_id not in seen:
        current = by_id[current.penilai_id]
        seen.add(current.id)
        depth += 1
    return depth


def _demo_people(by_id: dict[int, Person]) -> tuple[Person, Person, Person] | None:
    """The pegawai, penilai and atasan penilai that `load_demo` prints (the same choice as its _accounts)."""
    candidates = (
        Employee.objects.filter(
            is_active=True,
            position__kind__in=["PELAKSANA", "FUNGSIONAL"],
            penilai__isnull=False,
            atasan_penilai__isnull=False,
        )
        .order_by("nip")
        .values_list("pk", flat=True)
    )
    staff = candidates.filter(unit__name__startswith="Seksi Aplikasi").first() or candidates.first()
    if staff is None:
        return None
    pegawai = by_id[staff]
    if pegawai.penilai_id not in by_id or pegawai.atasan_id not in by_id:
        return None
    return pegawai, by_id[pegawai.penilai_id], by_id[pegawai.atasan_id]


def _domain(pd_name: str) -> Domain:
    lowered = pd_name.lower()
    return next((d for key, d in DOMAINS if key in lowered), DEFAULT_DOMAIN)


def _plan_skps(ctx: Context, statuses: dict[int, str], rng: random.Random) -> list[SkpPlan]:
    """Every SKP with its RHK and indicators, superiors first, so each RHK can name the one it intervenes."""
    plans: dict[int, SkpPlan] = {}
    for person in sorted(ctx.people, key=lambda p: (p.depth, p.nip)):
        plan = SkpPlan(person=person, status=statuses[person.id])
        superior = plans.get(person.penilai_id) if person.penilai_id else None
        _plan_rhks(plan, superior, _domain(person.pd_name), rng)
        plans[person.id] = plan
    return [plans[p.id] for p in ctx.people]


def _plan_rhks(plan: SkpPlan, superior: SkpPlan | None, domain: Domain, rng: random.Random) -> None:
    person = plan.person
    parents = [r for r in superior.rhks if r.kind == RhkKind.UTAMA] if superior else []
    rng.shuffle(parents)
    top = superior is None and person.kind == "JPT_PRATAMA"
    if top or (superior is None and person.kind == "ADMINISTRATOR"):
        themes = rng.sample(domain.themes, min(len(domain.themes), rng.randint(2, 3)))
        utama = [(rng.choice(JPT_RHK if top else ADMIN_RHK), t, None) for t in themes]
        if top:
            utama.append((JPT_INTERNAL, INTERNAL_THEME, None))
    else:
        n = {"JPT_PRATAMA": 3, "ADMINISTRATOR": rng.randint(3, 4), "PENGAWAS": rng.randint(2, 4)}.get(
            person.kind, rng.choice([2, 3, 3, 4])
        )
        if person.unit_name.startswith("Sekretariat") or person.unit_name.startswith("Subbagian Umum"):
            internal = [r for r in parents if r.theme == INTERNAL_THEME]
            parents = internal + [r for r in parents if r.theme != INTERNAL_THEME]
        else:
            parents = [r for r in parents if r.theme != INTERNAL_THEME] + [
                r for r in parents if r.theme == INTERNAL_THEME
            ]
        own = _fungsional_templates(person.position) if person.kind == "FUNGSIONAL" else []
        utama = []
        for i in range(n):
            parent = parents[i % len(parents)] if parents else None
            theme = parent.theme if parent else rng.choice(domain.themes)
            if i < len(own):
                template = own[i]
            elif person.kind == "PELAKSANA" and i == 0 and domain.services and rng.random() < 0.5:
                obj, unit, lo, hi = rng.choice(domain.services)
                template = (
                    f"Terlayaninya {obj}",
                    [
                        _q(f"Jumlah {obj} yang diselesaikan", unit, lo, hi),
                        _t(f"Rata-rata waktu layanan {obj}", "hari", 1, 5),
                    ],
                )
            else:
                pool = {"JPT_PRATAMA": JPT_RHK, "ADMINISTRATOR": ADMIN_RHK, "PENGAWAS": PENGAWAS_RHK}.get(
                    person.kind, STAFF_RHK
                )
                template = rng.choice(pool)
            utama.append((template, theme, parent))
    tambahan = []
    if len(utama) < 2 or rng.random() < 0.55:
        template = rng.choice(TAMBAHAN_RHK)
        parent = rng.choice(parents) if parents and rng.random() < 0.3 else None
        tambahan.append((template, parent.theme if parent else rng.choice(domain.themes), parent))
    used: set[str] = set()
    for kind, items in ((RhkKind.UTAMA, utama), (RhkKind.TAMBAHAN, tambahan)):
        for (text, specs), theme, parent in items[: 5 - len(plan.rhks)]:
            rendered = text.format(t=theme)
            if rendered in used:
                continue
            used.add(rendered)
            order = len(plan.rhks) + 1
            perspektif = ""
            if top:
                perspektif = "Penguatan Internal" if theme == INTERNAL_THEME else PERSPEKTIF[(order - 1) % 2]
            rhk = RhkPlan(kind, rendered, theme, parent, perspektif, order)
            chosen = specs[:1] + [s for s in specs[1:] if rng.random() < 0.6]
            for spec in chosen:
                rhk.indicators.append(
                    IndPlan(spec, spec.text.format(t=theme), _target(spec, rng), len(rhk.indicators) + 1)
                )
            plan.rhks.append(rhk)


def _fungsional_templates(position: str) -> list:
    return next((t for key, t in FUNGSIONAL_RHK.items() if key in position), [])


def _target(spec: IndSpec, rng: random.Random) -> Decimal | None:
    if spec.kind == "KUALITATIF":
        return None
    if spec.unit == "%":
        return Decimal(rng.randrange(spec.lo, spec.hi + 1, 5)).quantize(Decimal("0.01"))
    return Decimal(rng.randint(spec.lo, spec.hi)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Numbers that give a planned level under the period's rule


def _granular(value: Decimal, spec: IndSpec) -> Decimal:
    step = Decimal("1") if spec.mode == "count" else Decimal("0.1")
    value = max(value.quantize(step, rounding=ROUND_HALF_UP), Decimal(0))
    if spec.unit in ("%", "nilai"):
        value = min(value, Decimal(100))
    return value.quantize(Decimal("0.01"))


def _level_of(target: Decimal, value: Decimal, spec: IndSpec, rule: rules.AchievementRule) -> rules.Level | None:
    capaian = rules.indicator_capaian(target, value, spec.direction, rule)
    return None if capaian is None else rules.level_from_capaian(capaian, rule)


def _final_value(
    target: Decimal, spec: IndSpec, level: rules.Level, rule: rules.AchievementRule, rng: random.Random
) -> Decimal:
    """A year-end realisation whose capaian against `target` falls in `level`."""
    higher = spec.direction == "HIGHER_BETTER"
    bands = {ATAS: (1.12, 1.35), SESUAI: (1.0, 1.08), BAWAH: (0.6, 0.95)}
    for _attempt in range(40):
        factor = Decimal(str(round(rng.uniform(*bands[level]), 4)))
        if higher:
            value = target * factor
        else:
            value = target / factor if level != BAWAH else target / factor * Decimal("1.6")
        value = _granular(value, spec)
        if _level_of(target, value, spec, rule) == level:
            return value
    fallback = {ATAS: Decimal("1.25"), SESUAI: Decimal("1"), BAWAH: Decimal("0.8")}[level]
    value = _granular(target * fallback if higher else target / fallback, spec)
    if _level_of(target, value, spec, rule) != level:
        raise RuntimeError(f"no realisation of {spec.text!r} reaches {level} against {target}")  # pragma: no cover
    return value


def _series(final: Decimal, spec: IndSpec, slices: int, rng: random.Random, *, last_is_final: bool) -> list[Decimal]:
    """Realisations per slice: cumulative counts grow towards `final`; rates hover around it."""
    shares = [rng.uniform(0.15, 0.3), rng.uniform(0.42, 0.55), rng.uniform(0.65, 0.8), 1.0]
    values = []
    for i in range(slices):
        if last_is_final and i == 3:
            values.append(final)
        elif spec.mode == "count":
            values.append(_granular(final * Decimal(str(round(shares[i], 3))), spec))
        else:
            values.append(_granular(final * Decimal(str(round(rng.uniform(0.95, 1.05), 3))), spec))
    return values


# ---------------------------------------------------------------------------------------------
# Writing plans as rows


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _content(plan: SkpPlan) -> dict[str, Any]:
    """What `services.skp_content` returns for this SKP (the SkpVersion snapshot)."""
    return {
        "rhk": [
            {
                "id": r.obj.pk,
                "kind": r.kind,
                "text": r.text,
                "parent_id": r.parent.obj.pk if r.parent else None,
                "parent_text": r.parent.text if r.parent else "",
                "perspektif": r.perspektif,
                "indicators": [
                    {
                        "id": i.obj.pk,
                        "text": i.text,
                        "aspect": i.spec.aspect,
                        "kind": i.spec.kind,
                        "target_value": str(i.target) if i.target is not None else None,
                        "target_unit": i.spec.unit,
                        "target_text": i.spec.target_text,
                        "direction": i.spec.direction,
                    }
                    for i in r.indicators
                ],
            }
            for r in plan.rhks
        ],
        "expectations": dict(plan.expectations),
        "annex": dict.fromkeys(services.ANNEX_FIELDS, ""),
        "penilai_id": plan.person.penilai_id,
        "atasan_penilai_id": plan.person.atasan_id,
    }


def _write_plans(ctx: Context, period: Period, plans: list[SkpPlan], dates: dict[str, date], rng) -> Counter:
    """SKPs, expectations, RHK (superiors first), indicators and version snapshots, as the services leave them."""
    counts: Counter = Counter()
    users = {p.id: p.user_id for p in ctx.people}
    for plan in plans:
        person = plan.person
        n_versions = {SkpStatus.DRAFT: 0, SkpStatus.SUBMITTED: 1}.get(plan.status, 2)
        edits = sum(1 + len(r.indicators) for r in plan.rhks) + (1 if plan.expectations else 0)
        agreed = plan.status == SkpStatus.AGREED
        plan.obj = Skp(
            period=period,
            employee_id=person.id,
            penilai_id=person.penilai_id,
            atasan_penilai_id=person.atasan_id,
            unit_id=person.unit_id,
            position_name=person.position,
            status=plan.status,
            return_comment=plan.return_comment,
            agreed_at=_at(dates["agreed"] + timedelta(days=rng.randint(0, 20)), 10) if agreed else None,
            agreed_version=2 if agreed else None,
            created_at=_at(dates["start"] + timedelta(days=rng.randint(0, 10)), 8),
            version=1 + edits + n_versions,
        )
    Skp.objects.bulk_create([p.obj for p in plans], batch_size=BATCH)
    Expectation.objects.bulk_create(
        [Expectation(skp=p.obj, value=code, text=text) for p in plans for code, text in p.expectations.items()],
        batch_size=BATCH,
    )
    for depth in sorted({p.person.depth for p in plans}):
        level = [r for p in plans if p.person.depth == depth for r in p.rhks]
        for p in plans:
            if p.person.depth == depth:
                for r in p.rhks:
                    r.obj = Rhk(
                        skp=p.obj,
                        kind=r.kind,
                        text=r.text,
                        parent=r.parent.obj if r.parent else None,
                        perspektif=r.perspektif,
                        order=r.order,
                    )
        Rhk.objects.bulk_create([r.obj for r in level], batch_size=BATCH)
    indicators = []
    for p in plans:
        for r in p.rhks:
            for i in r.indicators:
                i.obj = Indicator(
                    rhk=r.obj,
                    text=i.text,
                    aspect=i.spec.aspect,
                    kind=i.spec.kind,
                    target_value=i.target,
                    target_unit=i.spec.unit,
                    target_text=i.spec.target_text,
                    direction=i.spec.direction,
                    order=i.order,
                )
                indicators.append(i.obj)
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    versions = []
    for p in plans:
        if p.status == SkpStatus.DRAFT:
            continue
        content = _content(p)
        submitted = p.obj.agreed_at - timedelta(days=rng.randint(1, 5)) if p.obj.agreed_at else None
        submitted = submitted or _at(dates["late"] + timedelta(days=rng.randint(0, 6)), 14)
        versions.append(
            SkpVersion(
                skp=p.obj,
                number=1,
                status=SkpStatus.SUBMITTED,
                content=content,
                created_by_id=users[p.person.id],
                created_at=submitted,
            )
        )
        if p.status in (SkpStatus.AGREED, SkpStatus.RETURNED):
            versions.append(
                SkpVersion(
                    skp=p.obj,
                    number=2,
                    status=p.status,
                    content=content,
                    comment=p.return_comment,
                    created_by_id=users.get(p.person.penilai_id),
                    created_at=p.obj.agreed_at or submitted + timedelta(days=2),
                )
            )
    SkpVersion.objects.bulk_create(versions, batch_size=BATCH)
    counts.update(
        skp=len(plans),
        rhk=sum(len(p.rhks) for p in plans),
        indicator=len(indicators),
        expectation=sum(len(p.expectations) for p in plans),
        skp_version=len(versions),
    )
    return counts


REALISATION_FIELDS = [
    "indicator_id",
    "slice_id",
    "value",
    "text",
    "assessed_level",
    "updated_by_id",
    "updated_at",
    "version",
]


@dataclass
class Written:
    """One realisation row as written (the row's id is looked up afterwards, for evidence)."""

    plan: SkpPlan
    indicator: IndPlan
    slice: Any
    updated_at: datetime


def _write_realisations(
    ctx: Context, plans: list[SkpPlan], slices: list, rng, *, done_year: bool, pegawai_id: int | None = None
) -> list[Written]:
    """Realisations of the agreed SKPs: all four slices of a finished year, Triwulan I–III of the current one.

    The demo pegawai is left something to do in the current year: one Triwulan III figure not yet
    entered, and their kualitatif Triwulan III result not yet judged by the penilai.
    """
    rows, written = [], []
    n = 4 if done_year else 3
    for plan in plans:
        if plan.status != SkpStatus.AGREED:
            continue
        user_id = plan.person.user_id
        mine = plan.person.id == pegawai_id
        skip_last = not done_year and rng.random() < 0.06 and not mine  # a few are late with Triwulan III
        quant = [i for r in plan.rhks for i in r.indicators if i.spec.kind == "KUANTITATIF"]
        for rhk in plan.rhks:
            for ind in rhk.indicators:
                if ind.spec.kind == "KUALITATIF":
                    levels = [rhk.level if rng.random() < 0.7 else SESUAI for _ in range(n)]
                    if done_year:
                        levels[-1] = rhk.level
                    values = [None] * n
                else:
                    final = _final_value(ind.target, ind.spec, rhk.level, ctx.rule, rng)
                    values = _series(final, ind.spec, n, rng, last_is_final=done_year)
                    levels = [None] * n
                for i in range(n):
                    if i == 2 and (skip_last or (mine and quant and ind is quant[-1])):
                        continue
                    assessed = ""
                    judged = done_year or i < 2 or (rng.random() < 0.7 and not mine)
                    if levels[i] is not None and judged:
                        assessed = levels[i].value
                    text = QUAL_TEXT[levels[i]] if levels[i] is not None else ""
                    when = _at(slices[i].end + timedelta(days=rng.randint(2, 12)), 15)
                    version = 2 if assessed else 1
                    rows.append((ind.obj.pk, slices[i].pk, values[i], text, assessed, user_id, when, version))
                    written.append(Written(plan, ind, slices[i], when))
    insert_rows(Realisation, REALISATION_FIELDS, rows)
    return written


def _summary_event(period: Period, counts: Counter) -> None:
    events_record(
        actor=None,
        events=[
            EventData(
                action="performance.demo.load",
                object_type="performance.period",
                object_id=str(period.pk),
                object_repr=str(period),
                changes={k: v for k, v in sorted(counts.items()) if isinstance(v, int)},
                reason="terang load_demo",
            )
        ],
    )


def _create_period(ctx: Context, year: int) -> Period:
    return services.period_create(
        actor=ctx.admin,
        year=year,
        name=f"Kinerja {year}",
        scheme=Scheme.TRIWULAN,
        planning_opens=date(year, 1, 1),
        planning_closes=date(year, 1, 31),
        evaluation_opens=date(year, 12, 1),
        evaluation_closes=date(year + 1, 1, 31),
    )


def _expectations(plan: SkpPlan, rng: random.Random, share: float) -> None:
    if plan.person.penilai_id and rng.random() < share:
        codes = rng.sample(VALUES, rng.randint(2, 4))
        plan.expectations = {code: EXPECTATIONS[code] for code in VALUES if code in codes}


# ---------------------------------------------------------------------------------------------
# 2025: rated, finalised per perangkat daerah, announced, with objections


def _load_done_year(ctx: Context, rng: random.Random) -> dict[str, Any]:
    started = timezone.now()
    period = _create_period(ctx, DONE_YEAR)
    ctx.rule = services.rules_for(period)[1]
    slices = list(period.slices.order_by("start"))
    # Everyone's SKP was agreed; for heads appraised by the Kepala Daerah the pimpinan agreed and rated.
    statuses = dict.fromkeys((p.id for p in ctx.people), SkpStatus.AGREED)
    plans = _plan_skps(ctx, statuses, rng)
    for plan in plans:
        _expectations(plan, rng, 0.2)
    org_plan, violators = _plan_predikat(ctx, plans, rng)
    for plan in plans:
        if plan.status == SkpStatus.AGREED:
            _plan_levels(plan, rng)
    dates = {"start": date(2025, 1, 2), "agreed": date(2025, 1, 20), "late": date(2025, 2, 10)}
    counts = _write_plans(ctx, period, plans, dates, rng)
    counts["realisation"] = len(_write_realisations(ctx, plans, slices, rng, done_year=True))
    counts["peer"] = _peer_input_done_year(ctx, plans, rng)

    period = services.period_set_status(actor=ctx.admin, period=period, status=PeriodStatus.EVALUATION)
    # The next-higher leader sets each unit's result first: it picks the pattern the ratings fall in.
    setter = ctx.pimpinan or ctx.admin
    pds = {pd_id: ctx.units[pd_id] for pd_id in org_plan}
    for pd_id, org in sorted(org_plan.items()):
        services.org_result_set(actor=setter, period=period, unit=pds[pd_id], predikat=org.value)
    suggestions = compute_year(period, write=False).suggestions
    evaluations = [_evaluation(plan, suggestions.get(plan.obj.pk), org_plan, ctx, rng) for plan in plans if plan.work]
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    counts["evaluation"] = len(evaluations)
    for pd_id in sorted(org_plan):
        reason = ""
        if pd_id in violators:
            reason = (
                "Kinerja unit merata; pola distribusi dibahas ulang dengan kepala perangkat daerah untuk tahun depan."
            )
        services.unit_finalise(actor=ctx.admin, period=period, unit=pds[pd_id], reason=reason)
    waiting = ""
    if ctx.pimpinan is not None:
        services.period_publish(actor=ctx.pimpinan, period=period, today=PUBLISHED_ON)
        counts["objection"], waiting = _objections(ctx, plans, org_plan, violators)
    _backdate(period, started, waiting)
    period.refresh_from_db()
    stats = compute_year(period, write=False)
    counts["violating_units"] = len(stats.violating_units)
    _summary_event(period, counts)
    return dict(counts)


def _peer_input_done_year(ctx: Context, plans: list[SkpPlan], rng: random.Random) -> int:
    """2025's 360 input: three colleagues from other teams of the same perangkat daerah answer for most
    staff. Their answers follow the person's behaviour with some noise; they are what connects the
    appraisers of different teams, so the fairness analysis can compare them."""
    by_pd: dict[int, list[Person]] = defaultdict(list)
    for p in ctx.people:
        by_pd[p.pd_id].append(p)
    rows = []
    order = rules.LEVEL_ORDER
    for plan in plans:
        person = plan.person
        if plan.behaviour is None or person.penilai_id is None or rng.random() < 0.15:
            continue
        others = [p for p in by_pd[person.pd_id] if p.id != person.id and p.penilai_id != person.penilai_id]
        if len(others) < 3:
            continue
        requested_by = ctx.by_id[person.penilai_id].user_id or ctx.admin.pk
        for k, respondent in enumerate(rng.sample(others, 3)):
            levels = {}
            for code in VALUES:
                i = order.index(plan.behaviour) + rng.choices([-1, 0, 1], weights=[1, 6, 1])[0]
                levels[code] = order[min(max(i, 0), len(order) - 1)].value
            rows.append(
                PeerRequest(
                    skp=plan.obj,
                    respondent_id=respondent.id,
                    relation=PeerRelation.PEER,
                    requested_by_id=requested_by,
                    created_at=_at(date(2025, 11, 3), 10),
                    answered_at=_at(date(2025, 11, 10) + timedelta(days=k), 13),
                    levels=levels,
                    comment=rng.choice(PEER_COMMENTS),
                )
            )
    PeerRequest.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _backdate(period: Period, started: datetime, waiting: str) -> None:
    """Put the stages the services just ran on the 2025 calendar (the audit log keeps the real times).

    Their notifications were read long ago, except the one about the objection still waiting.
    """
    OrgResult.objects.filter(period=period).update(set_at=_at(date(2026, 1, 15), 10))
    final = _at(date(2026, 1, 30), 16)
    UnitFinalisation.objects.filter(period=period).update(finalised_at=final)
    Evaluation.objects.filter(skp__period=period).update(finalised_at=final)
    FollowUp.objects.filter(evaluation__skp__period=period).update(created_at=final)
    CreditAward.objects.filter(evaluation__skp__period=period).update(created_at=final)
    Notification.objects.filter(created_at__gte=started).exclude(url=waiting).update(
        created_at=_at(PUBLISHED_ON, 8), read_at=_at(PUBLISHED_ON + timedelta(days=1), 9)
    )
    Notification.objects.filter(created_at__gte=started, url=waiting).update(created_at=_at(OBJECTIONS_FILED_ON, 10))


def _plan_predikat(ctx: Context, plans: list[SkpPlan], rng: random.Random):
    """Each perangkat daerah's result and predikat counts: most within their quota, a few deliberately not."""
    by_pd: dict[int, list[SkpPlan]] = defaultdict(list)
    for plan in plans:
        if plan.status == SkpStatus.AGREED:
            by_pd[plan.person.pd_id].append(plan)
    demo_pd = ctx.demo[0].pd_id if ctx.demo else None
    order = sorted(by_pd, key=lambda pd: (-len(by_pd[pd]), ctx.units[pd].name))
    large = [pd for pd in order if len(by_pd[pd]) >= 6 and pd != demo_pd]
    violators = dict(
        zip(rng.sample(large[:12], min(3, len(large))), ("OVER_SB", "ALL_GOOD", "BAIK_HEAVY"), strict=False)
    )
    rest = [pd for pd in order if pd not in violators]
    weak = next((pd for pd in rest[len(rest) // 3 :] if len(by_pd[pd]) >= 5 and pd != demo_pd), None)
    org_plan = {}
    for pd in order:
        n = len(by_pd[pd])
        if pd in violators:
            org = rules.OrgPredikat.ISTIMEWA if violators[pd] == "OVER_SB" else rules.OrgPredikat.BAIK
            shape = violators[pd]
        elif pd == weak:
            org = shape = rules.OrgPredikat.BUTUH_PERBAIKAN
        else:
            org = shape = rules.OrgPredikat.ISTIMEWA if rng.random() < 0.2 or n < 2 else rules.OrgPredikat.BAIK
        predikat = _quota_counts(n, shape, rng)
        counts = Counter(predikat)
        broken = rules.check_distribution(counts, org)
        if bool(broken) != (pd in violators):  # pragma: no cover - a planning mistake, not a data state
            raise RuntimeError(f"distribution plan for {ctx.units[pd].name} does not come out as intended")
        people = by_pd[pd]
        rng.shuffle(predikat)
        for plan, p in zip(people, predikat, strict=True):
            plan.predikat = p
        if ctx.demo and pd == demo_pd:
            _give(people, ctx.demo[0].id, P.BAIK)
        org_plan[pd] = rules.OrgPredikat(org)
    return org_plan, set(violators)


def _give(people: list[SkpPlan], person_id: int, predikat: rules.Predikat) -> None:
    """Swap predikat inside a unit so one person gets `predikat` (the counts stay the same)."""
    mine = next(p for p in people if p.person.id == person_id)
    other = next((p for p in people if p.predikat == predikat), None)
    if other is not None:
        mine.predikat, other.predikat = other.predikat, mine.predikat


def _quota_counts(n: int, shape, rng: random.Random) -> list[rules.Predikat]:
    def share(lo, hi):
        return round(n * rng.uniform(lo, hi))

    cap = (n * 7) // 10
    if shape == rules.OrgPredikat.ISTIMEWA:
        sb = min(cap, share(0.35, 0.6))
        bp = 1 if n >= 10 and rng.random() < 0.5 else 0
        counts = {P.SANGAT_BAIK: sb, P.BUTUH_PERBAIKAN: bp, P.BAIK: n - sb - bp}
    elif shape == rules.OrgPredikat.BAIK:
        weak = max(1, share(0.08, 0.15))
        kurang = 1 if weak >= 3 else 0
        sk = 1 if n >= 40 and rng.random() < 0.5 else 0
        sb = min(share(0.12, 0.22), n - weak - sk)
        baik = n - weak - sk - sb
        if baik > cap:
            sb, baik = sb + baik - cap, cap
        counts = {
            P.SANGAT_BAIK: sb,
            P.BAIK: baik,
            P.BUTUH_PERBAIKAN: weak - kurang,
            P.KURANG: kurang,
            P.SANGAT_KURANG: sk,
        }
    elif shape == rules.OrgPredikat.BUTUH_PERBAIKAN:
        bp = -(-n * 6 // 10) + (1 if n >= 10 else 0)
        sb = 1 if n >= 10 else 0
        counts = {P.BUTUH_PERBAIKAN: bp, P.SANGAT_BAIK: sb, P.BAIK: n - bp - sb}
    elif shape == "OVER_SB":  # an Istimewa unit over the Sangat Baik cap
        sb = min(n, cap + max(1, n // 10))
        counts = {P.SANGAT_BAIK: sb, P.BAIK: n - sb}
    elif shape == "ALL_GOOD":  # nobody below Baik: the lenient unit
        sb = n // 10
        counts = {P.SANGAT_BAIK: sb, P.BAIK: n - sb}
    else:  # "BAIK_HEAVY": too many Baik, one Butuh Perbaikan
        counts = {P.BUTUH_PERBAIKAN: 1, P.BAIK: n - 1}
    return [p for p, k in counts.items() for _ in range(k)]


WORK_BEHAVIOUR = {
    P.SANGAT_BAIK: [((ATAS, ATAS), 1)],
    P.BAIK: [((SESUAI, SESUAI), 0.7), ((ATAS, SESUAI), 0.15), ((SESUAI, ATAS), 0.15)],
    P.BUTUH_PERBAIKAN: [((BAWAH, SESUAI), 0.85), ((BAWAH, ATAS), 0.15)],
    P.KURANG: [((SESUAI, BAWAH), 0.7), ((ATAS, BAWAH), 0.3)],
    P.SANGAT_KURANG: [((BAWAH, BAWAH), 1)],
}


def _plan_levels(plan: SkpPlan, rng: random.Random) -> None:
    """Work and behaviour levels for the predikat, and RHK levels whose suggestion matches the work level.

    A few appraisers depart from the suggestion (and write why): their RHK point to a neighbouring level.
    """
    options = WORK_BEHAVIOUR[plan.predikat]
    (plan.work, plan.behaviour) = rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]
    suggested = plan.work
    if rng.random() < 0.04:
        suggested = {ATAS: SESUAI, SESUAI: rng.choice([ATAS, BAWAH]), BAWAH: SESUAI}[plan.work]
    utama = [r for r in plan.rhks if r.kind == RhkKind.UTAMA]
    for _attempt in range(20):
        levels = [suggested] * len(utama)
        if len(utama) >= 3 and rng.random() < 0.5:
            levels[rng.randrange(len(levels))] = {ATAS: SESUAI, SESUAI: rng.choice([ATAS, BAWAH]), BAWAH: SESUAI}[
                suggested
            ]
        for r, level in zip(utama, levels, strict=True):
            r.level = level
        for r in plan.rhks:
            if r.kind == RhkKind.TAMBAHAN:
                r.level = rng.choice([ATAS, SESUAI, SESUAI, BAWAH])
        pairs = [(r.kind == RhkKind.UTAMA, r.level) for r in plan.rhks]
        outcome = rules.suggest_work_rating(pairs)
        if outcome is not None and outcome.level == suggested:
            return
    for r in plan.rhks:
        r.level = suggested


def _behaviour_levels(level: rules.Level, rng: random.Random) -> dict[str, str]:
    if level == ATAS:
        k, other = rng.randint(4, 7), SESUAI
    elif level == BAWAH:
        k, other = rng.randint(4, 6), SESUAI
    else:
        k, other, level = rng.choice([(0, SESUAI, SESUAI), (1, ATAS, SESUAI), (2, ATAS, SESUAI)])
        if k and rng.random() < 0.3:
            k, other = 1, BAWAH
        picked = set(rng.sample(VALUES, k))
        return {code: (other if code in picked else SESUAI).value for code in VALUES}
    picked = set(rng.sample(VALUES, k))
    return {code: (level if code in picked else other).value for code in VALUES}


def _evaluation(plan: SkpPlan, suggestion, org_plan: dict, ctx: Context, rng: random.Random) -> Evaluation:
    """The rating as `services.evaluation_rate` stores it (suggestion, reasons where the rating departs)."""
    levels = _behaviour_levels(plan.behaviour, rng)
    if rules.suggest_behaviour_rating(levels) != plan.behaviour:  # pragma: no cover
        raise RuntimeError("behaviour levels do not support the planned behaviour rating")
    suggested = suggestion.level if suggestion else None
    data = suggestion.to_data() if suggestion else {}
    person = plan.person
    if person.is_head and ctx.units[person.unit_id].depth == 1 and person.pd_id in org_plan:
        # A perangkat daerah's head is rated on the unit's result (services.unit_head_work_level).
        suggested = rules.UNIT_HEAD_WORK_LEVEL[org_plan[person.pd_id]]
        data = {**data, "level": suggested.value, "reason": "unit_head_org_result"}
    justification = ""
    if suggested is not None and suggested != plan.work:
        lower = rules.LEVEL_ORDER.index(plan.work) > rules.LEVEL_ORDER.index(suggested)
        justification = WORK_JUSTIFICATION["lower" if lower else "higher"]
    return Evaluation(
        skp=plan.obj,
        status=EvaluationStatus.RATED,
        suggested_work_level=suggested.value if suggested else "",
        suggestion=data,
        work_level=plan.work.value,
        work_justification=justification,
        behaviour_levels=levels,
        behaviour_level=plan.behaviour.value,
        predikat=rules.predikat(plan.work, plan.behaviour).value,
        rated_by_id=(
            ctx.by_id[plan.person.penilai_id].user_id if plan.person.penilai_id else (ctx.pimpinan or ctx.admin).pk
        ),
        rated_at=_at(date(2025, 12, 8) + timedelta(days=rng.randint(0, 30)), 11),
        version=2,
    )


def _objections(ctx: Context, plans: list[SkpPlan], org_plan: dict, violators: set[int]) -> tuple[int, str]:
    """One objection decided with a change, one decided without, one waiting for the atasan penilai.

    Returns how many were filed and the address of the one still waiting.
    """
    demo_ids = {p.id for p in ctx.demo} if ctx.demo else set()
    agreed = [p for p in plans if p.work and p.person.atasan_id and ctx.by_id[p.person.atasan_id].user_id]
    baik_units = {pd for pd, org in org_plan.items() if org == rules.OrgPredikat.BAIK and pd not in violators}
    changed = next(
        (
            p
            for p in agreed
            if p.person.pd_id in baik_units
            and (p.work, p.behaviour) == (SESUAI, SESUAI)
            and p.person.id not in demo_ids
        ),
        None,
    )
    kept = next((p for p in agreed if p.predikat == P.BUTUH_PERBAIKAN and p.person.id not in demo_ids), None)
    pending = None
    if ctx.demo:
        atasan = ctx.demo[2].id
        mine = [p for p in agreed if p.person.atasan_id == atasan and p is not changed and p is not kept]
        pending = next((p for p in mine if p.person.id not in demo_ids), None) or next(iter(mine), None)
    others = (p for p in agreed if p is not changed and p is not kept and p.person.id not in demo_ids)
    pending = pending or next(others, None)
    filed, waiting = 0, ""
    cases = [
        (
            changed,
            "Bukti dukung triwulan IV (laporan akhir dan berita acara serah terima) belum dipertimbangkan dalam "
            "penilaian hasil kerja saya.",
            (
                True,
                "Setelah memeriksa bukti dukung triwulan IV dan mendengar pejabat penilai, hasil kerja dan perilaku "
                "kerja dinilai di atas ekspektasi.",
            ),
        ),
        (
            kept,
            "Capaian RHK utama saya tertinggal karena penugasan tambahan dari pimpinan yang menyita waktu.",
            (False, "Penugasan tambahan sudah tercatat sebagai RHK tambahan; capaian RHK utama tetap di bawah target."),
        ),
        (
            pending,
            "Penilaian perilaku kerja saya tidak disertai catatan dialog kinerja; mohon ditinjau kembali.",
            None,
        ),
    ]
    for plan, reason, decision in cases:
        if plan is None:
            continue
        evaluation = Evaluation.objects.select_related("skp__period", "skp__employee").get(skp=plan.obj)
        employee_user = User.objects.get(pk=plan.person.user_id)
        objection = services.objection_file(
            actor=employee_user, evaluation=evaluation, reason=reason, today=OBJECTIONS_FILED_ON
        )
        filed += 1
        Objection.objects.filter(pk=objection.pk).update(filed_at=_at(OBJECTIONS_FILED_ON, 10))
        if decision is None:
            waiting = f"/kinerja/keberatan/{objection.pk}/"
            continue
        change, why = decision
        services.objection_decide(
            actor=User.objects.get(pk=ctx.by_id[plan.person.atasan_id].user_id),
            objection=objection,
            change=change,
            reason=why,
            work_level=ATAS.value if change else None,
            behaviour_level=ATAS.value if change else None,
        )
        Objection.objects.filter(pk=objection.pk).update(decided_at=_at(OBJECTIONS_DECIDED_ON, 14))
    return filed, waiting


# ---------------------------------------------------------------------------------------------
# 2026: plans agreed (mostly), realisations through Triwulan III, dialog, 360


def _load_current_year(ctx: Context, rng: random.Random) -> dict[str, Any]:
    period = _create_period(ctx, CURRENT_YEAR)
    period = services.period_set_status(actor=ctx.admin, period=period, status=PeriodStatus.DOING)
    ctx.rule = services.rules_for(period)[1]
    slices = list(period.slices.order_by("start"))
    statuses = _current_statuses(ctx, rng)
    plans = _plan_skps(ctx, statuses, rng)
    by_person = {p.person.id: p for p in plans}
    returned = [p for p in plans if p.status == SkpStatus.RETURNED]
    for plan in returned:
        plan.return_comment = rng.choice(RETURN_COMMENTS)
    demo_team = {p.id for p in ctx.people if ctx.demo and p.penilai_id == ctx.demo[1].id}
    for plan in plans:
        _expectations(plan, rng, 1.0 if plan.person.id in demo_team else 0.2)
        for rhk in plan.rhks:
            rhk.level = rng.choices([ATAS, SESUAI, BAWAH], weights=[2, 6, 2])[0]
    if ctx.demo:
        _demo_pegawai_plan(by_person[ctx.demo[0].id])
    dates = {"start": date(2026, 1, 2), "agreed": date(2026, 1, 19), "late": date(2026, 11, 16)}
    counts = _write_plans(ctx, period, plans, dates, rng)
    pegawai_id = ctx.demo[0].id if ctx.demo else None
    realisations = _write_realisations(ctx, plans, slices, rng, done_year=False, pegawai_id=pegawai_id)
    counts["realisation"] = len(realisations)
    counts["evidence"] = _evidence(ctx, realisations, slices, rng)
    counts["thread"], counts["message"] = _threads(ctx, plans, rng)
    counts["peer_request"] = _peer_requests(ctx, plans, rng)
    counts["notification"] = _notifications(ctx, plans)
    _summary_event(period, counts)
    result: dict[str, Any] = dict(counts)
    result["status"] = dict(Counter(str(p.status) for p in plans))
    return result


def _current_statuses(ctx: Context, rng: random.Random) -> dict[int, str]:
    statuses = {}
    for p in ctx.people:
        if not p.penilai_id:
            statuses[p.id] = SkpStatus.DRAFT
            continue
        statuses[p.id] = rng.choices(
            [SkpStatus.AGREED, SkpStatus.SUBMITTED, SkpStatus.RETURNED, SkpStatus.DRAFT], weights=[86, 5, 4, 5]
        )[0]
    if ctx.demo:
        pegawai, penilai, _atasan = ctx.demo
        for person in ctx.demo:
            statuses[person.id] = SkpStatus.AGREED
        # The demo penilai finds two SKPs waiting for agreement and one sent back for changes.
        team = [p for p in ctx.people if p.penilai_id == penilai.id and p.id != pegawai.id]
        waiting = [SkpStatus.SUBMITTED, SkpStatus.SUBMITTED, SkpStatus.RETURNED]
        for person, status in zip(team, waiting, strict=False):
            statuses[person.id] = status
        for person in team[len(waiting) :]:
            statuses[person.id] = SkpStatus.AGREED
    return statuses


def _demo_pegawai_plan(plan: SkpPlan) -> None:
    """The demo pegawai judges a kualitatif indicator too, so the penilai has a realisation to assess."""
    if any(i.spec.kind == "KUALITATIF" for r in plan.rhks for i in r.indicators):
        return
    rhk = next(r for r in plan.rhks if r.kind == RhkKind.UTAMA)
    spec = _k(
        f"Kualitas hasil kerja: {rhk.text[:80].lower()}", "Hasil diterima pejabat penilai tanpa revisi substansial"
    )
    rhk.indicators.append(IndPlan(spec, spec.text, None, len(rhk.indicators) + 1))


def _evidence(ctx: Context, realisations: list[Written], slices: list, rng: random.Random) -> int:
    """Links to the bukti dukung (no files): every one of the demo pegawai's, a few of everyone else's."""
    pegawai = ctx.demo[0].id if ctx.demo else None
    chosen = [w for w in realisations if w.plan.person.id == pegawai or rng.random() < 0.04]
    rows_found = Realisation.objects.filter(
        slice_id__in=[s.pk for s in slices], indicator_id__in=[w.indicator.obj.pk for w in chosen]
    ).values_list("pk", "indicator_id", "slice_id")
    ids = {(indicator_id, slice_id): pk for pk, indicator_id, slice_id in rows_found}
    rows = []
    for w in chosen:
        person = w.plan.person
        rows.append(
            Evidence(
                realisation_id=ids[(w.indicator.obj.pk, w.slice.pk)],
                kind=EvidenceKind.LINK,
                url=f"https://arsip.{EMAIL_DOMAIN}/kinerja/{CURRENT_YEAR}/{person.nip}/{w.slice.code.lower()}/"
                f"{w.indicator.obj.pk}",
                title=f"Laporan {w.slice.label}: {w.indicator.text[:120]}",
                uploaded_by_id=person.user_id,
                created_at=w.updated_at,
            )
        )
    Evidence.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _threads(ctx: Context, plans: list[SkpPlan], rng: random.Random) -> tuple[int, int]:
    pegawai = ctx.demo[0].id if ctx.demo else None
    threads, messages = [], []
    for plan in plans:
        if plan.status != SkpStatus.AGREED or not plan.person.penilai_id:
            continue
        mine = plan.person.id == pegawai
        if not mine and rng.random() >= 0.02:
            continue
        chosen = THREADS[:2] if mine else [rng.choice(THREADS)]
        for n, (subject, bodies) in enumerate(chosen):
            rhk = plan.rhks[n % len(plan.rhks)]
            # The demo pegawai's second thread waits for the penilai's answer.
            bodies = bodies[:1] if mine and n == 1 else bodies
            start = _at(date(2026, 10, 6) + timedelta(days=rng.randint(0, 40)), 9)
            authors = [plan.person.user_id, ctx.by_id[plan.person.penilai_id].user_id]
            thread = Thread(
                skp=plan.obj,
                rhk=rhk.obj,
                subject=f"{subject}: {rhk.text[:120]}",
                started_by_id=authors[0],
                created_at=start,
                last_message_at=start + timedelta(hours=3 * (len(bodies) - 1)),
            )
            threads.append(thread)
            for k, body in enumerate(bodies):
                messages.append(
                    Message(
                        thread=thread, author_id=authors[k % 2], body=body, created_at=start + timedelta(hours=3 * k)
                    )
                )
    Thread.objects.bulk_create(threads, batch_size=BATCH)
    Message.objects.bulk_create(messages, batch_size=BATCH)
    return len(threads), len(messages)


def _peer_requests(ctx: Context, plans: list[SkpPlan], rng: random.Random) -> int:
    """360 input: asked by the pejabat penilai of peers with the same penilai; some answered."""
    team: dict[int, list[Person]] = defaultdict(list)
    for p in ctx.people:
        if p.penilai_id:
            team[p.penilai_id].append(p)
    agreed = {p.person.id: p for p in plans if p.status == SkpStatus.AGREED and p.person.penilai_id}
    pegawai = ctx.demo[0] if ctx.demo else None
    rows = []

    def ask(plan: SkpPlan, respondents: list[Person], answered: int) -> None:
        requested_by = ctx.by_id[plan.person.penilai_id].user_id
        for k, respondent in enumerate(respondents):
            levels = {}
            if k < answered:
                levels = {code: rng.choices([ATAS, SESUAI, BAWAH], weights=[3, 6, 1])[0].value for code in VALUES}
            rows.append(
                PeerRequest(
                    skp=plan.obj,
                    respondent_id=respondent.id,
                    relation=PeerRelation.PEER,
                    requested_by_id=requested_by,
                    created_at=_at(date(2026, 10, 20), 10),
                    answered_at=_at(date(2026, 10, 27) + timedelta(days=k), 13) if levels else None,
                    levels=levels,
                    comment=rng.choice(PEER_COMMENTS) if levels else "",
                )
            )

    if pegawai is not None:
        peers = [p for p in team[pegawai.penilai_id] if p.id != pegawai.id]
        if len(peers) < 3:
            peers += [p for p in ctx.people if p.pd_id == pegawai.pd_id and p.id != pegawai.id and p not in peers]
        ask(agreed[pegawai.id], peers[:4], answered=3)
        # The demo pegawai is asked about a colleague, and has not answered yet.
        colleagues = peers + [p for p in ctx.people if p.pd_id == pegawai.pd_id and p.id != pegawai.id]
        colleague = next((agreed[p.id] for p in colleagues if p.id in agreed), None)
        if colleague is not None:
            ask(colleague, [pegawai], answered=0)
    for person_id, plan in agreed.items():
        if (pegawai is not None and person_id == pegawai.id) or rng.random() >= 0.01:
            continue
        peers = [p for p in team[plan.person.penilai_id] if p.id != person_id]
        if len(peers) >= 3:
            chosen = rng.sample(peers, min(len(peers), rng.randint(3, 5)))
            ask(plan, chosen, answered=rng.randint(0, len(chosen)))
    seen = set()
    unique = []
    for row in rows:
        key = (row.skp.pk, row.respondent_id)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    PeerRequest.objects.bulk_create(unique, batch_size=BATCH)
    return len(unique)


def _notifications(ctx: Context, plans: list[SkpPlan]) -> int:
    """What the services would have told people and they have not read yet: pending reviews, returns, 360."""
    users = {p.id: p.user_id for p in ctx.people}
    rows = []
    for plan in plans:
        url = f"/kinerja/skp/{plan.obj.pk}/"
        if plan.status == SkpStatus.SUBMITTED and users.get(plan.person.penilai_id):
            text = _("%(name)s mengajukan SKP untuk disetujui.") % {"name": plan.person.name}
            rows.append(Notification(recipient_id=users[plan.person.penilai_id], text=text[:300], url=url))
        elif plan.status == SkpStatus.RETURNED and users.get(plan.person.id):
            text = _("SKP Anda dikembalikan dengan catatan: %(comment)s") % {"comment": plan.return_comment[:200]}
            rows.append(Notification(recipient_id=users[plan.person.id], text=text[:300], url=url))
    skps = [p.obj.pk for p in plans]
    for respondent_id in PeerRequest.objects.filter(skp_id__in=skps, answered_at__isnull=True).values_list(
        "respondent_id", flat=True
    ):
        if users.get(respondent_id):
            text = _("Anda diminta memberi masukan perilaku kerja (360) untuk rekan.")
            rows.append(Notification(recipient_id=users[respondent_id], text=text, url="/kinerja/360/"))
    Notification.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
