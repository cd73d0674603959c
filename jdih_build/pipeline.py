"""The build pipeline, one way: load -> validate -> gate -> render -> write.

`build()` returns a report and raises nothing for bad input: problems are data. Only when every
stage succeeded does the new site replace the old one (writer.swap_in).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from jdih_build.cache.feed_reuse import FeedReuse
from jdih_build.cache.fingerprint import Fingerprints, site_fingerprint
from jdih_build.cache.location import cache_problem
from jdih_build.cache.placing import (
    cached_outputs,
    folder_state,
    place_all,
    render_pages,
    sweep,
)
from jdih_build.cache.spare import record_tree, recorded_tree, same_build, spare_path, take_spare
from jdih_build.cache.store import BuildCache, key_of
from jdih_build.collector import collector_paused, freeze_made_so_far, frozen_for_the_build
from jdih_build.gate.revisions import RevisionFiles, RevisionFinder
from jdih_build.gate.rules import GateResult, evaluate
from jdih_build.i18n import _
from jdih_build.load.completeness import unfinished
from jdih_build.load.git_history import GitHistory
from jdih_build.load.problems import Problem
from jdih_build.load.site import NOT_A_SITE_FIX, load_site, not_a_site
from jdih_build.load.upgrade import upgrade_notes
from jdih_build.model import Product, Site
from jdih_build.parallel import default_workers
from jdih_build.publish import feeds
from jdih_build.publish.catalogue import Catalogue, build_catalogue
from jdih_build.publish.check_index import check_index
from jdih_build.publish.compress import precompress
from jdih_build.publish.pdf_stage import PdfReading, read_attachments, read_staged_pdfs
from jdih_build.publish.redirects import redirect_map, redirect_outputs
from jdih_build.publish.render import (
    Output,
    Renderer,
    TemplateProblem,
    make_environment,
    page_jobs,
)
from jdih_build.publish.search_index import SearchIndexError, build_search_index
from jdih_build.publish.search_shards import SHARD_PRODUCTS, search_records, search_shards
from jdih_build.publish.writer import (
    MARKER,
    MARKER_TEXT,
    OutputError,
    check_destination,
    check_unique,
    clean_leftovers,
    destination_lock,
    discard,
    new_staging,
    remove_later,
    swap_in,
)
from jdih_build.theme import asset_files

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
    rendered: int = 0            # page jobs rendered afresh (the others came from the cache)
    ocr_pages: int = 0           # scanned pages recognised by this build (the others came from the cache)
    pages: int = 0               # page jobs in all
    unchanged: bool = False      # the destination already held exactly this site: nothing was written
    reused_spare: bool = False   # staged in the site before last, brought up to date (cache/spare.py)
    manifest: list[tuple[str, str]] | None = None   # every file of the site built: (path, sha256)
    build_key: str | None = None    # what the whole site is made of (cache.spare.same_build)
    site: Site | None = field(default=None, repr=False)             # what was built, for jdih serve's
    catalogue: Catalogue | None = field(default=None, repr=False)   # updates between builds (preview.hot)

    def lap(self, phase: str, started: float) -> float:
        """Record the time since `started` for `phase`; returns now, the start of the next phase."""
        now = time.perf_counter()
        self.timings[phase] = round(self.timings.get(phase, 0.0) + now - started, 3)
        return now
    out: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def tail_outputs(site: Site, catalogue: Catalogue, extra_pages: list[str], source_date_epoch: str | None,
                 fragment: feeds.Fragment | None = None) -> Iterator[Output]:
    """The feeds, robots.txt, the assets and the marker: made from the whole catalogue at once (each
    feed entry's text from `fragment`, which may take it from the cache). One at a time, so that each
    feed (350 MB at 100,000 products) is written and let go before the next is made."""
    fragment = fragment or (lambda _name, entry, make: make(entry))
    yield Output("feed/document.json", feeds.jdihn_feed(catalogue, site.config, fragment))
    yield Output("api/produk.json", feeds.api_catalogue(catalogue, site.config, fragment))
    yield Output("atom.xml", feeds.atom(catalogue, site.config, source_date_epoch))
    yield Output("sitemap.xml", feeds.sitemap(catalogue, site.config, extra_pages))
    yield Output("robots.txt", feeds.robots(site.config))
    yield from check_index(catalogue, site.config)   # cek/: every published file by its sha256
    yield from redirect_outputs(catalogue, site.config)   # the old site's addresses (imported products)
    yield Output(MARKER, MARKER_TEXT)
    for name, path in asset_files(site.templates_dir).items():   # the theme's, the site's own in their place
        yield Output("assets/" + name, source=path)


def attachment_outputs(products: list[Product]) -> list[Output]:
    """Each attachment as the exact bytes the sign-offs bind: the copy is verified against the
    sha256 taken at load, so a file swapped during the build is never published (writer.copy_verified)."""
    return [Output(f"produk/{p.id}/{a.output_name}", source=a.path, sha256=a.sha256) for p in products for a in p.berkas]


def build(root: Path, out: Path, now: datetime, base_url: str | None = None,
          read_pdf_files: PdfReading = read_staged_pdfs, drafts: bool = False,
          search: bool = True, progress: Progress | None = None, workers: int | None = None,
          search_shard_size: int = SHARD_PRODUCTS, cache_dir: Path | None = None) -> BuildReport:
    """Build the site into `out`. `drafts` (for the local preview server only) also renders withheld
    products, marked as not valid; it is refused for the site's own output/ so a draft never lands there.
    `search` builds the Pagefind index (the live preview leaves it out to rebuild within a second).
    `cache_dir` keeps what this build derived for the next one (None: no cache, a cold build)."""
    if (reason := not_a_site(root.resolve())) is not None:   # before the cache folder is made in it
        return BuildReport(problems=[Problem(str(root.resolve()), None, reason, _(NOT_A_SITE_FIX))], out=out)
    if cache_dir is not None and (problem := cache_problem(cache_dir, root, out)) is not None:
        return BuildReport(problems=[problem], out=out)
    with BuildCache.opened(cache_dir) as cache, frozen_for_the_build(), \
            RevisionFiles() as revision_files:   # approved revisions' files, where an edit waits
        report = _build(root, out, now, base_url, read_pdf_files, drafts, search, progress,
                        default_workers() if workers is None else workers, search_shard_size, cache, revision_files)
        if cache_dir is not None and not cache.enabled:
            report.warnings.append(_("{cache_dir}: the cache is in use by another build (or cannot be written); this build ran without it").format(cache_dir=cache_dir))
        if report.ok and report.manifest is not None:
            started = time.perf_counter()
            cache.commit({sha for _, sha in report.manifest})
            report.lap("cache", started)
    return report


def _build(root: Path, out: Path, now: datetime, base_url: str | None, read_pdf_files: PdfReading, drafts: bool,
           search: bool, progress: Progress | None, workers: int, search_shard_size: int, cache: BuildCache,
           revision_files: RevisionFiles) -> BuildReport:
    report = BuildReport(out=out)
    started = time.perf_counter()
    with collector_paused():
        site, problems = load_site(root, base_url, workers, cache)
    started = report.lap("load", started)
    if site is None:
        report.problems = problems.sorted()
        return report
    try:
        check_destination(out, site.root)
        if drafts and out.resolve() == (site.root / "output").resolve():
            raise OutputError(_("drafts are never written to output/; preview them with jdih serve --drafts"))
    except OutputError as exc:
        report.problems = [Problem(str(out), None, str(exc), _("pass another --out"))]
        return report

    with collector_paused():
        report.gate = evaluate(site, now)
    if not drafts:   # the preview's drafts show the edit itself
        report.gate = RevisionFinder(site, GitHistory(site.root), revision_files, now).restore(report.gate)
    report.site = site
    report.lap("gate", started)
    report.warnings += upgrade_notes(site.root)
    report.warnings += [f"{problems.rel(u.product.source)}{f':{u.line}' if u.line else ''}: {u.message} - {u.fix}"
                        for p in site.products for u in unfinished(p)]
    shown = [v.product for v in report.gate.verdicts if v.published or drafts]
    try:
        with destination_lock(out):
            clean_leftovers(out)
            spare = take_spare(cache, out)   # the site before last, to bring up to date (cache/spare.py)
            staging, present = spare if spare is not None else (new_staging(out), {})
            report.reused_spare = spare is not None
            kept = False
            try:
                _write(site, report, shown, staging, out, read_pdf_files, drafts, search, progress, problems.rel,
                       workers, search_shard_size, cache, present)
                if not report.problems and not report.unchanged:
                    started = time.perf_counter()
                    old = recorded_tree(cache, out)
                    keep = spare_path(cache, out) if old and folder_state(out, old["files"]) == old["state"] else None
                    kept = swap_in(staging, out, cache.trash, keep)
                    if kept and keep is not None and old is not None:   # renamed: the state checked above holds
                        record_tree(cache, keep, old["files"], old["state"], old["key"])
                    report.lap("swap", started)
                if not report.problems and report.manifest is not None and not report.unchanged:
                    record_tree(cache, out, report.manifest, build=report.build_key)
            finally:
                if staging.exists() and not (spare is not None and (kept or report.unchanged)):
                    if spare is not None:
                        remove_later(staging, cache.trash)   # a spare half brought up to date
                    else:
                        discard(staging)
    except OutputError as exc:
        report.problems = [Problem(str(out), None, str(exc), _("check the output folder, or pass another --out"))]
    except OSError as exc:
        report.problems = [Problem(str(out), None, _("cannot write the site: {exc_strerror_or_exc}").format(exc_strerror_or_exc=exc.strerror or exc),
                                   _("check the output folder's permissions and the free disk space"))]
    return report


def _write(site: Site, report: BuildReport, shown: list[Product], staging: Path, out: Path, read_pdf_files: PdfReading,
           drafts: bool, search: bool, progress: Progress | None, rel: Callable[[Path], str], workers: int,
           search_shard_size: int, cache: BuildCache, present: Mapping[str, str]) -> None:
    """Stage everything: the PDFs are read from verified copies, then the pages are rendered (or taken
    from the cache), then the search index. Problems go into the report; the caller swaps in only when
    there are none, and not at all when the folder already holds exactly this site."""
    assert report.gate is not None
    files = attachment_outputs(shown)
    source_date_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        started = time.perf_counter()
        pdfs = read_attachments(files, staging, cache, present, site.config, read_pdf_files, workers)
        infos = pdfs.infos
        report.warnings += pdfs.warnings
        report.ocr_pages = pdfs.ocr_pages
        started = report.lap("pdf", started)
        catalogue = build_catalogue(report.gate, lambda a: infos[a.sha256], drafts=drafts, workers=workers,
                                    cache=cache.files("abstracts"))
        report.catalogue = catalogue
        report.warnings += [_("{path}: an old address that two products claim; neither is redirected from it (check "
                              "their alamat_lama)").format(path=path) for path in redirect_map(catalogue, site.config)[1]]
        freeze_made_so_far()
        started = report.lap("catalogue", started)
        for entry in catalogue.entries:
            for file in entry.files:
                if file.info.error:
                    # Named where it lies in content/ (an approved revision's copy is in a temporary folder).
                    where = entry.product.source.parent / file.attachment.name
                    report.warnings.append(_("{path}: cannot read the PDF fully ({error}); it is published "
                                             "without page count or search text").format(path=rel(where), error=file.info.error))
        prints = Fingerprints(site_fingerprint(site, cache.salt, drafts, source_date_epoch, search), catalogue)
        # Every page, feed and shard is a function of the site-wide part and the whole catalogue: when
        # the last build into `out` had the same, and `out` is as it left it, there is nothing to do.
        report.build_key = key_of("build", prints.site_key, prints.whole(), search, search_shard_size)
        if (same := same_build(cache, out, report.build_key)) is not None:
            report.unchanged, report.manifest, report.files_written = True, same, len(same)
            report.lap("plan", started)
            return
        jobs = page_jobs(catalogue)
        keys = [prints.job(job) for job in jobs]
        tail_key = key_of("tail", prints.site_key, prints.whole())
        shards = search_shards(catalogue, search_shard_size) if search else None
        started = report.lap("plan", started)
        if progress is not None and workers <= 1:
            jobs = list(progress.track(jobs))
        renderer = Renderer(make_environment(site.templates_dir, site.config.zone), site.config, catalogue, site.sop,
                            search)
        pages, report.rendered = render_pages(renderer, jobs, keys, staging, cache, workers, present)
        report.pages = len(jobs)
        written = list(pages)
        extra = [p.removesuffix("index.html") for p, _ in pages if p in ("cari/index.html", "cek/index.html", "statistik/index.html")]
        reuse = FeedReuse(cache, lambda name, entry: key_of("feed", name, prints.site_key, prints.entry(entry)))

        def make_tail() -> Iterator[Output]:
            return reuse.remember(tail_outputs(site, catalogue, extra, source_date_epoch, reuse.fragment))

        written += cached_outputs(cache, "tail", tail_key, staging, make_tail, present)
        written += pdfs.files
        started = report.lap("render", started)
        report.files_written = check_unique(path for path, _ in written)
        if shards is not None:
            written += build_search_index(staging, search_records(catalogue), shards=shards, workers=workers,
                                          cache=cache, page_sha=dict(pages), present=present)
            report.lap("search", started)
        squeezed = time.perf_counter()
        written += precompress(staging, list(written), cache, present, place_all, workers)
        report.lap("compress", squeezed)
        sweep(staging, present, (path for path, _ in written))
        report.manifest = written
    except SearchIndexError as exc:
        report.problems = [Problem("output/pagefind", None, str(exc), _("check that pagefind[extended] is installed (make build)"))]
    except TemplateProblem as exc:
        report.problems = [Problem(exc.path, exc.line, exc.message, _("fix the template"))]
