"""The build pipeline, one way: load -> validate -> gate -> render -> write.

`build()` returns a report and raises nothing for bad input: problems are data. Only when every
stage succeeded does the new site replace the old one (writer.swap_in).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from jdih_build.gate.rules import GateResult, evaluate
from jdih_build.load.problems import Problem
from jdih_build.load.site import load_site
from jdih_build.model import Product, Site
from jdih_build.parallel import default_workers, fork_map
from jdih_build.publish import feeds
from jdih_build.publish.catalogue import Catalogue, build_catalogue, contradictions
from jdih_build.publish.pdf_info import PdfInfo, PdfLimits
from jdih_build.publish.pdf_workers import read_pdfs
from jdih_build.publish.render import (
    Output,
    PageJob,
    Renderer,
    TemplateProblem,
    make_environment,
    page_jobs,
    render_job,
)
from jdih_build.publish.search_index import (
    SearchIndexError,
    SearchRecord,
    build_search_index,
)
from jdih_build.publish.writer import (
    OutputError,
    check_destination,
    check_unique,
    clean_leftovers,
    destination_lock,
    discard,
    new_staging,
    swap_in,
    write_marker,
    write_outputs,
)

T = TypeVar("T")


class Progress(Protocol):
    """What the build needs of a progress display (console.progress.Progress is one)."""

    def track(self, items: Sequence[T]) -> Iterator[T]: ...


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)   # invalid input: nothing was written
    gate: GateResult | None = None
    warnings: list[str] = field(default_factory=list)
    files_written: int = 0
    timings: dict[str, float] = field(default_factory=dict)   # seconds per phase, for make bench

    def lap(self, phase: str, started: float) -> float:
        """Record the time since `started` for `phase`; returns now, the start of the next phase."""
        now = time.perf_counter()
        self.timings[phase] = round(self.timings.get(phase, 0.0) + now - started, 3)
        return now
    out: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def render_site(site: Site, catalogue: Catalogue, staging: Path, workers: int, progress: Progress | None,
                source_date_epoch: str | None) -> list[str]:
    """Render every page straight into staging (nothing is held in memory), spread over `workers`
    forked processes; then the feeds and the assets. Returns the paths written."""
    env = make_environment(site.templates_dir)
    renderer = Renderer(env, site.config, catalogue, site.sop)
    jobs = page_jobs(catalogue)
    if progress is not None and workers <= 1:
        jobs = list(progress.track(jobs))

    def render_and_write(job: PageJob) -> list[str]:
        return write_outputs(staging, render_job(renderer, job))

    written = [path for paths in fork_map(render_and_write, jobs, workers) for path in paths]
    extra_pages = [p.removesuffix("index.html") for p in written if p in ("cari/index.html", "statistik/index.html")]
    tail = [
        Output("feed/document.json", feeds.jdihn_feed(catalogue, site.config)),
        Output("api/produk.json", feeds.api_catalogue(catalogue, site.config)),
        Output("atom.xml", feeds.atom(catalogue, site.config, source_date_epoch)),
        Output("sitemap.xml", feeds.sitemap(catalogue, site.config, extra_pages)),
        Output("robots.txt", feeds.robots(site.config)),
    ]
    assets = site.templates_dir / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tail.append(Output("assets/" + path.relative_to(assets).as_posix(), source=path))
    return written + write_outputs(staging, tail)


SHARD_PRODUCTS = 2000   # products per search shard: one Pagefind run stays small (about 250 MiB)


def search_shards(catalogue: Catalogue, size: int = SHARD_PRODUCTS) -> list[tuple[str, list[str]]]:
    """The product pages to index: one shard up to `size` products; else shards of whole years, newest
    first, each of at most `size` products unless one year alone holds more."""
    if len(catalogue.entries) <= size:
        return [("", [entry.url for entry in catalogue.entries])]
    by_year: dict[int, list[str]] = {}
    for entry in catalogue.entries:
        by_year.setdefault(entry.product.tahun, []).append(entry.url)
    shards: list[tuple[str, list[str]]] = []
    years: list[int] = []
    urls: list[str] = []
    for year in sorted(by_year, reverse=True):
        if urls and len(urls) + len(by_year[year]) > size:
            shards.append((f"tahun-{years[-1]}-{years[0]}", urls))
            years, urls = [], []
        years.append(year)
        urls = urls + by_year[year]
    shards.append((f"tahun-{years[-1]}-{years[0]}", urls))
    return shards


def search_records(catalogue: Catalogue) -> list[SearchRecord]:
    """The text inside each published product's PDFs, merged into its page's search entry."""
    records = []
    for entry in catalogue.entries:
        text = " ".join(f.info.text for f in entry.files if f.info.text)
        if text:
            records.append(SearchRecord(url=entry.url, title=entry.product.judul, content=text))
    return records


PdfReading = Callable[[dict[Path, str]], dict[Path, PdfInfo]]
"""(staged copy -> its verified sha256) -> what was read from each."""


_PDF_MEMO: dict[str, PdfInfo] = {}   # sha256 of a PDF -> what was read from it, for this process's life


def read_staged_pdfs(digests: dict[Path, str]) -> dict[Path, PdfInfo]:
    """Read the staged PDFs in bounded workers; a PDF with the same bytes is read once per process
    (jdih serve rebuilds on every change). The digests are those the copies were verified against."""
    paths = list(digests)
    todo = [p for p in paths if digests[p] not in _PDF_MEMO]
    _PDF_MEMO.update({digests[p]: info for p, info in read_pdfs(todo, PdfLimits()).items()})
    return {p: _PDF_MEMO[digests[p]] for p in paths}


def attachment_outputs(products: list[Product]) -> list[Output]:
    """Each attachment as the exact bytes the sign-offs bind: the copy is verified against the
    sha256 taken at load, so a file swapped during the build is never published (writer.copy_verified)."""
    return [Output(f"produk/{p.id}/{a.output_name}", source=a.path, sha256=a.sha256) for p in products for a in p.berkas]


def build(root: Path, out: Path, now: datetime, base_url: str | None = None,
          read_pdf_files: PdfReading = read_staged_pdfs, drafts: bool = False,
          search: bool = True, progress: Progress | None = None, workers: int | None = None,
          search_shard_size: int = SHARD_PRODUCTS) -> BuildReport:
    """Build the site into `out`. `drafts` (for the local preview server only) also renders withheld
    products, marked as not valid; it is refused for the site's own output/ so a draft never lands there.
    `search` builds the Pagefind index (the live preview leaves it out to rebuild within a second)."""
    report = BuildReport(out=out)
    workers = default_workers() if workers is None else workers
    started = time.perf_counter()
    site, problems = load_site(root, base_url, workers)
    started = report.lap("load", started)
    if site is None:
        report.problems = problems.sorted()
        return report
    try:
        check_destination(out, site.root)
        if drafts and out.resolve() == (site.root / "output").resolve():
            raise OutputError("drafts are never written to output/; preview them with jdih serve --drafts")
    except OutputError as exc:
        report.problems = [Problem(str(out), None, str(exc), "pass another --out")]
        return report

    report.gate = evaluate(site, now)
    report.lap("gate", started)
    report.warnings += [f"{problems.rel(p.source)}: {message}" for p, message in contradictions(site.products)]
    shown = [v.product for v in report.gate.verdicts if v.published or drafts]
    try:
        with destination_lock(out):
            clean_leftovers(out)
            staging = new_staging(out)
            try:
                _write(site, report, shown, staging, read_pdf_files, drafts, search, progress, problems.rel, workers,
                       search_shard_size)
                if not report.problems:
                    started = time.perf_counter()
                    swap_in(staging, out)
                    report.lap("swap", started)
            finally:
                if staging.exists():
                    discard(staging)
    except OutputError as exc:
        report.problems = [Problem(str(out), None, str(exc), "check the output folder, or pass another --out")]
    except OSError as exc:
        report.problems = [Problem(str(out), None, f"cannot write the site: {exc.strerror or exc}",
                                   "check the output folder's permissions and the free disk space")]
    return report


def _write(site: Site, report: BuildReport, shown: list[Product], staging: Path, read_pdf_files: PdfReading,
           drafts: bool, search: bool, progress: Progress | None, rel: Callable[[Path], str], workers: int,
           search_shard_size: int) -> None:
    """Stage everything: the approved attachments first (verified), then read the PDFs from those very
    copies, then render. Problems go into the report; the caller swaps in only when there are none."""
    assert report.gate is not None
    files = attachment_outputs(shown)
    try:
        written = write_outputs(staging, files)
        staged = {o.source: staging / o.path for o in files}
        started = time.perf_counter()
        infos = read_pdf_files({staging / o.path: o.sha256 or "" for o in files})
        started = report.lap("pdf", started)
        catalogue = build_catalogue(report.gate, lambda a: infos[staged[a.path]], drafts=drafts, workers=workers)
        started = report.lap("catalogue", started)
        for entry in catalogue.entries:
            for file in entry.files:
                if file.info.error:
                    report.warnings.append(f"{rel(file.attachment.path)}: cannot read the PDF fully ({file.info.error}); "
                                           "it is published without page count or search text")
        pages = render_site(site, catalogue, staging, workers, progress, os.environ.get("SOURCE_DATE_EPOCH"))
        started = report.lap("render", started)
        report.files_written = check_unique(written + pages)
        write_marker(staging)
        if search:
            build_search_index(staging, search_records(catalogue), shards=search_shards(catalogue, search_shard_size),
                               workers=workers)
            report.lap("search", started)
    except SearchIndexError as exc:
        report.problems = [Problem("output/pagefind", None, str(exc), "check that pagefind[extended] is installed (make build)")]
    except TemplateProblem as exc:
        report.problems = [Problem(exc.path, exc.line, exc.message, "fix the template")]
