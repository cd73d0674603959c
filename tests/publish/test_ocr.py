"""Issue 11.2: words that only a scanned page's image holds are found (OCR with Tesseract's Indonesian
data), once per file (cached by its sha256), and the build says when scanned pages were left unread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitekit import NOW, REPO, SiteKit

from jdih_build.pipeline import build, read_staged_pdfs
from jdih_build.publish.ocr import ocr_available
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
    assert plain.text == "" and plain.unread == 2
    read = read_pdf(SCAN, PdfLimits(ocr=True))
    assert read.unread == 0 and ONLY_IN_THE_IMAGE in read.text.lower()
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM" in read.text


def scanned_site(kit: SiteKit, ocr: str = "") -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + ocr, encoding="utf-8")
    md = kit.add_product("kpt-pindai")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign_all("kpt-pindai")


def test_the_build_recognises_a_scan_once(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit)
    calls: list[dict] = []

    def counting(digests: dict) -> dict:
        calls.append(digests)
        return read_staged_pdfs(digests, ocr=True)

    first = build(kit.root, tmp_path / "out", NOW, cache_dir=tmp_path / "cache", read_pdf_files=counting)
    assert first.ok and len(calls) == 1
    page = (tmp_path / "out" / "produk" / "kpt-pindai" / "index.html").read_text(encoding="utf-8")
    assert ONLY_IN_THE_IMAGE in page.lower()   # the document's text, readable on the page
    again = build(kit.root, tmp_path / "out2", NOW, cache_dir=tmp_path / "cache", read_pdf_files=counting)
    assert again.ok and len(calls) == 1, "a scan must never be recognised twice"


def test_with_ocr_off_the_build_says_what_was_left_unread(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit, "ocr = false\n")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok
    assert any("2 scanned page(s) in 1 PDF(s) have no text and were left unread" in w for w in report.warnings)


def test_ocr_must_be_a_boolean(kit: SiteKit) -> None:
    from jdih_build.load.site import load_site

    scanned_site(kit, 'ocr = "ya"\n')
    site, problems = load_site(kit.root)
    assert site is None and any("ocr must be true or false" in str(p) for p in problems.sorted())
