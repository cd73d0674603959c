"""Issue 18: OCR is bounded and pointless work is skipped (V4 again), and cached OCR never outlives
the setting or the engine that made it (H9, H2)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from pdf_bombs import shared_stream_pdf
from sitekit import MINIMAL_PDF, NOW, REPO, SiteKit, tree_bytes

from jdih_build.cache.store import FileStore
from jdih_build.pipeline import build
from jdih_build.publish import ocr_stage, pdf_stage
from jdih_build.publish.ocr import engine, ocr_available
from jdih_build.publish.pdf_info import PdfLimits, read_pdf

SCAN = REPO / "content" / "keputusan-kpu" / "2016" / "kpt-kpu-134-2016.pdf"
ONLY_IN_THE_IMAGE = "berkedudukan"


@pytest.fixture(scope="module", autouse=True)
def tesseract() -> None:
    if not ocr_available():
        pytest.fail("Tesseract with its Indonesian data is missing: apt-get install tesseract-ocr tesseract-ocr-ind",
                    pytrace=False)


def settings(kit: SiteKit, extra: str) -> None:
    path = kit.root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("ocr =", "ocr_batas_menit")))
    path.write_text(text + "\n" + extra, encoding="utf-8")


def scanned(kit: SiteKit) -> None:
    md = kit.add_product("kpt-pindai")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign_all("kpt-pindai")


def page_text(out: Path) -> str:
    return (out / "produk" / "kpt-pindai" / "index.html").read_text(encoding="utf-8").lower()


def test_v4_the_bomb_with_ocr_on_ends_within_the_ordinary_pdf_limit(kit: SiteKit, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 1,000-page PDF sharing one 1 MB stream: OCR no longer adds its own 900 s to the PDF's limit."""
    settings(kit, "ocr = true\n")
    md = kit.add_product("kpt-bom")
    md.with_suffix(".pdf").write_bytes(shared_stream_pdf(1000))
    kit.sign_all("kpt-bom")
    monkeypatch.setattr(pdf_stage, "PdfLimits", lambda: PdfLimits(seconds=3))   # the ordinary limit, shortened
    started = time.monotonic()
    report = build(kit.root, kit.root / "output", NOW)
    assert time.monotonic() - started < 30      # before: past 400 s, a worker at 100 % CPU
    assert report.ok and report.ocr_pages == 0   # its pages draw text, no image: nothing to recognise
    assert not any("scanned" in w for w in report.warnings), report.warnings


def test_v4_text_less_pdfs_without_images_cost_no_ocr(kit: SiteKit) -> None:
    """Placeholder PDFs with no text and no image: nothing to recognise, and no warning about scans."""
    settings(kit, "ocr = true\n")
    for number in range(30):
        pid = f"kpt-kosong-{number}"
        md = kit.add_product(pid, nomor=str(number + 1))
        md.with_suffix(".pdf").write_bytes(MINIMAL_PDF + pid.encode())
        kit.sign_all(pid)
    assert read_pdf(md.with_suffix(".pdf"), PdfLimits()).scans == ()
    report = build(kit.root, kit.root / "output", NOW)
    assert report.ok and report.ocr_pages == 0
    assert not any("scanned" in w for w in report.warnings), report.warnings


def test_the_ocr_budget_leaves_pages_for_later_builds_and_says_so(kit: SiteKit, tmp_path: Path) -> None:
    scanned(kit)
    settings(kit, "ocr = true\nocr_batas_menit = 0\n")
    cache = tmp_path / "cache"
    first = build(kit.root, tmp_path / "out", NOW, cache_dir=cache)
    assert first.ok and first.ocr_pages == 0 and ONLY_IN_THE_IMAGE not in page_text(tmp_path / "out")
    assert any("2 scanned page(s) wait for OCR" in w and "ocr_batas_menit = 0" in w for w in first.warnings), first.warnings
    settings(kit, "ocr = true\nocr_batas_menit = 5\n")
    second = build(kit.root, tmp_path / "out", NOW, cache_dir=cache)
    assert second.ok and second.ocr_pages == 2 and ONLY_IN_THE_IMAGE in page_text(tmp_path / "out")


def test_each_recognised_page_is_stored_at_once(tmp_path: Path) -> None:
    """Stored as each page completes, before (and without) any commit: a killed build loses nothing."""
    info = read_pdf(SCAN, PdfLimits())
    found = engine()
    assert found is not None
    store = FileStore(tmp_path / "ocr", salt="uji")
    merged, summary = ocr_stage.with_ocr({"a" * 64: info}, {"a" * 64: SCAN}, store, found, 300)
    assert summary.recognised == 2 and ONLY_IN_THE_IMAGE in merged["a" * 64].text.lower()
    assert len([p for p in (tmp_path / "ocr").rglob("*") if p.is_file()]) == 2   # on disk, never committed
    again, summary = ocr_stage.with_ocr({"a" * 64: info}, {"a" * 64: SCAN}, FileStore(tmp_path / "ocr", salt="uji"), found, 300)
    assert summary.recognised == 0 and again["a" * 64].text == merged["a" * 64].text
    other, summary = ocr_stage.with_ocr({"a" * 64: info}, {"a" * 64: SCAN}, FileStore(tmp_path / "ocr", salt="uji"),
                                        found + " another-language-data", 0)
    assert summary.left_for_later == 2 and ONLY_IN_THE_IMAGE not in other["a" * 64].text.lower()   # H2: engine in key


def test_h9_after_ocr_false_a_cached_build_equals_a_cold_one(kit: SiteKit, tmp_path: Path) -> None:
    scanned(kit)
    settings(kit, "ocr = true\n")
    cache = tmp_path / "cache"
    assert build(kit.root, tmp_path / "warm", NOW, cache_dir=cache).ok
    assert ONLY_IN_THE_IMAGE in page_text(tmp_path / "warm")
    settings(kit, "ocr = false\n")
    cached = build(kit.root, tmp_path / "cached", NOW, cache_dir=cache)
    cold = build(kit.root, tmp_path / "cold", NOW)
    assert cached.ok and cold.ok
    assert ONLY_IN_THE_IMAGE not in page_text(tmp_path / "cached")
    assert tree_bytes(tmp_path / "cached") == tree_bytes(tmp_path / "cold")


def test_h23_text_from_a_cluster_worker_is_shown_escaped_and_only_for_the_approved_bytes(kit: SiteKit, tmp_path: Path,
                                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker (jdih ocr --dask) returns the text of a page: a hostile one could return markup. It is
    stored under the approved PDF's sha256 and shown escaped; the page never carries a live element."""
    from sitekit import run_command

    from jdih_build.workflow.ocr import ocr_command

    scanned(kit)
    hostile = '<script>alert("ocr")</script><img src=x onerror=alert(1)> pasal palsu'

    def runner(_address: str):
        def run(tasks, keep, _deadline):
            for task in tasks:
                keep(task, hostile)
        return run

    from jdih_build.workflow.ocr import dask_runner
    monkeypatch.setattr(dask_runner, "dask_runner", runner)
    cache = tmp_path / "cache"
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(cache), "--dask", "tcp://127.0.0.1:1")
    assert done.rc == 0, done.err
    report = build(kit.root, tmp_path / "out", NOW, cache_dir=cache)
    assert report.ok and report.ocr_pages == 0
    page = (tmp_path / "out" / "produk" / "kpt-pindai" / "index.html").read_text(encoding="utf-8")
    assert "pasal palsu" in page                       # the worker's text is what the page shows...
    assert "<script>alert" not in page and "<img src=x" not in page   # ...as text, never as markup
    assert "&lt;script&gt;" in page
