"""Pre-compressed copies of the text files (issue 22): `x.html.br` and `x.html.gz` beside `x.html`, for
servers that send them as they are (nginx `gzip_static`/`brotli_static`, Caddy `precompressed`, Apache
with the rules in docs/hosting.md): the search page falls from about 206 KB to 120 KB on the wire.

Decisions: brotli at quality 5 and gzip at level 6 - within 10 % of the smallest size at a tenth of the
time (measured on a product page: brotli 11 takes 28 ms, 5 takes 2.3 ms); files under 1 KiB are left as
they are (the headers would outweigh the saving); of Pagefind's files only its scripts and styles (its
index and fragments are compressed already). Each
copy is keyed in the build cache by the sha256 of the bytes it compresses, so a build compresses only
what changed, and is used only when it decompresses to exactly those bytes; copies are the cache's blobs, linked
into place like the pages (a build with one change writes only that change's copies). gzip's header carries no time and no name: the same input gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jdih_build.cache.store import BuildCache
from jdih_build.parallel import fork_map

Place = Callable[[BuildCache, list[tuple[str, str]], Path, bool, Mapping[str, str]], bool]
"""cache/placing.place_all: link cached files into staging (checked), or keep what `present` holds."""

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
MIN_BYTES = 1024
BROTLI_QUALITY = 5
GZIP_LEVEL = 6


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.compress(data, quality=BROTLI_QUALITY)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _unbrotli(data: bytes) -> bytes:
    import brotli

    return brotli.decompress(data)


KINDS = ((".br", _brotli, _unbrotli), (".gz", _gzip, gzip.decompress))


def _holds(packed: bytes, expand, sha: str) -> bool:
    """A cached copy is used only when it decompresses to exactly the bytes listed (as every cached blob
    is hashed before it is placed): a planted or damaged copy is a miss, never served."""
    try:
        return hashlib.sha256(expand(packed)).hexdigest() == sha
    except Exception:  # noqa: BLE001 - any decoder error: not a copy of these bytes
        return False


def compressible(path: str) -> bool:
    """Text files; in pagefind/, only its scripts and styles (its index and fragments are compressed)."""
    if path.startswith("pagefind/"):
        return path.endswith((".js", ".css"))
    return path.endswith(COMPRESSIBLE)


def precompress(staging: Path, files: list[tuple[str, str]], cache: BuildCache,
                 present: Mapping[str, str], place_all: Place, workers: int = 1) -> list[tuple[str, str]]:
    """The compressed copies of `files` (path, sha256) written into `staging`, as (path, sha256).

    A copy an earlier build made is a blob of the cache (the table "compressed" maps `br-<sha256 of
    the file>` to the copy's sha256, "" for a file too small to compress): it is linked into place like
    every other cached file, or kept where the reused staging folder (`present`) holds it, and it is used
    only when it decompresses to exactly the bytes listed - a planted or damaged copy is made afresh.
    The files are shared among `workers` forked processes (decompressing to check is the cost); what
    the cache learns comes back to this process."""
    known = cache.table("compressed")
    todo = [(path, sha, tuple(known.get(f"{suffix[1:]}-{sha}") for suffix, _c, _e in KINDS))
            for path, sha in files if compressible(path)]

    def one(item: tuple[str, str, tuple[Any, ...]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, list[int]]]]:
        return _copies_of(staging, item, cache, present, place_all)

    made: list[tuple[str, str]] = []
    for copies, learned, records in fork_map(one, todo, workers, min_items=64):
        made += copies
        for key, value in learned:
            known.put(key, value)
        for blob, record in records:
            cache.record_blob(blob, record)
    return made


def _copies_of(staging: Path, item: tuple[str, str, tuple[Any, ...]], cache: BuildCache, present: Mapping[str, str],
               place_all: Place) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, list[int]]]]:
    """One file's copies: placed from the cache, or made; with the table entries and blob records made."""
    path, sha, known = item
    made: list[tuple[str, str]] = []
    learned: list[tuple[str, str]] = []
    records: list[tuple[str, list[int]]] = []
    data: bytes | None = None
    for (suffix, compress, expand), packed_sha in zip(KINDS, known, strict=True):
        key, name = f"{suffix[1:]}-{sha}", path + suffix
        if packed_sha == "":
            break   # under MIN_BYTES: no copies
        target = staging / name
        if isinstance(packed_sha, str) and place_all(cache, [(name, packed_sha)], staging, True, present):
            if _holds(target.read_bytes(), expand, sha):
                made.append((name, packed_sha))
                continue
            target.unlink()   # decompresses to other bytes: never served
        if data is None:
            data = (staging / path).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:   # never compress other bytes than listed
                raise OSError(f"{path} changed while the site was written")
            if len(data) < MIN_BYTES:
                learned += [(f"{s[1:]}-{sha}", "") for s, _c, _e in KINDS]
                break
        packed = compress(data)
        packed_sha = hashlib.sha256(packed).hexdigest()
        temporary = target.with_name(f".{target.name}.tmp")   # a new file: never write into a linked one
        temporary.write_bytes(packed)
        os.replace(temporary, target)
        record = cache.keep_file(target, packed_sha)
        if record is not None:
            records.append((packed_sha, record))
        learned.append((key, packed_sha))
        made.append((name, packed_sha))
    return made, learned, records
