"""A minimal progress bar for builds that take more than a moment.

It draws on stderr only when stderr is a terminal and `CI` is not set, only once the work has run for
about half a second, at most about ten times a second, and it erases itself when closed. Everywhere
else (pipes, log files, CI) it writes nothing at all.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TextIO, TypeVar

from jdih_build.i18n import _

T = TypeVar("T")

DELAY = 0.5       # seconds of work before the bar first appears
INTERVAL = 0.1    # seconds between redraws at most
BAR_WIDTH = 30


def wants_bar(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """True when `stream` is an interactive terminal outside CI."""
    if environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except ValueError:   # a closed stream is no terminal
        return False


def duration(seconds: float) -> str:
    """`1 h 05 min`, `3 min 12 s`, `42 s`: a time for people."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=secs)
    return _("{seconds} s").format(seconds=secs)


class Progress:
    """`Progress(total, label)`; call `.advance()` per unit of work and `.close()` at the end (or use
    `with`). `total` may be None until known; `.track(items)` sets it and advances per item."""

    def __init__(self, total: int | None, label: str, *, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic, environ: Mapping[str, str] | None = None,
                 eta: bool = False) -> None:
        self.total = total
        self.eta = eta        # show the rate and an estimate of the time left
        self.label = label
        self.done = 0
        stream = sys.stderr if stream is None else stream
        self._stream = getattr(stream, "raw", stream)   # past terminal.VisibleStream: the bar needs its \r
        self._clock = clock
        self._enabled = wants_bar(self._stream, os.environ if environ is None else environ)
        self._started = clock()
        self._last_draw: float | None = None
        self._shown = ""      # the text currently on the terminal line
        self._closed = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self._enabled or self._closed:
            return
        now = self._clock()
        if now - self._started < DELAY:
            return
        if self._last_draw is not None and now - self._last_draw < INTERVAL:
            return
        self._draw(self.line())
        self._last_draw = now

    def track(self, items: Sequence[T]) -> Iterator[T]:
        """Yield `items`, advancing once each item has been handled by the consumer."""
        self.total = len(items)
        for item in items:
            yield item
            self.advance()

    @property
    def drawing(self) -> bool:
        """Whether the bar is drawn (a terminal, outside CI)."""
        return self._enabled

    def line(self) -> str:
        if not self.total:
            return f"{self.label} {self.done}"
        done = min(self.done, self.total)
        filled = BAR_WIDTH * done // self.total
        text = f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{self.total}"
        elapsed = self._clock() - self._started
        if self.eta and done and elapsed > 0:
            rate = done / elapsed
            text += " " + _("{rate:.2f}/s, about {left} left").format(rate=rate, left=duration((self.total - done) / rate))
        return text

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._shown:
            self._stream.write("\r" + " " * len(self._shown) + "\r")
            self._stream.flush()
            self._shown = ""

    def _draw(self, text: str) -> None:
        if text == self._shown:
            return
        padding = " " * max(0, len(self._shown) - len(text))
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._shown = text

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
