"""`jdih ocr`: recognise the OCR backlog ahead of the builds (issue 23).

A build spends at most `ocr_batas_menit` on OCR and leaves the rest to later builds; an office with
thousands of scanned documents runs `jdih ocr` once (overnight, on the machine that builds, or over a
Dask cluster with `--dask`) and every build after it finds the pages in the cache. Each page is stored
as soon as it is read: Ctrl-C, a kill or a lost connection loses only the pages in flight, and the next
run continues with what is left.

The cache is opened without the build's lock (a build may run meanwhile: both only add recognised
pages, each written atomically, and a build keeps every page of the PDFs it publishes).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from jdih_build.bounded import Failed
from jdih_build.cache.location import cache_problem, default_cache_dir
from jdih_build.cache.store import BuildCache, code_salt
from jdih_build.console.clock import EXIT_INVALID, EXIT_OK, now
from jdih_build.console.progress import Progress, duration
from jdih_build.console.reporting import load_or_report
from jdih_build.i18n import _
from jdih_build.publish.ocr import engine
from jdih_build.publish.ocr_stage import Keep, Runner, local_runner, recognise_backlog
from jdih_build.workflow.ocr.backlog import published_pdfs, site_backlog

REPORT_EVERY = 30.0   # seconds between progress lines where no progress bar is drawn (a log, CI)


class Stopped(Exception):
    """Ctrl-C or SIGTERM: stop starting pages, keep what is done."""


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "ocr", help=_("recognise the scanned pages the cache lacks, ahead of the builds"),
        description=_("Recognise every scanned page of the published PDFs that the build cache does not hold yet, "
                      "with no time limit, and keep each page as soon as it is read: the builds then find them. "
                      "Stop it at any time (Ctrl-C); run it again to continue where it stopped."))
    site_option(p)
    p.add_argument("--cache", metavar="DIR", help=_("the build cache to fill (default: the one jdih build uses for this site)"))
    p.add_argument("--workers", type=int, metavar="N", help=_("pages recognised at a time on this machine (default: one per core)"))
    p.add_argument("--menit", type=float, metavar="M", help=_("start no page after M minutes (default: no limit)"))
    p.add_argument("--dask", metavar="ADDRESS", help=_("spread the pages over a Dask cluster whose scheduler is at ADDRESS "
                                                      "(for example tcp://10.0.0.5:8786; needs: pip install 'jdih-build[dask]')"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.site).resolve()
    site = load_or_report(root, sys.stderr, _("ocr failed"))
    if site is None:
        return EXIT_INVALID
    if site.config.ocr is False:
        print(_("jdih ocr: [tool.jdih] says ocr = false, so the builds do not use recognised text; nothing to do"))
        return EXIT_OK
    found_engine = engine()
    if found_engine is None:
        print(_("jdih ocr: Tesseract with its Indonesian data is not installed; install it (Debian: apt install "
                "tesseract-ocr tesseract-ocr-ind) and run jdih ocr again"), file=sys.stderr)
        return EXIT_INVALID
    cache_dir = Path(args.cache) if args.cache else default_cache_dir(root)
    if (problem := cache_problem(cache_dir, root, root / "output")) is not None:
        print(f"{problem.path}: {problem.message} - {problem.fix}", file=sys.stderr)
        return EXIT_INVALID
    for folder in (cache_dir / "blobs", cache_dir / "tables"):
        folder.mkdir(parents=True, exist_ok=True)
    runner = _runner(args)
    if runner is None:
        return EXIT_INVALID
    cache = BuildCache(cache_dir, code_salt())
    with published_pdfs(site, now(), cache, args.workers) as pdfs:
        for line in pdfs.unreadable:
            print(_("warning: {problem}; its pages are not recognised").format(problem=line), file=sys.stderr)
        backlog = site_backlog(pdfs, cache, found_engine)
        scanned = len(backlog.known) + len(backlog.todo)
        files = len({sha for sha, _page in [*backlog.known, *backlog.todo]})
        print(_("jdih ocr: {scanned} scanned page(s) in {files} published PDF(s): {done} already in the cache "
                "({cache}), {todo} to recognise").format(scanned=scanned, files=files, done=len(backlog.known),
                                                         cache=cache_dir, todo=len(backlog.todo)))
        if not backlog.todo:
            return EXIT_OK
        return _recognise(backlog.todo, pdfs.copies, cache, found_engine, runner, args)


def _runner(args: argparse.Namespace) -> Runner | None:
    if not args.dask:
        return local_runner(args.workers)
    from jdih_build.workflow.ocr.dask_runner import DaskUnavailable, dask_runner

    try:
        return dask_runner(args.dask)
    except DaskUnavailable as exc:
        print(_("jdih ocr: {reason}").format(reason=exc), file=sys.stderr)
        return None


def _recognise(todo: list[tuple[str, int]], copies: dict[str, Path], cache: BuildCache, found_engine: str,
               runner: Runner, args: argparse.Namespace) -> int:
    started = time.monotonic()
    counts = {"read": 0, "failed": 0}
    failures: list[str] = []
    last_line = [started]
    stopping = [False]

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping[0] = True
        raise Stopped()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    with Progress(len(todo), _("recognising"), eta=True) as progress:
        def on_page(item: tuple[str, int], result: str | Failed) -> None:
            progress.advance()
            counts["failed" if isinstance(result, Failed) else "read"] += 1
            if isinstance(result, Failed):
                failures.append(f"{item[0][:12]} p.{item[1] + 1}: {result.reason}")
            moment = time.monotonic()
            if not progress.drawing and moment - last_line[0] >= REPORT_EVERY:
                last_line[0] = moment
                print(progress.line(), flush=True)

        def guarded(tasks: list[tuple[str, int]], keep: Keep, deadline: float | None) -> None:
            # Ctrl-C reaches Tesseract too: a page it cut short is not a page that cannot be read.
            runner(tasks, lambda task, result: None if stopping[0] and isinstance(result, Failed) else keep(task, result),
                   deadline)

        deadline = started + args.menit * 60 if args.menit else None
        try:
            recognise_backlog(todo, copies, cache.files("ocr"), found_engine, guarded, deadline, on_page)
        except Stopped:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    elapsed = time.monotonic() - started
    done = counts["read"] + counts["failed"]
    rate = done / elapsed if elapsed > 0 else 0.0
    if failures:
        print(_("warning: {count} page(s) could not be recognised (first: {first}); they are published without "
                "search text").format(count=len(failures), first=failures[0]), file=sys.stderr)
    left = len(todo) - done
    if stopping[0] or left:
        why = _("stopped") if stopping[0] else _("time is up")
        print(_("jdih ocr: {why} after {elapsed}: {done} of {total} page(s) recognised and kept ({rate:.2f} pages/s); "
                "{left} left: run jdih ocr again to continue").format(
                    why=why, elapsed=duration(elapsed), done=done, total=len(todo), rate=rate, left=left))
        return 130 if stopping[0] else EXIT_OK
    print(_("jdih ocr: {done} page(s) recognised in {elapsed} ({rate:.2f} pages/s); the next build uses them").format(
        done=done, elapsed=duration(elapsed), rate=rate))
    return EXIT_OK
