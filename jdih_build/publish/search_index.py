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
* Pagefind 1.5 writes some files in an order that changes from run to run;
  ``search_bundle.py`` rewrites them canonically, so builds stay byte-identical.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from jdih_build.publish.search_bundle import SearchIndexError, canonicalise_bundle

__all__ = ["SearchRecord", "SearchIndexError", "build_search_index", "BUNDLE_DIR"]

BUNDLE_DIR = "pagefind"
VOCABULARY_DIR = "kosakata"
_VOCABULARY_PAGE = ('<!doctype html><html lang="id"><head><meta charset="utf-8"><title>kosakata</title></head><body>'
                    '<main data-pagefind-body data-pagefind-filter="jdih:kosakata"><p>{words}</p></main></body></html>')
SHARDS_FILE = "jdih-shards.json"   # the other shards' bundles, relative to pagefind/
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
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILTER_ATTR = re.compile(r"""data-pagefind-filter\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_BODY_ATTR = re.compile(r"\sdata-pagefind-body[\s>=/]", re.I)
_BODY_CLOSE = re.compile(r"</body\s*>", re.I)


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
    shards: Sequence[tuple[str, Sequence[str]]] | None = None,
    workers: int = 1,
) -> None:
    """Index the HTML pages in ``site_dir`` plus ``records`` into ``site_dir/pagefind/``.

    With ``shards`` (a name and the site-relative URLs of its pages, each), every shard gets a bundle
    of its own, indexed by its own Pagefind run (``workers`` at a time), so that no run holds the whole
    catalogue: the first shard is the primary bundle in ``pagefind/``, the others lie in
    ``pagefind/<name>/`` and are listed in ``pagefind/jdih-shards.json``, which the search page reads
    to merge them (Pagefind's ``mergeIndex``).

    Raises :class:`SearchIndexError` on any failure. A bundle left behind by a
    failure is removed where possible; callers build into a staging folder anyway.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"search index: the site folder {site_dir} does not exist")
    executable = _find_pagefind()
    bundle = site_dir / BUNDLE_DIR
    groups: list[tuple[str, set[PurePosixPath] | None]] = [("", None)]
    if shards:
        groups = [(name, {_page_path(url) for url in urls}) for name, urls in shards]
    with tempfile.TemporaryDirectory(prefix="jdih-pagefind-") as tmp:
        work = Path(tmp)

        vocabulary: set[str] = set()
        for number, (_, only) in enumerate(groups):
            mine = records if only is None else [r for r in records if _page_path(r.url) in only]
            mirror = work / f"site-{number}"
            if _mirror_site(site_dir, mirror, mine, only, vocabulary if len(groups) > 1 else None) == 0:
                (mirror / "cari").mkdir(parents=True, exist_ok=True)
                (mirror / "cari" / "index.html").write_text(_EMPTY_SITE_PAGE, encoding="utf-8")
        if len(groups) > 1:
            # Pagefind drops a query word its index does not know, so a shard lacking one word of a
            # query would answer as if the word had not been typed. Every shard therefore gets one page
            # holding every word of the whole catalogue (outside the `jdih:produk` filter the search
            # page always applies): each shard then knows exactly the words one index would know.
            page = _VOCABULARY_PAGE.format(words=html.escape(" ".join(sorted(vocabulary)), quote=False))
            for number in range(len(groups)):
                (work / f"site-{number}" / VOCABULARY_DIR).mkdir(parents=True, exist_ok=True)
                (work / f"site-{number}" / VOCABULARY_DIR / "index.html").write_text(page, encoding="utf-8")

        def index(number: int, only: set[PurePosixPath] | None) -> Path:
            mirror, out = work / f"site-{number}", work / f"bundle-{number}"
            _run_pagefind(executable, mirror, out, work, timeout)
            for name in _UNUSED_BUNDLE_FILES:
                (out / name).unlink(missing_ok=True)
            canonicalise_bundle(out)
            shutil.rmtree(mirror, ignore_errors=True)
            return out

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:   # each thread waits on a Pagefind process
            outs = list(pool.map(lambda item: index(item[0], item[1][1]), enumerate(groups)))
        primary = outs[0]
        for (name, _), out in zip(groups[1:], outs[1:], strict=True):
            os.rename(out, primary / name)
        # Always written (an empty list for one index), so the search page never asks for a missing file.
        (primary / SHARDS_FILE).write_text(json.dumps([f"{name}/" for name, _ in groups[1:]]) + "\n", encoding="utf-8")
        try:
            if bundle.exists() or bundle.is_symlink():
                _remove(bundle)
            try:
                os.rename(primary, bundle)  # same file system: instant and atomic
            except OSError:
                shutil.copytree(primary, bundle, copy_function=shutil.copyfile)
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


def _mirror_site(site_dir: Path, mirror: Path, records: Sequence[SearchRecord],
                 only: set[PurePosixPath] | None = None, vocabulary: set[str] | None = None) -> int:
    """Copy the site's HTML into ``mirror`` (with ``only``, just those pages), merging the records;
    return how many pages are marked for indexing. Pages without ``data-pagefind-body`` are left
    out: Pagefind would read them only to skip them."""
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
    sources = sorted(site_dir.rglob("*.htm*")) if only is None else [site_dir / str(p) for p in sorted(only)]
    for source in sources:
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
        if not has_body and not page_records:
            continue
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
        if vocabulary is not None:
            vocabulary.update(_indexed_words(text))

    missing = sorted(set(extra) - seen)
    if missing:
        record = extra[missing[0]][0]
        raise SearchIndexError(
            f"search index: record {record.title!r} names {record.url!r}, but the site has no "
            f"page {missing[0]}" + (f" (and {len(missing) - 1} more such records)" if len(missing) > 1 else "")
        )
    return marked


_MARKED = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-(body|ignore)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def _element_end(page: str, name: str, start: int) -> int:
    """Where the element opened just before `start` closes (same-name elements nest)."""
    tags = re.compile(rf"<(/?){re.escape(name)}\b[^>]*>", re.IGNORECASE)
    depth = 1
    for match in tags.finditer(page, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.start()
    return len(page)


def _indexed_words(page: str) -> set[str]:
    """The words Pagefind indexes from a page: the text inside data-pagefind-body elements, outside
    data-pagefind-ignore ones, split on white space as Pagefind splits it (it then tokenises each)."""
    parts: list[str] = []
    position = 0
    while (match := _MARKED.search(page, position)) is not None:
        end = _element_end(page, match.group(1), match.end())
        if match.group(2) == "body":
            body = page[match.end():end]
            for ignored in reversed(list(_ignored_spans(body))):
                body = body[:ignored[0]] + " " + body[ignored[1]:]
            parts.append(body)
        position = end
    text = html.unescape(_TAG.sub(" ", " ".join(parts)))
    return {word.lower() for word in text.split()}


def _ignored_spans(body: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    while (match := _MARKED.search(body, position)) is not None:
        end = _element_end(body, match.group(1), match.end())
        if match.group(2) == "ignore":
            spans.append((match.start(), end))
        position = end if match.group(2) == "ignore" else match.end()
    return spans


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
