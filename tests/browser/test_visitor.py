"""Issue 11.3 and 11.4, as a visitor meets them: a word only a scan's image holds is found (and said to be
inside the document); a product's own page ranks first for its name; the page's subjek, bidang hukum
and status link to their lists; the main file can be downloaded from the top and read as text; the
phone layout keeps the sign-off times and the results in view; link previews get Open Graph tags."""

from __future__ import annotations

import pytest
from test_public_site import result_paths, wait_for_results

pytestmark = pytest.mark.browser

SCANNED = "produk/kpt-kpu-134-2016/"
PERMENKUMHAM = "produk/permenkumham-2-2013/"


def test_a_word_only_the_scanned_image_holds_is_found_inside_the_document(page, base_url) -> None:
    page.goto("cari/?q=berkedudukan")
    wait_for_results(page)
    assert result_paths(page, base_url) == [SCANNED]
    assert page.locator("#cari-hasil li").first.locator(".cari-di-dokumen").inner_text() == "Ditemukan di dalam dokumen"


def test_a_product_ranks_first_for_its_own_name(page, base_url) -> None:
    page.goto("cari/?q=permenkumham")
    wait_for_results(page)
    assert result_paths(page, base_url)[0] == PERMENKUMHAM


def test_related_products_text_is_not_indexed_into_a_product(page, base_url) -> None:
    """'pemilihan' returned all five: each product carried its relations' titles."""
    page.goto("cari/?q=pemilihan")
    wait_for_results(page)
    assert PERMENKUMHAM not in result_paths(page, base_url)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_product_page_for_a_visitor(new_page, base_url, screenshots_dir, width) -> None:
    page = new_page(viewport={"width": width, "height": 800}, locale="id-ID")
    page.goto(SCANNED)
    download = page.locator(".unduh-atas a.tombol-unduh")
    assert download.is_visible() and download.bounding_box()["y"] < 700, "the Unduh button is not near the top"
    assert download.get_attribute("href") == "./kpt-kpu-134-2016.pdf"
    text = page.locator("#teks-dokumen")
    assert not text.evaluate("d => d.open")   # folded by default
    text.locator("summary").click()
    assert "berkedudukan" in text.inner_text().lower()   # the scan's text, recognised
    for facet in ("subjek", "status"):
        link = page.locator(f".katalog a[href*='../../{facet}/']").first
        assert link.count() == 1, f"no link to {facet}/"
    assert page.locator("meta[property='og:title']").get_attribute("content").startswith("Keputusan")
    assert page.locator("meta[property='og:url']").get_attribute("content").endswith("/" + SCANNED)
    # the sign-off history shows its time column on a phone too
    when = page.locator(".riwayat td[data-label='Waktu']").first
    assert when.is_visible() and "WIB" in when.inner_text()
    box = when.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    page.screenshot(path=str(screenshots_dir / f"produk-pindai-{width}.png"), full_page=True)


def test_tidak_berlaku_says_why(page) -> None:
    """Revoked by a product outside this catalogue (a rujukan): the reason is beside the status."""
    page.goto(PERMENKUMHAM)
    reason = page.locator(".meta .alasan")
    assert reason.inner_text().startswith("dicabut dengan Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 8 Tahun 2019")
    assert "di luar katalog ini" in page.locator("#relasi ~ ul.relasi, ul.relasi").first.inner_text()


def test_the_phone_header_is_short_and_results_come_first(new_page) -> None:
    page = new_page(viewport={"width": 360, "height": 740}, locale="id-ID")
    page.goto("")
    assert page.locator("header.kepala").bounding_box()["height"] <= 100
    page.goto("cari/?q=pemilu")
    wait_for_results(page)
    assert not page.locator("#cari-lipat").evaluate("d => d.open")   # the filters are folded on a phone
    first = page.locator("#cari-hasil li").first.bounding_box()
    assert first is not None and first["y"] < 740, "the first result is below the fold"


def test_home_links_every_list_and_the_newest_published(page) -> None:
    page.goto("")
    for target in ("subjek/", "bidang-hukum/", "status/", "cek/"):
        assert page.locator(f"main a[href='{target}']").count() >= 1, target
    assert page.locator("#baru-terbit").count() == 1
    assert "Komisi Pemilihan Umum Kota Payakumbuh" in page.locator(".sambutan").inner_text()
    assert "(Kota)." not in page.locator("footer").inner_text()


def test_a_short_page_has_no_white_band_under_the_footer(new_page) -> None:
    page = new_page(viewport={"width": 1280, "height": 1000}, locale="id-ID")
    page.goto("status/")
    footer = page.locator("footer.kaki").bounding_box()
    assert footer is not None and abs(footer["y"] + footer["height"] - 1000) <= 1
