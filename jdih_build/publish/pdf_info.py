"""What the public pages and the search index need from a PDF: its page count and its text.

PDFs are untrusted bytes even after sign-off: a small PDF can make pypdf run for minutes or take
gigabytes. So they are read in worker processes (`pdf_workers.py`) with a wall-time and a memory
limit, and the text of at most `pages` pages is kept. Any failure gives "unknown" and a reason,
never a failed build: the PDF is still published, without page count or search text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PdfLimits:
    seconds: float = 30.0                  # wall time for one PDF
    memory: int = 1536 * 1024 * 1024       # address space of a worker, bytes
    pages: int = 2000                      # pages whose text is read
    text_chars: int = 200_000              # text kept for search


@dataclass(frozen=True)
class PdfInfo:
    pages: int | None
    text: str
    error: str | None = None   # why the PDF could not be (fully) read; the build reports it as a warning


def read_pdf(path: Path, limits: PdfLimits) -> PdfInfo:
    """Read one PDF in this process (the workers call this). Never raises for a bad PDF."""
    if path.suffix.lower() != ".pdf":
        return PdfInfo(None, "")
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy PDFs are not the reader's business
    try:
        reader = PdfReader(path, strict=False)
        pages = len(reader.pages)
        chunks: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages):
            if size >= limits.text_chars:
                break
            if number >= limits.pages:
                return PdfInfo(pages, _joined(chunks, limits),
                               f"only the text of the first {limits.pages} pages is searchable")
            text = page.extract_text() or ""
            chunks.append(text)
            size += len(text)
        return PdfInfo(pages, _joined(chunks, limits))
    except MemoryError:
        return PdfInfo(None, "", f"reading it needs more than the {limits.memory // 2**20} MiB memory limit")
    except Exception as exc:  # noqa: BLE001 - a malformed PDF is still published, without page count or text
        return PdfInfo(None, "", f"{type(exc).__name__}: {exc}")


def _joined(chunks: list[str], limits: PdfLimits) -> str:
    return " ".join(" ".join(chunks).split())[: limits.text_chars]
