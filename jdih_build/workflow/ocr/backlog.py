"""The OCR backlog: the scanned pages of the PDFs the build would publish that the cache does not hold
yet (issue 23). `jdih ocr` recognises them ahead of the builds, which then find them in the cache.

The PDFs are the published products' attachments as the build sees them (the gate, and an approved
revision in place of an edit that waits, judged as the build judges them); each is copied through the
verifying copy, so a page is recognised, and stored under the PDF's sha256, only from the approved
bytes. What each PDF's text layer says (which pages are scans) is taken from the build's cache where a
build read it, else read here in bounded workers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jdih_build.cache.store import BuildCache
from jdih_build.gate.revisions import RevisionFiles, RevisionFinder
from jdih_build.gate.rules import evaluate
from jdih_build.load.git_history import GitHistory
from jdih_build.load.site import load_site
from jdih_build.model import Site
from jdih_build.publish.ocr_stage import Backlog, backlog_of
from jdih_build.publish.pdf_info import PdfInfo, PdfLimits
from jdih_build.publish.pdf_stage import stored_pdf_info
from jdih_build.publish.pdf_workers import read_pdfs
from jdih_build.publish.writer import copy_verified


@dataclass
class PublishedPdfs:
    """The published PDFs, one verified copy per sha256, with what their text layers hold."""

    copies: dict[str, Path] = field(default_factory=dict)     # sha256 -> verified copy
    names: dict[str, str] = field(default_factory=dict)       # sha256 -> the file in content/, for messages
    infos: dict[str, PdfInfo] = field(default_factory=dict)   # sha256 -> text layer, scanned pages
    unreadable: list[str] = field(default_factory=list)       # "<file>: <why>"


@contextmanager
def published_pdfs(site: Site, now: datetime, cache: BuildCache, workers: int | None = None) -> Iterator[PublishedPdfs]:
    """The PDFs the build would publish now, copied (verified) into a temporary folder for the
    duration of the `with` block."""
    found = PublishedPdfs()
    with RevisionFiles() as revision_files, tempfile.TemporaryDirectory(prefix="jdih-ocr-") as tmp:
        gate = RevisionFinder(site, GitHistory(site.root), revision_files, now).restore(evaluate(site, now))
        to_read: dict[Path, str] = {}

        def reader(digests: dict[Path, str]) -> dict[Path, PdfInfo]:
            return read_pdfs(list(digests), PdfLimits(), workers)

        for verdict in gate.verdicts:
            if not verdict.published:
                continue
            for attachment in verdict.product.berkas:
                sha = attachment.sha256
                if not attachment.path.name.lower().endswith(".pdf") or sha in found.copies:
                    continue
                copy = Path(tmp) / f"{sha}.pdf"
                copy_verified(attachment.path, copy, sha)
                found.copies[sha] = copy
                found.names[sha] = str(attachment.path.relative_to(site.root)) if attachment.path.is_relative_to(site.root) \
                    else f"{verdict.product.id}/{attachment.name}"
                stored = stored_pdf_info(cache, sha, copy, reader)
                if stored is not None:
                    found.infos[sha] = stored
                else:
                    to_read[copy] = sha
        for copy, info in reader(to_read).items():
            sha = to_read[copy]
            found.infos[sha] = info
            if info.error is not None:
                found.unreadable.append(f"{found.names[sha]}: {info.error}")
        yield found


def site_backlog(pdfs: PublishedPdfs, cache: BuildCache, engine: str) -> Backlog:
    return backlog_of({sha: info for sha, info in pdfs.infos.items() if info.scans}, cache.files("ocr"), engine)


def recognised_texts(root: Path, cache_dir: Path) -> dict[str, dict[str, str]]:
    """What the cache holds for each published PDF's scanned pages: file in content/ -> page -> text
    (benchmarks/ocr_compare.py scores it; the tests compare a cluster's run with a local one)."""
    from jdih_build.console.clock import now
    from jdih_build.publish.ocr import engine

    found_engine = engine()
    if found_engine is None:
        return {}
    site, _problems = load_site(root.resolve())
    if site is None:
        return {}
    with BuildCache.opened(cache_dir) as cache, published_pdfs(site, now(), cache) as pdfs:
        backlog = site_backlog(pdfs, cache, found_engine)
        texts: dict[str, dict[str, str]] = {}
        for (sha, page), result in sorted(backlog.known.items()):
            if isinstance(result, str):
                texts.setdefault(pdfs.names[sha], {})[str(page)] = result
        return texts
