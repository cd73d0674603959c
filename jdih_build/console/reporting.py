"""Turning problems and gate results into the lines people read on a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from jdih_build.gate.rules import GateResult
from jdih_build.load.completeness import Unfinished
from jdih_build.load.problems import Problem
from jdih_build.load.site import load_site
from jdih_build.model import Site


def rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def problem_lines(problems: list[Problem]) -> list[str]:
    return [f"error: {p}" for p in problems]


def revision_lines(gate: GateResult, root: Path) -> list[str]:
    """Edited products: the approved revision kept online, or (loudly) a law gone offline."""
    lines: list[str] = []
    for note in gate.revisions:
        source = rel(note.source, root)
        if note.restored:
            lines.append(f"kept: {note.product_id} ({source}) was edited after its sign-offs; the approved revision "
                         f"(commit {note.commit[:12]}) stays published until every step signs the new bytes "
                         f"(jdih status {note.product_id})")
        else:
            lines.append(f"OFFLINE: {note.product_id} ({source}) had a full set of sign-offs for other bytes, but its "
                         f"approved revision cannot be published: {note.reason}. It is withheld: sign the edit "
                         f"(jdih status {note.product_id}), or restore the approved file from git")
    return lines


def gate_lines(gate: GateResult, root: Path) -> list[str]:
    lines: list[str] = revision_lines(gate, root)
    for verdict in gate.withheld:
        product = verdict.product
        lines.append(f"withheld: {product.id} ({rel(product.source, root)}) - not published:")
        for failure in verdict.failures:
            where = f" [{rel(failure.record, root)}]" if failure.record else ""
            lines.append(f"  - rule {failure.rule}: {failure.message}{where} - {failure.fix}")
    for notice in gate.notices:
        lines.append(f"notice: {rel(notice.path, root)}: {notice.message} - {notice.fix}")
    return lines


def unfinished_lines(found: list[Unfinished], root: Path) -> list[str]:
    return [f"{'error' if u.refused else 'warning'}: {rel(u.product.source, root)}{f':{u.line}' if u.line else ''}: "
            f"{u.message} - {u.fix}" for u in found]


def summary(gate: GateResult) -> str:
    published, withheld = len(gate.published), len(gate.withheld)
    kept = sum(1 for note in gate.revisions if note.restored)
    also = f" ({kept} at the approved revision while an edit awaits sign-offs)" if kept else ""
    return f"{published} product{'s' if published != 1 else ''} published{also}, {withheld} withheld"


def load_or_report(root: Path, stream: TextIO, consequence: str) -> Site | None:
    """Load the site for a command; on invalid input print every problem and what it means for the command."""
    site, problems = load_site(root)
    if site is None:
        found = problems.sorted()
        for line in problem_lines(found):
            print(line, file=stream)
        print(f"{len(found)} problem(s) in the input; {consequence}", file=stream)
    return site
