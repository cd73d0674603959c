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
    ocr: bool = False                      # recognise pages without text (publish/ocr.py)
    ocr_pages: int = 100                   # at most this many pages of one PDF
    ocr_seconds: float = 900.0             # more wall time for a PDF when OCR is on


@dataclass(frozen=True)
class PdfInfo:
    pages: int | None
    text: str
    error: str | None = None   # why the PDF could not be (fully) read; the build reports it as a warning
    unread: int = 0            # pages without text that were not recognised (no OCR here): reported


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
        blank: list[int] = []    # pages without a text layer: scans
        size = 0
        for number, page in enumerate(reader.pages):
            if size >= limits.text_chars:
                break
            if number >= limits.pages:
                return PdfInfo(pages, _joined(chunks, limits),
                               f"only the text of the first {limits.pages} pages is searchable")
            text = page.extract_text() or ""
            if not text.strip():
                blank.append(number)
            chunks.append(text)
            size += len(text)
        recognised: dict[int, str] = {}
        if blank and limits.ocr:
            from jdih_build.publish.ocr import recognise
            recognised = recognise(path, blank[: limits.ocr_pages])
            for number, text in recognised.items():
                chunks[number] = text
        return PdfInfo(pages, _joined(chunks, limits), unread=len(blank) - len(recognised))
    except MemoryError:
        return PdfInfo(None, "", f"reading it needs more than the {limits.memory // 2**20} MiB memory limit")
    except Exception as exc:  # noqa: BLE001 - a malformed PDF is still published, without page count or text
        return PdfInfo(None, "", f"{type(exc).__name__}: {exc}")


def _joined(chunks: list[str], limits: PdfLimits) -> str:
    """The pages' text, each line's spaces tidied, pages apart by a blank line (the product page shows
    it as paragraphs; the search index does not mind the line breaks)."""
    pages = ["\n".join(" ".join(line.split()) for line in chunk.splitlines() if line.strip()) for chunk in chunks]
    return "\n\n".join(page for page in pages if page)[: limits.text_chars]
