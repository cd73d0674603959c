"""Spreading pure work over the machine's cores with forked processes (copy-on-write).

`fork_map(fn, items, workers)` runs `fn` over `items` in `workers` forked children, each taking one
contiguous slice; `fn` and `items` are inherited, not pickled (closures are fine), only the results
travel back. Below `min_items`, with one worker, or where fork is not available (or not safe: a
process with other threads, such as `jdih serve`), it runs in this process. The order of the results
is the order of the items, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class WorkerError(Exception):
    """A child failed; the message carries its exception."""


BATCH = 256   # results pickled and sent at a time: the parent never holds one child's whole answer as bytes


def _child(conn: Any, fn: Callable[[Any], Any], items: Sequence[Any], start: int, stop: int) -> None:
    """Compute every result first (a child that waits on its pipe would stall), then send them in
    batches: ("more", results) ... and ("ok", the last results), or ("error", the exception)."""
    try:
        results = [fn(item) for item in items[start:stop]]
        for first in range(0, len(results), BATCH):
            kind = "ok" if first + BATCH >= len(results) else "more"
            conn.send_bytes(pickle.dumps((kind, results[first:first + BATCH]), protocol=pickle.HIGHEST_PROTOCOL))
        if not results:
            conn.send_bytes(pickle.dumps(("ok", []), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, which raises it
        try:
            data = pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an unpicklable exception still reports its text
            data = pickle.dumps(("error", WorkerError(f"{type(exc).__name__}: {exc}")))
        conn.send_bytes(data)
    conn.close()


def _collect(process: Any, conn: Any) -> tuple[str, Any]:
    """What a child sent back: ("ok", its results) or ("error", the exception to raise). Each batch is
    unpickled as it arrives, so the parent's peak is the results, not the results and their bytes."""
    gathered: list[Any] = []
    try:
        while True:
            status, value = pickle.loads(conn.recv_bytes())
            if status != "more":
                break
            gathered.extend(value)
    except EOFError:
        status, value = "error", WorkerError(f"a worker process died (exit code {process.exitcode})")
    conn.close()
    process.join()
    if status == "ok":
        gathered.extend(value)
        return status, gathered
    return status, value


def in_background(fn: Callable[[], R], enabled: bool = True) -> Callable[[], R]:
    """Start `fn()` in a forked child now and go on; the function returned waits for its result (or
    raises what it raised). Where fork is not possible or not `enabled`, `fn` runs when that function
    is called, in this process: the result is the same either way."""
    if not enabled or not can_fork():
        return fn
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child_end, lambda _: fn(), [None], 0, 1))
    process.start()
    child_end.close()

    def result() -> R:
        status, value = _collect(process, parent_end)
        if status != "ok":
            raise value
        return value[0]

    return result


def fork_map(fn: Callable[[T], R], items: Sequence[T], workers: int, min_items: int = MIN_ITEMS) -> list[R]:
    if workers <= 1 or len(items) < min_items or not can_fork():
        return [fn(item) for item in items]
    context = multiprocessing.get_context("fork")
    count = min(workers, len(items))
    bounds = [len(items) * i // count for i in range(count + 1)]
    children = []
    for index in range(count):
        parent_end, child_end = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(child_end, fn, items, bounds[index], bounds[index + 1]))
        process.start()
        child_end.close()
        children.append((process, parent_end))
    results: list[R] = []
    failure: BaseException | None = None
    for process, conn in children:
        status, value = _collect(process, conn)
        if status == "ok":
            results.extend(value)
        elif failure is None:
            failure = value
    if failure is not None:
        raise failure
    return results
