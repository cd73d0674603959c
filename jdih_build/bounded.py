"""Untrusted work in bounded worker processes, spread over the machine's cores.

Each worker has an address-space limit (RLIMIT_AS) set on itself; the parent enforces the wall time
per task by killing a worker that overruns, and starts a fresh one. A worker that dies (the memory
limit, a crash in a C extension) costs only the task it was doing. An overall `deadline` stops
handing out tasks: those not started are left out of the results (the caller does them another
time). Workers come from a forkserver, so they never inherit the threads of `jdih serve`.
`on_result` sees each result as it arrives (to store it at once: a build killed later loses
nothing done).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """A task that did not finish: why (over time, over memory, crashed, or its exception)."""

    reason: str
    timed_out: bool = False


def _worker(conn: Connection, memory: int, work: Callable[[Any], Any]) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):
        pass   # a lower hard limit is already in force: keep it
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        try:
            result: Any = work(item)
        except MemoryError:
            result = Failed(f"it needs more than the {memory // 2**20} MiB memory limit")
        except Exception as exc:  # noqa: BLE001 - reported as the task's failure, the build goes on
            result = Failed(f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(Failed("its result is too large to keep"))


@dataclass
class _Slot(Generic[T]):
    process: Any
    conn: Connection
    item: T | None = None
    deadline: float = 0.0


def _context(warm: bool = False) -> Any:
    """Workers from the forkserver; or, with `warm` and no other thread running, forked from this process,
    so that what it has imported already (pyHanko takes 0.6 s) need not be imported again by each worker."""
    if warm and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def run_bounded(items: Sequence[T], work: Callable[[T], R], seconds: float, memory: int,
                workers: int | None = None, deadline: float | None = None,
                on_result: Callable[[T, R | Failed], None] | None = None, warm: bool = False) -> dict[T, R | Failed]:
    """`work(item)` for each item (once each), in bounded workers; `deadline` is a time.monotonic()
    after which no further task starts. `work` must be importable (a module-level function).
    `warm`: fork the workers from this process where that is safe (see `_context`)."""
    pending = list(dict.fromkeys(items))
    results: dict[T, R | Failed] = {}
    if not pending:
        return results
    context = _context(warm)
    count = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    slots: list[_Slot[T]] = []

    def start() -> _Slot[T]:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, memory, work), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def stop(slot: _Slot[T]) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        slot.conn.close()

    def finish(item: T, result: R | Failed) -> None:
        results[item] = result
        if on_result is not None:
            on_result(item, result)

    try:
        slots = [start() for _ in range(count)]
        queue = list(reversed(pending))
        while True:
            for slot in slots:
                if slot.item is None and queue and (deadline is None or time.monotonic() < deadline):
                    slot.item = queue.pop()
                    slot.deadline = time.monotonic() + seconds
                    slot.conn.send(slot.item)
            busy = [s for s in slots if s.item is not None]
            if not busy:
                break
            timeout = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout)
            for index, slot in enumerate(slots):
                if slot.item is None:
                    continue
                restart = True
                if slot.conn in ready:
                    try:
                        finished: Any = slot.conn.recv()
                        restart = False
                    except (EOFError, OSError):
                        finished = Failed("the worker stopped (over the memory limit, or it crashed)")
                elif time.monotonic() < slot.deadline:
                    continue
                else:
                    finished = Failed(f"it took longer than the {seconds:g} s limit", timed_out=True)
                finish(slot.item, finished)
                slot.item = None
                if restart:
                    stop(slot)
                    slots[index] = start()
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except OSError:
                pass
            stop(slot)
    return results
