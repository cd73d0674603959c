"""Issue 11.2: words that only a scanned page's image holds are found (OCR with Tesseract's Indonesian
data), once per file (cached by its sha256), and the build says when scanned pages were left unread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitekit import NOW, REPO, SiteKit

from jdih_build.pipeline import build
from jdih_build.publish.ocr import ocr_available, recognise_page
from jdih_build.publish.pdf_info import PdfLimits, read_pdf

SCAN = REPO / "content" / "keputusan-kpu" / "2016" / "kpt-kpu-134-2016.pdf"
ONLY_IN_THE_IMAGE = "berkedudukan"   # in this scan's image, in no product file and no other PDF


@pytest.fixture(scope="module", autouse=True)
def tesseract() -> None:
    if not ocr_available():
        pytest.fail("Tesseract with its Indonesian data is missing: apt-get install tesseract-ocr tesseract-ocr-ind "
                    "(scripts/system_packages.sh installs it)", pytrace=False)


def test_the_sample_scan_has_no_text_layer_and_ocr_reads_it() -> None:
    plain = read_pdf(SCAN, PdfLimits())
    assert plain.text == "" and plain.unread == 2 and plain.scans == (0, 1)   # both pages draw an image
    read = recognise_page((str(SCAN), 0)) + recognise_page((str(SCAN), 1))
    assert ONLY_IN_THE_IMAGE in read.lower()
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM" in read


def scanned_site(kit: SiteKit, ocr: str = "") -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + ocr, encoding="utf-8")
    md = kit.add_product("kpt-pindai")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign_all("kpt-pindai")


def test_the_build_recognises_a_scan_once(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit)
    first = build(kit.root, tmp_path / "out", NOW, cache_dir=tmp_path / "cache")
    assert first.ok and first.ocr_pages == 2
    page = (tmp_path / "out" / "produk" / "kpt-pindai" / "index.html").read_text(encoding="utf-8")
    assert ONLY_IN_THE_IMAGE in page.lower()   # the document's text, readable on the page
    again = build(kit.root, tmp_path / "out2", NOW, cache_dir=tmp_path / "cache")
    assert again.ok and again.ocr_pages == 0, "a scan must never be recognised twice"
    assert ONLY_IN_THE_IMAGE in (tmp_path / "out2" / "produk" / "kpt-pindai" / "index.html").read_text().lower()


def test_with_ocr_off_the_build_says_what_was_left_unread(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit, "ocr = false\n")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok
    assert any("2 scanned page(s) in 1 PDF(s) are not recognised, because [tool.jdih] says ocr = false" in w
               for w in report.warnings), report.warnings


def test_ocr_must_be_a_boolean(kit: SiteKit) -> None:
    from jdih_build.load.site import load_site

    scanned_site(kit, 'ocr = "ya"\n')
    site, problems = load_site(kit.root)
    assert site is None and any("ocr must be true or false" in str(p) for p in problems.sorted())


def test_a_scan_is_read_at_its_own_resolution(tmp_path: Path) -> None:
    """A 200 dpi scan is rendered at 200 dpi, not blown up to 300 (OCRmyPDF does the same): fewer pixels
    for Tesseract, the same text."""
    import pypdfium2
    from PIL import Image

    from jdih_build.publish.ocr import DPI, scan_resolution

    for dpi in (200, 240, 300, 600):
        path = tmp_path / f"scan-{dpi}.pdf"
        Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255).save(path, "PDF", resolution=dpi)
        document = pypdfium2.PdfDocument(path)
        assert scan_resolution(document[0]) == min(dpi, 400)
        document.close()
    sample = pypdfium2.PdfDocument(SCAN)
    assert 150 <= scan_resolution(sample[0]) <= 400
    blank = pypdfium2.PdfDocument.new()
    blank.new_page(595, 842)
    assert scan_resolution(blank[0]) == DPI
