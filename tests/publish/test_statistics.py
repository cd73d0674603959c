"""statistik/: the figures of the published catalogue (per year, jenis, status, tipe_dokumen), the page
with a chart and a data table for each, and withheld products counted nowhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitekit import NOW, SiteKit

from jdih_build.gate.rules import evaluate
from jdih_build.load.site import load_site
from jdih_build.pipeline import build
from jdih_build.publish.catalogue import Catalogue, build_catalogue
from jdih_build.publish.pdf_info import PdfInfo
from jdih_build.publish.statistics import (
    NO_STATUS,
    per_jenis,
    per_status,
    per_tipe,
    per_year,
    published,
    statistics,
)


def peraturan(judul: str, jenis: str, tahun: int, status: str, nomor: str = "1") -> str:
    return (f"---\njudul: {judul}\njenis: {jenis}\nnomor: \"{nomor}\"\ntahun: {tahun}\n"
            f"tanggal_penetapan: {tahun}-03-01\nstatus: {status}\nberkas:\n  - {{id}}.pdf\n---\nAbstrak.\n")


MONOGRAFI = ("---\ntipe_dokumen: monografi\njudul: Buku Pedoman Statistik\njenis: Buku Hukum\ntahun: 2023\n"
             "tempat_terbit: Uji\npenerbit: Penerbit Uji\nberkas:\n  - {id}.pdf\n---\nBuku.\n")

PUBLISHED = {
    "kpt-2022": peraturan("Keputusan Dua Ribu Dua Puluh Dua", "Keputusan", 2022, "Berlaku"),
    "kpt-2024": peraturan("Keputusan Lama Dua Ribu Dua Puluh Empat", "Keputusan", 2024, "Tidak Berlaku", "2"),
    "se-2024": peraturan("Surat Edaran Dua Ribu Dua Puluh Empat", "Surat Edaran", 2024, "Berlaku"),
    "buku-2023": MONOGRAFI,
}
WITHHELD = ("pkpu-rahasia", peraturan("Peraturan Rahasia Belum Disetujui", "Peraturan KPU", 2021, "Berlaku"))


def make_site(kit: SiteKit) -> SiteKit:
    for product_id, text in [*PUBLISHED.items(), WITHHELD]:
        kit.add_product(product_id, text=text.replace("{id}", product_id), folder=product_id)
    for product_id in PUBLISHED:
        kit.sign_all(product_id)
    kit.sign(WITHHELD[0], 2)   # one sign-off of three: withheld
    return kit


def catalogue_of(kit: SiteKit, drafts: bool = False) -> Catalogue:
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    return build_catalogue(evaluate(site, NOW), lambda attachment: PdfInfo(1, ""), drafts=drafts)


@pytest.fixture
def catalogue(kit: SiteKit) -> Catalogue:
    return catalogue_of(make_site(kit))


def pairs(rows) -> list[tuple[str, int]]:
    return [(r.label, r.count) for r in rows]


def test_figures_per_year_ascending(catalogue: Catalogue) -> None:
    entries = catalogue.entries
    assert pairs(per_year(entries)) == [("2022", 1), ("2023", 1), ("2024", 2)]
    assert [r.link for r in per_year(entries)] == ["tahun/2022/", "tahun/2023/", "tahun/2024/"]


def test_a_year_without_products_is_zero_on_the_time_axis(kit) -> None:
    """Issue 11: 2014 and 2015 vanished between 2013 and 2016."""
    for year in (2013, 2016):
        kit.add_product(f"kpt-{year}", text=peraturan(f"Keputusan {year}", "Keputusan", year, "Berlaku").format(id=f"kpt-{year}"))
        kit.sign_all(f"kpt-{year}")
    rows = per_year(published(catalogue_of(kit)))
    assert pairs(rows) == [("2013", 1), ("2014", 0), ("2015", 0), ("2016", 1)]
    assert [r.link for r in rows] == ["tahun/2013/", None, None, "tahun/2016/"]


def test_figures_per_jenis_largest_first(catalogue: Catalogue) -> None:
    rows = per_jenis(catalogue.entries)
    assert pairs(rows) == [("Keputusan", 2), ("Buku Hukum", 1), ("Surat Edaran", 1)]
    assert rows[0].link == "jenis/keputusan/" and rows[2].link == "jenis/surat-edaran/"


def test_figures_per_status_and_without(catalogue: Catalogue) -> None:
    rows = per_status(catalogue.entries)
    assert pairs(rows) == [("Berlaku", 2), ("Tidak Berlaku", 1), (NO_STATUS, 1)]
    assert [r.link for r in rows] == ["status/berlaku/", "status/tidak-berlaku/", None]


def test_figures_per_tipe_dokumen(catalogue: Catalogue) -> None:
    assert pairs(per_tipe(catalogue.entries)) == [("Peraturan", 3), ("Monografi Hukum", 1), ("Artikel Hukum", 0),
                                                  ("Putusan", 0)]


def test_withheld_products_are_not_counted(catalogue: Catalogue) -> None:
    stats = statistics(catalogue)
    assert stats.total == 4
    for figure in stats.figures:
        assert figure.total == 4, figure.key
        assert "2021" not in [r.label for r in figure.rows]
        assert "Peraturan KPU" not in [r.label for r in figure.rows]


def test_drafts_of_a_preview_are_not_counted(kit: SiteKit) -> None:
    catalogue = catalogue_of(make_site(kit), drafts=True)
    assert any(e.draft for e in catalogue.entries)
    assert statistics(catalogue).total == 4


def test_statistics_are_deterministic(catalogue: Catalogue) -> None:
    first, second = statistics(catalogue), statistics(catalogue)
    assert [(f.chart(), f.table("../")) for f in first.figures] == [(f.chart(), f.table("../")) for f in second.figures]


def test_page_has_charts_tables_total_and_links(kit: SiteKit) -> None:
    make_site(kit)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok, report.problems
    markup = (out / "statistik/index.html").read_text(encoding="utf-8")
    assert "<h1>Statistik produk hukum</h1>" in markup
    assert '<span class="angka-besar">4</span> produk hukum diterbitkan' in markup
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", markup, re.S)
    tables = re.findall(r'<table class="tabel-data">.*?</table>', markup, re.S)
    assert len(svgs) == 4 and len(tables) == 4
    for svg in svgs:
        assert 'role="img"' in svg and "<title " in svg and "<desc " in svg
    for heading in ("per tahun", "per jenis", "per status", "per tipe dokumen"):
        assert f"Jumlah produk hukum {heading}</h2>" in markup
    for table in tables:
        assert "<caption>" in table and '<th scope="col">' in table and '<th scope="row">' in table
        assert '<th scope="row">Jumlah</th><td class="angka">4</td>' in table
    year_table = tables[0]
    assert re.findall(r'<a href="../tahun/(\d{4})/">', year_table) == ["2022", "2023", "2024"]
    assert '<a href="../jenis/keputusan/">Keputusan</a></th><td class="angka">2</td>' in tables[1]
    assert '<a href="../status/tidak-berlaku/">Tidak Berlaku</a></th><td class="angka">1</td>' in tables[2]
    for link in re.findall(r'href="\.\./((?:tahun|jenis|status)/[^"]+)"', markup):
        assert (out / link / "index.html").is_file(), link
    # Nothing of the withheld product, not even as a count.
    assert "2021" not in markup and "Peraturan KPU" not in markup and "peraturan-kpu" not in markup


def test_page_of_an_empty_catalogue(kit: SiteKit) -> None:
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    markup = (out / "statistik/index.html").read_text(encoding="utf-8")
    assert '<span class="angka-besar">0</span>' in markup and "Belum ada produk hukum yang diterbitkan." in markup
    assert "<svg" not in markup


def test_page_is_listed_in_the_sitemap(kit: SiteKit) -> None:
    make_site(kit)
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    assert "<loc>https://jdih.uji.example/statistik/</loc>" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_site_without_the_template_takes_the_themes(kit: SiteKit) -> None:
    """A site's templates/ only overrides: without its own statistik.html, the default theme's is used."""
    make_site(kit)
    (kit.root / "templates/statistik.html").unlink()
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    assert (out / "statistik" / "index.html").is_file()


def test_no_asset_from_other_hosts(kit: SiteKit) -> None:
    make_site(kit)
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    markup = (out / "statistik/index.html").read_text(encoding="utf-8")
    # The canonical address names the page itself (absolute by rule): it loads nothing.
    assert '<link rel="canonical" href="https://jdih.uji.example/statistik/">' in markup
    markup = re.sub(r'<link rel="canonical" href="[^"]*">', "", markup)
    assert not re.search(r'(src|href|data)="(https?:)?//', markup)
    assert Path(out / "assets/style.css").is_file()
