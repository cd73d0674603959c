"""Recognising the scanned pages of the published PDFs, bounded (issue 18, V4).

Only pages that have no text and draw an image are recognised (pdf_info.read_pdf finds them); each
page is a task in a bounded worker with its own time limit; the build spends at most its OCR budget
(`[tool.jdih] ocr_batas_menit`, default 10) and leaves the pages it did not reach to later builds.
What a page gave is stored in the cache as soon as it arrives (keyed by the PDF's sha256, the page
and the OCR engine), so a build that is killed or runs out of time loses nothing it did. A page
that failed (over its limit, unreadable) is stored as failed for this engine and not tried again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from jdih_build.bounded import Failed, run_bounded
from jdih_build.cache.store import FileStore, key_of
from jdih_build.publish.ocr import PAGE_SECONDS, recognise_page
from jdih_build.publish.pdf_info import PdfInfo, PdfLimits, joined

PAGES_PER_PDF = 100            # at most this many scanned pages of one PDF are recognised
TASK_SECONDS = PAGE_SECONDS + 30.0    # rendering the page too
TASK_MEMORY = 1536 * 1024 * 1024
DEFAULT_BUDGET_MINUTES = 10.0
TEXT_CHARS = PdfLimits().text_chars


@dataclass
class OcrSummary:
    """Why pages stay unread, for the build's warning."""

    recognised: int = 0          # pages recognised by this build
    left_for_later: int = 0      # pages the budget did not reach
    failed: int = 0              # pages that could not be read (over the page limit, unreadable)
    beyond_cap: int = 0          # pages past PAGES_PER_PDF in one PDF
    failures: list[str] = field(default_factory=list)


def page_key(sha256: str, page: int, engine: str) -> str:
    return key_of("ocr", sha256, page, engine)


def _decode(data: bytes | None) -> str | None | Failed:
    """A stored page: its text, Failed (tried, could not be read), or None (not stored)."""
    if data is None:
        return None
    try:
        value = json.loads(data)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return str(value["text"])
    if isinstance(value, dict) and isinstance(value.get("failed"), str):
        return Failed(str(value["failed"]))
    return None


def _encode(result: str | Failed) -> bytes:
    value = {"failed": result.reason} if isinstance(result, Failed) else {"text": result}
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


PageTask = tuple[str, int]                           # (the verified copy of a PDF, a 0-based page)
Keep = Callable[[PageTask, "str | Failed"], None]    # called with each page's result as it arrives
Runner = Callable[[list[PageTask], Keep, "float | None"], None]   # the tasks, keep, a monotonic deadline


def local_runner(workers: int | None = None, recognise: Callable[[PageTask], str] = recognise_page) -> Runner:
    """Pages recognised on this machine, one task per page in bounded workers (one per core)."""
    def run(tasks: list[PageTask], keep: Keep, deadline: float | None) -> None:
        run_bounded(tasks, recognise, TASK_SECONDS, TASK_MEMORY, workers, deadline=deadline, on_result=keep)
    return run


@dataclass
class Backlog:
    known: dict[tuple[str, int], str | Failed]     # (sha256, page) -> stored result
    todo: list[tuple[str, int]]                     # (sha256, page) not stored yet, in order
    beyond_cap: int


def backlog_of(infos: Mapping[str, PdfInfo], store: FileStore, engine: str) -> Backlog:
    """What the cache holds for the scanned pages of these PDFs (by sha256), and what it lacks."""
    found = Backlog({}, [], 0)
    for sha, info in infos.items():
        for number, page in enumerate(info.scans):
            if number >= PAGES_PER_PDF:
                found.beyond_cap += 1
                continue
            key = page_key(sha, page, engine)
            store.use(key)
            stored = _decode(store.read(key)) if store.holds(key) else None
            if stored is None:
                found.todo.append((sha, page))
            else:
                found.known[(sha, page)] = stored
    return found


def recognise_backlog(todo: list[tuple[str, int]], files: Mapping[str, Path], store: FileStore, engine: str,
                      runner: Runner, deadline: float | None = None,
                      on_page: Callable[[tuple[str, int], str | Failed], None] | None = None) -> dict[tuple[str, int], str | Failed]:
    """Recognise the pages in `todo` (whose PDF is in `files`), storing each result as soon as it
    arrives: a run that is stopped keeps every page it finished."""
    tasks = {(str(files[sha]), page): (sha, page) for sha, page in todo if sha in files}
    results: dict[tuple[str, int], str | Failed] = {}

    def keep(task: PageTask, result: str | Failed) -> None:
        sha, page = tasks[task]
        store.write(page_key(sha, page, engine), _encode(result))   # at once: a killed run keeps it
        results[(sha, page)] = result
        if on_page is not None:
            on_page((sha, page), result)

    if tasks:
        runner(list(tasks), keep, deadline)
    return results


def with_ocr(infos: Mapping[str, PdfInfo], files: Mapping[str, Path], store: FileStore, engine: str,
             budget_seconds: float, workers: int | None = None,
             recognise: Callable[[PageTask], str] = recognise_page) -> tuple[dict[str, PdfInfo], OcrSummary]:
    """Each PDF's info with the text of its recognised scanned pages in place (by sha256). `files`:
    the verified copy of each PDF to render pages from."""
    summary = OcrSummary()
    found = backlog_of(infos, store, engine)
    summary.beyond_cap = found.beyond_cap
    known = found.known
    todo = [item for item in found.todo if item[0] in files]
    if todo:
        known.update(recognise_backlog(todo, files, store, engine, local_runner(workers, recognise),
                                       deadline=time.monotonic() + budget_seconds))
        summary.recognised = sum(1 for item in todo if isinstance(known.get(item), str))
        summary.left_for_later = sum(1 for item in todo if item not in known)
    merged: dict[str, PdfInfo] = {}
    for sha, info in infos.items():
        if not info.scans:
            merged[sha] = info
            continue
        chunks = list(info.chunks)
        read: list[int] = []
        for page in info.scans:
            result = known.get((sha, page))
            if isinstance(result, str):
                if page < len(chunks):
                    chunks[page] = result
                read.append(page)
            elif isinstance(result, Failed):
                summary.failed += 1
                summary.failures.append(f"{sha[:12]} p.{page + 1}: {result.reason}")
        text = joined(chunks, TEXT_CHARS) if read else info.text
        merged[sha] = replace(info, text=text, unread=len(info.scans) - len(read),
                              ocr=key_of("ocr-pages", engine, tuple(read)) if read else "")
    return merged, summary
