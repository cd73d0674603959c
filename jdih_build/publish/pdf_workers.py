"""Reading many untrusted PDFs in bounded worker processes (jdih_build/bounded.py): an address-space
limit per worker, a wall time per PDF; a PDF that overruns or kills its worker costs only itself."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from jdih_build.bounded import Failed, run_bounded
from jdih_build.publish.pdf_info import PdfInfo, PdfLimits, read_pdf

Reader = Callable[[Path, PdfLimits], PdfInfo]

DEFAULT_LIMITS = PdfLimits()


def _read_one(path: str, limits: PdfLimits, reader: Reader) -> PdfInfo:
    return reader(Path(path), limits)


def read_pdfs(paths: Sequence[Path], limits: PdfLimits = DEFAULT_LIMITS, workers: int | None = None,
              reader: Reader = read_pdf) -> dict[Path, PdfInfo]:
    """PdfInfo for every path (each read once, whatever happens to the others)."""
    results: dict[Path, PdfInfo] = {p: PdfInfo(None, "") for p in paths if p.suffix.lower() != ".pdf"}
    pending = [str(p) for p in dict.fromkeys(paths) if p.suffix.lower() == ".pdf"]
    work = functools.partial(_read_one, limits=limits, reader=reader)
    for path, result in run_bounded(pending, work, limits.seconds, limits.memory, workers).items():
        if isinstance(result, Failed):
            reason = f"reading it took longer than the {limits.seconds:g} s limit" if result.timed_out else result.reason
            result = PdfInfo(None, "", reason)
        results[Path(path)] = result
    return results
