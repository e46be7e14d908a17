"""core.files: private storage under random names, and downloads that browsers will not render."""

import pytest
from django.http import Http404

from core.files import clean_filename, delete_private, open_private, private_dir, private_response, read_private
from core.files import store_private as store
from org import uploads as org_uploads

KIND = "bukti"
BAD_NAMES = [
    "",
    "..",
    "../../etc/passwd",
    "/etc/passwd",
    "0123456789abcdef0123456789abcdef/../x",
    "0123456789ABCDEF0123456789ABCDEF",
    "0123456789abcdef0123456789abcde",
    "0123456789abcdef0123456789abcdef\n",
    "0123456789abcdef0123456789abcde\0",
    "%2e%2e%2f%2e%2e%2fsettings.py",
]


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_DIR = tmp_path / "private"
    return tmp_path


def test_a_stored_file_gets_a_random_token_name_and_reads_back():
    name, size = store(KIND, [b"bukti ", b"dukung"], max_bytes=100)
    assert size == 12
    assert len(name) == 32
    assert int(name, 16) >= 0
    assert read_private(KIND, name) == b"bukti dukung"
    with open_private(KIND, name) as handle:
        assert handle.read() == b"bukti dukung"
    assert store(KIND, [b"x"], max_bytes=1)[0] != name


def test_a_file_over_the_limit_is_not_kept(storage):
    assert store(KIND, [b"a" * 60, b"b" * 60], max_bytes=100) is None
    assert not [path for path in storage.rglob("*") if path.is_file()]


def test_a_failing_upload_leaves_nothing_behind(storage):
    def chunks():
        yield b"awal"
        raise OSError("koneksi terputus")

    with pytest.raises(OSError, match="koneksi terputus"):
        store(KIND, chunks(), max_bytes=100)
    assert not [path for path in storage.rglob("*") if path.is_file()]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_that_is_not_a_token_is_refused_everywhere(name, storage):
    (storage / "passwd").write_text("rahasia")
    with pytest.raises(FileNotFoundError):
        open_private(KIND, name)
    with pytest.raises(FileNotFoundError):
        read_private(KIND, name)
    with pytest.raises(Http404):
        private_response(KIND, name, filename="a.pdf", content_type="application/pdf")
    delete_private(KIND, name)
    assert (storage / "passwd").read_text() == "rahasia"


def test_a_kind_that_leaves_the_storage_folder_is_a_programming_error():
    with pytest.raises(ValueError, match="Invalid private storage kind"):
        private_dir("../bukti")
    with pytest.raises(ValueError, match="Invalid private storage kind"):
        store("", [b"x"], max_bytes=10)


def test_delete_removes_the_file_and_a_second_delete_is_harmless():
    name, _size = store(KIND, [b"x"], max_bytes=10)
    delete_private(KIND, name)
    delete_private(KIND, name)
    with pytest.raises(FileNotFoundError):
        read_private(KIND, name)


@pytest.mark.django_db  # closing a response fires request_finished, which touches connections
def test_the_response_is_a_download_the_browser_will_not_render():
    name, _size = store(KIND, [b"%PDF-1.7 isi"], max_bytes=100)
    response = private_response(KIND, name, filename='Laporan "Akhir"\r\n.pdf', content_type="application/pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Laporan _Akhir_.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "12"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 isi"
    response.close()


@pytest.mark.django_db  # closing a response fires request_finished, which touches connections
def test_a_non_ascii_name_is_sent_encoded_and_a_path_is_dropped():
    name, _size = store(KIND, [b"x"], max_bytes=10)
    response = private_response(KIND, name, filename="../../Bukti Rapat – Maret.pdf", content_type="application/pdf")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Bukti%20Rapat%20%E2%80%93%20Maret.pdf"
    response.close()


def test_a_missing_file_answers_404():
    with pytest.raises(Http404):
        private_response(KIND, "0" * 32, filename="a.pdf", content_type="application/pdf")


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("C:\\Users\\pegawai\\Desktop\\SKP 2025.pdf", "SKP 2025.pdf"),
        ("foto\u202egpj.exe", "fotogpj.exe"),
        ("  ..rahasia.  ", "rahasia"),
        ("a<b>c:d|e?f*g.pdf", "a_b_c_d_e_f_g.pdf"),
        ("", "berkas"),
        ("x" * 200 + ".xlsx", "x" * 115 + ".xlsx"),
    ],
)
def test_clean_filename_keeps_a_readable_safe_basename(given, cleaned):
    assert clean_filename(given) == cleaned


def test_org_uploads_still_offers_the_moved_functions():
    assert org_uploads.store_private is store
    assert org_uploads.read_private is read_private
