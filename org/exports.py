"""The roster as rows with the import columns, for export (one query, streamed)."""

from collections.abc import Iterator

from org.models import Employee, Unit


def _unit_paths() -> dict[int, str]:
    units = {u.pk: u for u in Unit.objects.only("id", "name", "parent_id", "depth")}
    paths: dict[int, str] = {}

    def path(uid: int) -> str:
        if uid not in paths:
            unit = units[uid]
            # The root (the pemda itself) is implied; paths start at the perangkat daerah.
            if unit.parent_id is None:
                paths[uid] = ""
            else:
                parent = path(unit.parent_id)
                paths[uid] = f"{parent} > {unit.name}" if parent else unit.name
        return paths[uid]

    for uid in units:
        path(uid)
    return paths


JENIS = {
    "JPT_UTAMA": "JPT Utama",
    "JPT_MADYA": "JPT Madya",
    "JPT_PRATAMA": "JPT Pratama",
    "ADMINISTRATOR": "Administrator",
    "PENGAWAS": "Pengawas",
    "PELAKSANA": "Pelaksana",
}
GRADE = {
    "AHLI_UTAMA": "Ahli Utama",
    "AHLI_MADYA": "Ahli Madya",
    "AHLI_MUDA": "Ahli Muda",
    "AHLI_PERTAMA": "Ahli Pertama",
    "PENYELIA": "Penyelia",
    "MAHIR": "Mahir",
    "TERAMPIL": "Terampil",
    "PEMULA": "Pemula",
}


def jenis_jabatan_label(kind: str, grade: str) -> str:
    if kind == "FUNGSIONAL":
        return f"Fungsional {GRADE.get(grade, grade)}"
    return JENIS.get(kind, kind)


def roster_rows() -> Iterator[dict[str, object]]:
    paths = _unit_paths()
    qs = (
        Employee.objects.filter(is_active=True)
        .order_by("unit__path", "name")
        .values(
            "nip",
            "name",
            "gelar_depan",
            "gelar_belakang",
            "gender",
            "birth_date",
            "golongan",
            "position__name",
            "position__kind",
            "position__grade",
            "unit_id",
            "penilai__nip",
            "status",
            "email",
        )
    )
    for e in qs.iterator(chunk_size=5000):
        yield {
            "NIP": e["nip"],
            "NAMA": e["name"],
            "GELAR_DEPAN": e["gelar_depan"],
            "GELAR_BELAKANG": e["gelar_belakang"],
            "JENIS_KELAMIN": e["gender"],
            "TANGGAL_LAHIR": e["birth_date"],
            "GOL_RUANG": e["golongan"],
            "JABATAN": e["position__name"],
            "JENIS_JABATAN": jenis_jabatan_label(e["position__kind"], e["position__grade"]),
            "UNIT_KERJA": paths.get(e["unit_id"], ""),
            "NIP_ATASAN": e["penilai__nip"] or "",
            "STATUS": e["status"],
            "EMAIL": e["email"],
        }
