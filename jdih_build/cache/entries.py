"""What the cache holds and how it is named: keys, the salt of the code that made an entry, the
digests that make damage a miss, and the two kinds of store (a table of small JSON values, a folder
of one file per value). The cache folder as a whole - its lock, its blobs, its commit - is store.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

FORMAT = 2
# Every library whose output lands in the site through the cache: a new version of any of them (an nh3
# sanitiser fix, a pypdf text fix, another PDFium) makes every entry a miss.
LIBRARIES = ("markdown", "nh3", "jinja2", "MarkupSafe", "PyYAML", "pypdf", "pypdfium2", "cbor2", "pagefind",
             "pagefind_bin", "pagefind_bin_extended", "Brotli")
MAGIC = b"jdih-cache"


def code_salt() -> str:
    """A fingerprint of this tool's code, Python and the libraries whose output lands in the site."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()


def key_of(*parts: object) -> str:
    """A cache key from values whose repr is deterministic (str, int, tuples of them, ...)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


BUCKETS = "0123456789abcdef"


def bucket_of(key: str) -> str:
    first = key[:1]
    return first if first in BUCKETS and len(key) == 64 else hashlib.sha256(key.encode()).hexdigest()[0]


class Table:
    """One kind of cached value. Entries read or written in this build are kept at commit."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self._entries = entries
        self.used: dict[str, Any] = {}
        self.changed = False
        self.dirty: set[str] = set()     # buckets with entries put in this build

    def entries_view(self) -> Mapping[str, Any]:
        """Every entry, read-only: for lookups in worker processes, which cannot mark use (their
        parent does, with get or put, when the results come back)."""
        return MappingProxyType(self._entries)

    def get(self, key: str) -> Any | None:
        value = self._entries.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        if self._entries.get(key) == value and key in self._entries:
            self.used[key] = value
            return
        self.used[key] = value
        self._entries[key] = value
        self.changed = True
        self.dirty.add(bucket_of(key))


def _digest(salt: str, name: str, data: bytes) -> str:
    """What binds stored bytes to the code that made them and the name they are stored under."""
    digest = hashlib.sha256(f"{salt}\0{name}\0".encode("utf-8", "surrogatepass"))
    digest.update(data)
    return digest.hexdigest()


class FileStore:
    """Values kept one file each (`<cache>/<name>/ab/<key>`), read only when needed: for values that
    are large and mostly not needed again (an abstract's HTML). Each file starts with a header line
    (the salt and a digest of the key and the value): another version's file, or a damaged one, is a
    miss. Files not used by a build are removed when it commits."""

    def __init__(self, folder: Path | None, salt: str = "") -> None:
        self.folder = folder
        self.salt = salt
        self.used: set[str] = set()
        self.changed = False
        self.damaged = 0
        self._held: set[str] | None = None

    def path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / key[:2] / key

    def holds(self, key: str) -> bool:
        """Whether a value is stored for `key`: one listing of the store, not a stat per key (10,000
        abstracts a build). A value removed or damaged since is a miss when read (`read` gives None)."""
        if self.folder is None:
            return False
        if self._held is None:
            self._held = set()
            with contextlib.suppress(OSError):
                for bucket in os.scandir(self.folder):
                    if bucket.is_dir(follow_symlinks=False):
                        with os.scandir(bucket.path) as items:
                            self._held.update(i.name for i in items if i.is_file(follow_symlinks=False))
        return key in self._held

    def use(self, key: str) -> None:
        self.used.add(key)

    def write(self, key: str, data: bytes) -> None:
        path = self.path(key)
        self.used.add(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        header = MAGIC + f" {self.salt} {_digest(self.salt, key, data)}\n".encode("ascii")
        _atomic_write(path, header + data)
        self.changed = True
        if self._held is not None:
            self._held.add(key)

    def read(self, key: str) -> bytes | None:
        """The value stored for `key`, or None when there is none, or it is another version's or damaged."""
        path = self.path(key)
        try:
            raw = path.read_bytes() if path is not None else None
        except OSError:
            return None
        if raw is None:
            return None
        header, newline, data = raw.partition(b"\n")
        parts = header.split(b" ")
        if not newline or len(parts) != 3 or parts[0] != MAGIC or parts[1] != self.salt.encode("ascii") \
                or parts[2] != _digest(self.salt, key, data).encode("ascii"):
            self.damaged += 1
            return None
        return data

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for bucket in self.folder.iterdir():
            for item in bucket.iterdir() if bucket.is_dir() else ():
                if item.name not in self.used:
                    item.unlink(missing_ok=True)


def hashes_to(path: Path | str, sha256: str) -> bool:
    """Whether the file's bytes (read without following a link) have this sha256."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
    except OSError:
        return False
    finally:
        os.close(fd)
    return digest.hexdigest() == sha256


def _atomic_write(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
