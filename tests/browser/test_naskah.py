"""Law by the article in the browser (issue 22): the sample's UU 7/2017 and Keputusan KPU 134/2016 show
their structure at phone and desktop widths; an article's address opens on it; a search hit inside the
text lands on its pasal; the PDF preview stays closed (and unloaded) until asked for."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_an_articles_address_opens_on_it(new_page, screenshots_dir, width) -> None:
    page = new_page(viewport={"width": width, "height": 800}, locale="id-ID")
    page.goto("produk/uu-7-2017/#pasal-167-ayat-3")
    target = page.locator("#pasal-167-ayat-3")
    assert "hari libur atau hari yang diliburkan secara nasional" in target.inner_text()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 800          # scrolled to it
    assert page.evaluate("() => getComputedStyle(document.querySelector(':target')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.locator("details.penjelasan-pasal summary", has_text="Penjelasan Pasal 167").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.screenshot(path=str(screenshots_dir / f"naskah-uu-{width}.png"))
    # The table of contents leads to each pasal.
    page.locator(".daftar-isi summary").click()
    page.locator(".daftar-isi a", has_text="Pasal 3").click()
    page.wait_for_function("() => location.hash === '#pasal-3'")
    # The PDF is not loaded until the preview is opened.
    assert page.locator("details.pratinjau[open]").count() == 0


@pytest.mark.parametrize("width", [360, 1280])
def test_a_keputusan_shows_its_diktum(new_page, screenshots_dir, width) -> None:
    page = new_page(viewport={"width": width, "height": 800}, locale="id-ID")
    page.goto("produk/kpt-kpu-134-2016/#diktum-kedua")
    assert page.locator("#diktum-kedua").inner_text().startswith("KEDUA")
    assert page.locator("#diktum-kedua-huruf-a").inner_text().startswith("a.")
    page.locator("a.rujukan", has_text="Diktum KEDUA").click()
    page.wait_for_function("() => location.hash === '#diktum-kedua'")
    page.screenshot(path=str(screenshots_dir / f"naskah-kpt-{width}.png"))


def test_a_search_hit_in_the_text_lands_on_its_pasal(page, base_url) -> None:
    page.goto("cari/?q=diliburkan")
    page.wait_for_selector(".cari-di-pasal a", state="attached")
    link = page.locator(".cari-di-pasal a").first
    assert link.inner_text() == "Ditemukan di Pasal 167"
    assert link.get_attribute("href").endswith("produk/uu-7-2017/#pasal-167")
    link.click()
    page.wait_for_function("() => location.hash === '#pasal-167'")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_typo_is_offered_the_closest_word_and_excerpts_read_as_text(new_page, screenshots_dir, width) -> None:
    """Issue 22: 'pemilhan' found nothing (Pagefind has no typo tolerance); excerpts ran labels into
    values ('StatusBerlaku') and showed the hidden id keywords."""
    page = new_page(viewport={"width": width, "height": 800}, locale="id-ID")
    page.goto("cari/?q=pemilhan")
    page.wait_for_selector(".cari-saran:not([hidden]) a")
    assert page.locator(".cari-saran").inner_text() == "Mungkin maksud Anda: pemilihan"
    page.screenshot(path=str(screenshots_dir / f"cari-saran-{width}.png"))
    page.locator(".cari-saran a").click()
    page.wait_for_selector(".cari-item")
    assert page.locator("#cari-q").input_value() == "pemilihan" and page.locator(".cari-saran").is_hidden()
    page.goto("cari/?q=berlaku")
    page.wait_for_selector(".cari-kutipan")
    page.wait_for_function("() => !document.getElementById('cari-hasil').hasAttribute('aria-busy')")
    excerpts = " ".join(page.locator(".cari-kutipan").all_inner_texts())
    assert "StatusBerlaku" not in excerpts and "Status: Berlaku" in excerpts
    page.goto("cari/?q=standardisasi")
    page.wait_for_selector(".cari-kutipan")
    page.wait_for_function("() => !document.getElementById('cari-hasil').hasAttribute('aria-busy')")
    assert "permenkumham 2 2013" not in " ".join(page.locator(".cari-kutipan").all_inner_texts())


def test_without_javascript_the_search_page_lists_every_product_for_the_browsers_find(new_page) -> None:
    page = new_page(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page.goto("cari/?q=pemilihan")
    titles = page.locator("ol.cari-semua a").all_inner_texts()
    assert "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum" in titles and len(titles) == 5
    assert page.locator("ol.cari-semua").is_visible()
