"""Problems found in the input, reported all at once as `path:line: what is wrong - what to do`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file. `path` is relative to the site root where possible."""

    path: str
    line: int | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message} - {self.fix}"


class Problems:
    """Collects problems so that validation can go on and report everything in one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int | None, message: str, fix: str) -> None:
        self.items.append(Problem(self.rel(path), line, message, fix))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line or 0, p.message))
