"""Private storage of uploaded files; moved to core.files, kept here for existing imports."""

from core.files import delete_private, private_dir, read_private, store_private

__all__ = ["delete_private", "private_dir", "read_private", "store_private"]
