"""Text from scanned pages (issue 11): most PDFs a JDIH office uploads are scans of the signed paper,
with no text layer. A page without text is rendered (pypdfium2, a maintained binding of PDFium) and
recognised by Tesseract with its Indonesian data (Debian: tesseract-ocr, tesseract-ocr-ind).

It runs inside the bounded PDF workers (pdf_workers: address-space limit, wall time), one Tesseract
thread each (the workers already spread over the cores), and what it reads is cached with the PDF's
text by the file's sha256, so a scan is never recognised twice.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

LANGUAGE = "ind"
DPI = 300
PAGE_SECONDS = 120.0


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Tesseract is installed with its Indonesian data."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return False
    try:
        done = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return LANGUAGE in done.stdout.split()


def _pgm(width: int, height: int, stride: int, pixels: bytes) -> bytes:
    """A grey image as PGM (P5), which Tesseract reads without an image library."""
    rows = b"".join(pixels[row * stride: row * stride + width] for row in range(height))
    return f"P5\n{width} {height}\n255\n".encode("ascii") + rows


def recognise(path: Path, numbers: Iterable[int]) -> dict[int, str]:
    """The text Tesseract reads on each page `numbers` (0-based) of the PDF; a page it cannot read is
    left out (its text stays empty)."""
    import pypdfium2  # type: ignore[import-untyped]

    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return {}
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}   # one thread: the workers already use every core
    found: dict[int, str] = {}
    document = pypdfium2.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="jdih-ocr-") as tmp:
            for number in numbers:
                page = document[number]
                try:
                    bitmap = page.render(scale=DPI / 72, grayscale=True)
                    image = Path(tmp) / f"{number}.pgm"
                    image.write_bytes(_pgm(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
                finally:
                    page.close()
                try:
                    done = subprocess.run([tesseract, str(image), "stdout", "-l", LANGUAGE, "--psm", "3"],
                                          capture_output=True, text=True, timeout=PAGE_SECONDS, env=env, check=False)
                except (OSError, subprocess.TimeoutExpired):
                    continue
                finally:
                    image.unlink(missing_ok=True)
                if done.returncode == 0 and done.stdout.strip():
                    found[number] = done.stdout
    finally:
        document.close()
    return found
