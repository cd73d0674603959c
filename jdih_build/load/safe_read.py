"""Reading untrusted input files: regular files only, never through a link, never more than a cap.

A FIFO named `x.md` would block `open()` forever, a symbolic link could publish /etc/passwd, and a
20 MB sign-off would take gigabytes to parse. Every file the build reads from the site goes through
`read_regular`, which opens without following links and without blocking, checks what it opened
(fstat, so a swap after the check does not matter), and reads at most `cap + 1` bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from jdih_build.i18n import _

HASH_CHUNK = 1024 * 1024

# Caps per kind of file, in bytes. Real files are far smaller; the caps only stop abuse.
MAX_MARKDOWN_BYTES = 2 * 1024 * 1024
MAX_POLICY_BYTES = 1024 * 1024          # sop.yaml, petugas.yaml
MAX_SIGNOFF_BYTES = 64 * 1024           # one sign-off record (a few hundred bytes in practice)
MAX_SIGNATURE_BYTES = 64 * 1024
MAX_SETTINGS_BYTES = 1024 * 1024        # pyproject.toml


class InputFileError(Exception):
    """A file that cannot be read as input; `message` says why, `fix` what to do (both translated, for
    people). Code that decides on the cause reads `too_large`, never the message."""

    def __init__(self, message: str, fix: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.too_large = too_large


def open_regular(path: Path | str) -> int:
    """An fd for reading `path`, which must be a regular file reached without a link at its end."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        if os.path.islink(path):
            raise InputFileError(_("the file is a symbolic link"), _("replace the link with the real file")) from None
        raise InputFileError(_("cannot open the file: {exc_strerror}").format(exc_strerror=exc.strerror), _("check the file's permissions")) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputFileError(_("not a regular file (a FIFO, device or folder)"), _("replace it with an ordinary file"))
    return fd   # O_NONBLOCK does nothing to a regular file's reads: no need to clear it


def read_regular(path: Path | str, cap: int) -> bytes:
    """The bytes of the regular file `path`, at most `cap`; InputFileError when over the cap."""
    fd = open_regular(path)
    chunks = []
    left = cap + 1
    try:
        while left > 0 and (chunk := os.read(fd, min(left, HASH_CHUNK))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > cap:
        raise InputFileError(_("the file is over the {cap:,}-byte limit for this kind of file").format(cap=cap),
                             _("this cannot be a real record of its kind; restore the file from git or write it anew"),
                             too_large=True)
    return data


def hash_regular(path: Path) -> tuple[int, str]:
    """(size, sha256) of the regular file `path`, read once through one fd."""
    fd = open_regular(path)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := os.read(fd, HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return size, digest.hexdigest()


def is_regular_file(path: Path) -> bool:
    """True for a regular file that is not a symbolic link (lstat: nothing is opened)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False
