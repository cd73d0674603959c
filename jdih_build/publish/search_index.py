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

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from jdih_build.cache.placing import NOTHING, clear_for, place_all
from jdih_build.cache.store import BuildCache, key_of
from jdih_build.i18n import _
from jdih_build.parallel import fork_map
from jdih_build.publish.search_bundle import SearchIndexError, canonicalise_bundle
from jdih_build.publish.search_mirror import BUNDLE_DIR, SearchRecord, mirror_site, page_path

__all__ = ["SearchRecord", "SearchIndexError", "build_search_index", "BUNDLE_DIR"]

SHARD_FORMAT = 2   # 1 held a page of the whole catalogue's words in every shard: never reused
SHARDS_FILE = "jdih-shards.json"   # the other shards' bundles, relative to pagefind/
PAGES_FILE = "jdih-halaman.json"   # the pages of each bundle (the primary first), by Pagefind's page id
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


def build_search_index(
    site_dir: Path,
    records: Sequence[SearchRecord] = (),
    *,
    timeout: float = _DEFAULT_TIMEOUT,
    shards: Sequence[tuple[str, Sequence[str]]] | None = None,
    workers: int = 1,
    cache: BuildCache | None = None,
    page_sha: Mapping[str, str] | None = None,
    present: Mapping[str, str] = NOTHING,
) -> list[tuple[str, str]]:
    """Index the HTML pages in ``site_dir`` plus ``records`` into ``site_dir/pagefind/``; returns the
    files written, as (site-relative path, sha256).

    With ``shards`` (a name and the site-relative URLs of its pages, each), every shard gets a bundle
    of its own, indexed by its own Pagefind run (``workers`` at a time), so that no run holds the whole
    catalogue: the first shard is the primary bundle in ``pagefind/``, the others lie in
    ``pagefind/<name>/`` and are listed in ``pagefind/jdih-shards.json``, which the search page reads
    to merge them (Pagefind's ``mergeIndex``).

    With a ``cache``, a shard whose pages (by their sha256 in ``page_sha``) and records are those of
    an earlier build is taken from it: only changed shards run Pagefind again. A shard's bundle
    depends on nothing else (not on the other shards' words).

    Raises :class:`SearchIndexError` on any failure. A bundle left behind by a
    failure is removed where possible; callers build into a staging folder anyway.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(_("search index: the site folder {site_dir} does not exist").format(site_dir=site_dir))
    executable = _find_pagefind()
    cache = cache if cache is not None else BuildCache(None)
    table = cache.table("shards")
    bundle = site_dir / BUNDLE_DIR
    groups: list[tuple[str, set[PurePosixPath] | None]] = [("", None)]
    if shards:
        groups = [(name, {page_path(url) for url in urls}) for name, urls in shards]
    by_page: dict[PurePosixPath, list[SearchRecord]] = {}
    for record in records:
        with contextlib.suppress(ValueError):   # a bad URL is reported by the mirror
            by_page.setdefault(page_path(record.url), []).append(record)

    def own_key(name: str, only: set[PurePosixPath] | None) -> str | None:
        """What a shard is made of; None (no reuse) without the pages' hashes."""
        if only is None or page_sha is None or any(str(p) not in page_sha for p in only):
            return None
        return key_of("shard", SHARD_FORMAT, LANGUAGE, name, tuple((str(p), page_sha[str(p)], tuple(r.fingerprint() for r in by_page.get(p, ())))
                                                   for p in sorted(only)))

    keys = [own_key(name, only) for name, only in groups]
    stored: list[dict[str, Any] | None] = [_stored_shard(cache, table.entries_view().get(k)) if k else None for k in keys]
    with tempfile.TemporaryDirectory(prefix="jdih-pagefind-") as tmp:
        work = Path(tmp)

        def mirrored(number: int) -> None:
            """Shard `number`'s pages copied into the work folder, with their records."""
            name, only = groups[number]
            mine = records if only is None else [r for r in records if page_path(r.url) in only]
            site = work / f"site-{number}"
            if mirror_site(site_dir, site, mine, only) == 0:
                (site / "cari").mkdir(parents=True, exist_ok=True)
                (site / "cari" / "index.html").write_text(_EMPTY_SITE_PAGE, encoding="utf-8")

        def mirror(numbers: list[int]) -> None:
            # Reading 10,000 pages is Python's work: spread over processes (the copies are files).
            fork_map(mirrored, numbers, workers, min_items=2)

        # A shard depends on its own pages only: the search page, not the index, makes a shard that
        # lacks a word of the query stay out of its answer (cari.js, `jdih_bagian`), so one change
        # re-indexes one shard whatever new words it brings.
        todo = [n for n in range(len(groups)) if stored[n] is None]
        mirror(todo)

        def index(number: int) -> Path:
            site, out = work / f"site-{number}", work / f"bundle-{number}"
            _run_pagefind(executable, site, out, work, timeout)
            for name in _UNUSED_BUNDLE_FILES:
                (out / name).unlink(missing_ok=True)
            canonicalise_bundle(out)
            shutil.rmtree(site, ignore_errors=True)
            return out

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:   # each thread waits on a Pagefind process
            outs = dict(zip(todo, pool.map(index, todo), strict=True))
        try:
            if (bundle.exists() or bundle.is_symlink()) and not present:
                _remove(bundle)
            files: list[tuple[str, str]] = []
            pages: list[list[str]] = []   # each bundle's pages by Pagefind's id: the search page ranks by shard
            for number, (name, _only) in enumerate(groups):
                target = bundle / name if name and number else bundle
                entry = stored[number]
                prefix = f"{BUNDLE_DIR}/{name + '/' if number else ''}"
                if entry is not None and place_all(cache, [(prefix + path, sha) for path, sha in entry["files"]],
                                                   site_dir, present=present):
                    table.get(keys[number] or "")
                    mine_relative = entry["files"]
                    mine = [(f"{BUNDLE_DIR}/{name + '/' if number else ''}{path}", sha) for path, sha in entry["files"]]
                else:
                    out = outs[number] if number in outs else index_again(number, lambda n: mirror([n]), index)
                    mine_relative = _move_and_keep(cache, out, target, prefix, present)
                    if keys[number] is not None:
                        table.put(keys[number] or "", {"files": [list(f) for f in mine_relative]})
                    mine = [(f"{BUNDLE_DIR}/{name + '/' if number else ''}{path}", sha) for path, sha in mine_relative]
                files += mine
                pages.append(sorted(path[len("fragment/"):-len(".pf_fragment")] for path, _sha in mine_relative
                                    if path.startswith("fragment/") and path.endswith(".pf_fragment")))
            # Always written (empty lists for one index), so the search page never asks for a missing file.
            listing = (json.dumps([f"{name}/" for name, _ in groups[1:]]) + "\n").encode()
            by_shard = (json.dumps(pages if len(groups) > 1 else [], separators=(",", ":")) + "\n").encode()
            bundle.mkdir(exist_ok=True)
            for file_name, data in ((SHARDS_FILE, listing), (PAGES_FILE, by_shard)):
                sha = hashlib.sha256(data).hexdigest()
                if not clear_for(bundle / file_name, f"{BUNDLE_DIR}/{file_name}", sha, present):
                    (bundle / file_name).write_bytes(data)
                files.append((f"{BUNDLE_DIR}/{file_name}", sha))
        except OSError as exc:
            _remove(bundle, ignore_errors=True)
            raise SearchIndexError(_("search index: cannot write {bundle}: {exc}").format(bundle=bundle, exc=exc)) from exc
    return files


def index_again(number: int, mirror: Callable[[int], None], index: Callable[[int], Path]) -> Path:
    """A kept shard whose files could not be placed (a blob went missing): index it now."""
    mirror(number)
    return index(number)


def _stored_shard(cache: BuildCache, value: Any) -> dict[str, Any] | None:
    if not (isinstance(value, dict) and isinstance(value.get("files"), list)):
        return None
    files = [(f[0], f[1]) for f in value["files"] if isinstance(f, list) and len(f) == 2]
    if len(files) != len(value["files"]) or not all(cache.has_blob(sha) for _, sha in files):
        return None
    return {"files": files}


def _move_and_keep(cache: BuildCache, out: Path, target: Path, prefix: str,
                   present: Mapping[str, str]) -> list[tuple[str, str]]:
    """Move a fresh bundle's files to their place in the site, one by one (the primary bundle's
    folder also holds the other shards); keep each as a blob."""
    files = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(out).as_posix()
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append((relative, sha))
        dest = target / relative
        if clear_for(dest, prefix + relative, sha, present):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
        record = cache.keep_file(dest, sha)
        if record is not None:
            cache.record_blob(sha, record)
    return files


# --------------------------------------------------------------------------- #
# Running Pagefind


def _find_pagefind() -> Path:
    hint = _("install it with: pip install 'pagefind[extended]'")
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexError(_("search index: the Python package 'pagefind' is missing; {hint}").format(hint=hint)) from exc
    try:
        executable = get_executable()
    except Exception as exc:  # the lookup imports the binary wheels; be defensive
        raise SearchIndexError(_("search index: cannot locate the Pagefind binary ({exc}); {hint}").format(exc=exc, hint=hint)) from exc
    if executable is None or not Path(executable).is_file():
        raise SearchIndexError(_("search index: the Pagefind binary was not found; {hint}").format(hint=hint))
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
        raise SearchIndexError(_("search index: Pagefind did not finish within {timeout:.0f} s").format(timeout=timeout)) from exc
    except OSError as exc:
        raise SearchIndexError(_("search index: cannot run Pagefind ({executable}): {exc}").format(executable=executable, exc=exc)) from exc
    if proc.returncode != 0:
        output = (proc.stderr + proc.stdout).decode("utf-8", "replace").strip()
        lines = list(dict.fromkeys(line.strip() for line in output.splitlines() if line.strip()))
        detail = " ".join(lines[-6:]) or "no output"
        raise SearchIndexError(_("search index: Pagefind failed (exit {proc_returncode}): {detail}").format(proc_returncode=proc.returncode, detail=detail))
    if not (out / "pagefind.js").is_file() or not (out / "pagefind-entry.json").is_file():
        raise SearchIndexError(_("search index: Pagefind exited without writing a bundle"))


def _remove(path: Path, ignore_errors: bool = False) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        if not ignore_errors:
            raise
