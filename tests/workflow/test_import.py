"""Issue 12: `jdih import FEED [--files DIR] [--dry-run]` brings an existing catalogue in from the JDIHN
member feed: the ILDIS record and its type variants, the legacy v1 shape, the tolerance real feeds
need, a broken record among good ones, stable ids, the round trip of this tool's own feed, 1,000 records."""

from __future__ import annotations

import copy
import io
import json
import shutil
import time
from pathlib import Path

import pytest
from sitekit import MINIMAL_PDF, NOW, REPO, SiteKit, tree_bytes

from jdih_build.cli.main import main
from jdih_build.load.site import load_site
from jdih_build.pipeline import build
from jdih_build.workflow.catalogue import import_write
from jdih_build.workflow.catalogue.import_command import run_import

# shared/domain/jdih-standard.md 1.3, verbatim: BPHN's ILDIS sample, record 1.
ILDIS = {
    "idData": "1", "tahun_pengundangan": "2024", "tanggal_penetapan": "2024-01-01", "tanggal_pengundangan": "2024-01-01",
    "jenis": "UNDANG-UNDANG", "noPeraturan": "1", "judul": "Tesla", "noPanggil": None, "singkatanJenis": "UU",
    "tempatTerbit": "Indonesia", "penerbit": None, "deskripsiFisik": None, "sumber": "BN 2024(1): 100 hlm", "isbn": None,
    "status": "Berlaku", "bahasa": "Indonesia", "bidangHukum": "Hukum Dagang", "teuBadan": None, "nomorIndukBuku": None,
    "abstrak": "tesabstrak.pdf", "last_updated": "2024-11-15 14:14:51",
    "urlAbstrak": "http://ildis-frontend.test/common/dokumen/tesabstrak.pdf",
    "urlDetailPeraturan": "http://ildis-frontend.test/dokumen/view?id=1", "fileDownload": "-", "urlDownload": "-",
    "subjek": "", "operasi": "4", "display": "1",
}
MONOGRAFI = {**ILDIS, "idData": "2", "jenis": "BUKU HUKUM", "judul": "Hukum Pemilu di Indonesia", "noPeraturan": "-",
             "noPanggil": "347.732 BAD X", "deskripsiFisik": "xi, 25 hal ; 21 cm.", "isbn": "978-602-1234-56-7",
             "penerbit": "Pustaka Hukum", "tempatTerbit": "Jakarta", "singkatanJenis": "-", "tanggal_penetapan": None,
             "tanggal_pengundangan": None, "status": "-"}
ARTIKEL = {**ILDIS, "idData": "3", "jenis": "MAJALAH HUKUM", "judul": "Menata JDIH di Daerah", "noPeraturan": "-",
           "sumber": "Jurnal Legislasi 4(2): 45-60", "tempatTerbit": "Padang", "singkatanJenis": "-", "status": None,
           "tanggal_penetapan": "", "tanggal_pengundangan": "-"}
PUTUSAN = {**ILDIS, "idData": "4", "jenis": "PUTUSAN MAHKAMAH AGUNG", "judul": "Putusan Nomor 1/A/2024/PT.TUN.JKT",
           "noPeraturan": "1/A/2024/PT.TUN.JKT", "tempatTerbit": "Pengadilan Tinggi TUN Jakarta", "singkatanJenis": "-",
           "tanggal_penetapan": "2024-03-05", "tanggal_pengundangan": "2024-03-05", "status": None}
# The 2014-era v1 shape (JDIH Kab. Bandung): other keys, integers where strings belong.
LEGACY = {"tanggalData": "2015-02-01", "idData": 77, "jenis": "Peraturan Bupati", "urlDownload": "http://jdih.example/f/perbup-5.pdf",
          "urlDetailPeraturan": "http://jdih.example/p/77", "tanggal": "2014-12-30", "tahun": 2014, "operasi": 4,
          "noPeraturan": 5, "judul": "Peraturan Bupati Nomor 5 Tahun 2014 tentang <b>Uji</b>", "fileDownload": "perbup-5.pdf",
          "hasilUjiMateriMk": "", "abstrak": "<p>Menimbang: perlu diatur.</p><p>Mengingat: UU 23/2014.</p>",
          "katalog": "", "status": "berlaku", "idkategori": 11501, "display": 1}


def feed_file(tmp_path: Path, records: object, name: str = "document.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def run(kit: SiteKit, feed: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    files = Path(args[args.index("--files") + 1]) if "--files" in args else None
    code = run_import(kit.root, feed, files, "--dry-run" in args, out, err)
    return code, out.getvalue(), err.getvalue()


def products(kit: SiteKit) -> dict[str, object]:
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    return {p.id: p for p in site.products}


def test_the_ildis_record_and_its_type_variants(kit: SiteKit, tmp_path: Path) -> None:
    code, out, err = run(kit, feed_file(tmp_path, [ILDIS, MONOGRAFI, ARTIKEL, PUTUSAN]))
    assert code == 0, err
    found = products(kit)
    uu = found["uu-1-2024"]
    assert (uu.tipe_dokumen, uu.jenis, uu.singkatan_jenis, uu.nomor, uu.tahun) == ("peraturan", "Undang-Undang", "UU", "1", 2024)
    assert str(uu.tanggal_penetapan) == "2024-01-01" and uu.tanggal_pengundangan is None   # a copied date is not kept
    assert (uu.status, uu.sumber, uu.bidang_hukum, uu.tempat_penetapan) == ("Berlaku", "BN 2024(1): 100 hlm", "Hukum Dagang", "Indonesia")
    assert uu.abstrak == "" and "the abstract is a file (tesabstrak.pdf), not found" in err
    book = next(p for p in found.values() if p.tipe_dokumen == "monografi")
    assert book.jenis is None and book.extra_fields == {"penerbit": "Pustaka Hukum", "tempat_terbit": "Jakarta",
                                                         "nomor_panggil": "347.732 BAD X", "deskripsi_fisik": "xi, 25 hal ; 21 cm.",
                                                         "isbn": "978-602-1234-56-7"}
    article = next(p for p in found.values() if p.tipe_dokumen == "artikel")
    assert article.sumber == "Jurnal Legislasi 4(2): 45-60" and article.extra_fields["tempat_terbit"] == "Padang"
    verdict = next(p for p in found.values() if p.tipe_dokumen == "putusan")
    assert verdict.jenis == "Putusan Mahkamah Agung" and verdict.nomor == "1/A/2024/PT.TUN.JKT"
    assert verdict.extra_fields["pengadilan"] == "Pengadilan Tinggi TUN Jakarta"
    assert str(verdict.extra_fields["tanggal_dibacakan"]) == "2024-03-05"
    assert not any((kit.root / "approvals").glob("*/*.yaml"))   # an import writes no sign-off


def test_the_legacy_shape_html_and_a_wrapped_feed(kit: SiteKit, tmp_path: Path) -> None:
    (tmp_path / "dokumen" / "f").mkdir(parents=True)
    (tmp_path / "dokumen" / "f" / "perbup-5.pdf").write_bytes(MINIMAL_PDF)
    code, out, err = run(kit, feed_file(tmp_path, {"status": "ok", "data": [LEGACY]}), "--files", str(tmp_path / "dokumen"))
    assert code == 0, err
    [p] = products(kit).values()
    assert p.id == "peraturan-bupati-5-2014" and p.nomor == "5" and p.tahun == 2014
    assert p.judul == "Peraturan Bupati Nomor 5 Tahun 2014 tentang Uji" and p.status == "Berlaku"
    assert p.abstrak == "Menimbang: perlu diatur.\n\nMengingat: UU 23/2014."   # as the office wrote it
    assert [a.name for a in p.berkas] == ["perbup-5.pdf"] and p.berkas[0].sha256 == __import__("hashlib").sha256(MINIMAL_PDF).hexdigest()


def test_the_tolerance_real_feeds_need(kit: SiteKit, tmp_path: Path) -> None:
    record = {k.lower(): v for k, v in ILDIS.items()}   # lower-case keys, as some members write them
    record.update({"tanggal_pengundangan": "1970-01-01", "deskripsifisik": "-", "urlabstrak": "", "lastUpdated": None,
                   "judul": "  Keputusan&nbsp;tentang <i>Uji</i>  ", "bidanghukum": 7, "subjek": "PEMILU; PILKADA, UJI"})
    code, out, err = run(kit, feed_file(tmp_path, [record]))
    assert code == 0, err
    [p] = products(kit).values()
    assert p.judul == "Keputusan tentang Uji" and p.tanggal_pengundangan is None and p.bidang_hukum == "7"
    assert p.subjek == ("PEMILU", "PILKADA, UJI")   # split on semicolons only: real subjects hold commas
    assert "tanggal_pengundangan: '1970-01-01' is not a real date here" in err


def test_a_broken_record_is_reported_and_the_rest_imported(kit: SiteKit, tmp_path: Path) -> None:
    broken = {**ILDIS, "idData": "9", "tanggal_penetapan": "2024-02-30", "tahun_pengundangan": None, "tanggal_pengundangan": None}
    code, out, err = run(kit, feed_file(tmp_path, [ILDIS, broken, "not a record", {**PUTUSAN, "judul": None}]))
    assert code == 1
    assert "not imported: record 1 (idData 9): " in err and "no year" in err
    assert "not imported: record 2 (idData -): the record is not an object" in err
    assert "not imported: record 3 (idData 4): it has no judul" in err
    assert set(products(kit)) == {"uu-1-2024"}


def test_a_second_import_updates_and_never_duplicates(kit: SiteKit, tmp_path: Path) -> None:
    feed = feed_file(tmp_path, [ILDIS, MONOGRAFI])
    assert run(kit, feed)[0] == 0
    before = tree_bytes(kit.root / "content")
    code, out, _ = run(kit, feed)
    assert code == 0 and "2 record(s): 0 new, 0 updated, 2 unchanged" in out
    assert tree_bytes(kit.root / "content") == before
    changed = copy.deepcopy(ILDIS)
    changed["judul"] = "Tesla Baru"
    code, out, _ = run(kit, feed_file(tmp_path, [changed, MONOGRAFI]))
    assert "updated content/" in out and len(products(kit)) == 2 and products(kit)["uu-1-2024"].judul == "Tesla Baru"


def test_a_product_edited_since_the_import_is_left_as_it_is(kit: SiteKit, tmp_path: Path) -> None:
    feed = feed_file(tmp_path, [ILDIS])
    run(kit, feed)
    md = next((kit.root / "content").rglob("uu-1-2024.md"))
    md.write_text(md.read_text(encoding="utf-8") + "\nABSTRAK:\n\n- Ditulis editor.\n", encoding="utf-8")
    edited = md.read_bytes()
    changed = {**ILDIS, "judul": "Tesla Lagi"}
    code, out, err = run(kit, feed_file(tmp_path, [changed]))
    assert md.read_bytes() == edited and "was edited since the import: left as it is" in err


def test_an_id_held_by_a_product_the_import_did_not_write_is_never_taken(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("uu-1-2024")
    before = tree_bytes(kit.root / "content")
    code, out, err = run(kit, feed_file(tmp_path, [ILDIS]))
    assert code == 1 and "which the import did not write" in err
    assert tree_bytes(kit.root / "content") == before


def test_dry_run_writes_nothing(kit: SiteKit, tmp_path: Path) -> None:
    before = tree_bytes(kit.root)
    code, out, err = run(kit, feed_file(tmp_path, [ILDIS, MONOGRAFI]), "--dry-run")
    assert code == 0 and out.count("would write ") == 2 and "dry run, nothing written" in out
    assert tree_bytes(kit.root) == before


def test_a_missing_main_text_is_reported_and_the_product_still_written(kit: SiteKit, tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    record = {**ILDIS, "fileDownload": "uu-1-2024.pdf", "urlDownload": "http://x.example/uu/uu-1-2024.pdf"}
    code, out, err = run(kit, feed_file(tmp_path, [record]), "--files", str(tmp_path / "files"))
    assert code == 0 and "record 0 (idData 1): the main text uu-1-2024.pdf was not found in" in err
    assert products(kit)["uu-1-2024"].berkas == ()
    assert main(["check", "--site", str(kit.root)]) == 1   # a peraturan without its main text does not pass check


def test_a_failed_write_leaves_content_as_it_was(kit: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kit.add_product("kpt-ada")
    before = tree_bytes(kit.root / "content")
    real = import_write.os.replace
    calls = []

    def failing(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(import_write.os, "replace", failing)
    code, out, err = run(kit, feed_file(tmp_path, [ILDIS, MONOGRAFI, ARTIKEL]))
    assert code == 1 and "content/ was left as it was" in err
    assert tree_bytes(kit.root / "content") == before


def test_the_round_trip_of_this_tools_own_feed(tmp_path: Path) -> None:
    """Import the shipped site's feed (with --files at its output) into an empty site, sign, build:
    every record of the feed is the same again, field by field (but last_updated, the time of the
    last sign-off, which a feed does not carry)."""
    first = build(REPO, tmp_path / "out", NOW)
    assert first.ok
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    shutil.copy2(REPO / "pyproject.toml", site)
    (site / "approvals").mkdir()
    for name in ("sop.yaml", "petugas.yaml"):
        shutil.copy2(REPO / "approvals" / name, site / "approvals" / name)
    shutil.copytree(REPO / "templates", site / "templates")
    kit = SiteKit(site)
    code, out, err = run(kit, tmp_path / "out" / "feed" / "document.json", "--files", str(tmp_path / "out"))
    assert code == 0, err
    for step, who, at in ((4, "Rina Marlina", "09:00"), (5, "Yulia Rahmi", "09:30"), (7, "Hendra Saputra", "10:00"),
                          (8, "Beni Mustika", "10:30")):
        assert main(["approve", "--site", str(site), "--waiting", "--step", str(step), "--by", who,
                     "--at", f"2024-05-01T{at}:00+07:00"]) == 0
    second = build(site, tmp_path / "out2", NOW)
    assert second.ok and not second.gate.withheld
    old = {r["idData"]: r for r in json.loads((tmp_path / "out" / "feed" / "document.json").read_text(encoding="utf-8"))}
    new = {r["idData"]: r for r in json.loads((tmp_path / "out2" / "feed" / "document.json").read_text(encoding="utf-8"))}
    assert sorted(new) == sorted(old) and len(old) == 5
    for product_id, record in old.items():
        for key, value in record.items():
            if key != "last_updated":
                assert new[product_id][key] == value, (product_id, key)


def test_a_feed_of_1000_records(kit: SiteKit, tmp_path: Path) -> None:
    kinds = [ILDIS, MONOGRAFI, ARTIKEL, PUTUSAN, LEGACY]
    records = []
    for i in range(1000):
        record = copy.deepcopy(kinds[i % len(kinds)])
        record["idData"] = str(1000 + i)
        record["judul"] = f"{record['judul']} {i}"
        records.append(record)
    started = time.monotonic()
    code, out, err = run(kit, feed_file(tmp_path, records))
    elapsed = time.monotonic() - started
    assert code == 0, err[:2000]
    assert "1000 record(s): 1000 new" in out
    assert len(products(kit)) == 1000
    print(f"imported 1,000 records in {elapsed:.1f} s")


def test_the_sites_jenis_list_decides(kit: SiteKit, tmp_path: Path) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[tool.jdih.jenis]\n"Undang-Undang" = "UU"\n', encoding="utf-8")
    feed = feed_file(tmp_path, [ILDIS, {**ILDIS, "idData": "5", "jenis": "PERATURAN BUPATI"}])
    out, err = io.StringIO(), io.StringIO()
    assert run_import(kit.root, feed, None, False, out, err, refuse_new_jenis=True) == 1   # --jenis-baru tolak
    assert "not imported: record 1 (idData 5): jenis 'Peraturan Bupati' is not in [tool.jdih.jenis]" in err.getvalue()
    [uu] = products(kit).values()
    assert uu.jenis == "Undang-Undang" and uu.singkatan_jenis == "UU"   # the list's spelling and abbreviation
    code, said, _err = run(kit, feed)                                    # the default adds it, and says so
    assert code == 0 and '"Peraturan Bupati" = "UU"' in said, said
    assert {p.jenis for p in products(kit).values()} == {"Undang-Undang", "Peraturan Bupati"}


def test_an_abstract_reads_as_the_office_wrote_it(tmp_path: Path) -> None:
    """Issue 20: only what Markdown would read as markup is escaped ("Kota." and "perundang-undangan" stay)."""
    from jdih_build.publish.abstract import parse_abstract
    from jdih_build.workflow.catalogue.import_records import as_markdown

    text = ("Keputusan KPU Kota. Sesuai peraturan perundang-undangan (Pasal 5) berlaku 100% *penuh*.\n\n"
            "1. butir pertama\n- bukan daftar\n# bukan judul\n[tautan](x) dan a_b_c")
    written = as_markdown(text)
    assert "Kota." in written and "perundang-undangan" in written and "(Pasal 5)" in written
    rendered = parse_abstract(written).plain_text
    assert rendered == " ".join(text.split()), rendered


def test_an_abstract_that_is_a_file_comes_in_beside_the_product(kit: SiteKit, tmp_path: Path) -> None:
    """Issue 20: ILDIS writes the abstract PDF's name in `abstrak`: with --files it comes in as a file of the
    product (after the main text), and the product is complete without an abstract to write."""
    from jdih_build.load.completeness import unfinished

    files = tmp_path / "dokumen"
    files.mkdir()
    (files / "tesabstrak.pdf").write_bytes(MINIMAL_PDF + b"abstrak")
    (files / "uu-1-2024.pdf").write_bytes(MINIMAL_PDF + b"naskah")
    record = {**ILDIS, "fileDownload": "uu-1-2024.pdf", "urlDownload": "http://ildis-frontend.test/common/dokumen/uu-1-2024.pdf"}
    code, out, err = run(kit, feed_file(tmp_path, [record]), "--files", str(files))
    assert code == 0, err
    product = products(kit)["uu-1-2024"]
    assert [a.name for a in product.berkas] == ["uu-1-2024.pdf", "tesabstrak.pdf"]
    assert not [u for u in unfinished(product) if u.refused]
    code, again, _err = run(kit, feed_file(tmp_path, [record]), "--files", str(files))
    assert "1 unchanged" in again
