"""The build progress bar: only on a terminal outside CI, late, rate-limited, and self-erasing."""

from __future__ import annotations

import io

from jdih_build.console.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(stream: io.StringIO, clock: Clock, environ: dict[str, str] | None = None, total: int | None = 10) -> Progress:
    return Progress(total, "building", stream=stream, clock=clock, environ={} if environ is None else environ)


def test_nothing_is_drawn_in_the_first_half_second() -> None:
    term, clock = Terminal(), Clock()
    with make(term, clock) as progress:
        for _ in range(5):
            clock.now += 0.09
            progress.advance()
    assert term.getvalue() == ""


def test_a_slow_build_shows_a_bar_and_erases_it() -> None:
    term, clock = Terminal(), Clock()
    with make(term, clock) as progress:
        clock.now += 0.6
        progress.advance(3)
        assert term.getvalue() == "\rbuilding [#########.....................] 3/10"
    assert term.getvalue().endswith("\r" + " " * len("building [#########.....................] 3/10") + "\r")


def test_redraws_at_most_ten_times_a_second() -> None:
    term, clock = Terminal(), Clock()
    progress = make(term, clock, total=1000)
    clock.now += 1.0
    for _ in range(1000):             # 1000 steps within one second
        clock.now += 0.001
        progress.advance()
    progress.close()
    assert 5 <= term.getvalue().count("\rbuilding [") <= 11


def test_silent_when_not_a_terminal() -> None:
    pipe, clock = io.StringIO(), Clock()
    with make(pipe, clock) as progress:
        clock.now += 5
        progress.advance(10)
    assert pipe.getvalue() == ""


def test_silent_in_ci() -> None:
    term, clock = Terminal(), Clock()
    with make(term, clock, environ={"CI": "true"}) as progress:
        clock.now += 5
        progress.advance(10)
    assert term.getvalue() == ""


def test_track_sets_the_total_and_counts_handled_items() -> None:
    term, clock = Terminal(), Clock()
    progress = make(term, clock, total=None)
    seen = []
    for item in progress.track(["a", "b", "c", "d"]):
        clock.now += 0.3
        seen.append(item)
    assert seen == ["a", "b", "c", "d"]
    assert progress.total == 4 and progress.done == 4
    assert "\rbuilding [" in term.getvalue()
    progress.close()


def test_unknown_total_shows_a_count() -> None:
    term, clock = Terminal(), Clock()
    progress = make(term, clock, total=None)
    clock.now += 1
    progress.advance(7)
    assert term.getvalue() == "\rbuilding 7"
    progress.close()
    progress.close()                  # closing twice is harmless
    assert term.getvalue().count("\r") == 3


def test_a_closed_stream_is_no_terminal() -> None:
    term = Terminal()
    term.close()
    clock = Clock()
    progress = Progress(3, "building", stream=term, clock=clock, environ={})
    clock.now += 1
    progress.advance()                # would raise if it tried to draw
    progress.close()


def test_the_ocr_bar_shows_the_rate_and_the_time_left() -> None:
    term, clock = Terminal(), Clock()
    progress = Progress(100, "recognising", stream=term, clock=clock, environ={}, eta=True)
    clock.now += 20
    for _ in range(10):
        progress.advance()             # 10 pages in 20 s: 0.5 a second, 90 left: 3 min
    assert progress.line().endswith("10/100 0.50/s, about 3 min 00 s left"), progress.line()
    assert "/s, about 33 min 00 s left" in term.getvalue()   # drawn at the first page (then rate-limited)


def test_durations_read_as_people_say_them() -> None:
    from jdih_build.console.progress import duration

    assert [duration(s) for s in (42, 192, 3900)] == ["42 s", "3 min 12 s", "1 h 05 min"]
