"""The cache folder: JSON tables of derived values and a store of file contents (blobs).

    <cache>/tables/<name>/<b>.json   <digest>\n{"format": .., "salt": .., "entries": {key: value}}, b = 0..f
    <cache>/<store>/ab/<key>         jdih-cache <salt> <digest>\n<bytes>  (FileStore: one value a file)
    <cache>/blobs/ab/<sha256>        the bytes of an output file, hard-linked into the site it belongs to

Integrity (issue 18): every table bucket and every stored value carries a sha256 over the salt, its
own name and its bytes, so damage (a flipped byte, a bucket or value moved to another name, a file
cut short) is a miss, never a different value; a blob is placed only after its bytes hash to its
name. The cache is not a trust boundary against someone who can write to its folder (they could
recompute the digests): it must lie where the repository cannot put it (cache/location.py).

A table is split into 16 buckets by key, so that one change rewrites a sixteenth of it. Values are
plain JSON, never pickle: a cache restored from elsewhere can at worst be wrong, not run
code, and every key starts from hashes of bytes read in this build. `salt` fingerprints the tool's own
code and libraries, so another version never reuses an entry. Each build keeps only the entries it used
(`commit`), so the cache stays the size of one site. A build that cannot lock the folder (another build
uses it) runs without a cache rather than wait or share.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from importlib import metadata  # noqa: F401 - re-exported: tests change library versions through it
from pathlib import Path
from typing import Any

from jdih_build.cache.entries import (  # noqa: F401 - the names the other modules import from store
    BUCKETS,
    FORMAT,
    LIBRARIES,
    MAGIC,
    FileStore,
    Table,
    _atomic_write,
    _digest,
    bucket_of,
    code_salt,
    hashes_to,
    key_of,
)


class BuildCache:
    """A cache folder held for one build; `BuildCache(None)` is the empty cache that stores nothing."""

    def __init__(self, folder: Path | None, salt: str = "") -> None:
        self.folder = folder
        self.salt = salt
        self._tables: dict[str, Table] = {}
        self._stores: dict[str, FileStore] = {}
        self._lock_fd: int | None = None
        self._damaged = 0

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    @property
    def changed(self) -> bool:
        """Whether this build has put anything new in the cache so far."""
        return any(t.changed for t in self._tables.values()) or any(s.changed for s in self._stores.values())

    @property
    def trash(self) -> Path | None:
        """Where replaced sites go to be removed in the background (writer.remove_later)."""
        return self.folder / "trash" if self.folder is not None else None

    @classmethod
    @contextlib.contextmanager
    def opened(cls, folder: Path | None) -> Iterator[BuildCache]:
        """The cache in `folder` (created), locked for this build and committed when the build succeeded
        (the caller calls commit); the empty cache when `folder` is None or held by another build."""
        if folder is None:
            yield cls(None)
            return
        cache = cls(folder, code_salt())
        try:
            (folder / "blobs").mkdir(parents=True, exist_ok=True)
            (folder / "tables").mkdir(exist_ok=True)
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            yield cls(None)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            yield cls(None)
            return
        cache._lock_fd = fd
        try:
            yield cache
        finally:
            os.close(fd)

    # -- tables ----------------------------------------------------------------------------------
    def files(self, name: str) -> FileStore:
        if name not in self._stores:
            self._stores[name] = FileStore(None if self.folder is None else self.folder / name, self.salt)
        return self._stores[name]

    @property
    def damaged(self) -> int:
        """Entries found damaged (or another version's) so far: each was a miss, and rebuilt."""
        return self._damaged + sum(s.damaged for s in self._stores.values())

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = Table(self._read_table(name))
        return self._tables[name]

    def _read_table(self, name: str) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        if self.folder is None:
            return entries
        for bucket in BUCKETS:
            try:
                raw = (self.folder / "tables" / name / f"{bucket}.json").read_bytes()
            except OSError:
                continue
            digest, newline, body = raw.partition(b"\n")
            if not newline or digest != _digest(self.salt, f"{name}/{bucket}", body).encode("ascii"):
                self._damaged += 1   # damaged, moved from another bucket or table, or another version's
                continue
            try:
                data = json.loads(body)
            except ValueError:
                self._damaged += 1
                continue
            if isinstance(data, dict) and data.get("format") == FORMAT and data.get("salt") == self.salt \
                    and isinstance(data.get("entries"), dict):
                entries.update((k, v) for k, v in data["entries"].items() if bucket_of(k) == bucket)
        return entries

    # -- blobs -----------------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        assert self.folder is not None
        return self.folder / "blobs" / sha256[:2] / sha256

    def keep_file(self, path: Path, sha256: str) -> list[int] | None:
        """Store the file just written at `path` (whose content has `sha256`) as a blob: a hard link,
        or a copy where the cache lies on another file system. Returns the blob's record, which a
        worker process hands back to the parent (`record_blob`); None when nothing was stored."""
        if self.folder is None:
            return None
        blob = self.blob_path(sha256)
        blobs = self.table("blobs")
        recorded = blobs.get(sha256)
        if recorded is not None and self._blob_intact(blob, recorded):
            return None
        blob.parent.mkdir(exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            blob.unlink()
        try:
            os.link(path, blob)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copyfile(path, blob)
        st = blob.stat()
        record = [st.st_size, st.st_mtime_ns]
        blobs.put(sha256, record)
        return record

    def record_blob(self, sha256: str, record: list[int]) -> None:
        self.table("blobs").put(sha256, record)

    def _blob_intact(self, blob: Path | str, recorded: Any) -> bool:
        """The blob is the file stored: same size and modification time. Output files share the
        blob's inode, so an edit made in output/ shows here and the blob is not reused."""
        try:
            st = os.stat(blob, follow_symlinks=False)
        except OSError:
            return False
        return isinstance(recorded, list) and [st.st_size, st.st_mtime_ns] == recorded

    def _blob_name(self, sha256: str) -> str:
        return f"{self.folder}/blobs/{sha256[:2]}/{sha256}"   # a string: placing 20,000 files is hot

    def place_blob(self, sha256: str, target: Path) -> bool:
        """Put the stored bytes `sha256` at `target` (a hard link, or a copy); False if not stored, or
        if its bytes no longer hash to `sha256` (H10: damage that kept the size and time): then the
        blob is dropped and the caller writes the file afresh."""
        if self.folder is None:
            return False
        blob = self._blob_name(sha256)
        recorded = self.table("blobs").get(sha256)
        if recorded is None or not self._blob_intact(blob, recorded):
            return False
        if not hashes_to(blob, sha256):
            self._damaged += 1
            with contextlib.suppress(OSError):
                os.unlink(blob)
            return False
        try:
            os.link(blob, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                return False
            shutil.copyfile(blob, target)
        return True

    def has_blob(self, sha256: str) -> bool:
        if self.folder is None:
            return False
        recorded = self.table("blobs").get(sha256)
        return recorded is not None and self._blob_intact(self._blob_name(sha256), recorded)

    # -- commit ----------------------------------------------------------------------------------
    def commit(self, blobs_kept: set[str]) -> None:
        """Write the tables, keeping only what this build used, and remove the blobs not in
        `blobs_kept` (the contents of the site just built)."""
        if self.folder is None:
            return
        if not self.changed:
            return   # nothing new: what the previous build kept is what this one used
        for store in self._stores.values():
            store.prune()
        blobs = self.table("blobs")
        known = dict(blobs._entries)
        blobs.used = {sha: known[sha] for sha in blobs_kept if sha in known}
        for name, table in self._tables.items():
            # A bucket is written again when an entry was put in it or one it holds was not used.
            rewrite = table.dirty | {bucket_of(key) for key in table._entries.keys() - table.used.keys()}
            if not rewrite:
                continue
            kept: dict[str, dict[str, Any]] = {b: {} for b in rewrite}
            for key, value in table.used.items():
                bucket = bucket_of(key)
                if bucket in kept:
                    kept[bucket][key] = value
            folder = self.folder / "tables" / name
            folder.mkdir(exist_ok=True)
            for bucket in sorted(rewrite):
                body = json.dumps({"format": FORMAT, "salt": self.salt, "entries": kept[bucket]},
                                  ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
                digest = _digest(self.salt, f"{name}/{bucket}", body).encode("ascii")
                _atomic_write(folder / f"{bucket}.json", digest + b"\n" + body)
        wanted = set(blobs.used)
        for folder in (self.folder / "blobs").iterdir():
            if not folder.is_dir():
                continue
            for blob in folder.iterdir():
                if blob.name not in wanted:
                    blob.unlink(missing_ok=True)
