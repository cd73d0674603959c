"""Hostile PDFs made in the test run (never committed as binaries)."""

from __future__ import annotations

import zlib


def shared_stream_pdf(pages: int, stream_bytes: int = 1_000_000) -> bytes:
    """`pages` pages that all draw one large content stream: small on disk, slow to extract
    (pypdf re-parses the stream for every page). The review's version: 1,000 pages, 1 MB."""
    op = b"BT /F1 12 Tf 10 10 Td (jdih) Tj ET\n"
    content = zlib.compress(op * (stream_bytes // len(op)), 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode(),
        b"<</Filter/FlateDecode/Length " + str(len(content)).encode() + b">>stream\n" + content + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 3 0 R"
                       b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
