"""What the public pages and the search index need from a PDF: its page count and its text.

PDFs are untrusted bytes even after sign-off, so pypdf (pinned to a version with its DoS limits)
reads them defensively: any failure gives "unknown" rather than failing the build, and the text
kept for search is capped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True)
class PdfInfo:
    pages: int | None
    text: str
    error: str | None = None   # why the PDF could not be read; the build reports it as a warning


def inspect_pdf(path: Path) -> PdfInfo:
    if path.suffix.lower() != ".pdf":
        return PdfInfo(None, "")
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy PDFs are not the reader's business
    try:
        reader = PdfReader(path, strict=False)
        pages = len(reader.pages)
        chunks: list[str] = []
        size = 0
        for page in reader.pages:
            if size >= MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            chunks.append(text)
            size += len(text)
        return PdfInfo(pages, " ".join(" ".join(chunks).split())[:MAX_TEXT_CHARS])
    except Exception as exc:  # noqa: BLE001 - a malformed PDF is still published, without page count or text
        return PdfInfo(None, "", f"{type(exc).__name__}: {exc}")
