"""`jdih ocr --dask ADDRESS`: the pages spread over a Dask distributed cluster (issue 23).

The scheduler and workers are the office's (or a ministry's) own machines, each with Tesseract and
its Indonesian data; the results come back to this machine and go into its cache, exactly as a local
run stores them. A worker whose OCR engine (Tesseract's version, the language data's sha256, PDFium)
differs from this machine's would store text the builds here never look up: such a cluster is refused
before any page is sent. Each PDF's bytes are sent once (scattered) and freed when its pages are done;
at most a few pages per worker thread are in flight, so a backlog of 100,000 pages holds little memory.
A page whose recognition raised is stored as failed, like a local run's; a page lost with a worker (the
connection, a crash) is not stored, and the next run sends it again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jdih_build.bounded import Failed
from jdih_build.i18n import _
from jdih_build.publish.ocr import engine, recognise_page_bytes
from jdih_build.publish.ocr_stage import Keep, PageTask, Runner

IN_FLIGHT_PER_THREAD = 3
CONNECT_SECONDS = 30


class DaskUnavailable(Exception):
    """The cluster cannot be used; the message says why and what to do."""


def worker_engine() -> str | None:
    """Run on each worker: its OCR engine (None without Tesseract and its Indonesian data)."""
    return engine()


def engine_mismatch(local: str, workers: Mapping[str, str | None]) -> str | None:
    """Why these workers cannot recognise pages for this machine's cache, or None."""
    if not workers:
        return _("the cluster has no workers; start some with: dask worker ADDRESS")
    other = {address: found for address, found in workers.items() if found != local}
    if not other:
        return None
    address, found = sorted(other.items())[0]
    return _("worker {address} has another OCR engine ({found}) than this machine ({local}); install the same "
             "Tesseract and Indonesian data on every worker ({count} differ)").format(
                 address=address, found=found or _("no Tesseract with Indonesian data"), local=local, count=len(other))


def dask_runner(address: str) -> Runner:
    try:
        from distributed import Client
    except ImportError:
        raise DaskUnavailable(_("Dask is not installed; install it with: pip install 'jdih-build[dask]'")) from None
    local = engine()
    if local is None:
        raise DaskUnavailable(_("Tesseract with its Indonesian data is not installed on this machine"))
    try:
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskUnavailable(_("cannot reach the Dask scheduler at {address} ({exc}); check the address and that "
                                "`dask scheduler` runs there").format(address=address, exc=exc)) from None
    problem = engine_mismatch(local, client.run(worker_engine))
    if problem is not None:
        client.close()
        raise DaskUnavailable(problem)

    def run(tasks: list[PageTask], keep: Keep, deadline: float | None) -> None:
        try:
            _run_on(client, tasks, keep, deadline)
        finally:
            client.close()
    return run


def _run_on(client: Any, tasks: list[PageTask], keep: Keep, deadline: float | None) -> None:
    from distributed import as_completed

    threads = sum(client.nthreads().values()) or 1
    remaining: dict[str, int] = {}
    for path, _page in tasks:
        remaining[path] = remaining.get(path, 0) + 1
    scattered: dict[str, Any] = {}
    queue = list(reversed(tasks))
    running: dict[Any, PageTask] = {}
    pending = as_completed()

    def submit_more() -> None:
        while queue and len(running) < threads * IN_FLIGHT_PER_THREAD and (deadline is None or time.monotonic() < deadline):
            task = queue.pop()
            path, page = task
            if path not in scattered:
                scattered[path] = client.scatter(Path(path).read_bytes(), hash=False)
            future = client.submit(recognise_page_bytes, scattered[path], page, pure=False, retries=1)
            running[future] = task
            pending.add(future)

    try:
        submit_more()
        while running:
            future = next(pending)
            task = running.pop(future)
            if future.status == "finished":
                keep(task, future.result())
            elif future.status == "error" and _raised_by_the_page(future):
                keep(task, Failed(f"{type(future.exception()).__name__}: {future.exception()}"))
            remaining[task[0]] -= 1
            if not remaining[task[0]]:
                scattered.pop(task[0]).release()
            submit_more()
    finally:
        for future in running:
            future.cancel()


def _raised_by_the_page(future: Any) -> bool:
    """An exception of the recognition itself (the page), not of the cluster (a worker lost)."""
    from distributed import KilledWorker

    error = future.exception()
    return not isinstance(error, KilledWorker | OSError | TimeoutError)
