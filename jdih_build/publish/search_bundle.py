"""Making Pagefind's bundle deterministic: its filter indexes and metadata, rewritten in sorted order.

Pagefind 1.5 writes its filter indexes and the filter list of its metadata file in hash-map order,
which changes from run to run (pagefind issue #638). Those files are CBOR (after a signature, inside
gzip); they are decoded with cbor2, sorted, re-encoded, renamed after their new content and re-linked
from `pagefind-entry.json`, so the same input gives a byte-identical bundle. A file is only rewritten
when decoding and re-encoding it untouched gives the same bytes, so an unknown format after a Pagefind
upgrade fails loudly instead of being garbled.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

from jdih_build.i18n import _

_MAGIC = b"pagefind_dcd"


class SearchIndexError(Exception):
    """The search index could not be built; the message says why."""


class _FormatError(Exception):
    pass


def canonicalise_bundle(out: Path) -> None:
    """Rewrite the bundle's filter indexes and metadata in sorted order, renamed by content."""
    try:
        entry_path = out / "pagefind-entry.json"
        entry_text = entry_path.read_text(encoding="utf-8")
        entry = json.loads(entry_text)
        languages = entry["languages"]
        filter_dir = out / "filter"
        for language, info in sorted(languages.items()):
            old_hash = info["hash"]
            new_hash = _canonicalise_language(out, filter_dir, language, old_hash)
            if new_hash != old_hash:
                needle = f'"hash":"{old_hash}"'
                if entry_text.count(needle) != 1:
                    raise _FormatError("pagefind-entry.json does not name the metadata file once")
                entry_text = entry_text.replace(needle, f'"hash":"{new_hash}"')
        entry_path.write_text(entry_text, encoding="utf-8")
    except SearchIndexError:
        raise
    except (_FormatError, OSError, KeyError, TypeError, ValueError, EOFError, gzip.BadGzipFile) as exc:
        raise SearchIndexError(
            _("search index: cannot make the Pagefind bundle deterministic ({exc}); this Pagefind version "
              "writes a format this code does not know (it was written for pagefind 1.5)").format(exc=exc)
        ) from exc


def _canonicalise_language(out: Path, filter_dir: Path, language: str, meta_hash: str) -> str:
    meta_file = out / f"pagefind.{meta_hash}.pf_meta"
    meta = _read_cbor(meta_file)
    if not (isinstance(meta, list) and len(meta) >= 5 and isinstance(meta[3], list)):
        raise _FormatError(f"{meta_file.name}: unexpected metadata layout")
    filters = meta[3]
    renamed: list[list[object]] = []
    taken: set[str] = set()
    for item in sorted(filters, key=_name_key):
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise _FormatError(f"{meta_file.name}: unexpected filter entry {item!r}")
        name, old = item
        path = filter_dir / f"{old}.pf_filter"
        index = _read_cbor(path)
        if not (isinstance(index, list) and len(index) == 2 and index[0] == name and isinstance(index[1], list)):
            raise _FormatError(f"{path.name}: unexpected filter layout")
        index[1] = sorted(index[1], key=_name_key)
        encoded = cbor2.dumps(index)
        new = _short_hash(language, encoded, 7, taken)
        path.unlink()
        _write_gz(filter_dir / f"{new}.pf_filter", encoded)
        renamed.append([name, new])
    meta[3] = renamed
    # Sort indexes, when a site has any, are listed in the same hash-map order.
    if isinstance(meta[4], list) and all(isinstance(x, list) and x and isinstance(x[0], str) for x in meta[4]):
        meta[4] = sorted(meta[4], key=_name_key)
    encoded = cbor2.dumps(meta)
    new_hash = _short_hash(language, encoded, 10, set())
    meta_file.unlink()
    _write_gz(out / f"pagefind.{new_hash}.pf_meta", encoded)
    leftovers = sorted(p.name for p in filter_dir.glob("*.pf_filter")) if filter_dir.is_dir() else []
    expected = sorted(f"{item[1]}.pf_filter" for item in renamed)
    if leftovers != expected:
        raise _FormatError("the filter files do not match the metadata's filter list")
    return new_hash


def _name_key(item: object) -> tuple[bytes, bytes]:
    # Sort by name; entries are [name, payload] pairs.
    if not (isinstance(item, list) and item and isinstance(item[0], str)):
        raise _FormatError(f"unexpected entry {item!r}")
    return item[0].encode("utf-8"), cbor2.dumps(item)


def _short_hash(language: str, data: bytes, length: int, taken: set[str]) -> str:
    digest = hashlib.sha256(data).hexdigest()
    while f"{language}_{digest[:length]}" in taken and length < len(digest):
        length += 1
    name = f"{language}_{digest[:length]}"
    taken.add(name)
    return name


def _read_cbor(path: Path) -> object:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise _FormatError(f"{path.name}: missing the Pagefind signature")
    data = raw[len(_MAGIC):]
    try:
        value = cbor2.loads(data)
    except cbor2.CBORDecodeError as exc:
        raise _FormatError(f"{path.name}: not CBOR ({exc})") from None
    if cbor2.dumps(value) != data:   # we only rewrite what we understand exactly
        raise _FormatError(f"{path.name}: does not re-encode to the same bytes")
    return value


def _write_gz(path: Path, data: bytes) -> None:
    # mtime=0 and a fixed level keep the gzip bytes stable.
    path.write_bytes(gzip.compress(_MAGIC + data, compresslevel=9, mtime=0))
