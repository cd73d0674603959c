"""Pre-compressed copies of the text files (issue 22): `x.html.br` and `x.html.gz` beside `x.html`, for
servers that send them as they are (nginx `gzip_static`/`brotli_static`, Caddy `precompressed`, Apache
with the rules in docs/hosting.md): the search page falls from about 206 KB to 120 KB on the wire.

Decisions: brotli at quality 5 and gzip at level 6 - within 10 % of the smallest size at a tenth of the
time (measured on a product page: brotli 11 takes 28 ms, 5 takes 2.3 ms); files under 1 KiB are left as
they are (the headers would outweigh the saving); of Pagefind's files only its scripts and styles (its
index and fragments are compressed already). Each
copy is keyed in the build cache by the sha256 of the bytes it compresses, so a build compresses only
what changed, and is used only when it decompresses to exactly those bytes. gzip's header carries no time and no name: the same input gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from jdih_build.cache.entries import FileStore, Table

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


def precompress(staging: Path, files: list[tuple[str, str]], store: FileStore, known: Table,
                 present: Mapping[str, str]) -> list[tuple[str, str]]:
    """The compressed copies of `files` (path, sha256) written into `staging`, as (path, sha256).
    `known` maps a copy's key to its sha256 (what an earlier build made); a copy a reused staging folder
    (`present`: the previous site, path -> sha256) already holds with that sha256 is kept as it is, so a
    build with one change reads and writes only that change's copies."""
    made: list[tuple[str, str]] = []
    for path, sha in files:
        if not compressible(path):
            continue
        kept = [(path + suffix, known.get(f"{suffix[1:]}-{sha}")) for suffix, _c, _e in KINDS]
        if all(value is not None and present.get(name) == value for name, value in kept):
            made += [(name, str(value)) for name, value in kept]
            continue
        source = staging / path
        if source.stat().st_size < MIN_BYTES:
            continue
        data: bytes | None = None
        for suffix, compress, expand in KINDS:
            key = f"{suffix[1:]}-{sha}"
            packed = store.read(key) if store.holds(key) else None
            if packed is not None and not _holds(packed, expand, sha):
                packed = None
            if packed is None:
                if data is None:
                    data = source.read_bytes()
                    if hashlib.sha256(data).hexdigest() != sha:   # never compress other bytes than listed
                        raise OSError(f"{path} changed while the site was written")
                packed = compress(data)
                store.write(key, packed)
            else:
                store.use(key)
            target = staging / (path + suffix)
            temporary = target.with_name(f".{target.name}.tmp")   # a new file: never write into a linked one
            temporary.write_bytes(packed)
            os.replace(temporary, target)
            packed_sha = hashlib.sha256(packed).hexdigest()
            known.put(key, packed_sha)
            made.append((path + suffix, packed_sha))
    return made
