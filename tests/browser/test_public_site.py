"""End-to-end tests of the public site in headless Chromium.

Every page fixture fails its test on a console error, a page error, an HTTP error,
a failed request or a request to another host (see conftest.py).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

SOP = "produk/sop-dokumentasi-produk-hukum/"
UU = "produk/uu-7-2017/"
RESULT_LINKS = "#cari-hasil li a"


def site_path(base_url: str, url: str) -> str:
    """The path of `url` below the site root, e.g. 'produk/uu-7-2017/'."""
    return urlsplit(url).path[len(urlsplit(base_url).path):]


def result_paths(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.href)")
    return [site_path(base_url, href) for href in hrefs]


def wait_for_results(page) -> None:
    page.wait_for_selector(f"{RESULT_LINKS}, #cari-gagal:not([hidden])", state="attached")
    assert page.locator("#cari-gagal").is_hidden(), (
        "the search page could not load pagefind/pagefind.js: was the index built "
        "(jdih_build.search_index.build_search_index)?")
    page.wait_for_selector(RESULT_LINKS, state="attached")
    page.wait_for_function("() => !document.getElementById('cari-hasil').hasAttribute('aria-busy')")


# --------------------------------------------------------------------------- #
# Navigation


def test_home_page(page, base_url) -> None:
    response = page.goto("")
    assert response is not None and response.ok
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.title().strip()
    assert page.locator("h1").count() >= 1
    products = page.locator("main a[href*='produk/']")
    assert products.count() >= 1, "the home page links to no product"


def test_follow_a_link_to_a_product(page, base_url) -> None:
    page.goto("")
    link = page.locator("main a[href*='produk/']").first
    href = link.get_attribute("href")
    assert href and not href.startswith("/") and "://" not in href, f"links must be relative: {href!r}"
    link.click()
    page.wait_for_load_state()
    path = site_path(base_url, page.url)
    assert re.fullmatch(r"produk/[a-z0-9][a-z0-9-]*/", path), path
    assert page.locator("h1").first.inner_text().strip()
    assert page.locator("[data-pagefind-body]").count() >= 1


# --------------------------------------------------------------------------- #
# Search


def test_deep_link_finds_a_word_that_is_only_inside_a_pdf(page, base_url) -> None:
    page.goto("cari/?q=pengaraf")
    assert page.locator("#cari-q").input_value() == "pengaraf"
    wait_for_results(page)
    assert SOP in result_paths(page, base_url)
    status = page.locator("#cari-pesan").inner_text()
    assert "ditemukan" in status and "pengaraf" in status, status
    # The excerpt shows the matched word.
    assert page.locator("#cari-hasil mark").count() >= 1


def test_typed_search_finds_a_product_and_updates_the_address(page, base_url) -> None:
    page.goto("cari/")
    box = page.get_by_label("Cari produk hukum")
    assert box.is_visible()
    box.press_sequentially("pemilihan umum", delay=40)
    wait_for_results(page)
    assert UU in result_paths(page, base_url)
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'pemilihan umum'")
    # Results link to the product pages, relatively.
    href = page.locator(RESULT_LINKS).first.get_attribute("href")
    assert href.startswith("../produk/"), href
    page.locator(RESULT_LINKS).first.click()
    page.wait_for_load_state()
    assert site_path(base_url, page.url).startswith("produk/")


def test_submit_and_filters(page, base_url) -> None:
    page.goto("cari/")
    page.fill("#cari-q", "hukum")
    page.press("#cari-q", "Enter")
    wait_for_results(page)
    everything = result_paths(page, base_url)
    assert len(everything) >= 2
    # Choose the jenis of the Undang-Undang: only it remains.
    options = page.eval_on_selector_all("#cari-jenis option", "o => o.map(x => x.value)")
    assert "Undang-Undang" in options, options
    page.select_option("#cari-jenis", "Undang-Undang")
    page.wait_for_function("() => new URLSearchParams(location.search).get('jenis') === 'Undang-Undang'")
    wait_for_results(page)
    narrowed = result_paths(page, base_url)
    assert narrowed and set(narrowed) <= set(everything) and len(narrowed) < len(everything)
    assert UU in narrowed
    # The filtered search can be linked to.
    page.goto("cari/?q=hukum&jenis=Undang-Undang")
    wait_for_results(page)
    assert page.locator("#cari-jenis").input_value() == "Undang-Undang"
    assert result_paths(page, base_url) == narrowed


def test_search_without_results_says_so(page, base_url) -> None:
    page.goto("cari/?q=zzzyyyxxx")
    page.wait_for_function("() => document.getElementById('cari-pesan').textContent.includes('Tidak ada')")
    assert page.locator("#cari-hasil li").count() == 0


def test_search_page_without_javascript_points_to_the_lists(new_page, base_url) -> None:
    page = new_page(java_script_enabled=False)
    page.goto("cari/")
    note = page.locator("noscript, .cari-catatan").filter(has_text="JavaScript")
    assert "memerlukan JavaScript" in page.content()
    assert note.count() >= 1
    assert not page.locator("#cari-form").is_visible()
    for target in ("jenis/", "tahun/"):
        assert page.locator(f"a[href='../{target}']").count() >= 1


# --------------------------------------------------------------------------- #
# Accessibility


def browse_list(page, base_url) -> str:
    """The first list page linked from jenis/ (e.g. jenis/undang-undang/)."""
    page.goto("jenis/")
    href = page.locator("main a[href]").filter(has_not_text="Beranda").first.get_attribute("href")
    return site_path(base_url, urljoin(page.url, href))


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("where", ["home", "product", "scanned product", "search", "browse list", "list index",
                                   "statistics", "check"])
def test_no_serious_accessibility_violations(page, base_url, axe, where, width) -> None:
    target = {"home": "", "product": UU, "scanned product": "produk/kpt-kpu-134-2016/", "search": "cari/?q=pengaraf",
              "browse list": None, "list index": "subjek/", "statistics": "statistik/", "check": "cek/"}[where]
    if target is None:
        target = browse_list(page, base_url)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(target)
    if where == "search":
        wait_for_results(page)
    violations = axe.run(page)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    others = [v for v in violations if v not in serious]
    if others:
        print(f"axe on {target or 'home'} at {width}px: minor/moderate issues:\n{axe.describe(others)}")
    assert not serious, f"axe on {target or 'home'} at {width}px:\n{axe.describe(serious)}"


# --------------------------------------------------------------------------- #
# Screenshots (for people to look at; tests/artifacts/ is ignored by git)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name,target", [("beranda", ""), ("produk", UU), ("cari", "cari/?q=pengaraf")])
def test_screenshots(new_page, base_url, screenshots_dir, name, target, width) -> None:
    page = new_page(viewport={"width": width, "height": 800}, locale="id-ID")
    page.goto(target)
    if name == "cari":
        wait_for_results(page)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots_dir / f"{name}-{width}.png"), full_page=True)
    # Nothing may stick out sideways on a narrow screen.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} at {width}px is {overflow}px wider than the screen"


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("where", ["home", "product", "text by the article", "search", "statistics", "check"])
def test_dark_mode_keeps_contrast(page, base_url, axe, screenshots_dir, where, width) -> None:
    """Issue 22: the reader's dark setting (prefers-color-scheme) is followed, with AA contrast."""
    target = {"home": "", "product": UU, "text by the article": "produk/kpt-kpu-134-2016/#diktum-kedua",
              "search": "cari/?q=pemilihan", "statistics": "statistik/", "check": "cek/"}[where]
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(target)
    if where == "search":
        wait_for_results(page)
    background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(18, 21, 25)", background
    serious = [v for v in axe.run(page) if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe (dark) on {target or 'home'} at {width}px:\n{axe.describe(serious)}"
    page.screenshot(path=str(screenshots_dir / f"gelap-{where.replace(' ', '-')}-{width}.png"))
