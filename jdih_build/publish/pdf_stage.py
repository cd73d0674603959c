"""The attachments of the published products in staging, and what their PDFs hold.

Every attachment is first written to staging through the verifying copy (or placed from a blob whose
bytes hash to its approved sha256); the PDFs' text layers are read from those copies in bounded
workers (or taken from the cache, keyed by the sha256 alone: the text layer depends on nothing
else but the code, which salts the cache); then, where OCR is on, their scanned pages are recognised
within the build's OCR budget (ocr_stage.py). The warnings say why pages stay unread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jdih_build.cache.entries import FileStore
from jdih_build.cache.placing import SiteFile, write_and_keep
from jdih_build.cache.store import BuildCache, key_of
from jdih_build.i18n import _
from jdih_build.model import SiteConfig
from jdih_build.publish.ocr import engine
from jdih_build.publish.ocr_stage import OcrSummary, with_ocr
from jdih_build.publish.pdf_info import PdfInfo, PdfLimits, joined, text_digest
from jdih_build.publish.pdf_workers import read_pdfs
from jdih_build.publish.render import Output

PdfReading = Callable[[dict[Path, str]], dict[Path, PdfInfo]]
"""(staged copy -> its verified sha256) -> what was read from each."""

_PDF_MEMO: dict[str, PdfInfo] = {}   # sha256 of a PDF -> its text layer, for this process's life (jdih serve)


def read_staged_pdfs(digests: dict[Path, str]) -> dict[Path, PdfInfo]:
    """Read the staged PDFs' text layers in bounded workers; a PDF with the same bytes is read once per
    process. The digests are those the copies were verified against."""
    paths = list(digests)
    todo = [p for p in paths if digests[p] not in _PDF_MEMO]
    _PDF_MEMO.update({digests[p]: info for p, info in read_pdfs(todo, PdfLimits()).items()})
    return {p: _PDF_MEMO[digests[p]] for p in paths}


@dataclass
class PdfStage:
    infos: dict[str, PdfInfo] = field(default_factory=dict)     # by the attachment's sha256
    files: list[SiteFile] = field(default_factory=list)          # every attachment written to staging
    warnings: list[str] = field(default_factory=list)
    ocr_pages: int = 0                                            # scanned pages recognised by this build


@dataclass(frozen=True)
class StoredLayer:
    """A PDF's text layer kept in the cache (one file per PDF, read only when a page or a search shard
    needs it). Its text must hash to the digest the table holds; a file gone or damaged since is read
    again from the verified copy of the PDF (`copy`, in staging), so the build's text is the same."""

    store: FileStore
    key: str
    digest: str
    copy: Path
    sha: str
    read_again: PdfReading

    def layer(self) -> tuple[tuple[str, ...], str]:
        chunks = _decoded(self.store.read(self.key))
        if chunks is not None:
            text = joined(chunks, PdfLimits().text_chars)
            if text_digest(text) == self.digest:
                return chunks, text
        info = self.read_again({self.copy: self.sha}).get(self.copy)
        return (info.chunks, info.text) if info is not None and info.error is None else ((), "")


def _decoded(data: bytes | None) -> tuple[str, ...] | None:
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return tuple(value) if isinstance(value, list) and all(isinstance(c, str) for c in value) else None


def stored_pdf_info(cache: BuildCache, sha: str, copy: Path, read_again: PdfReading) -> PdfInfo | None:
    """What an earlier build read of the PDF `sha` (whose verified copy is `copy`), or None. The table
    holds [pages, scanned pages, sha256 of the text]; the text stays in its file until it is asked for."""
    value, texts, key = cache.table("pdf").get(key_of("pdf", sha)), cache.files("pdftext"), key_of("pdftext", sha)
    if not (isinstance(value, list) and len(value) == 3 and (value[0] is None or isinstance(value[0], int))
            and isinstance(value[1], list) and all(isinstance(n, int) for n in value[1])
            and isinstance(value[2], str) and len(value[2]) == 64) or not texts.holds(key):
        return None
    texts.use(key)
    return PdfInfo.stored(value[0], tuple(value[1]), value[2], StoredLayer(texts, key, value[2], copy, sha, read_again))


def keep_pdf_info(cache: BuildCache, sha: str, info: PdfInfo) -> None:
    """Keep what was read of a PDF for the next builds (not a failed reading: it is tried again)."""
    if info.error is None:
        cache.files("pdftext").write(key_of("pdftext", sha), json.dumps(list(info.chunks), ensure_ascii=False).encode("utf-8", "surrogatepass"))
        cache.table("pdf").put(key_of("pdf", sha), [info.pages, list(info.scans), info.digest])


def read_attachments(outputs: list[Output], staging: Path, cache: BuildCache, present: Mapping[str, str],
                     config: SiteConfig, read_pdf_files: PdfReading = read_staged_pdfs,
                     workers: int | None = None) -> PdfStage:
    stage = PdfStage()
    files, records = write_and_keep(staging, outputs, cache, present)
    for sha, record in records:
        cache.record_blob(sha, record)
    stage.files = files
    todo: dict[Path, str] = {}
    for path, sha in files:
        if not path.lower().endswith(".pdf") or sha in stage.infos:
            continue
        stored = stored_pdf_info(cache, sha, staging / path, read_pdf_files)
        if stored is not None:
            stage.infos[sha] = stored
        elif staging / path not in todo:
            todo[staging / path] = sha
    if todo:
        for copy, info in read_pdf_files(todo).items():
            stage.infos[todo[copy]] = info
            keep_pdf_info(cache, todo[copy], info)
    for _path, sha in files:   # an attachment that is not a PDF: no pages, no text
        stage.infos.setdefault(sha, PdfInfo(None, ""))
    _recognise(stage, staging, cache, config, workers)
    return stage


def _recognise(stage: PdfStage, staging: Path, cache: BuildCache, config: SiteConfig, workers: int | None) -> None:
    scanned = {sha: info for sha, info in stage.infos.items() if info.scans}
    if not scanned:
        return
    pages = sum(len(info.scans) for info in scanned.values())
    if config.ocr is False:
        stage.warnings.append(_("{pages} scanned page(s) in {files} PDF(s) are not recognised, because [tool.jdih] "
                                "says ocr = false; they are published without search text").format(pages=pages, files=len(scanned)))
        return
    found = engine()
    if found is None:
        stage.warnings.append(_("{pages} scanned page(s) in {files} PDF(s) are not recognised: Tesseract with its "
                                "Indonesian data is not installed (Debian: tesseract-ocr, tesseract-ocr-ind); they are "
                                "published without search text").format(pages=pages, files=len(scanned)))
        return
    copies = {sha: staging / path for path, sha in stage.files if sha in scanned}
    merged, summary = with_ocr(scanned, copies, cache.files("ocr"), found, config.ocr_batas_menit * 60, workers)
    stage.infos.update(merged)
    stage.ocr_pages = summary.recognised
    stage.warnings += ocr_warnings(summary, config)


def ocr_warnings(summary: OcrSummary, config: SiteConfig) -> list[str]:
    warnings = []
    if summary.left_for_later:
        warnings.append(_("{pages} scanned page(s) wait for OCR: this build spent its OCR time ([tool.jdih] "
                          "ocr_batas_menit = {minutes:g}); the next builds recognise them, and the pages show their "
                          "text from then on").format(pages=summary.left_for_later, minutes=config.ocr_batas_menit))
    if summary.failed:
        warnings.append(_("{pages} scanned page(s) could not be recognised (first: {first}); they are published "
                          "without search text").format(pages=summary.failed, first=summary.failures[0]))
    if summary.beyond_cap:
        warnings.append(_("{pages} scanned page(s) beyond the first {cap} of a PDF are not recognised").format(
            pages=summary.beyond_cap, cap=100))
    return warnings
