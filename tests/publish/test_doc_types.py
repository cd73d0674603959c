"""All four document types (peraturan, monografi, artikel, putusan): each builds, each page shows its
own fields with the standard's labels, its own citation and schema.org type, and the JDIHN feed maps
each type's fields as docs/fields.md documents."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sitekit import NOW, SiteKit

from jdih_build.pipeline import build

PERATURAN = """\
---
judul: Keputusan Komisi Pemilihan Umum Kota Uji Nomor 5 Tahun 2024 tentang Tim Pengelola JDIH
jenis: Keputusan
singkatan_jenis: Kpt
nomor: "5"
tahun: 2024
tempat_penetapan: Uji
tanggal_penetapan: 2024-01-15
tanggal_pengundangan: 2024-01-16
sumber: BD Kota Uji 2024 (5)
bidang_hukum: Hukum Administrasi Negara
penandatangan: Ketua Uji
pemrakarsa: Subbagian Hukum
subjek:
  - JDIH - TIM PENGELOLA
status: Berlaku
relasi:
  - jenis: mencabut
    target: kpt-lama
    catatan: seluruhnya
berkas:
  - kpt-baru.pdf
---
ABSTRAK:
- Tim pengelola JDIH perlu diperbarui.

CATATAN:
- Mulai berlaku pada tanggal ditetapkan.
"""

PERATURAN_LAMA = """\
---
judul: Keputusan Komisi Pemilihan Umum Kota Uji Nomor 2 Tahun 2020 tentang Tim Pengelola JDIH
jenis: Keputusan
singkatan_jenis: Kpt
nomor: "2"
tahun: 2020
tanggal_penetapan: 2020-02-03
status: Tidak Berlaku
berkas:
  - kpt-lama.pdf
---
ABSTRAK:
- Tim pengelola JDIH tahun 2020.
"""

MONOGRAFI = """\
---
tipe_dokumen: monografi
judul: Pedoman Pengelolaan Dokumentasi Hukum
jenis: Buku Hukum
tahun: 2023
teu_badan: Alfian, M. Aflan
tempat_terbit: Payakumbuh
penerbit: KPU Kota Uji Press
edisi: Edisi kedua
cetakan: "1"
nomor_panggil: 340.12 ALF p
deskripsi_fisik: xi, 25 hlm. ; 21 cm.
klasifikasi: "340.12"
isbn: 978-602-1234-56-7
nomor_induk_buku: "0042/2023"
judul_seri: Seri Dokumentasi Hukum
bidang_hukum: Ilmu Hukum
subjek:
  - DOKUMENTASI HUKUM
berkas:
  - buku-pedoman.pdf
---
Buku panduan pengelolaan dokumentasi hukum.
"""

ARTIKEL = """\
---
tipe_dokumen: artikel
judul: Keterbukaan Informasi Hukum dalam Pemilu
jenis: Artikel Hukum
tahun: 2022
teu_badan: Sari, Dewi
tempat_terbit: Padang
penerbit: Universitas Uji
nama_terbitan: Jurnal Hukum Pemilu
volume: Vol. 3 No. 2
halaman: 45-60
sumber: Jurnal Hukum Pemilu, 2022, Vol. 3 No. 2, hlm. 45-60
subjek:
  - KETERBUKAAN INFORMASI
berkas:
  - artikel-keterbukaan.pdf
---
Artikel tentang keterbukaan informasi hukum.
"""

PUTUSAN = """\
---
tipe_dokumen: putusan
judul: Sengketa Keputusan Penetapan Calon Anggota DPRD Kota Uji
jenis: Putusan PTUN
singkatan_jenis: PTUN
nomor: 12/G/2024/PTUN.PDG
tahun: 2024
pengadilan: Pengadilan Tata Usaha Negara Padang
jenis_peradilan: Tata Usaha Negara
jenis_perkara: Sengketa Proses Pemilu
tingkat_proses: Pertama
tanggal_dibacakan: 2024-03-04
pemohon: Partai Uji
termohon: KPU Kota Uji
amar: Menolak gugatan penggugat untuk seluruhnya
berkekuatan_hukum_tetap: true
subjek:
  - SENGKETA PROSES PEMILU
berkas:
  - putusan-ptun.pdf
---
Ringkasan putusan.
"""

PRODUCTS = {"kpt-baru": PERATURAN, "kpt-lama": PERATURAN_LAMA, "buku-pedoman": MONOGRAFI,
            "artikel-keterbukaan": ARTIKEL, "putusan-ptun": PUTUSAN}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    kit = SiteKit.create(tmp_path_factory.mktemp("jenis") / "site")
    for product_id, text in PRODUCTS.items():
        md = kit.add_product(product_id, text=text, folder=product_id)
        md.with_name(f"{product_id}.pdf").write_bytes(one_page_pdf(product_id))
        kit.sign_all(product_id)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok, report.problems
    assert not report.gate.withheld
    feed = {r["idData"]: r for r in json.loads((out / "feed/document.json").read_text(encoding="utf-8"))}
    return out, feed


def one_page_pdf(title: str) -> bytes:
    """A real one-page PDF (the page count is shown on the product page)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def page(out: Path, product_id: str) -> str:
    return (out / "produk" / product_id / "index.html").read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    """The page as a reader sees it: inline tags dropped, block tags a space, entities decoded, spaces collapsed."""
    inline = re.sub(r"</?(?:a|cite|span|strong|em)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def catalogue_fields(markup: str) -> dict[str, str]:
    """The <dt>/<dd> pairs of the 'Informasi katalog' list."""
    section = markup.split('id="katalog"', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)(?:<span class=\"sr\">: </span>)?</dt>\s*<dd>(.*?)</dd>", section, re.S)
    return {text_of(k): text_of(v) for k, v in pairs}


def jsonld(markup: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', markup, re.S)
    assert block, "no JSON-LD"
    return json.loads(block.group(1))


def citation(markup: str) -> str:
    return text_of(re.search(r'<p class="kutipan"><span class="label">Kutipan:</span> <cite[^>]*>(.*?)</cite>', markup, re.S).group(1))


def test_every_type_builds_with_its_own_page(site) -> None:
    out, feed = site
    assert set(feed) == set(PRODUCTS)
    for product_id in PRODUCTS:
        assert (out / "produk" / product_id / f"{product_id}.pdf").is_file()


def test_peraturan_page(site) -> None:
    out, _ = site
    markup = page(out, "kpt-baru")
    fields = catalogue_fields(markup)
    assert fields["Tipe Dokumen"] == "Peraturan"
    assert fields["Nomor Peraturan"] == "5"
    assert fields["Jenis/Bentuk Peraturan"] == "Keputusan"
    assert fields["Singkatan Jenis/Bentuk Peraturan"] == "Kpt"
    assert fields["Tempat Penetapan"] == "Uji"
    assert fields["Tanggal-Bulan-Tahun Penetapan"] == "15 Januari 2024"
    assert fields["Tanggal-Bulan-Tahun Pengundangan"] == "16 Januari 2024"
    assert fields["Sumber"] == "BD Kota Uji 2024 (5)"
    assert fields["Status"] == "Berlaku"
    assert fields["T.E.U. Badan/Pengarang"] == "Uji (Kota). Komisi Pemilihan Umum"
    assert fields["Penandatangan"] == "Ketua Uji" and fields["Pemrakarsa"] == "Subbagian Hukum"
    page_text = text_of(markup)
    assert "Ditetapkan di Uji pada 15 Januari 2024." in page_text
    assert "ABSTRAK" in page_text and "CATATAN" in page_text
    assert citation(markup) == ("Keputusan Komisi Pemilihan Umum Kota Uji Nomor 5 Tahun 2024 tentang Tim Pengelola JDIH "
                                "(BD Kota Uji 2024 (5))")
    assert '<span class="lencana berlaku">Berlaku</span>' in markup   # the badge is text, not colour alone


def test_relations_both_ways(site) -> None:
    out, _ = site
    newer, older = page(out, "kpt-baru"), page(out, "kpt-lama")
    assert re.search(r'Mencabut</span> <a href="../../produk/kpt-lama/">', newer)
    assert re.search(r'Dicabut dengan</span> <a href="../../produk/kpt-baru/">', older)
    assert '<span class="lencana tidak-berlaku">Tidak Berlaku</span>' in older


def test_peraturan_jsonld_is_legislation_with_repeals(site) -> None:
    out, _ = site
    data = jsonld(page(out, "kpt-baru"))
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "Kpt 5 Tahun 2024"   # issue 22: with the year
    assert data["legislationJurisdiction"] == {"@type": "Country", "name": "Indonesia", "identifier": "ID"}
    assert "spatialCoverage" not in data and data["locationCreated"]["@type"] == "Place"
    assert data["encoding"][0]["encodingFormat"] == "application/pdf" and data["encoding"][0]["contentSize"].endswith(" B")
    assert data["legislationDate"] == "2024-01-15"
    assert data["legislationLegalForce"] == "https://schema.org/InForce"
    assert data["legislationRepeals"] == [{"@id": "https://jdih.uji.example/produk/kpt-lama/"}]
    assert data["inLanguage"] == "id"
    older = jsonld(page(out, "kpt-lama"))
    assert older["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert "legislationRepeals" not in older   # the derived direction is not a repeal


def test_monografi_page(site) -> None:
    out, _ = site
    markup = page(out, "buku-pedoman")
    fields = catalogue_fields(markup)
    assert fields["Tipe Dokumen"] == "Monografi Hukum"
    assert fields["T.E.U. Badan/Pengarang"] == "Alfian, M. Aflan"
    expected = {"Tahun Terbit": "2023", "Tempat Terbit": "Payakumbuh", "Penerbit": "KPU Kota Uji Press",
                "Edisi": "Edisi kedua", "Cetakan": "1", "Nomor Panggil": "340.12 ALF p",
                "Deskripsi Fisik": "xi, 25 hlm. ; 21 cm.", "Klasifikasi": "340.12", "ISBN": "978-602-1234-56-7",
                "Nomor Induk Buku": "0042/2023", "Judul Seri": "Seri Dokumentasi Hukum"}
    for label, value in expected.items():
        assert fields[label] == value, label
    assert "Nomor Peraturan" not in fields and "Tempat Penetapan" not in fields
    card = text_of(markup.split('id="bibliografi"', 1)[1].split("</section>", 1)[0])
    assert "Deskripsi bibliografis" in card
    assert ("Pedoman Pengelolaan Dokumentasi Hukum. — Edisi kedua. — Payakumbuh : KPU Kota Uji Press, 2023." in card)
    assert "xi, 25 hlm. ; 21 cm. — (Seri Dokumentasi Hukum)" in card
    assert "ISBN 978-602-1234-56-7" in card and "340.12 ALF p" in card
    assert citation(markup) == ("Alfian, M. Aflan (2023). Pedoman Pengelolaan Dokumentasi Hukum. Edisi kedua. "
                                "Payakumbuh: KPU Kota Uji Press.")
    data = jsonld(markup)
    assert data["@type"] == "Book"
    assert data["isbn"] == "978-602-1234-56-7" and data["bookEdition"] == "Edisi kedua"
    assert data["author"] == {"@type": "Person", "name": "Alfian, M. Aflan"}
    assert data["publisher"]["name"] == "KPU Kota Uji Press"
    assert "legislationIdentifier" not in data


def test_artikel_page(site) -> None:
    out, _ = site
    markup = page(out, "artikel-keterbukaan")
    fields = catalogue_fields(markup)
    assert fields["Tipe Dokumen"] == "Artikel Hukum"
    for label, value in {"Nama Terbitan": "Jurnal Hukum Pemilu", "Volume": "Vol. 3 No. 2", "Halaman": "45-60",
                         "Tempat Terbit": "Padang", "Penerbit": "Universitas Uji",
                         "Sumber": "Jurnal Hukum Pemilu, 2022, Vol. 3 No. 2, hlm. 45-60"}.items():
        assert fields[label] == value, label
    source = text_of(markup.split('id="sumber-artikel"', 1)[1].split("</section>", 1)[0])
    assert "Jurnal Hukum Pemilu, Vol. 3 No. 2, hlm. 45-60" in source
    assert "Padang : Universitas Uji, 2022" in source
    assert citation(markup) == ("Sari, Dewi (2022). \u201cKeterbukaan Informasi Hukum dalam Pemilu\u201d. "
                                "Jurnal Hukum Pemilu, Vol. 3 No. 2, hlm. 45-60.")
    data = jsonld(markup)
    assert data["@type"] == "ScholarlyArticle"
    assert data["isPartOf"]["@type"] == "PublicationVolume"
    assert data["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "Jurnal Hukum Pemilu"}
    assert data["pagination"] == "45-60"


def test_putusan_page(site) -> None:
    out, _ = site
    markup = page(out, "putusan-ptun")
    fields = catalogue_fields(markup)
    assert fields["Tipe Dokumen"] == "Putusan"
    for label, value in {"Nomor Putusan": "12/G/2024/PTUN.PDG", "Jenis Putusan": "Putusan PTUN",
                         "Lembaga Peradilan": "Pengadilan Tata Usaha Negara Padang",
                         "Jenis Peradilan": "Tata Usaha Negara", "Jenis Perkara": "Sengketa Proses Pemilu",
                         "Tingkat Proses": "Pertama", "Tanggal Dibacakan": "4 Maret 2024",
                         "Pemohon": "Partai Uji", "Termohon": "KPU Kota Uji",
                         "Amar Putusan": "Menolak gugatan penggugat untuk seluruhnya",
                         "Berkekuatan Hukum Tetap": "Ya"}.items():
        assert fields[label] == value, label
    summary = text_of(markup.split('id="ringkasan-putusan"', 1)[1].split("</section>", 1)[0])
    assert "Partai Uji (pemohon) melawan KPU Kota Uji (termohon)" in summary
    assert "Tanggal dibacakan 4 Maret 2024" in summary
    assert "Berkekuatan hukum tetap" in summary
    assert citation(markup) == ("Putusan Pengadilan Tata Usaha Negara Padang Nomor 12/G/2024/PTUN.PDG tanggal "
                                "4 Maret 2024, Sengketa Keputusan Penetapan Calon Anggota DPRD Kota Uji")
    data = jsonld(markup)
    assert data["@type"] == "CreativeWork"
    assert data["identifier"] == "12/G/2024/PTUN.PDG" and data["dateCreated"] == "2024-03-04"
    assert data["creator"]["name"] == "Pengadilan Tata Usaha Negara Padang"
    assert "legislationIdentifier" not in data


@pytest.mark.parametrize("product_id", list(PRODUCTS))
def test_every_page_has_the_common_parts(site, product_id: str) -> None:
    out, _ = site
    markup = page(out, product_id)
    jsonld(markup)   # parses
    assert '<h2 id="abstrak">Abstrak</h2>' in markup
    assert f'<object data="./{product_id}.pdf" type="application/pdf"' in markup   # the browser's own viewer
    assert re.search(rf'{product_id}\.pdf</a>\s*<span class="ukuran">\(\d+ bita, 1 halaman\)</span>', markup)
    assert '<h2 id="riwayat">Riwayat validasi</h2>' in markup and "Citra Pengarah" in markup
    assert '<p class="kutipan">' in markup
    assert 'href="../../assets/cetak.css" media="print"' in markup
    assert "<iframe" not in markup and "http://" not in markup.replace("http://www.w3.org", "")


def test_feed_maps_each_type(site) -> None:
    _, feed = site
    peraturan, monografi, artikel, putusan = (feed[i] for i in ("kpt-baru", "buku-pedoman", "artikel-keterbukaan",
                                                                "putusan-ptun"))
    assert peraturan["noPeraturan"] == "5" and peraturan["jenis"] == "Keputusan"
    assert peraturan["tanggal_penetapan"] == "2024-01-15" and peraturan["tanggal_pengundangan"] == "2024-01-16"
    assert peraturan["tempatTerbit"] == "Uji" and peraturan["sumber"] == "BD Kota Uji 2024 (5)"
    for key in ("noPanggil", "penerbit", "deskripsiFisik", "isbn", "nomorIndukBuku"):
        assert peraturan[key] == "-", key   # "dikosongkan atau diisi '-'" for a peraturan
    assert monografi["noPanggil"] == "340.12 ALF p"
    assert monografi["penerbit"] == "KPU Kota Uji Press"
    assert monografi["deskripsiFisik"] == "xi, 25 hlm. ; 21 cm."
    assert monografi["isbn"] == "978-602-1234-56-7"
    assert monografi["nomorIndukBuku"] == "0042/2023"
    assert monografi["tempatTerbit"] == "Payakumbuh"
    assert monografi["teuBadan"] == "Alfian, M. Aflan"
    assert monografi["tahun_pengundangan"] == "2023"
    assert monografi["tanggal_penetapan"] == "" and monografi["tanggal_pengundangan"] == ""   # no date, none invented
    assert monografi["noPeraturan"] == "-" and monografi["status"] == "-"
    assert monografi["jenis"] == "Buku Hukum"
    assert artikel["tempatTerbit"] == "Padang" and artikel["penerbit"] == "Universitas Uji"
    assert artikel["sumber"] == "Jurnal Hukum Pemilu, 2022, Vol. 3 No. 2, hlm. 45-60"
    assert artikel["noPanggil"] == "-" and artikel["isbn"] == "-" and artikel["deskripsiFisik"] == "-"
    assert artikel["tahun_pengundangan"] == "2022"
    assert putusan["noPeraturan"] == "12/G/2024/PTUN.PDG"
    assert putusan["tanggal_penetapan"] == "2024-03-04" and putusan["tanggal_pengundangan"] == "2024-03-04"
    assert putusan["tahun_pengundangan"] == "2024"
    assert putusan["tempatTerbit"] == "Pengadilan Tata Usaha Negara Padang"
    assert putusan["singkatanJenis"] == "PTUN"
    assert putusan["penerbit"] == "-" and putusan["isbn"] == "-"
    for record in feed.values():
        assert all(isinstance(v, str) for v in record.values())
        assert record["urlDetailPeraturan"] == f"https://jdih.uji.example/produk/{record['idData']}/"
        assert record["fileDownload"] == f"{record['idData']}.pdf"
