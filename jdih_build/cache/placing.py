"""Placing the site in staging: each page from the cache when what it reads is unchanged, else
rendered afresh; every file written is kept in the cache's blob store for the next build. A file
from the cache (a blob, or the spare tree's copy) is used only after its bytes hash to what the
build asked for.

A file is placed by hard link (a copy across file systems), so an unchanged site of 20,000 files costs
links, not renders. Attachments are placed only from a blob of exactly their approved sha256, else
copied through the verifying copy (writer.copy_verified).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jdih_build.cache.store import BuildCache, hashes_to
from jdih_build.parallel import fork_map
from jdih_build.publish.render import Output, PageJob, Renderer, render_job
from jdih_build.publish.writer import check_relative, copy_verified

SiteFile = tuple[str, str]          # (path inside the site, sha256 of its bytes)
BlobRecord = tuple[str, list[int]]  # (sha256, the blob's record), handed back from a worker


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


NOTHING: Mapping[str, str] = MappingProxyType({})


def clear_for(target: Path, relative: str, sha: str | None, present: Mapping[str, str]) -> bool:
    """Make way for a file at `target`: True when the spare tree already holds exactly these bytes
    (nothing to do). Otherwise its old file is unlinked first: files are hard links to the cache's
    blobs, and writing through one would change the blob."""
    found = present.get(relative)
    if found is None:
        return False
    if sha is not None and found == sha and hashes_to(target, sha):
        return True   # checked, not trusted: the spare shares its files' bytes with the blobs (H10)
    target.unlink(missing_ok=True)
    return False


def write_and_keep(staging: Path, outputs: Iterable[Output], cache: BuildCache,
                   present: Mapping[str, str] = NOTHING) -> tuple[list[SiteFile], list[BlobRecord]]:
    """Write each output below staging and keep it as a blob; returns the files and new blob records.
    `present`: the files a reused staging folder (the spare tree) already holds, path -> sha256."""
    files: list[SiteFile] = []
    records: list[BlobRecord] = []
    for output in outputs:
        relative = check_relative(output.path)
        target = staging / relative
        if output.source is not None:
            if clear_for(target, relative, output.sha256, present):
                files.append((relative, output.sha256 or ""))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if output.sha256 is not None and cache.place_blob(output.sha256, target):
                files.append((relative, output.sha256))
                continue
            copy_verified(output.source, target, output.sha256)
            sha = output.sha256 or file_sha256(target)
        else:
            data = output.data or b""
            sha = output.sha256 or hashlib.sha256(data).hexdigest()
            if clear_for(target, relative, sha, present):
                files.append((relative, sha))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        record = cache.keep_file(target, sha)
        if record is not None:
            records.append((sha, record))
        files.append((relative, sha))
    return files, records


def stored_files(value: Any) -> list[SiteFile] | None:
    """A cache entry's file list, or None when it is not one."""
    if not isinstance(value, list):
        return None
    files = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)):
            return None
        files.append((item[0], item[1]))
    return files


def place_all(cache: BuildCache, files: list[SiteFile], staging: Path, folders_made: bool = False,
              present: Mapping[str, str] = NOTHING) -> bool:
    """Place every file of a cached entry; on any failure, remove those placed (the caller renders
    afresh, and must never write through a link into a blob). `folders_made`: the caller created
    the folders already (make_folders)."""
    placed: list[Path] = []
    for relative, sha in files:
        target = staging / check_relative(relative)
        if clear_for(target, relative, sha, present):
            continue
        if not folders_made:
            target.parent.mkdir(parents=True, exist_ok=True)
        if not cache.place_blob(sha, target):
            for path in placed:
                path.unlink(missing_ok=True)
            return False
        placed.append(target)
    return True


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder the paths lie in, up to (not including) the root."""
    folders: set[str] = set()
    for folder in {path.rpartition("/")[0] for path in paths}:
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def make_folders(staging: Path, paths: Iterable[str], present: Mapping[str, str] = NOTHING) -> None:
    """Create every folder the files need, each once, parents first (not those the spare tree has)."""
    existing = folders_of(present)
    folders = folders_of(check_relative(path) for path in paths)
    base = os.fspath(staging)
    for folder in sorted(folders - existing):   # a parent sorts before its children
        with contextlib.suppress(FileExistsError):
            os.mkdir(os.path.join(base, folder))


def render_pages(renderer: Renderer, jobs: Sequence[PageJob], keys: Sequence[str], staging: Path,
                 cache: BuildCache, workers: int, present: Mapping[str, str] = NOTHING) -> tuple[list[SiteFile], int]:
    """Every page job into staging, from the cache or rendered, over `workers` processes.
    Returns the files and how many jobs were rendered afresh."""
    table = cache.table("pages")
    known = table.entries_view()
    stored_of = [stored_files(known.get(key)) for key in keys]
    make_folders(staging, (path for stored in stored_of for path, _ in stored or []), present)

    # What the cache holds is placed first, shared among the workers (linking and hashing 10,000 pages
    # is the work; only whether each was placed comes back); then the rest is rendered.
    candidates = [number for number, stored in enumerate(stored_of) if stored is not None]

    def place(number: int) -> bool:
        return place_all(cache, stored_of[number] or [], staging, folders_made=True, present=present)

    placed = {number: stored_of[number] or [] for number, ok in zip(candidates, fork_map(place, candidates, workers, min_items=512),
                                                                    strict=True) if ok}
    todo = [number for number in range(len(jobs)) if number not in placed]

    def one(number: int) -> tuple[list[SiteFile], list[BlobRecord]]:
        return write_and_keep(staging, render_job(renderer, jobs[number]), cache, present)

    fresh = dict(zip(todo, fork_map(one, todo, workers), strict=True))
    written: list[SiteFile] = []
    for number, key in enumerate(keys):
        if number in placed:
            table.get(key)
            written += placed[number]
            continue
        files, records = fresh[number]
        table.put(key, [list(f) for f in files])
        for sha, record in records:
            cache.record_blob(sha, record)
        written += files
    return written, len(todo)


def cached_outputs(cache: BuildCache, table: str, key: str, staging: Path,
                   make: Callable[[], Iterable[Output]], present: Mapping[str, str] = NOTHING) -> list[SiteFile]:
    """A group of outputs made together (the feeds, the assets) from the cache, or made and kept."""
    entries = cache.table(table)
    stored = stored_files(entries.get(key))
    if stored is not None and place_all(cache, stored, staging, present=present):
        return stored
    files, records = write_and_keep(staging, make(), cache, present)
    for sha, record in records:
        cache.record_blob(sha, record)
    entries.put(key, [list(f) for f in files])
    return files


def sweep(staging: Path, present: Mapping[str, str], written: Iterable[str]) -> None:
    """Remove from a reused staging folder what the new site does not hold, and folders left empty."""
    keep = set(written)
    gone = [relative for relative in present if relative not in keep]
    for relative in gone:
        (staging / relative).unlink(missing_ok=True)
    for folder in sorted(folders_of(gone) - folders_of(keep), key=lambda f: -f.count("/")):
        with contextlib.suppress(OSError):
            os.rmdir(staging / folder)


# -- the state of the published folder ---------------------------------------------------------

def manifest_key(files: Iterable[SiteFile]) -> str:
    return hashlib.sha256(repr(sorted(files)).encode()).hexdigest()


def folder_state(out: Path, files: Iterable[SiteFile]) -> str | None:
    """A fingerprint of the files in `out` and of the folders holding them (size, time, inode): any
    file edited, added or removed changes it. None when a file is missing."""
    base = os.fspath(out) + "/"
    paths = sorted({relative for relative, _ in files})
    digest = hashlib.sha256()
    lstat = os.lstat
    try:
        for relative in paths:
            st = lstat(base + relative)
            digest.update(f"{relative}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_mode}\n".encode())
        for relative in sorted(folders_of(paths)) + [""]:
            st = lstat(base + relative)
            digest.update(f"{relative}/\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()
