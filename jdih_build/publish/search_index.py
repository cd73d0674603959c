"""Full-text search index of the public site, built with Pagefind.

The index covers the HTML pages already written into the site (only the parts
marked ``data-pagefind-body``, i.e. the product pages) plus extra text that is
not in the HTML, such as the text extracted from a product's PDFs
(:class:`SearchRecord`). The bundle is written to ``<site>/pagefind/`` and is
used by the search page (``cari/``) through Pagefind's JavaScript API.

How it works:

* The Pagefind binary ships in the ``pagefind_bin_extended`` (or ``pagefind_bin``)
  wheel; nothing is downloaded at run time. It runs as a CLI in a clean
  temporary folder with no ``PAGEFIND_*`` variables, so no stray
  ``pagefind.yml`` or environment setting can change the result.
* A record's text is merged into the entry of the product page it names: the
  page is indexed from a private copy that carries the extra text in an
  additional ``data-pagefind-body`` element (the page in the site is not
  touched). So a product shows up once in the results whether a word is in its
  catalogue fields or only inside its PDF, and the excerpt shows where it matched.
  A record must name a page that exists and is indexed; anything else is an error,
  so text of a withheld product can never reach the index on its own.
* Everything is indexed as Indonesian (``--force-language id``: one index, with
  Snowball Indonesian stemming).
* Pagefind 1.5 writes its filter indexes and the filter list of its metadata file
  in hash-map order, which changes from run to run (pagefind issue #638: "other
  files will still change, such as the filter/metadata indexes"). Those files
  are rewritten here in a canonical order, renamed after their new content and
  re-linked from ``pagefind-entry.json``, so the same input gives a
  byte-identical bundle. The rewrite checks that it understands the format
  (decoding and re-encoding an untouched file must give the same bytes) and
  fails loudly otherwise, e.g. after a Pagefind upgrade that changed it.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["SearchRecord", "SearchIndexError", "build_search_index", "BUNDLE_DIR"]

BUNDLE_DIR = "pagefind"
LANGUAGE = "id"

# Files of Pagefind's ready-made UIs. The search page uses its own UI on top of
# pagefind.js, so these are not published.
_UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)

# Indexed when the site has no product page at all (a new catalogue), because
# Pagefind refuses to write an index without pages. It points at the search page.
_EMPTY_SITE_PAGE = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8">'
    "<title>Cari produk hukum</title></head><body><main data-pagefind-body>"
    '<h1 data-pagefind-meta="title">Cari produk hukum</h1>'
    "<p>Belum ada produk hukum yang diterbitkan.</p></main></body></html>"
)

_DEFAULT_TIMEOUT = 900.0  # seconds; ~1,000 pages take under a second
_MAGIC = b"pagefind_dcd"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILTER_ATTR = re.compile(r"""data-pagefind-filter\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_BODY_ATTR = re.compile(r"\sdata-pagefind-body[\s>=/]", re.I)
_BODY_CLOSE = re.compile(r"</body\s*>", re.I)


class SearchIndexError(Exception):
    """The search index could not be built; the message says why."""


@dataclass(frozen=True)
class SearchRecord:
    """Extra text to index for a product page, e.g. the text of its PDFs.

    ``url`` is the site-relative URL of the product page (``produk/uu-7-2017/``);
    the page must exist in the site and be indexed (carry ``data-pagefind-body``).
    ``title`` is used in error messages only: results show the page's own title.
    ``filters`` are added to the page's entry for each filter name the page does
    not already declare with ``data-pagefind-filter``.
    """

    url: str
    title: str
    content: str
    filters: dict[str, list[str]] = field(default_factory=dict)


def build_search_index(
    site_dir: Path,
    records: Sequence[SearchRecord] = (),
    *,
    timeout: float = _DEFAULT_TIMEOUT,
) -> None:
    """Index the HTML pages in ``site_dir`` plus ``records`` into ``site_dir/pagefind/``.

    Raises :class:`SearchIndexError` on any failure. A bundle left behind by a
    failure is removed where possible; callers build into a staging folder anyway.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"search index: the site folder {site_dir} does not exist")
    executable = _find_pagefind()
    bundle = site_dir / BUNDLE_DIR
    with tempfile.TemporaryDirectory(prefix="jdih-pagefind-") as tmp:
        work = Path(tmp)
        mirror = work / "site"
        out = work / "bundle"
        pages = _mirror_site(site_dir, mirror, records)
        if pages == 0:
            (mirror / "cari").mkdir(parents=True, exist_ok=True)
            (mirror / "cari" / "index.html").write_text(_EMPTY_SITE_PAGE, encoding="utf-8")
        _run_pagefind(executable, mirror, out, work, timeout)
        for name in _UNUSED_BUNDLE_FILES:
            (out / name).unlink(missing_ok=True)
        _canonicalise_bundle(out)
        try:
            if bundle.exists() or bundle.is_symlink():
                _remove(bundle)
            try:
                os.rename(out, bundle)  # same file system: instant and atomic
            except OSError:
                shutil.copytree(out, bundle, copy_function=shutil.copyfile)
        except OSError as exc:
            _remove(bundle, ignore_errors=True)
            raise SearchIndexError(f"search index: cannot write {bundle}: {exc}") from exc


# --------------------------------------------------------------------------- #
# Running Pagefind


def _find_pagefind() -> Path:
    hint = "install it with: pip install 'pagefind[extended]'"
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError(f"search index: the Python package 'pagefind' is missing; {hint}") from exc
    try:
        executable = get_executable()
    except Exception as exc:  # the lookup imports the binary wheels; be defensive
        raise SearchIndexError(f"search index: cannot locate the Pagefind binary ({exc}); {hint}") from exc
    if executable is None or not Path(executable).is_file():
        raise SearchIndexError(f"search index: the Pagefind binary was not found; {hint}")
    return Path(executable)


def _run_pagefind(executable: Path, mirror: Path, out: Path, cwd: Path, timeout: float) -> None:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    command = [
        str(executable),
        "--site", str(mirror),
        "--output-path", str(out),
        "--force-language", LANGUAGE,
        "--quiet",
    ]
    try:
        proc = subprocess.run(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SearchIndexError(f"search index: Pagefind did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise SearchIndexError(f"search index: cannot run Pagefind ({executable}): {exc}") from exc
    if proc.returncode != 0:
        output = (proc.stderr + proc.stdout).decode("utf-8", "replace").strip()
        lines = list(dict.fromkeys(line.strip() for line in output.splitlines() if line.strip()))
        detail = " ".join(lines[-6:]) or "no output"
        raise SearchIndexError(f"search index: Pagefind failed (exit {proc.returncode}): {detail}")
    if not (out / "pagefind.js").is_file() or not (out / "pagefind-entry.json").is_file():
        raise SearchIndexError("search index: Pagefind exited without writing a bundle")


# --------------------------------------------------------------------------- #
# The copy of the site that Pagefind reads


def _page_path(url: str) -> PurePosixPath:
    """The file of a site-relative page URL ('produk/x/' -> produk/x/index.html)."""
    if not url or "\\" in url or "?" in url or "#" in url or ":" in url:
        raise ValueError("not a site-relative page URL")
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif not path.endswith((".html", ".htm")):
        path += "/index.html"
    pure = PurePosixPath(path)
    if any(part in ("", ".", "..") for part in pure.parts):
        raise ValueError("not a site-relative page URL")
    return pure


def _mirror_site(site_dir: Path, mirror: Path, records: Sequence[SearchRecord]) -> int:
    """Copy the site's HTML into ``mirror``, merging the records; return how many
    pages are marked for indexing."""
    extra: dict[PurePosixPath, list[SearchRecord]] = {}
    for record in records:
        if not isinstance(record, SearchRecord):
            raise SearchIndexError(f"search index: not a SearchRecord: {record!r}")
        try:
            path = _page_path(record.url)
        except ValueError:
            raise SearchIndexError(
                f"search index: record {record.title!r} has an invalid URL {record.url!r}; "
                "give the site-relative URL of its product page, e.g. 'produk/uu-7-2017/'"
            ) from None
        extra.setdefault(path, []).append(record)

    marked = 0
    seen: set[PurePosixPath] = set()
    for source in sorted(site_dir.rglob("*.htm*")):
        if source.suffix.lower() not in (".html", ".htm") or not source.is_file():
            continue
        relative = PurePosixPath(source.relative_to(site_dir).as_posix())
        if relative.parts[0] == BUNDLE_DIR:
            continue
        target = mirror / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SearchIndexError(f"search index: cannot read {source}: {exc}") from exc
        has_body = _BODY_ATTR.search(text) is not None
        marked += has_body
        page_records = extra.get(relative)
        if page_records:
            seen.add(relative)
            if not has_body:
                raise SearchIndexError(
                    f"search index: record {page_records[0].title!r} names {page_records[0].url!r}, "
                    f"but {source} has no data-pagefind-body element; mark the product page's "
                    "main content with data-pagefind-body"
                )
            text = _merge_records(text, page_records)
            target.write_text(text, encoding="utf-8")
        else:
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)

    missing = sorted(set(extra) - seen)
    if missing:
        record = extra[missing[0]][0]
        raise SearchIndexError(
            f"search index: record {record.title!r} names {record.url!r}, but the site has no "
            f"page {missing[0]}" + (f" (and {len(missing) - 1} more such records)" if len(missing) > 1 else "")
        )
    return marked


def _declared_filters(page: str) -> set[str]:
    names: set[str] = set()
    for match in _FILTER_ATTR.finditer(page):
        value = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        for part in value.split(","):
            name = re.split(r"[:\[]", part, maxsplit=1)[0].strip()
            if name:
                names.add(name)
    return names


def _clean(text: str) -> str:
    return html.escape(_CONTROL_CHARS.sub(" ", text), quote=True)


def _merge_records(page: str, records: list[SearchRecord]) -> str:
    declared = _declared_filters(page)
    parts = []
    for record in records:
        parts.append(f"<p>{_clean(record.content)}</p>\n")
        for name in sorted(record.filters):
            if name in declared:
                continue
            for value in record.filters[name]:
                parts.append(f'<span data-pagefind-filter="{_clean(name)}">{_clean(value)}</span>\n')
    block = '\n<div data-pagefind-body data-pagefind-weight="0.5">\n' + "".join(parts) + "</div>\n"
    closing = list(_BODY_CLOSE.finditer(page))
    if closing:
        at = closing[-1].start()
        return page[:at] + block + page[at:]
    return page + block


def _remove(path: Path, ignore_errors: bool = False) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        if not ignore_errors:
            raise


# --------------------------------------------------------------------------- #
# Canonical filter and metadata files


def _canonicalise_bundle(out: Path) -> None:
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
            f"search index: cannot make the Pagefind bundle deterministic ({exc}); "
            "this Pagefind version writes a format this code does not know (it was written "
            "for pagefind 1.5)"
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
        encoded = _cbor_encode(index)
        new = _short_hash(language, encoded, 7, taken)
        path.unlink()
        _write_gz(filter_dir / f"{new}.pf_filter", encoded)
        renamed.append([name, new])
    meta[3] = renamed
    # Sort indexes, when a site has any, are listed in the same hash-map order.
    if isinstance(meta[4], list) and all(isinstance(x, list) and x and isinstance(x[0], str) for x in meta[4]):
        meta[4] = sorted(meta[4], key=_name_key)
    encoded = _cbor_encode(meta)
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
    return item[0].encode("utf-8"), _cbor_encode(item)


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
    value, end = _cbor_decode(data, 0)
    if end != len(data):
        raise _FormatError(f"{path.name}: trailing bytes")
    if _cbor_encode(value) != data:
        raise _FormatError(f"{path.name}: does not re-encode to the same bytes")
    return value


def _write_gz(path: Path, data: bytes) -> None:
    # mtime=0 and a fixed level keep the gzip bytes stable.
    path.write_bytes(gzip.compress(_MAGIC + data, compresslevel=9, mtime=0))


# --------------------------------------------------------------------------- #
# A minimal CBOR (RFC 8949) codec for the subset Pagefind writes: integers,
# byte and text strings, arrays, maps and the simple values, all definite-length
# and in shortest form.


class _FormatError(Exception):
    pass


@dataclass(frozen=True)
class _Simple:
    value: int


class _Map(list):
    """A CBOR map, kept as an ordered list of (key, value) pairs."""


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise _FormatError("integer too large")


def _cbor_encode(value: object) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, _Simple):
        return _cbor_head(7, value.value)
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, _Map):
        return _cbor_head(5, len(value)) + b"".join(_cbor_encode(k) + _cbor_encode(v) for k, v in value)
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    raise _FormatError(f"cannot encode {type(value).__name__}")


def _cbor_decode(data: bytes, pos: int) -> tuple[object, int]:
    if pos >= len(data):
        raise _FormatError("truncated data")
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise _FormatError("truncated data")
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise _FormatError(f"unsupported CBOR item 0x{initial:02x}")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        if pos + arg > len(data):
            raise _FormatError("truncated data")
        chunk = data[pos:pos + arg]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _cbor_decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = _Map()
        for _ in range(arg):
            key, pos = _cbor_decode(data, pos)
            item, pos = _cbor_decode(data, pos)
            pairs.append((key, item))
        return pairs, pos
    if major == 7 and info < 24:
        return {20: False, 21: True, 22: None}.get(arg, _Simple(arg)), pos
    raise _FormatError(f"unsupported CBOR item 0x{initial:02x}")
