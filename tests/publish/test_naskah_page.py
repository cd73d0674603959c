"""The product page by the article (issue 22), built: anchors for every pasal, ayat and diktum with a
link to copy, a table of contents, the penjelasan beside its pasal, the source said, citations linked
across products (and re-rendered when the cited product comes), Akoma Ntoso beside the page; a PDF
whose text does not parse keeps the plain text; the PDF preview is closed by default."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sitekit import NOW, SiteKit

from jdih_build.pipeline import build

NASKAH = """
NASKAH:

BAB I
KETENTUAN UMUM

Pasal 1

(1) Rapat dipimpin Ketua.

(2) Dalam hal Ketua berhalangan, rapat dipimpin Wakil Ketua sebagaimana dimaksud dalam Pasal 2.

Pasal 2

Wakil Ketua dipilih oleh anggota, sesuai Pasal 3 Undang-Undang Nomor 7 Tahun 2024.

PENJELASAN

II. PASAL DEMI PASAL

Pasal 1

Ayat (2)
Yang dimaksud dengan "berhalangan" adalah sakit atau cuti.
"""


def page(out: Path, product_id: str) -> str:
    return (out / "produk" / product_id / "index.html").read_text(encoding="utf-8")


def with_naskah(kit: SiteKit, product_id: str, text: str = NASKAH, **kwargs) -> None:
    md = kit.add_product(product_id, **kwargs)
    md.write_text(md.read_text(encoding="utf-8") + text, encoding="utf-8")
    kit.sign_all(product_id)


def test_the_structured_text_has_an_address_for_every_unit(kit: SiteKit, tmp_path: Path) -> None:
    with_naskah(kit, "kpt-1")
    out = tmp_path / "out"
    assert build(kit.root, out, NOW).ok
    html = page(out, "kpt-1")
    for anchor in ("pasal-1", "pasal-1-ayat-1", "pasal-1-ayat-2", "pasal-2", "bab-i"):
        assert f'id="{anchor}"' in html, anchor
    assert re.search(r'<h4 id="pasal-1">Pasal 1 <a class="salin" data-pagefind-ignore href="#pasal-1"', html)
    assert '<a class="rujukan" href="#pasal-2">Pasal 2</a>' in html
    assert "Penjelasan Pasal 1" in html and "sakit atau cuti" in html
    assert "ditulis dan divalidasi bersama produk hukum ini" in html
    assert 'href="#pasal-2">Pasal 2</a></li>' in html   # the table of contents
    assert "NASKAH:" not in html and html.count("Rapat dipimpin Ketua") == 1   # not in the abstract as well
    assert (out / "produk" / "kpt-1" / "akn.xml").read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert '<details class="pratinjau" data-pagefind-ignore>' in html and "pratinjau\" data-pagefind-ignore open" not in html


def test_a_citation_of_another_product_links_when_it_comes(kit: SiteKit, tmp_path: Path) -> None:
    with_naskah(kit, "kpt-1")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    assert "produk/uu-7-2024/#pasal-3" not in page(out, "kpt-1")
    kit.add_product("uu-7-2024", nomor="7", extra="")
    md = kit.products["uu-7-2024"]
    md.write_text(md.read_text(encoding="utf-8").replace("jenis: Keputusan", "jenis: Undang-Undang"), encoding="utf-8")
    kit.sign_all("uu-7-2024")
    assert build(kit.root, out, NOW, cache_dir=cache).ok   # the cached page of kpt-1 must not be reused
    assert '<a class="rujukan" href="../../produk/uu-7-2024/#pasal-3">Pasal 3 Undang-Undang Nomor 7 Tahun 2024</a>' in page(out, "kpt-1")


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_a_pdf_text_that_parses_is_shown_by_the_article_marked_as_extracted(kit: SiteKit, tmp_path: Path) -> None:
    md = kit.add_product("kpt-2")
    md.with_name("kpt-2.pdf").write_bytes(_pdf(["PRESIDEN", "REPUBLIK INDONESIA", "Pasal 1", "(1) Ayat pertama.",
                                                "(2) Ayat kedua yang panjang-", "nya dua baris.", "- 2 -", "Pasal 2", "Penutup."]))
    kit.add_product("kpt-3")
    md3 = kit.products["kpt-3"]
    md3.with_name("kpt-3.pdf").write_bytes(_pdf(["Notulen rapat.", "Dihadiri seluruh anggota."]))
    kit.sign_all("kpt-2")
    kit.sign_all("kpt-3")
    out = tmp_path / "out"
    assert build(kit.root, out, NOW).ok
    html = page(out, "kpt-2")
    assert "diambil otomatis dari berkas PDF" in html and "Yang sah adalah berkas PDF-nya" in html
    assert 'id="pasal-1-ayat-2"' in html and "Ayat kedua yang panjangnya dua baris." in html
    assert 'class="teks-dokumen"' not in html   # the plain text is not shown twice
    plain = page(out, "kpt-3")
    assert 'class="naskah"' not in plain and 'class="teks-dokumen"' in plain and "Notulen rapat." in plain
    assert not (out / "produk" / "kpt-3" / "akn.xml").exists()


def test_script_in_the_text_is_shown_as_text_in_the_page_and_the_xml(kit: SiteKit, tmp_path: Path) -> None:
    """SECURITY.md, "The text by the article": the text (an editor's, or a PDF's) is escaped everywhere."""
    hostile = '\nNASKAH:\n\nPasal 1\n\n<script>alert(1)</script> "kutip" & Pasal 1 ayat (1)"><img src=x onerror=alert(2)>\n'
    with_naskah(kit, "kpt-1", hostile)
    out = tmp_path / "out"
    assert build(kit.root, out, NOW).ok
    html = page(out, "kpt-1")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "onerror=alert(2)&gt;" in html
    xml = (out / "produk" / "kpt-1" / "akn.xml").read_text(encoding="utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    import xml.etree.ElementTree as ET
    ET.fromstring(xml.encode())   # well-formed whatever the text
