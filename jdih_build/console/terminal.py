"""Terminal-safe output: control characters from the input are shown, never obeyed.

A sign-off's `catatan` holding ESC sequences could erase the "withheld" lines on an editor's screen
or in a CI log. Input is refused when it holds control characters, but messages also quote file
names and paths; so every line the CLI prints goes through `visible`, which writes each control
character (C0 but newline and tab, DEL, C1, the bidirectional overrides) as a `\\xNN`/`\\uNNNN` escape.
"""

from __future__ import annotations

import re
from typing import TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    return _UNSAFE.sub(_escape, text)


class VisibleStream:
    """Wraps a text stream so that everything written to it goes through `visible`. `raw` is the
    stream itself, for the one writer that needs a carriage return (the progress bar)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(visible(text))

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        try:
            return self.raw.isatty()
        except ValueError:
            return False

    def fileno(self) -> int:
        return self.raw.fileno()

    def __getattr__(self, name: str):   # encoding, errors, buffer ... as the wrapped stream has them
        return getattr(self.raw, name)
