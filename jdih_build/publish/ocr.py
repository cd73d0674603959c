"""Text from scanned pages (issue 11): most PDFs a JDIH office uploads are scans of the signed paper,
with no text layer. A page without text that draws an image is rendered (pypdfium2, a maintained
binding of PDFium) and recognised by Tesseract with its Indonesian data (Debian: tesseract-ocr,
tesseract-ocr-ind).

One page is one task (publish/ocr_stage.py runs them in bounded workers, each with its own time
limit); what a page gave is stored as soon as it is read, keyed by the PDF's sha256, the page and
the engine (`engine()`: Tesseract's version, the sha256 of its language data, the rendering), so a
new Tesseract or new language data reads the pages again and a scan is never recognised twice.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LANGUAGE = "ind"
DPI = 300                    # a page whose images' resolution cannot be told
DPI_RANGE = (150, 400)       # a scan is read at its own resolution within these bounds (OCRmyPDF does the same):
#                              rendering a 200 dpi scan at 300 dpi only makes Tesseract read more pixels
PAGE_SECONDS = 60.0          # Tesseract on one page; the task's own limit is a little longer
TESSDATA = (Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tesseract-ocr/4.00/tessdata"))


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Tesseract is installed with its Indonesian data."""
    return engine() is not None


@functools.lru_cache(maxsize=1)
def engine() -> str | None:
    """What the recognised text depends on, besides the page: Tesseract's version, the sha256 of the
    language data it uses, the rendering. None where Tesseract or its Indonesian data is missing."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return None
    try:
        langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
        version = subprocess.run([tesseract, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if LANGUAGE not in langs.stdout.split():
        return None
    found = re.search(r'"([^"]+)"', langs.stdout)   # 'List of available languages in "/usr/share/.../tessdata/"'
    folders = ([Path(found.group(1))] if found else []) + list(TESSDATA)
    if os.environ.get("TESSDATA_PREFIX"):
        folders.insert(0, Path(os.environ["TESSDATA_PREFIX"]))
    data = next((folder / f"{LANGUAGE}.traineddata" for folder in folders if (folder / f"{LANGUAGE}.traineddata").is_file()), None)
    digest = hashlib.sha256()
    if data is not None:
        with data.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    first = (version.stdout or version.stderr).splitlines()[:1]
    from pypdfium2 import version as pdfium  # type: ignore[import-untyped]

    return f"{first[0] if first else 'tesseract'} {LANGUAGE}:{digest.hexdigest()} pdfium:{pdfium.PDFIUM_INFO} " \
           f"pypdfium2:{pdfium.PYPDFIUM_INFO} dpi:native-{DPI_RANGE[0]}-{DPI_RANGE[1]}-else-{DPI} psm:3 invert:0"


def _pgm(width: int, height: int, stride: int, pixels: bytes) -> bytes:
    """A grey image as PGM (P5), which Tesseract reads without an image library."""
    rows = b"".join(pixels[row * stride: row * stride + width] for row in range(height))
    return f"P5\n{width} {height}\n255\n".encode("ascii") + rows


def scan_resolution(page: object) -> int:
    """The resolution of the page's largest image, in dpi, within DPI_RANGE (DPI when it has none)."""
    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    found = []
    for image in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):   # type: ignore[attr-defined]
        width, _height = image.get_px_size()
        left, _bottom, right, _top = image.get_bounds()
        if right - left >= 72 and width > 0:    # under an inch wide: a logo or a stamp, not the scan
            found.append(round(width * 72 / (right - left)))
    return max(DPI_RANGE[0], min(DPI_RANGE[1], max(found))) if found else DPI


def recognise_page(task: tuple[str, int]) -> str:
    """The text Tesseract reads on page `number` (0-based) of the PDF at `path`; "" when it reads
    nothing. Raises when the page cannot be rendered or Tesseract fails (the task's failure)."""
    import pypdfium2

    path, number = task
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise RuntimeError("tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}   # one thread: the workers already use every core
    document = pypdfium2.PdfDocument(path)
    try:
        page = document[number]
        try:
            dpi = scan_resolution(page)
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = _pgm(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
        finally:
            page.close()
    finally:
        document.close()
    with tempfile.TemporaryDirectory(prefix="jdih-ocr-") as tmp:
        file = Path(tmp) / "page.pgm"
        file.write_bytes(image)
        done = subprocess.run([tesseract, str(file), "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", str(dpi),
                               "-c", "tessedit_do_invert=0"],   # no white-on-black text in a legal product
                              capture_output=True, text=True, timeout=PAGE_SECONDS, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"tesseract exited with {done.returncode}")
    return done.stdout


def recognise_page_bytes(data: bytes, number: int) -> str:
    """`recognise_page` for a PDF given by its bytes: what a machine without the site runs (a Dask
    worker of `jdih ocr --dask`)."""
    with tempfile.TemporaryDirectory(prefix="jdih-ocr-") as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(data)
        return recognise_page((str(path), number))
