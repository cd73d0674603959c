#!/usr/bin/env python3
"""Turn a PDF into a "scan" of itself: every page rendered to a grey image and written into a PDF with
no text layer at all, as an office's scanner makes them. The sample's kpt-kpu-134-2016.pdf is one,
so that the search can be seen to find words that only the page image holds (OCR, issue 11).

    python scripts/make_scanned_pdf.py SOURCE.pdf TARGET.pdf [--dpi 150]

Deterministic: no dates, no ids; the images are zlib-compressed grey pixels (DeviceGray, 8 bits).
After replacing a sample PDF, re-sign the sample: python scripts/sample_signoffs.py
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import pypdfium2  # type: ignore[import-untyped]


def page_images(source: Path, dpi: int) -> list[tuple[int, int, float, float, bytes]]:
    """(pixel width, pixel height, page width pt, page height pt, grey pixels) for each page."""
    document = pypdfium2.PdfDocument(str(source))
    pages = []
    try:
        for page in document:
            width_pt, height_pt = page.get_size()
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            raw = bytes(bitmap.buffer)
            rows = b"".join(raw[y * bitmap.stride: y * bitmap.stride + bitmap.width] for y in range(bitmap.height))
            pages.append((bitmap.width, bitmap.height, width_pt, height_pt, rows))
            page.close()
    finally:
        document.close()
    return pages


def scanned_pdf(pages: list[tuple[int, int, float, float, bytes]]) -> bytes:
    objects: list[bytes] = []
    kids = []
    for index, (w, h, wpt, hpt, pixels) in enumerate(pages):
        image = zlib.compress(pixels, 9)
        image_no, content_no, page_no = 3 + index * 3, 4 + index * 3, 5 + index * 3
        content = f"q {wpt:.2f} 0 0 {hpt:.2f} 0 0 cm /Im0 Do Q\n".encode("ascii")
        objects.append(f"{image_no} 0 obj\n<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
                       f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(image)} >>\nstream\n".encode("ascii")
                       + image + b"\nendstream\nendobj\n")
        objects.append(f"{content_no} 0 obj\n<< /Length {len(content)} >>\nstream\n".encode("ascii") + content
                       + b"endstream\nendobj\n")
        objects.append(f"{page_no} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {wpt:.2f} {hpt:.2f}] "
                       f"/Resources << /XObject << /Im0 {image_no} 0 R >> >> /Contents {content_no} 0 R >>\nendobj\n".encode("ascii"))
        kids.append(f"{page_no} 0 R")
    head = [b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
            f"2 0 obj\n<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>\nendobj\n".encode("ascii")]
    body = head + objects
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for obj in body:
        offsets.append(len(out))
        out += obj
    xref = len(out)
    out += f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    data = scanned_pdf(page_images(args.source, args.dpi))
    args.target.write_bytes(data)
    print(f"wrote {args.target} ({len(data):,} bytes, no text layer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
