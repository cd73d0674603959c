"""Reading many untrusted PDFs in bounded worker processes, spread over the machine's cores.

Each worker has an address-space limit (RLIMIT_AS) set on itself; the parent enforces the wall time
per PDF by killing a worker that overruns, and starts a fresh one. A worker that dies (the memory
limit, a crash in a C extension) costs only the PDF it was reading. Workers come from a forkserver,
so they never inherit the threads of `jdih serve`.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from jdih_build.publish.pdf_info import PdfInfo, PdfLimits, read_pdf

Reader = Callable[[Path, PdfLimits], PdfInfo]


def _worker(conn: Connection, limits: PdfLimits, reader: Reader) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    except (ValueError, OSError):
        pass   # a lower hard limit is already in force: keep it
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        try:
            info = reader(Path(path), limits)
        except MemoryError:
            info = PdfInfo(None, "", f"reading it needs more than the {limits.memory // 2**20} MiB memory limit")
        except Exception as exc:  # noqa: BLE001 - reported as the PDF's problem, the build goes on
            info = PdfInfo(None, "", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(info)
        except MemoryError:
            conn.send(PdfInfo(None, "", "its text is too large to keep"))


@dataclass
class _Slot:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    path: Path | None = None
    deadline: float = 0.0


def _context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


DEFAULT_LIMITS = PdfLimits()


def read_pdfs(paths: Sequence[Path], limits: PdfLimits = DEFAULT_LIMITS, workers: int | None = None,
              reader: Reader = read_pdf) -> dict[Path, PdfInfo]:
    """PdfInfo for every path (each read once, whatever happens to the others)."""
    pending = [p for p in dict.fromkeys(paths) if p.suffix.lower() == ".pdf"]
    results: dict[Path, PdfInfo] = {p: PdfInfo(None, "") for p in paths if p.suffix.lower() != ".pdf"}
    if not pending:
        return results
    context = _context()
    count = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    slots: list[_Slot] = []

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, limits, reader), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def stop(slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        slot.conn.close()

    try:
        slots = [start() for _ in range(count)]
        queue = list(reversed(pending))
        while queue or any(s.path is not None for s in slots):
            for slot in slots:
                if slot.path is None and queue:
                    slot.path = queue.pop()
                    slot.deadline = time.monotonic() + limits.seconds + (limits.ocr_seconds if limits.ocr else 0.0)
                    slot.conn.send(str(slot.path))
            busy = [s for s in slots if s.path is not None]
            timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout)
            for index, slot in enumerate(slots):
                if slot.path is None:
                    continue
                restart = True
                if slot.conn in ready:
                    try:
                        finished = slot.conn.recv()
                        restart = False
                    except (EOFError, OSError):
                        finished = PdfInfo(None, "", "the reader stopped (over the memory limit, or it crashed)")
                elif time.monotonic() < slot.deadline:
                    continue
                else:
                    finished = PdfInfo(None, "", f"reading it took longer than the {limits.seconds:g} s limit")
                results[slot.path] = finished
                if restart:
                    stop(slot)
                    slots[index] = start()
                else:
                    slot.path = None
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except OSError:
                pass
            stop(slot)
    return results
