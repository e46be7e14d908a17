"""Checking uploaded files by what they contain, not by what they are called.

`check_upload` is the one door for evidence files ("bukti dukung") and any other upload kept for
people to open later. It reads heads and streams, never a whole file, and refuses with a
`FileRefused` whose `code` is stable and whose message is for the person uploading.

This is a filter for the obvious, not an antivirus. Known limits:
- Legacy Office files (doc/xls/ppt, OLE2) are told apart by the names of the top-level streams.
  Macros are found by their storages (`Macros`, `_VBA_PROJECT_CUR`), which misses macros kept
  inside the PowerPoint stream and Excel 4.0 sheet macros.
- PDFs are searched for script, launch and embedded-file names in the raw bytes and in object
  streams compressed with FlateDecode only; other filters on object streams are not opened.
- The EICAR signature is looked for in the stored bytes, not inside compressed zip members.
"""

import hashlib
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.files import clean_filename


class FileKind(StrEnum):
    """The kinds of file Terang keeps, each with its name endings, MIME type and label."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    GIF = "gif"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODT = "odt"
    ODS = "ods"
    ODP = "odp"
    DOC = "doc"
    XLS = "xls"
    PPT = "ppt"

    @property
    def extensions(self) -> tuple[str, ...]:
        """Accepted name endings, the usual one first."""
        return _KIND_INFO[self].extensions

    @property
    def extension(self) -> str:
        return _KIND_INFO[self].extensions[0]

    @property
    def mime_type(self) -> str:
        return _KIND_INFO[self].mime_type

    @property
    def label(self) -> Promise:
        return _KIND_INFO[self].label


@dataclass(frozen=True)
class _KindInfo:
    extensions: tuple[str, ...]
    mime_type: str
    label: Promise


_KIND_INFO = {
    FileKind.PDF: _KindInfo(("pdf",), "application/pdf", _("dokumen PDF")),
    FileKind.JPEG: _KindInfo(("jpg", "jpeg", "jpe", "jfif"), "image/jpeg", _("gambar JPEG")),
    FileKind.PNG: _KindInfo(("png",), "image/png", _("gambar PNG")),
    FileKind.WEBP: _KindInfo(("webp",), "image/webp", _("gambar WebP")),
    FileKind.GIF: _KindInfo(("gif",), "image/gif", _("gambar GIF")),
    FileKind.DOCX: _KindInfo(
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("dokumen Word (.docx)"),
    ),
    FileKind.XLSX: _KindInfo(
        ("xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("lembar kerja Excel (.xlsx)"),
    ),
    FileKind.PPTX: _KindInfo(
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _("presentasi PowerPoint (.pptx)"),
    ),
    FileKind.ODT: _KindInfo(("odt",), "application/vnd.oasis.opendocument.text", _("dokumen teks OpenDocument (.odt)")),
    FileKind.ODS: _KindInfo(
        ("ods",), "application/vnd.oasis.opendocument.spreadsheet", _("lembar kerja OpenDocument (.ods)")
    ),
    FileKind.ODP: _KindInfo(
        ("odp",), "application/vnd.oasis.opendocument.presentation", _("presentasi OpenDocument (.odp)")
    ),
    FileKind.DOC: _KindInfo(("doc",), "application/msword", _("dokumen Word lama (.doc)")),
    FileKind.XLS: _KindInfo(("xls",), "application/vnd.ms-excel", _("lembar kerja Excel lama (.xls)")),
    FileKind.PPT: _KindInfo(("ppt",), "application/vnd.ms-powerpoint", _("presentasi PowerPoint lama (.ppt)")),
}

EVIDENCE_KINDS = frozenset(FileKind)

# Limits on zip containers (docx/xlsx/pptx/odt/ods/odp). A ratio alone would refuse small, very
# regular spreadsheets, so it applies only past a floor.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 16 * 1024 * 1024
# Budget for opening compressed PDF object streams.
PDF_MAX_INFLATED = 64 * 1024 * 1024

_CHUNK = 1024 * 1024
_HEAD = 8192
# Split so that a virus scanner on a developer's machine does not quarantine this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE, DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O, both word sizes and byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal (also Java classes)
    b"#!",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": FileKind.ODT,
    "application/vnd.oasis.opendocument.spreadsheet": FileKind.ODS,
    "application/vnd.oasis.opendocument.presentation": FileKind.ODP,
}
_OOXML_FOLDERS = {"word/": FileKind.DOCX, "xl/": FileKind.XLSX, "ppt/": FileKind.PPTX}
_OLE_MAIN_STREAMS = {
    "WordDocument": FileKind.DOC,
    "Workbook": FileKind.XLS,
    "Book": FileKind.XLS,
    "PowerPoint Document": FileKind.PPT,
}
_OLE_MACRO_STORAGES = {"Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA"}
_ODF_MACRO_INDEXES = {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
# A PDF name token; `#xx` escapes let "/J#61vaScript" spell /JavaScript.
_PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_NAMES = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"}
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_PDF_OVERLAP = 256


class FileRefused(Exception):
    """An upload that will not be kept. `code` is stable for programs; `message` is for people.

    Codes: empty, too_large, virus, executable, markup, unknown_type, damaged, not_allowed,
    encrypted, bomb, macro, script, extension_mismatch.
    """

    def __init__(self, code: str, message: Promise | str, params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.template = message
        self.params = params or {}

    @property
    def message(self) -> str:
        """The message in the active language."""
        if not self.params:
            return str(self.template)
        values = {
            key: ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
            for key, value in self.params.items()
        }
        return str(self.template) % values

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    size: int
    sha256: str
    safe_name: str


@dataclass
class _Findings:
    kind: FileKind | None = None
    damaged: bool = False
    encrypted: bool = False
    macro: bool = False
    bomb: bool = False


def sniff(path_or_fileobj: str | os.PathLike | BinaryIO) -> FileKind | None:
    """The kind of file by its content, or None. Macros, encryption and zip bombs are not judged
    here (a .docm is reported as DOCX); `check_upload` does that."""
    if isinstance(path_or_fileobj, str | os.PathLike):
        with Path(path_or_fileobj).open("rb") as f:
            return _inspect(f, _size(f)).kind
    f = path_or_fileobj
    position = f.tell()
    try:
        return _inspect(f, _size(f)).kind
    finally:
        f.seek(position)


def check_upload(
    fileobj: BinaryIO, *, filename: str, allowed: Iterable[FileKind], max_bytes: int | None = None
) -> CheckedFile:
    """Check an uploaded file and describe it, or raise FileRefused.

    `max_bytes` defaults to settings.EVIDENCE_UPLOAD_MAX_BYTES. The file is left at position 0.
    """
    if max_bytes is None:
        max_bytes = settings.EVIDENCE_UPLOAD_MAX_BYTES
    wanted = {FileKind(kind) for kind in allowed}
    allowed_kinds = [kind for kind in FileKind if kind in wanted]
    accepted = [kind.extension.upper() for kind in allowed_kinds]
    try:
        size = _size(fileobj)
        if size == 0:
            raise FileRefused("empty", _("Berkas kosong. Pilih berkas yang berisi lalu unggah lagi."))
        if size > max_bytes:
            mb = max_bytes / (1024 * 1024)
            raise FileRefused(
                "too_large",
                _("Berkas terlalu besar. Batasnya %(mb)s MB."),
                {"mb": number_format(mb, decimal_pos=0 if mb.is_integer() else 1)},
            )
        sha256 = _hash_and_scan_eicar(fileobj)
        fileobj.seek(0)
        head = fileobj.read(_HEAD)
        if head.startswith(_EXECUTABLE_MAGIC):
            raise FileRefused(
                "executable",
                _("Berkas ditolak karena berisi program yang dapat dijalankan, bukan dokumen atau gambar."),
            )
        findings = _inspect(fileobj, size)
        if findings.encrypted:
            raise FileRefused(
                "encrypted",
                _(
                    "Berkas dilindungi kata sandi atau terenkripsi sehingga isinya tidak dapat diperiksa. "
                    "Simpan tanpa kata sandi lalu unggah lagi."
                ),
            )
        if findings.bomb:
            raise _bomb()
        if findings.damaged:
            raise FileRefused(
                "damaged",
                _(
                    "Berkas rusak atau tidak lengkap sehingga isinya tidak dapat diperiksa. "
                    "Simpan ulang lalu unggah lagi."
                ),
            )
        kind = findings.kind
        if kind is None:
            if _looks_like_markup(head):
                raise FileRefused(
                    "markup",
                    _(
                        "Berkas ditolak: isinya HTML, SVG, atau XML, bukan gambar atau dokumen. "
                        "Yang diterima: %(allowed)s."
                    ),
                    {"allowed": accepted},
                )
            raise FileRefused(
                "unknown_type",
                _("Jenis berkas tidak dikenali dari isinya. Yang diterima: %(allowed)s."),
                {"allowed": accepted},
            )
        if kind not in allowed_kinds:
            raise FileRefused(
                "not_allowed",
                _("Isi berkas ini %(kind)s, yang tidak diterima di sini. Yang diterima: %(allowed)s."),
                {"kind": kind.label, "allowed": accepted},
            )
        if findings.macro:
            raise FileRefused(
                "macro",
                _("Berkas ditolak karena berisi makro. Simpan sebagai %(kind)s biasa tanpa makro lalu unggah lagi."),
                {"kind": kind.label},
            )
        stem, extension = _split_extension(clean_filename(filename))
        if extension and extension not in kind.extensions:
            raise FileRefused(
                "extension_mismatch",
                _(
                    "Nama berkas berakhiran .%(extension)s, tetapi isinya %(kind)s. "
                    "Ganti akhiran nama berkas menjadi .%(real)s atau pilih berkas yang benar."
                ),
                {"extension": extension, "kind": kind.label, "real": kind.extension},
            )
        if kind == FileKind.PDF and _pdf_has_active_content(fileobj, size):
            raise FileRefused(
                "script",
                _(
                    "Berkas PDF ditolak karena berisi skrip, perintah menjalankan program, atau berkas sisipan. "
                    "Cetak ulang ke PDF lalu unggah lagi."
                ),
            )
        checked = CheckedFile(kind=kind, size=size, sha256=sha256, safe_name=_safe_name(stem, extension or kind))
    finally:
        fileobj.seek(0)
    return checked


def _bomb() -> FileRefused:
    return FileRefused(
        "bomb",
        _("Berkas ditolak: isinya yang dimampatkan menjadi terlalu besar atau terlalu banyak bagian saat dibuka."),
    )


def _size(f: BinaryIO) -> int:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    return size


def _hash_and_scan_eicar(f: BinaryIO) -> str:
    """One pass over the file: its SHA-256, refusing on the EICAR signature anywhere in it."""
    digest = hashlib.sha256()
    tail = b""
    f.seek(0)
    while chunk := f.read(_CHUNK):
        digest.update(chunk)
        window = tail + chunk
        if EICAR in window:
            raise FileRefused(
                "virus",
                _("Berkas ditolak karena berisi pola virus (tanda uji EICAR). Periksa komputer Anda dengan antivirus."),
            )
        tail = window[-(len(EICAR) - 1) :]
    return digest.hexdigest()


def _split_extension(name: str) -> tuple[str, str]:
    """("laporan", "pdf") for "laporan.PDF"; a trailing part with no letter or over 5 characters
    ("versi 1.2") is not an extension."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,5}", ext) and re.search(r"[A-Za-z]", ext):
        return stem, ext.lower()
    return name, ""


def _safe_name(stem: str, extension: str | FileKind) -> str:
    """The cleaned name with the extension of the detected kind: the one given, or the usual one."""
    if isinstance(extension, FileKind):
        extension = extension.extension
    stem = stem[: 120 - len(extension) - 1].rstrip(" .") or "berkas"
    return f"{stem}.{extension}"


def _looks_like_markup(head: bytes) -> bool:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            break
    else:
        text = head.decode("latin-1")
    return text.lstrip().startswith("<")


def _inspect(f: BinaryIO, size: int) -> _Findings:
    f.seek(0)
    head = f.read(32)
    if head.startswith(b"%PDF-"):
        return _Findings(kind=FileKind.PDF)
    if head.startswith(b"\xff\xd8\xff"):
        return _Findings(kind=FileKind.JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Findings(kind=FileKind.PNG)
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _Findings(kind=FileKind.GIF)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _Findings(kind=FileKind.WEBP)
    if head.startswith(b"PK\x03\x04"):
        return _inspect_zip(f, size)
    if head.startswith(_OLE_MAGIC):
        return _inspect_ole(f, size)
    return _Findings()


def _inspect_zip(f: BinaryIO, size: int) -> _Findings:
    found = _Findings()
    try:
        with zipfile.ZipFile(f) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                found.bomb = True
                return found
            total = sum(member.file_size for member in members)
            if total > ZIP_MAX_UNCOMPRESSED or (total > ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * size):
                found.bomb = True
            found.encrypted = any(member.flag_bits & 0x1 for member in members)
            names = {member.filename for member in members}
            if "mimetype" in names and not found.encrypted:
                mimetype = archive.open("mimetype").read(200).decode("ascii", errors="replace").strip()
                found.kind = _ODF_MIMETYPES.get(mimetype)
                found.macro = any(_is_odf_macro(name) for name in names)
            elif "[Content_Types].xml" in names:
                kinds = {kind for folder, kind in _OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)}
                found.kind = kinds.pop() if len(kinds) == 1 else None
                found.macro = any(PurePosixPath(n).name.lower() == "vbaproject.bin" for n in names)
                if not found.encrypted and not found.bomb:
                    content_types = archive.open("[Content_Types].xml").read(1024 * 1024).lower()
                    found.macro = found.macro or b"macroenabled" in content_types
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, zlib.error):
        return _Findings(damaged=True)
    return found


def _is_odf_macro(name: str) -> bool:
    if name.startswith("Scripts/") and not name.endswith("/"):
        return True
    return name.startswith("Basic/") and not name.endswith("/") and PurePosixPath(name).name not in _ODF_MACRO_INDEXES


_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA
_NOSTREAM = 0xFFFFFFFF


def _inspect_ole(f: BinaryIO, size: int) -> _Findings:
    """Legacy Office (OLE2 compound file): read the directory and name the top-level streams."""
    names = _ole_root_names(f, size)
    if names is None:
        return _Findings(damaged=True)
    if "EncryptedPackage" in names:
        return _Findings(encrypted=True)
    kinds = {kind for name, kind in _OLE_MAIN_STREAMS.items() if name in names}
    return _Findings(kind=kinds.pop() if len(kinds) == 1 else None, macro=bool(names & _OLE_MACRO_STORAGES))


def _ole_root_names(f: BinaryIO, size: int) -> set[str] | None:
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        return None
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        return None
    sector_size = 1 << shift
    n_sectors = -(-size // sector_size) - 1
    per_sector = sector_size // 4
    num_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, num_difat = struct.unpack_from("<II", header, 0x44)
    if num_fat > n_sectors:
        return None

    def read_sector(sector: int) -> bytes:
        if sector > _MAXREGSECT or sector >= n_sectors:
            raise ValueError(sector)
        f.seek((sector + 1) * sector_size)
        data = f.read(sector_size)
        if not data:
            raise ValueError(sector)
        # Some writers cut the last sector short; what is missing reads as zeros.
        return data.ljust(sector_size, b"\0")

    try:
        fat_sectors = list(struct.unpack_from("<109I", header, 0x4C))
        difat, seen = first_difat, set()
        while difat <= _MAXREGSECT and len(seen) < num_difat:
            if difat in seen:
                return None
            seen.add(difat)
            data = read_sector(difat)
            fat_sectors += struct.unpack_from(f"<{per_sector - 1}I", data)
            difat = struct.unpack_from("<I", data, sector_size - 4)[0]
        fat_sectors = fat_sectors[:num_fat]

        def next_sector(sector: int) -> int:
            index = sector // per_sector
            if index >= len(fat_sectors):
                raise ValueError(sector)
            return struct.unpack_from("<I", read_sector(fat_sectors[index]), (sector % per_sector) * 4)[0]

        entries, sector, seen = [], first_dir, set()
        while sector != _ENDOFCHAIN:
            if sector in seen:
                return None
            seen.add(sector)
            data = read_sector(sector)
            for offset in range(0, sector_size, 128):
                name_length, entry_type = struct.unpack_from("<HB", data, offset + 0x40)
                left, right, child = struct.unpack_from("<III", data, offset + 0x44)
                name = data[offset : offset + max(min(name_length, 64) - 2, 0)].decode("utf-16-le", errors="replace")
                entries.append((name, entry_type, left, right, child))
            sector = next_sector(sector)
    except (ValueError, struct.error):
        return None
    if not entries or entries[0][1] != 5:
        return None
    # The root's children form a tree linked by left and right siblings.
    names, stack, visited = set(), [entries[0][4]], set()
    while stack:
        index = stack.pop()
        if index == _NOSTREAM or index in visited or index >= len(entries):
            continue
        visited.add(index)
        name, _type, left, right, _child = entries[index]
        names.add(name)
        stack += [left, right]
    return names


def _windows(f: BinaryIO, size: int, overlap: int) -> Iterator[tuple[int, bytes, int, int]]:
    """Windows over the file, widened by `overlap` bytes on both sides: (offset of the data, data,
    and the slice of it, data[lo:hi], that the window answers for)."""
    for base in range(0, size, _CHUNK):
        start = max(0, base - overlap)
        f.seek(start)
        yield start, f.read(base + _CHUNK + overlap - start), base - start, base - start + _CHUNK


def _pdf_names(data: bytes) -> Iterator[bytes]:
    for match in _PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        yield name


def _pdf_has_active_content(f: BinaryIO, size: int) -> bool:
    """True when the PDF names JavaScript, a launch action or an embedded file, in its plain
    objects or inside its FlateDecode object streams."""
    streams = []
    for start, data, lo, hi in _windows(f, size, _PDF_OVERLAP):
        if any(name in _PDF_ACTIVE_NAMES for name in _pdf_names(data)):
            return True
        streams += [(start + m.start(), start + m.end()) for m in _PDF_STREAM.finditer(data) if lo <= m.start() < hi]
    budget = PDF_MAX_INFLATED
    for keyword, data_start in streams:
        # The stream's dictionary sits just before the keyword, after its "N 0 obj".
        f.seek(max(0, keyword - 2048))
        before = f.read(min(keyword, 2048))
        obj = before.rfind(b"obj")
        dictionary = set(_pdf_names(before[obj + 3 :] if obj >= 0 else before))
        if b"ObjStm" not in dictionary or b"FlateDecode" not in dictionary:
            continue
        for piece in _inflate(f, data_start):
            budget -= len(piece)
            if budget < 0:
                raise _bomb()
            if any(name in _PDF_ACTIVE_NAMES for name in _pdf_names(piece)):
                return True
    return False


def _inflate(f: BinaryIO, position: int) -> Iterator[bytes]:
    """Decompressed pieces of the zlib stream at `position`, each starting with the end of the one
    before so that no name is cut in two; stops quietly at data that is not zlib."""
    inflater = zlib.decompressobj()
    tail = b""
    while not inflater.eof:
        f.seek(position)
        compressed = f.read(64 * 1024)
        if not compressed:
            return
        position += len(compressed)
        try:
            piece = inflater.decompress(compressed, _CHUNK)
            while piece:
                yield tail + piece
                tail = piece[-_PDF_OVERLAP:]
                piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        except zlib.error:
            return
