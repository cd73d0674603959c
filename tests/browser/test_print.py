"""Printing (issue 22), as Chromium prints to PDF: links print as addresses that work on paper, the
folded document text prints unfolded, and statistik prints each figure with its table, in few pages."""

from __future__ import annotations

import io

import pypdf
import pytest

pytestmark = pytest.mark.browser


def printed(page, path: str) -> pypdf.PdfReader:
    page.goto(path)
    page.emulate_media(media="print")
    return pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))


def text(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_a_product_prints_its_files_address_and_its_text_unfolded(page, base_url) -> None:
    words = text(printed(page, "produk/sop-dokumentasi-produk-hukum/"))
    assert "https://" in words and "produk/sop-dokumentasi-produk-hukum/sop-dokumentasi-produk-hukum.pdf" in words.replace(" ", "")
    assert "(./" not in words
    assert "Pengaraf" in words          # a word only the PDF's text holds: the folded text printed open


def test_a_pasals_penjelasan_prints_open(page) -> None:
    words = text(printed(page, "produk/uu-7-2017/"))
    assert "hari Minggu atau hari libur nasional" in words


def test_statistik_prints_each_figure_with_its_table_in_few_pages(page) -> None:
    reader = printed(page, "statistik/")
    assert len(reader.pages) <= 4, len(reader.pages)   # was 6 for five products
    for number, sheet in enumerate(reader.pages):
        lines = [line for line in sheet.extract_text().splitlines() if line.strip()]
        # A table's caption is never the last thing on a page (it stays with its table).
        assert not (lines and lines[-1].strip().endswith("(tabel)")), (number, lines[-3:])
