"""User-facing text for the error codes of `org.rules` and `org.roster_file`.

Source strings are Indonesian (the project's source language); English comes from the
translation catalogue. Placeholders are ``%(name)s`` so translators can reorder them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

ERROR_MESSAGES: dict[str, Promise] = {
    # NIP (domain.md §7)
    "nip_length": ngettext_lazy(
        "NIP harus 18 digit, tetapi %(value)s berisi %(length)s digit. Periksa digit yang hilang atau berlebih.",
        "NIP harus 18 digit, tetapi %(value)s berisi %(length)s digit. Periksa digit yang hilang atau berlebih.",
        "length",
    ),
    "nip_not_digits": _(
        "NIP %(value)s memuat karakter selain angka (%(chars)s). Ketik NIP hanya dengan angka; "
        "huruf O atau l sering tertukar dengan 0 atau 1."
    ),
    "nip_birth_date_invalid": _(
        "Delapan digit awal NIP (%(value)s) bukan tanggal lahir yang mungkin (bentuknya TahunBulanTanggal). "
        "Periksa NIP pada SK."
    ),
    "nip_tmt_invalid": _(
        "Digit ke-9 sampai ke-14 NIP (%(value)s) bukan TMT yang mungkin (bentuknya TahunBulan untuk PNS, "
        "atau Tahun diikuti 21 untuk PPPK). Periksa NIP pada SK."
    ),
    "nip_tmt_before_birth": _(
        "TMT pada NIP (%(tmt)s) tidak sesudah tanggal lahir pada NIP (%(birth_date)s). Periksa NIP pada SK."
    ),
    "nip_tmt_under_18": _(
        "Menurut NIP, pegawai diangkat (TMT %(tmt)s) pada usia %(age)s tahun, di bawah 18 tahun. "
        "Pastikan NIP sudah benar."
    ),
    "nip_gender_invalid": _(
        "Digit ke-15 NIP harus 1 (laki-laki) atau 2 (perempuan), bukan %(value)s. Periksa NIP pada SK."
    ),
    "nip_serial_zero": _(
        "Tiga digit terakhir NIP %(nip)s adalah 000, padahal nomor urut dimulai dari 001. "
        "Bila NIP diketik di sel angka, format kolom NIP sebagai Teks lalu ketik ulang NIP-nya."
    ),
    "nip_birth_date_mismatch": _(
        "Tanggal lahir %(column_date)s tidak sama dengan tanggal lahir pada NIP (%(nip_date)s). "
        "Perbaiki tanggal lahir atau NIP-nya."
    ),
    "nip_gender_mismatch": _(
        "Jenis kelamin %(gender)s tidak sama dengan digit jenis kelamin pada NIP (%(nip_gender)s). "
        "Perbaiki jenis kelamin atau NIP-nya."
    ),
    "nip_status_mismatch": _(
        "Status %(status)s tidak cocok dengan NIP %(nip)s, yang berbentuk NIP %(nip_kind)s. "
        "Perbaiki status atau NIP-nya."
    ),
    "nip_stored_as_number": _(
        "NIP tersimpan sebagai angka sehingga digitnya hilang. Format kolom NIP sebagai Teks, lalu ketik ulang NIP-nya."
    ),
    "nip_duplicate": ngettext_lazy(
        "NIP %(nip)s muncul %(count)s kali (juga di baris %(rows)s). Satu pegawai hanya boleh muncul sekali; "
        "hapus baris gandanya.",
        "NIP %(nip)s muncul %(count)s kali (juga di baris %(rows)s). Satu pegawai hanya boleh muncul sekali; "
        "hapus baris gandanya.",
        "count",
    ),
    "nip_atasan_invalid": _("NIP atasan %(value)s tidak valid: %(reason)s"),
    "atasan_self": _("NIP atasan sama dengan NIP pegawai itu sendiri. Isi NIP atasan langsungnya, atau kosongkan."),
    # Golongan and jabatan
    "golongan_unknown": _(
        "Golongan %(value)s tidak dikenal untuk status %(status)s. "
        "Tulis %(expected)s, misalnya III/a untuk PNS atau IX untuk PPPK."
    ),
    "jenis_jabatan_unknown": _(
        "Jenis jabatan %(value)s tidak dikenal. Tulis JPT Utama, JPT Madya, JPT Pratama, Administrator, "
        "Pengawas, Pelaksana, atau Fungsional dengan jenjangnya (misalnya Fungsional Ahli Muda)."
    ),
    "fungsional_grade_missing": _(
        "Jenis jabatan fungsional harus disertai jenjangnya: "
        "Ahli Utama, Ahli Madya, Ahli Muda, Ahli Pertama, Penyelia, Mahir, Terampil, atau Pemula "
        "(misalnya Fungsional Ahli Muda)."
    ),
    # Other cells
    "gender_invalid": _("Jenis kelamin %(value)s tidak dikenal. Tulis L (laki-laki) atau P (perempuan)."),
    "status_invalid": _("Status %(value)s tidak dikenal. Tulis PNS (juga untuk CPNS) atau PPPK."),
    "date_invalid": _(
        "Tanggal %(value)s tidak ada di kalender. Tulis tanggal dengan urutan hari/bulan/tahun, misalnya 15/04/1988."
    ),
    "date_format": _("%(value)s tidak terbaca sebagai tanggal. Tulis hari/bulan/tahun, misalnya 15/04/1988."),
    "birth_date_out_of_range": _(
        "Tanggal lahir %(value)s tidak mungkin (sebelum tahun 1900 atau di masa depan). Periksa tahunnya."
    ),
    "email_invalid": _("Alamat email %(value)s tidak valid. Tulis seperti nama@example.go.id, atau kosongkan."),
    "required": _("Kolom %(column)s wajib diisi."),
    "too_long": ngettext_lazy(
        "Isi kolom %(column)s terlalu panjang (%(length)s karakter, paling banyak %(limit)s). Persingkat.",
        "Isi kolom %(column)s terlalu panjang (%(length)s karakter, paling banyak %(limit)s). Persingkat.",
        "length",
    ),
    "unit_path_invalid": _(
        "Unit kerja %(value)s memuat bagian kosong. Pisahkan nama unit dengan satu tanda >, misalnya "
        "Dinas Pendidikan > Bidang Pembinaan SD."
    ),
    # Whole file
    "file_empty": _("Berkas kosong. Unggah daftar pegawai dengan baris judul kolom dan data."),
    "file_not_spreadsheet": _(
        "Berkas %(filename)s bukan lembar kerja Excel (.xlsx) atau CSV. Buka di Excel, lalu simpan sebagai "
        "Excel Workbook (.xlsx) dan unggah ulang."
    ),
    "file_legacy_xls": _(
        "Berkas %(filename)s berformat Excel lama (.xls) atau dilindungi kata sandi. Buka di Excel, pilih "
        "Simpan Sebagai > Excel Workbook (.xlsx) tanpa kata sandi, lalu unggah berkas .xlsx itu."
    ),
    "file_unreadable": _(
        "Berkas %(filename)s rusak atau tidak lengkap sehingga tidak bisa dibaca. "
        "Buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."
    ),
    "file_too_large": _(
        "Berkas %(filename)s terlalu besar (lebih dari %(limit_mb)s MB setelah dibuka). Bagi daftar menjadi "
        "beberapa berkas."
    ),
    "columns_missing": _(
        "Kolom wajib tidak ditemukan: %(columns)s. Pastikan baris pertama berisi judul kolom seperti pada templat."
    ),
    "columns_duplicate": _("Kolom muncul lebih dari sekali: %(columns)s. Hapus kolom gandanya."),
    "no_data_rows": _("Berkas hanya berisi judul kolom. Isi data pegawai mulai baris 2."),
    # Checks against the roster already saved (org.services)
    "atasan_not_found": _(
        "NIP_ATASAN %(nip)s tidak ada di berkas ini maupun di data pegawai. Periksa NIP-nya, atau tambahkan "
        "atasan itu ke berkas."
    ),
    "jabatan_kind_conflict": _(
        "Jabatan “%(jabatan)s” di unit yang sama tertulis dengan jenis jabatan lain di baris %(other_row)s. "
        "Satu jabatan hanya punya satu jenis."
    ),
    "unit_several_heads": _(
        "Unit “%(unit)s” punya lebih dari satu pemegang jabatan kepala; yang NIP-nya terdaftar lebih dulu "
        "dipakai sebagai pejabat penilai. Periksa apakah ini benar (misalnya Plt)."
    ),
}

# Messages that embed a count (ngettext_lazy above): the param whose number picks the plural form.
COUNT_PARAMS: dict[str, str] = {"nip_length": "length", "nip_duplicate": "count", "too_long": "length"}

GENERIC_MESSAGE = _("Data tidak valid (%(code)s). Periksa isian ini.")


class _Params(dict[str, Any]):
    """Params as display text; a placeholder without a value shows as "?" instead of failing."""

    def __missing__(self, key: str) -> str:
        return "?"


class _UnknownCount(int):
    """A count that is missing or not a number: picks the plural form, shows as given."""

    def __new__(cls, text: str) -> _UnknownCount:
        count = super().__new__(cls, 2)
        count.text = text
        return count

    def __str__(self) -> str:
        return self.text


def _count(value: Any, shown: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return _UnknownCount(shown or "?")


def _display(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_display(item) for item in value)
    return "" if value is None else str(value)


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """Translated message for ``code`` with ``params`` filled in; lists are joined with ", ".

    Never raises: an unknown code gives a generic message and a missing param shows "?".
    """
    params = dict(params or {})
    template = ERROR_MESSAGES.get(code)
    if template is None:
        return str(GENERIC_MESSAGE) % {"code": code}
    shown = _Params({key: _display(value) for key, value in params.items()})
    if code == "nip_atasan_invalid":
        # The reason is itself a NIP error; show its message, not its code.
        shown["reason"] = render(str(params.get("reason", "")), params.get("reason_params") or {})
    count_key = COUNT_PARAMS.get(code)
    if count_key is None:
        try:
            return str(template) % shown
        except (TypeError, ValueError, KeyError):
            return str(template)
    # A counted message picks its singular or plural form from the number in the params.
    shown[count_key] = _count(params.get(count_key), shown[count_key])
    try:
        return template % shown
    except (TypeError, ValueError, KeyError):
        return str(GENERIC_MESSAGE) % {"code": code}
