"""Turning problems and gate results into the lines people read on a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from jdih_build.gate.rules import GateResult
from jdih_build.i18n import _, ngettext
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
    return [_("error: {problem}").format(problem=p) for p in problems]


def revision_lines(gate: GateResult, root: Path) -> list[str]:
    """Edited products: the approved revision kept online, or (loudly) a law gone offline."""
    lines: list[str] = []
    for note in gate.revisions:
        source = rel(note.source, root)
        if note.restored:
            lines.append(_("kept: {note_product_id} ({source}) was edited after its sign-offs; the approved revision "
                           "(commit {note_commit_12}) stays published until every step signs the new bytes (jdih status "
                           "{note_product_id})").format(note_product_id=note.product_id, source=source, note_commit_12=note.commit[:12]))
        elif note.withdrawn is not None:
            lines.append(_("withheld: {note_product_id} ({source}): the approval of its current files was taken away by "
                           "{record}: {note_reason}. An older approved revision is never published in its place; sign "
                           "the current files again, or correct them (jdih status {note_product_id})").format(
                               note_product_id=note.product_id, source=source, record=rel(note.withdrawn, root),
                               note_reason=note.reason))
        else:
            lines.append(_("OFFLINE: {note_product_id} ({source}) had a full set of sign-offs for other bytes, but its "
                           "approved revision cannot be published: {note_reason}. It is withheld: sign the edit (jdih "
                           "status {note_product_id}), or restore the approved file from git").format(
                               note_product_id=note.product_id, source=source, note_reason=note.reason))
    return lines


def gate_lines(gate: GateResult, root: Path) -> list[str]:
    lines: list[str] = revision_lines(gate, root)
    for verdict in gate.withheld:
        product = verdict.product
        lines.append(_("withheld: {product_id} ({rel_product_source_root}) - not published:").format(
            product_id=product.id, rel_product_source_root=rel(product.source, root)))
        for failure in verdict.failures:
            where = f" [{rel(failure.record, root)}]" if failure.record else ""
            lines.append(_("  - rule {failure_rule}: {failure_message}{where} - {failure_fix}").format(
                failure_rule=failure.rule, failure_message=failure.message, where=where, failure_fix=failure.fix))
    for notice in gate.notices:
        lines.append(_("notice: {rel_notice_path_root}: {notice_message} - {notice_fix}").format(
            rel_notice_path_root=rel(notice.path, root), notice_message=notice.message, notice_fix=notice.fix))
    return lines


def unfinished_lines(found: list[Unfinished], root: Path) -> list[str]:
    lines = []
    for u in found:
        text = f"{rel(u.product.source, root)}{f':{u.line}' if u.line else ''}: {u.message} - {u.fix}"
        lines.append(_("error: {problem}").format(problem=text) if u.refused else _("warning: {warning}").format(warning=text))
    return lines


def summary(gate: GateResult) -> str:
    published, withheld = len(gate.published), len(gate.withheld)
    kept = sum(1 for note in gate.revisions if note.restored)
    also = _(" ({kept} at the approved revision while an edit awaits sign-offs)").format(kept=kept) if kept else ""
    return ngettext("{published} product published{also}, {withheld} withheld",
                    "{published} products published{also}, {withheld} withheld", published).format(
        published=published, also=also, withheld=withheld)


def load_or_report(root: Path, stream: TextIO, consequence: str) -> Site | None:
    """Load the site for a command; on invalid input print every problem and what it means for the command."""
    site, problems = load_site(root)
    if site is None:
        found = problems.sorted()
        for line in problem_lines(found):
            print(line, file=stream)
        print(_("{len_found} problem(s) in the input; {consequence}").format(len_found=len(found), consequence=consequence), file=stream)
    return site
