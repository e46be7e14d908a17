"""Private storage of uploaded files: random names, outside any URL, served only as attachments.

Files live under `settings.PRIVATE_STORAGE_DIR/<kind>/<name>`, where `name` is a random 32-hex token
chosen here. Nothing maps a URL onto that folder: a view checks access first and then calls
`private_response`. Any name that is not such a token is refused, so no caller can reach outside it.
"""

import re
import secrets
import unicodedata
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, Http404

_NAME = re.compile(r"[0-9a-f]{32}")
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,39}")
# Characters that Windows refuses in file names, or that quote or separate in headers.
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*;]')


def private_dir(kind: str) -> Path:
    if not _KIND.fullmatch(kind):
        raise ValueError(f"Invalid private storage kind: {kind!r}")
    path = Path(settings.PRIVATE_STORAGE_DIR) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _private_path(kind: str, name: str) -> Path:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise FileNotFoundError(name)
    return private_dir(kind) / name


def store_private(kind: str, chunks, *, max_bytes: int) -> tuple[str, int] | None:
    """Write chunks under a random name; None (and nothing kept) when they exceed `max_bytes`."""
    name = secrets.token_hex(16)
    target = private_dir(kind) / name
    size = 0
    try:
        with target.open("xb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    break
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size > max_bytes:
        target.unlink(missing_ok=True)
        return None
    return name, size


def open_private(kind: str, name: str) -> BinaryIO:
    """The stored file, opened for reading; FileNotFoundError for a missing file or a name that is not a token."""
    return _private_path(kind, name).open("rb")


def read_private(kind: str, name: str) -> bytes:
    return _private_path(kind, name).read_bytes()


def delete_private(kind: str, name: str) -> None:
    """Remove a stored file; a missing file or a name that is not a token changes nothing."""
    try:
        path = _private_path(kind, name)
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def clean_filename(name: str, *, max_length: int = 120, fallback: str = "berkas") -> str:
    """A file name fit to show and to send back: the last path part, no control or direction
    characters, nothing Windows or a header would choke on, at most `max_length` characters
    (the extension is kept when shortening)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    # Category C covers control characters and the invisible direction overrides of "gpj.exe" tricks.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(_UNSAFE_CHARS.sub("_", name).split()).strip(" .")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = stem[: max_length - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:max_length].rstrip(" .")
    return name or fallback


def private_response(kind: str, name: str, *, filename: str, content_type: str) -> FileResponse:
    """Send a stored file as a download. Call only after the access check; a missing file or a
    bad name answers 404. The headers stop the browser from rendering or sniffing the content."""
    try:
        handle = open_private(kind, name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=clean_filename(filename), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Personnel documents must not linger in shared or browser caches.
    response["Cache-Control"] = "private, no-store"
    return response
