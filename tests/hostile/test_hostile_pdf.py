"""V4: a PDF that would hang or exhaust the build is read in a bounded worker; over a limit it is
published without search text and named in the report."""

from __future__ import annotations

import time
from pathlib import Path

from pdf_bombs import shared_stream_pdf
from sitekit import NOW, SiteKit, sha256

from jdih_build.pipeline import build
from jdih_build.publish.pdf_info import PdfLimits
from jdih_build.publish.pdf_workers import read_pdfs


def bomb_product(kit: SiteKit, pages: int = 1000) -> Path:
    md = kit.add_product("kpt-bom")
    pdf = md.with_name("kpt-bom.pdf")
    pdf.write_bytes(shared_stream_pdf(pages))
    kit.sign_all("kpt-bom")
    return pdf


def test_v4_a_pdf_that_hangs_the_reader_is_cut_off_and_still_published(kit: SiteKit) -> None:
    pdf = bomb_product(kit)
    out = kit.root / "output"
    started = time.monotonic()
    report = build(kit.root, out, NOW, read_pdf_files=lambda paths: read_pdfs(paths, PdfLimits(seconds=2)))
    assert time.monotonic() - started < 60      # unbounded it runs for about 25 minutes
    assert report.ok and [p.id for p in report.gate.published] == ["kpt-bom"]
    assert any("kpt-bom.pdf" in w and "2 s limit" in w for w in report.warnings), report.warnings
    assert (out / "produk" / "kpt-bom" / "kpt-bom.pdf").read_bytes() == pdf.read_bytes()
    assert sha256(out / "produk" / "kpt-bom" / "kpt-bom.pdf") == sha256(pdf)


def test_v4_memory_limit_stops_the_reader_not_the_build(tmp_path: Path) -> None:
    pdf = tmp_path / "bom.pdf"
    pdf.write_bytes(shared_stream_pdf(3))
    info = read_pdfs([pdf], PdfLimits(memory=80 * 2**20))[pdf]
    assert info.pages is None and info.text == "" and info.error
    assert "memory" in info.error


def test_v4_text_is_read_from_at_most_the_page_cap(tmp_path: Path) -> None:
    pdf = tmp_path / "bom.pdf"
    pdf.write_bytes(shared_stream_pdf(3, stream_bytes=2_000))
    info = read_pdfs([pdf], PdfLimits(pages=1))[pdf]
    assert info.pages == 3 and "jdih" in info.text and "first 1 pages" in (info.error or "")


def test_v4_one_bad_pdf_does_not_cost_the_others(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(shared_stream_pdf(1000))
    good = [tmp_path / f"ok-{i}.pdf" for i in range(3)]
    for path in good:
        path.write_bytes(shared_stream_pdf(1, stream_bytes=500))
    infos = read_pdfs([slow, *good], PdfLimits(seconds=2), workers=2)
    assert "limit" in (infos[slow].error or "")
    assert all(infos[p].pages == 1 and "jdih" in infos[p].text for p in good)
