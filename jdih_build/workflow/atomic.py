"""Writing one file atomically: the bytes go to a hidden temp file beside it, which then takes its name.

Used by the commands that write into the site repository (approve, report); the site build itself
writes a whole staging tree instead (writer.py).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, replace: bool) -> None:
    """Write `data` to `path`. With replace=False an existing file is never replaced (FileExistsError),
    even one created meanwhile by someone else: the temp file is hard-linked to the name."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        if replace:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)   # atomic, and fails if the name is taken
        except FileExistsError:
            raise
        except OSError:           # a filesystem without hard links
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(temp, path)
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)
