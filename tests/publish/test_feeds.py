"""The machine-readable outputs: the JDIHN feed exactly as CONTRACT 7 names it, Atom, the sitemap,
api/produk.json and robots.txt; withheld products appear in none of them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitekit import NOW, WIB, SiteKit

from jdih_build.pipeline import build

BASE = "https://jdih.uji.example/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Written out from CONTRACT 7 (the JDIHN member template's keys, in its order); not imported.
CONTRACT_KEYS = [
    "idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan", "judul",
    "noPanggil", "singkatanJenis", "tempatTerbit", "penerbit", "deskripsiFisik", "sumber", "subjek", "isbn",
    "status", "bahasa", "bidangHukum", "teuBadan", "nomorIndukBuku", "abstrak", "last_updated", "urlAbstrak",
    "urlDetailPeraturan", "fileDownload", "urlDownload", "operasi", "display",
]
URL_KEYS = ("urlAbstrak", "urlDetailPeraturan", "urlDownload")

PUBLISHED = [f"kpt-{n:02d}" for n in range(1, 53)]   # 52: more than the Atom feed's 50
WITHHELD = "kpt-rahasia"
FIRST_DAY = datetime(2024, 1, 1, 9, 0, tzinfo=WIB)


def signed_on(index: int) -> datetime:
    """kpt-01 is signed first, kpt-52 last: the last sign-off of product n is on day n at 11:00."""
    return FIRST_DAY + timedelta(days=index)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[SiteKit, Path]:
    kit = SiteKit.create(tmp_path_factory.mktemp("feeds") / "site")
    for index, product_id in enumerate(PUBLISHED, start=1):
        kit.add_product(product_id, judul=f"Keputusan Uji Nomor {index}", nomor=str(index))
        for step in (2, 3, 4):
            kit.sign(product_id, step, when=signed_on(index) + timedelta(hours=step - 2))
    kit.add_product(WITHHELD, judul="Keputusan Rahasia Belum Divalidasi", nomor="99")
    kit.sign(WITHHELD, 2)
    kit.sign(WITHHELD, 3)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok, report.problems
    assert [v.product.id for v in report.gate.withheld] == [WITHHELD]
    return kit, out


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


# -- JDIHN ---------------------------------------------------------------------------------------

def test_jdihn_feed_is_an_array_of_the_published_products(site) -> None:
    _, out = site
    records = json.loads(read(out, "feed/document.json"))
    assert isinstance(records, list)
    assert sorted(r["idData"] for r in records) == PUBLISHED


def test_jdihn_keys_exactly_and_in_order(site) -> None:
    _, out = site
    for record in json.loads(read(out, "feed/document.json")):
        assert list(record) == CONTRACT_KEYS


def test_jdihn_values_are_strings_and_constants(site) -> None:
    _, out = site
    for record in json.loads(read(out, "feed/document.json")):
        for key, value in record.items():
            assert isinstance(value, str), (record["idData"], key, value)
        assert record["operasi"] == "4"
        assert record["display"] == "1"


def test_jdihn_urls_are_absolute_under_base_url(site) -> None:
    _, out = site
    for record in json.loads(read(out, "feed/document.json")):
        for key in URL_KEYS:
            assert record[key].startswith(BASE), (key, record[key])
        assert record["urlDetailPeraturan"] == f"{BASE}produk/{record['idData']}/"
        assert record["urlDownload"] == f"{BASE}produk/{record['idData']}/{record['fileDownload']}"


def test_jdihn_record_of_a_keputusan(site) -> None:
    _, out = site
    record = next(r for r in json.loads(read(out, "feed/document.json")) if r["idData"] == "kpt-07")
    assert record["judul"] == "Keputusan Uji Nomor 7" and record["noPeraturan"] == "7"
    assert record["jenis"] == "Keputusan" and record["singkatanJenis"] == "Kpt"
    assert record["tahun_pengundangan"] == "2024"
    # A keputusan is enacted, not promulgated: its penetapan date stands for both (a documented decision).
    assert record["tanggal_penetapan"] == record["tanggal_pengundangan"] == "2024-01-15"
    assert record["tempatTerbit"] == "Uji" and record["teuBadan"] == "Uji (Kota). Komisi Pemilihan Umum"
    assert record["status"] == "Berlaku" and record["bahasa"] == "Indonesia"
    assert record["subjek"] == "PEMILIHAN UMUM"
    assert record["last_updated"] == "2024-01-08 11:00:00"
    assert record["abstrak"].startswith("Abstrak untuk Keputusan Uji Nomor 7.")
    assert record["urlAbstrak"] == f"{BASE}produk/kpt-07/#abstrak"
    for key in ("noPanggil", "penerbit", "deskripsiFisik", "isbn", "nomorIndukBuku"):
        assert record[key] == "-", key


def test_jdihn_urls_follow_a_base_url_override(site, tmp_path: Path) -> None:
    kit, _ = site
    out = tmp_path / "lain"
    assert build(kit.root, out, NOW, base_url="https://lain.example/jdih/").ok
    for record in json.loads(read(out, "feed/document.json")):
        for key in URL_KEYS:
            assert record[key].startswith("https://lain.example/jdih/"), (key, record[key])


# -- Atom ----------------------------------------------------------------------------------------

def atom_entries(out: Path) -> tuple[ET.Element, list[ET.Element]]:
    feed = ET.fromstring((out / "atom.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    return feed, feed.findall(f"{ATOM}entry")


def test_atom_parses_and_holds_at_most_50_entries(site) -> None:
    _, out = site
    _, entries = atom_entries(out)
    assert len(entries) == 50


def test_atom_is_newest_first_with_updated_from_the_sign_offs(site) -> None:
    _, out = site
    feed, entries = atom_entries(out)
    updated = [datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids[0] == f"{BASE}produk/kpt-52/" and ids[-1] == f"{BASE}produk/kpt-03/"
    for product_id, moment in zip([f"kpt-{n:02d}" for n in range(52, 2, -1)], updated, strict=False):
        assert moment == signed_on(int(product_id[-2:])) + timedelta(hours=2)
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == updated[0]


def test_atom_does_not_depend_on_the_clock(site, tmp_path: Path) -> None:
    kit, out = site
    later = tmp_path / "later"
    assert build(kit.root, later, NOW + timedelta(days=400)).ok
    assert (later / "atom.xml").read_bytes() == (out / "atom.xml").read_bytes()


def test_atom_links_are_absolute(site) -> None:
    _, out = site
    feed, entries = atom_entries(out)
    for element in [feed, *entries]:
        for link in element.findall(f"{ATOM}link"):
            assert link.get("href", "").startswith(BASE)
        assert element.findtext(f"{ATOM}id", "").startswith(BASE)
        assert element.findtext(f"{ATOM}title")


# -- sitemap, api, robots ------------------------------------------------------------------------

def test_sitemap_parses_with_absolute_urls_and_lastmod(site) -> None:
    _, out = site
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP}urlset"
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}
    assert all(loc.startswith(BASE) for loc in urls)
    assert BASE in urls and f"{BASE}statistik/" in urls
    for index, product_id in enumerate(PUBLISHED, start=1):
        assert urls[f"{BASE}produk/{product_id}/"] == signed_on(index).date().isoformat()
    assert not any(WITHHELD in loc for loc in urls)


def test_api_holds_the_whole_published_catalogue(site) -> None:
    _, out = site
    api = json.loads(read(out, "api/produk.json"))
    assert api["jumlah"] == len(PUBLISHED) == len(api["produk"])
    assert sorted(p["id"] for p in api["produk"]) == PUBLISHED
    first = next(p for p in api["produk"] if p["id"] == "kpt-01")
    assert first["url"] == f"{BASE}produk/kpt-01/" and first["tahun"] == 2024 and first["nomor"] == "1"
    assert first["berkas"][0]["url"] == f"{BASE}produk/kpt-01/kpt-01.pdf"
    assert [s["langkah"] for s in first["persetujuan"]] == [2, 3, 4]


def test_robots_names_the_sitemap(site) -> None:
    _, out = site
    assert f"Sitemap: {BASE}sitemap.xml" in read(out, "robots.txt").splitlines()


def test_withheld_product_is_in_no_machine_output(site) -> None:
    _, out = site
    for path in ("feed/document.json", "atom.xml", "sitemap.xml", "api/produk.json", "robots.txt"):
        text = read(out, path)
        assert WITHHELD not in text and "Belum Divalidasi" not in text, path


def test_an_atom_summary_is_the_abstract_cut_at_a_word_and_the_entry_links_its_pdf(kit: SiteKit) -> None:
    """Issue 22: no heading block of capitals first, no word cut in half without an ellipsis."""
    long = " ".join(f"kata{n}" for n in range(200))
    kit.add_product("kpt-1", text=None)
    md = kit.products["kpt-1"]
    md.write_text(md.read_text(encoding="utf-8").replace("- Abstrak untuk", f"- {long}. Abstrak untuk"), encoding="utf-8")
    md.write_text(md.read_text(encoding="utf-8").replace("---\nABSTRAK:", "---\nJUDUL DALAM HURUF BESAR\n\nABSTRAK:"), encoding="utf-8")
    kit.sign_all("kpt-1")
    out = kit.root / "output"
    assert build(kit.root, out, NOW, search=False).ok
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = ET.parse(out / "atom.xml").getroot().find("a:entry", ns)
    summary = entry.find("a:summary", ns).text
    assert summary.startswith("kata0 kata1") and "JUDUL DALAM HURUF BESAR" not in summary
    assert summary.endswith(" …") and summary[:-2].split()[-1].startswith("kata")
    assert all(word.startswith("kata") for word in summary[:-2].split())   # every word whole
    enclosure = entry.find("a:link[@rel='enclosure']", ns)
    assert enclosure.get("type") == "application/pdf" and enclosure.get("href").endswith("/produk/kpt-1/kpt-1.pdf")
