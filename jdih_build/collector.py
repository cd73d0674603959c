"""How a build uses Python's garbage collector.

A build makes a large, long-lived model (at 10,000 products: 50,000 files' worth of records, the
catalogue) and little garbage with cycles. The collector's full collections walk every live object,
again and again as objects are made; at 100,000 products that made a cold build superlinear. So the
long-lived objects are frozen out of its reach once made (gc.freeze), and it is paused while the
loading and the gate make them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_for_the_build() -> Iterator[None]:
    """Around a whole build: what it froze is handed back to the collector at the end (a long-lived
    process such as `jdih serve` builds again and again)."""
    try:
        yield
    finally:
        gc.unfreeze()


def freeze_made_so_far() -> None:
    """Everything alive now lives for the rest of the build (the catalogue, once made)."""
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading and the gate make tens of thousands of long-lived objects and no garbage cycles
    (measured: gc.collect() after a cold load finds none), and the collector would walk them again
    and again while they are made (a third of a rebuild's load at 10,000 products). So it is paused
    meanwhile, and what was made is then frozen out of its reach."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
