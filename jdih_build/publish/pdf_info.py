"""What the public pages and the search index need from a PDF: its page count and its text.

PDFs are untrusted bytes even after sign-off: a small PDF can make pypdf run for minutes or take
gigabytes. So they are read in worker processes (`pdf_workers.py`) with a wall-time and a memory
limit, and the text of at most `pages` pages is kept. Any failure gives "unknown" and a reason,
never a failed build: the PDF is still published, without page count or search text.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class PdfLimits:
    seconds: float = 30.0                  # wall time for one PDF (its text layer; OCR is bounded apart)
    memory: int = 1536 * 1024 * 1024       # address space of a worker, bytes
    pages: int = 2000                      # pages whose text is read
    text_chars: int = 200_000              # text kept for search


class _Layer:
    """A PdfInfo field that may be read from the cache on first use (PdfInfo.stored): a catalogue of
    10,000 PDFs holds 200 MB of text, and a build that renders one page and indexes one search shard
    needs a few of them. A dataclass field whose default is a descriptor keeps `PdfInfo(pages, text)`
    and `dataclasses.replace` as they were."""

    def __init__(self, empty: Any) -> None:
        self.empty = empty

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, info: Any, owner: type | None = None) -> Any:
        if info is None:
            return self.empty   # the field's default
        value = info.__dict__.get(self.slot)
        if value is None:
            info._load()
            value = info.__dict__[self.slot]
        return value

    def __set__(self, info: Any, value: Any) -> None:
        info.__dict__[self.slot] = value


class TextSource(Protocol):
    """Where a stored PdfInfo's text layer comes from (pdf_stage.StoredLayer)."""

    def layer(self) -> tuple[tuple[str, ...], str]: ...   # the pages' text, and them joined


@dataclass(frozen=True)
class PdfInfo:
    pages: int | None
    text: str = _Layer("")    # type: ignore[assignment]
    error: str | None = None   # why the PDF could not be (fully) read; the build reports it as a warning
    unread: int = 0            # scanned pages whose text was not recognised (yet): reported
    chunks: tuple[str, ...] = _Layer(())   # type: ignore[assignment]  # the text layer, page by page (the pages read)
    scans: tuple[int, ...] = ()    # pages (0-based) without text that draw an image: what OCR can read
    ocr: str = ""              # which recognised pages `text` holds, and by which engine (ocr_stage.py)

    @classmethod
    def stored(cls, pages: int | None, scans: tuple[int, ...], digest: str, source: TextSource) -> PdfInfo:
        """A text layer read earlier: its text and chunks are read from `source` when first asked for;
        `digest` (the sha256 of the text) stands for them in cache keys until then."""
        info = cls(pages, "", unread=len(scans), scans=scans)
        info.__dict__.update(_text=None, _chunks=None, _source=source, _digest=digest)
        return info

    @property
    def digest(self) -> str:
        """The sha256 of `text`, without reading a stored text layer."""
        found = self.__dict__.get("_digest")
        if found is None:
            found = text_digest(self.text)
            self.__dict__["_digest"] = found
        return found

    def _load(self) -> None:
        chunks, text = self.__dict__.pop("_source").layer()
        self.__dict__.update(_chunks=chunks, _text=text)

    def __getstate__(self) -> dict[str, Any]:   # a worker's result travels loaded, without its source
        return {"_text": self.text, "_chunks": self.chunks,
                **{k: v for k, v in self.__dict__.items() if k not in ("_source", "_text", "_chunks")}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_pdf(path: Path, limits: PdfLimits) -> PdfInfo:
    """Read one PDF's text layer in this process (the workers call this). Never raises for a bad PDF.
    A page without text is a scan only when it draws an image: a page with neither has nothing to
    read, and is neither recognised nor reported."""
    if path.suffix.lower() != ".pdf":
        return PdfInfo(None, "")
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy PDFs are not the reader's business
    try:
        reader = PdfReader(path, strict=False)
        pages = len(reader.pages)
        chunks: list[str] = []
        scans: list[int] = []
        size = 0
        inline: dict[Any, bool] = {}     # content stream -> draws an inline image (streams are shared)
        for number, page in enumerate(reader.pages):
            if size >= limits.text_chars:
                break
            if number >= limits.pages:
                return PdfInfo(pages, joined(chunks, limits.text_chars),
                               f"only the text of the first {limits.pages} pages is searchable",
                               len(scans), tuple(chunks), tuple(scans))
            text = page.extract_text() or ""
            if not text.strip() and draws_image(page, inline):
                scans.append(number)
            chunks.append(text)
            size += len(text)
        return PdfInfo(pages, joined(chunks, limits.text_chars), unread=len(scans), chunks=tuple(chunks),
                       scans=tuple(scans))
    except MemoryError:
        return PdfInfo(None, "", f"reading it needs more than the {limits.memory // 2**20} MiB memory limit")
    except Exception as exc:  # noqa: BLE001 - a malformed PDF is still published, without page count or text
        return PdfInfo(None, "", f"{type(exc).__name__}: {exc}")


_INLINE_IMAGE = re.compile(rb"(?:^|[\s>\]])BI[\s/]")


def draws_image(page: Any, inline: dict[Any, bool], depth: int = 0) -> bool:
    """Whether the page (or a form it draws, three levels down) uses an image XObject, or its
    content holds an inline image (BI ... ID ... EI)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources is not None else None
    xobjects = xobjects.get_object() if xobjects is not None else None
    for ref in (xobjects or {}).values():
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and depth < 3 and draws_image(obj, inline, depth + 1):
            return True
    if depth:
        return False
    contents = page.get("/Contents")
    refs = contents if isinstance(contents, list) else [contents] if contents is not None else []
    if hasattr(contents, "get_object") and isinstance(contents.get_object(), list):
        refs = list(contents.get_object())
    for ref in refs:
        marker = getattr(ref, "idnum", None), getattr(ref, "generation", None)
        if marker not in inline or marker == (None, None):
            try:
                data = ref.get_object().get_data()
            except Exception:  # noqa: BLE001 - an unreadable stream draws nothing we can read
                data = b""
            inline[marker] = bool(_INLINE_IMAGE.search(data))
        if inline[marker]:
            return True
    return False


def joined(chunks: list[str] | tuple[str, ...], text_chars: int) -> str:
    """The pages' text, each line's spaces tidied, pages apart by a blank line (the product page shows
    it as paragraphs; the search index does not mind the line breaks)."""
    pages = ["\n".join(" ".join(line.split()) for line in chunk.splitlines() if line.strip()) for chunk in chunks]
    return "\n\n".join(page for page in pages if page)[:text_chars]
