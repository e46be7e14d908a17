"""Private storage of uploaded files: random names, outside any URL, size-limited."""

import secrets
from pathlib import Path

from django.conf import settings


def private_dir(kind: str) -> Path:
    path = Path(settings.PRIVATE_STORAGE_DIR) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_private(kind: str, chunks, *, max_bytes: int) -> tuple[str, int] | None:
    """Write chunks under a random name; None (and nothing kept) when they exceed `max_bytes`."""
    name = secrets.token_hex(16)
    target = private_dir(kind) / name
    size = 0
    with target.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                return None
            out.write(chunk)
    return name, size


def read_private(kind: str, name: str) -> bytes:
    if not name or "/" in name or ".." in name:
        raise FileNotFoundError(name)
    return (private_dir(kind) / name).read_bytes()


def delete_private(kind: str, name: str) -> None:
    if name and "/" not in name and ".." not in name:
        (private_dir(kind) / name).unlink(missing_ok=True)
