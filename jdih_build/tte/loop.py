"""pyHanko's synchronous calls start an asyncio loop of their own (asyncio.run), which fails where the
calling thread already runs one (an application embedding jdih-build; the test suite's browser driver).
`outside_loop` runs such a call in a short-lived thread of its own there, and directly elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_loop(call: Callable[[], T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jdih-tte") as pool:
        return pool.submit(call).result()
