"""Private storage of uploaded files; moved to core.files, which Terang's own code imports directly.
Kept only so that code written against the old path still works."""

from core.files import delete_private, private_dir, read_private, store_private

__all__ = ["delete_private", "private_dir", "read_private", "store_private"]
