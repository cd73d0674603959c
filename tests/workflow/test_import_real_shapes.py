"""Issue 20: real member feeds move in, written here in the shapes real systems produce.

- The old BPHN member template: 24 keys, no tanggal_penetapan and no abstract, PHP json_encode's escapes
  (`\\/`, `\\uXXXX`), every value a string or null, one row per attachment x subject x author.
- BPHN's 2024 template: 26 keys, tanggal_penetapan and urlAbstrak, fileDownload an attachment's title,
  urlDetailPeraturan like https://host/dokumen/view?id=469.
- A home-grown CMS: no tanggal_penetapan, "-" for what does not apply, sumber the page body with tags
  stripped (\\r\\n, &nbsp;), subjek a category slug, index.php?r=...&id=39 addresses."""

from __future__ import annotations

import io
import json
import time
import tomllib
from pathlib import Path

import pytest
from sitekit import SiteKit

from jdih_build.load.site import load_site
from jdih_build.workflow.catalogue.import_command import run_import

KEYS = ("idData", "tahun_pengundangan", "tanggal_pengundangan", "jenis", "noPeraturan", "judul", "noPanggil",
        "singkatanJenis", "tempatTerbit", "penerbit", "deskripsiFisik", "sumber", "subjek", "isbn", "status", "bahasa",
        "bidangHukum", "teuBadan", "nomorIndukBuku", "urlDetailPeraturan", "fileDownload", "urlDownload", "operasi",
        "display")


def row(id_data: int, **values: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {k: None for k in KEYS}
    base.update({"idData": str(id_data), "tahun_pengundangan": "2021", "tanggal_pengundangan": "2021-03-04",
                 "jenis": "Keputusan KPU Kota", "noPeraturan": str(id_data), "singkatanJenis": "Kpts",
                 "judul": f"Keputusan KPU Kota Contoh Nomor {id_data} Tahun 2021 tentang Penetapan Ke-{id_data}",
                 "tempatTerbit": "Contoh", "sumber": "-", "status": "Berlaku", "bahasa": "Indonesia",
                 "bidangHukum": "Hukum Tata Negara", "teuBadan": "Contoh (Kota). Komisi Pemilihan Umum",
                 "urlDetailPeraturan": f"https://jdih.contoh.example/detail/{id_data}",
                 "fileDownload": f"kpts-{id_data}-2021.pdf",
                 "urlDownload": f"https://jdih.contoh.example/uploads/kpts-{id_data}-2021.pdf", "operasi": "4", "display": "1"})
    base.update(values)
    return base


def php_json(records: list[dict[str, str | None]]) -> str:
    """As PHP's json_encode writes it by default: non-ASCII as \\uXXXX, slashes escaped."""
    return json.dumps(records, ensure_ascii=True).replace("/", "\\/")


def old_feed(count: int) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for number in range(1, count + 1):
        rows.append(row(number, subjek="PEMILIHAN UMUM"))
        rows.append(row(number, subjek="Ira Willis Kesumadoty Yusuf, SE.,MM Sebagai Bunda Literasi"))   # a comma inside
        if number % 5 == 0:      # a lampiran: another row per subject
            rows.append(row(number, subjek="PEMILIHAN UMUM", fileDownload=f"kpts-{number}-2021-lampiran.pdf",
                            urlDownload=f"https://jdih.contoh.example/uploads/kpts-{number}-2021-lampiran.pdf"))
    rows.append(row(count + 1, jenis="BUKU HUKUM", noPeraturan="-", judul="Pemilu dan Demokrasi Lokal",
                    penerbit="Pustaka Caf\u00e9", isbn="ISBN 978-602-5562-23-5", deskripsiFisik="xii, 120 hlm",
                    singkatanJenis="-", tanggal_pengundangan="2019-05-01", tahun_pengundangan="2019", teuBadan=None,
                    subjek="DEMOKRASI"))
    return rows


def test_the_old_template_imports_merged_and_faithful(kit: SiteKit, tmp_path: Path) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text() + '\n[tool.jdih.jenis]\n"Keputusan" = "Kpt"\n', encoding="utf-8")
    rows = old_feed(40)
    feed = tmp_path / "document.json"
    feed.write_text(php_json(rows), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    code = run_import(kit.root, feed, None, False, out, err)
    took = time.monotonic() - started
    assert code == 0, err.getvalue()
    said = out.getvalue()
    assert "41 record(s): 41 new" in said and f"({len(rows)} rows in the feed" in said, said
    assert '"Keputusan KPU Kota" = "Kpts"' in said                                # the new jenis, said
    jenis = tomllib.loads(settings.read_text())["tool"]["jdih"]["jenis"]
    assert jenis["Keputusan KPU Kota"] == "Kpts" and jenis["Keputusan"] == "Kpt"
    site, problems = load_site(kit.root)
    assert site is not None, [str(p) for p in problems.sorted()]
    products = {p.id: p for p in site.products}
    assert len(products) == 41
    first = next(p for p in products.values() if p.nomor == "5")
    assert first.tanggal_penetapan is not None and str(first.tanggal_penetapan) == "2021-03-04"   # from pengundangan
    assert first.subjek == ("PEMILIHAN UMUM", "Ira Willis Kesumadoty Yusuf, SE.,MM Sebagai Bunda Literasi")
    assert "lampiran" in err.getvalue()                                                # the second attachment, named
    book = next(p for p in products.values() if p.tipe_dokumen == "monografi")
    assert book.extra_fields.get("isbn") == "978-602-5562-23-5" and book.extra_fields.get("penerbit") == "Pustaka Caf\u00e9"
    again_out, again_err = io.StringIO(), io.StringIO()
    assert run_import(kit.root, feed, None, False, again_out, again_err) == 0
    assert "0 new, 0 updated, 41 unchanged" in again_out.getvalue(), again_out.getvalue()
    assert took < 30


def test_a_new_jenis_can_be_refused(kit: SiteKit, tmp_path: Path) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text() + '\n[tool.jdih.jenis]\n"Keputusan" = "Kpt"\n', encoding="utf-8")
    before = settings.read_text()
    feed = tmp_path / "document.json"
    feed.write_text(php_json(old_feed(3)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_import(kit.root, feed, None, False, out, err, refuse_new_jenis=True) == 1
    assert "--jenis-baru tolak" in err.getvalue() and settings.read_text() == before


def feed_2024(count: int) -> list[dict[str, str]]:
    return [{"idData": str(400 + i), "tahun_pengundangan": "2023", "tanggal_penetapan": f"2023-02-{i % 28 + 1:02d}",
             "tanggal_pengundangan": f"2023-02-{i % 28 + 1:02d}", "jenis": "Keputusan KPU Kabupaten", "noPeraturan": str(i),
             "judul": f"Keputusan KPU Kabupaten Contoh Nomor {i} Tahun 2023 tentang Hal {i}", "noPanggil": "-",
             "singkatanJenis": "Kpts", "tempatTerbit": "Contoh", "penerbit": "-", "deskripsiFisik": "-", "sumber": "-",
             "subjek": "PEMILU", "isbn": "-", "status": "Berlaku", "bahasa": "Indonesia", "bidangHukum": "Hukum Tata Negara",
             "teuBadan": "Contoh (Kabupaten). Komisi Pemilihan Umum", "nomorIndukBuku": "-", "abstrak": "-",
             "last_updated": "2024-01-02 10:00:00", "urlAbstrak": "-",
             "urlDetailPeraturan": f"https://jdih.contoh.example/dokumen/view?id={400 + i}",
             "fileDownload": f"Keputusan Nomor {i}", "urlDownload": f"https://jdih.contoh.example/common/dokumen/2023kpts{i}.pdf",
             "operasi": "4", "display": "1"} for i in range(1, count + 1)]


def feed_cms(count: int) -> list[dict[str, str]]:
    return [{"idData": str(i), "tahun_pengundangan": "2022", "tanggal_pengundangan": f"2022-05-{i % 28 + 1:02d}",
             "jenis": "Peraturan KPU", "noPeraturan": str(i), "judul": f"Peraturan KPU Nomor {i} Tahun 2022 tentang Tahapan {i}",
             "noPanggil": "-", "singkatanJenis": "PKPU", "tempatTerbit": "Jakarta", "penerbit": "-", "deskripsiFisik": "-",
             "sumber": "BERITA NEGARA\r\nREPUBLIK&nbsp;INDONESIA No. 123", "subjek": "tahapan-pemilu", "isbn": "-",
             "status": "Berlaku", "bahasa": "Indonesia", "bidangHukum": "-", "teuBadan": "-", "nomorIndukBuku": "-",
             "urlDetailPeraturan": f"https://jdih.contoh.example/index.php?r=produk-hukum%2Fdetail-produk-hukum&id={i}",
             "fileDownload": "-", "urlDownload": f"https://jdih.contoh.example/uploads/pkpu-{i}-2022.pdf",
             "operasi": "4", "display": "1"} for i in range(1, count + 1)]


@pytest.mark.parametrize("make", [feed_2024, feed_cms])
def test_the_2024_template_and_a_home_grown_cms_import_whole(kit: SiteKit, tmp_path: Path, make) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text() + '\n[tool.jdih.jenis]\n"Peraturan KPU" = "PKPU"\n', encoding="utf-8")
    records = make(60)
    feed = tmp_path / "document.json"
    feed.write_text(php_json(records), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_import(kit.root, feed, None, False, out, err) == 0, err.getvalue()
    site, problems = load_site(kit.root)
    assert site is not None, [str(p) for p in problems.sorted()]
    assert len(site.products) >= 0.95 * len(records)
    sample = next(p for p in site.products if p.nomor == "7")
    assert sample.id in ("kpts-7-2023", "pkpu-7-2022")                 # the office's own kind of id
    assert sample.id_jdihn in ("407", "7") and sample.alamat_lama and sample.tanggal_penetapan is not None
    if make is feed_cms:
        assert sample.sumber == "BERITA NEGARA REPUBLIK INDONESIA No. 123" and sample.subjek == ("tahapan-pemilu",)
    again = io.StringIO()
    assert run_import(kit.root, feed, None, False, again, io.StringIO()) == 0
    assert "0 new, 0 updated, 60 unchanged" in again.getvalue()


def test_ildis_oddities_import_and_check_names_what_is_missing(kit: SiteKit, tmp_path: Path) -> None:
    """Articles without a place, a putusan without its court, a book with an empty jenis, an impossible date,
    urlDownload null or a folder, an abstract that is a file name: imported; what publication still needs
    is written as "(belum diisi)" and `check` names it with its fix; nothing is refused."""
    from jdih_build.load.completeness import PENDING, unfinished

    base = row(1)
    records = [
        {**base, "idData": "1", "jenis": "OPINI PAKAR HUKUM", "noPeraturan": "-", "tempatTerbit": "", "sumber": "Opini 2021",
         "judul": "Menakar Pemilu Serentak", "urlDownload": None, "fileDownload": None},
        {**base, "idData": "2", "jenis": "ARTIKEL HUKUM", "noPeraturan": "-", "tempatTerbit": None, "sumber": None,
         "judul": "Artikel Tanpa Sumber", "urlDownload": "https://jdih.contoh.example/common/dokumen/"},
        {**base, "idData": "3", "jenis": "PUTUSAN MAHKAMAH AGUNG", "noPeraturan": "12/P/2021", "tempatTerbit": "",
         "judul": "Putusan Nomor 12/P/2021"},
        {**base, "idData": "4", "jenis": "", "noPeraturan": "-", "penerbit": "Pustaka", "isbn": "978-602-1234-56-7",
         "deskripsiFisik": "x, 90 hlm", "tempatTerbit": "Padang", "judul": "Buku Tanpa Jenis"},
        {**base, "idData": "5", "tanggal_pengundangan": "0202-01-11", "tahun_pengundangan": "2020",
         "judul": "Keputusan Bertanggal Mustahil"},
    ]
    feed = tmp_path / "document.json"
    feed.write_text(php_json(records), encoding="utf-8")
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text() + '\n[tool.jdih.jenis]\n"Keputusan KPU Kota" = "Kpts"\n', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_import(kit.root, feed, None, False, out, err)
    site, problems = load_site(kit.root)
    assert site is not None, [str(p) for p in problems.sorted()]
    types = {p.judul: p.tipe_dokumen for p in site.products}
    assert types.get("Menakar Pemilu Serentak") == "artikel" and types.get("Buku Tanpa Jenis") == "monografi"
    assert types.get("Putusan Nomor 12/P/2021") == "putusan"
    assert len(site.products) >= 4, (out.getvalue(), err.getvalue())      # the impossible date alone may be refused
    pending = {p.judul: [u.message for u in unfinished(p) if PENDING in u.message] for p in site.products}
    assert pending["Menakar Pemilu Serentak"] and pending["Putusan Nomor 12/P/2021"] and pending["Artikel Tanpa Sumber"]
    assert not pending["Buku Tanpa Jenis"]
    assert code in (0, 1)


def test_an_unknown_author_stays_unknown(kit: SiteKit, tmp_path: Path) -> None:
    """A null teuBadan is not the office: the book by someone else is not credited to the KPU."""
    feed = tmp_path / "document.json"
    feed.write_text(php_json([row(1, jenis="BUKU HUKUM", noPeraturan="-", penerbit="Pustaka", tempatTerbit="Padang",
                                  judul="Buku Orang Lain", teuBadan=None)]), encoding="utf-8")
    run_import(kit.root, feed, None, False, io.StringIO(), io.StringIO())
    site, _problems = load_site(kit.root)
    assert site is not None
    [book] = site.products
    assert book.teu_badan == "-" and site.config.instansi not in (book.teu_badan or "")
