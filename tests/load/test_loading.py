"""Point 2 of the foundation issue: every kind of bad input is refused with `path:line: what - fix`."""

from __future__ import annotations

import os

import pytest
from sitekit import PRODUCT, SiteKit

from jdih_build.load.site import load_site


def front(body: str) -> str:
    return f"---\n{body}---\nABSTRAK:\n- isi\n"


BASE = 'judul: Keputusan Uji\njenis: Keputusan\nnomor: "1"\ntahun: 2024\ntanggal_penetapan: 2024-01-15\nstatus: Berlaku\n'


def problems_for(kit: SiteKit) -> list[str]:
    site, problems = load_site(kit.root)
    assert site is None, "the site should have been refused"
    return [str(p) for p in problems.sorted()]


def only_problem(kit: SiteKit, path_part: str) -> str:
    found = [p for p in problems_for(kit) if path_part in p]
    assert found, problems_for(kit)
    return found[0]


@pytest.mark.parametrize("body, line, words", [
    (BASE + "sumber: &a LN 2024\nlokasi: *a\n", 8, "anchors"),
    (BASE + "judul: Lagi\n", 8, "duplicate key 'judul' (first on line 2)"),
    (BASE + "sumber: !!python/object/apply:os.system [ls]\n", 8, "tags"),
    (BASE.replace("2024-01-15", "2023-02-30"), 6, "not a real date"),
    (BASE.replace("2024-01-15", "15-01-2024"), 6, "YYYY-MM-DD"),
    (BASE + "judull: x\n", 8, "unknown key 'judull'"),
    (BASE.replace("tahun: 2024", "tahun: 1800"), 5, "outside 1900..2100"),
    (BASE.replace("tahun: 2024", 'tahun: "dua ribu"'), 5, "whole number"),
    (BASE.replace("status: Berlaku", "status: NO"), 7, "'status' is 'NO'"),
    (BASE + "subjek: PEMILU\n", 8, "'subjek' must be a list"),
    (BASE + "relasi:\n  - jenis: membatalkan\n    target: x\n", 9, "'jenis' is 'membatalkan'"),
    # issue 11: a product outside this catalogue is cited by rujukan (and may be the revoking side)
    (BASE + "relasi:\n  - jenis: dicabut\n    target: x\n", 9, "'jenis' is 'dicabut'"),
    (BASE + "relasi:\n  - jenis: dicabut\n    target: x\n    rujukan: UU 1/2020\n", 11, "either a target"),
    (BASE + "relasi:\n  - jenis: mencabut\n    rujukan: UU 1/2020\n    url: ftp://x\n", 11, "http(s) address"),
    (BASE + "tipe_dokumen: buku\n", 8, "'tipe_dokumen' is 'buku'"),
    (BASE + "id: Bad_ID\n", 8, "does not match"),
    (BASE + "sumber: [\n", 9, "invalid YAML"),
    (BASE + "sumber: [a, b\nlokasi: x\n", 8, "a [ or { opened on this line is never closed"),
    # issue 10: an unclosed quote was reported at the end of the front matter, a quoted year got `tahun: 1900`
    (BASE.replace('nomor: "1"', 'nomor: "1') + "sumber: LN\nlokasi: x\n", 4, "a quote opened on this line is never closed"),
    (BASE.replace("tahun: 2024", 'tahun: "2024"'), 5, "remove the quotes: `tahun: 2024`"),
])
def test_bad_front_matter_is_named_with_file_and_line(kit: SiteKit, body: str, line: int, words: str) -> None:
    kit.add_product("kpt-1", text=front(body))
    message = only_problem(kit, "kpt-1.md")
    assert message.startswith(f"content/keputusan/2024/kpt-1.md:{line}: "), message
    assert words in message
    assert " - " in message  # and says what to do


def test_nomor_012_stays_text_and_no_is_not_false(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front(BASE.replace('nomor: "1"', "nomor: 012") + "sumber: NO\n"))
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    product = site.products[0]
    assert product.nomor == "012" and product.sumber == "NO"


@pytest.mark.parametrize("tipe, missing", [
    ("peraturan", ["jenis", "nomor", "tanggal_penetapan", "status"]),
    ("putusan", ["nomor", "pengadilan", "tanggal_dibacakan"]),
    ("monografi", ["penerbit", "tempat_terbit"]),
    ("artikel", ["sumber", "tempat_terbit"]),
])
def test_required_keys_per_tipe_dokumen(kit: SiteKit, tipe: str, missing: list[str]) -> None:
    kit.add_product("kpt-1", text=front(f"tipe_dokumen: {tipe}\njudul: X\ntahun: 2024\n"))
    messages = [p for p in problems_for(kit) if "kpt-1.md" in p]
    for key in missing:
        assert any(f"missing required key '{key}'" in m for m in messages), (key, messages)


def test_judul_and_tahun_are_required_for_every_type(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front("tipe_dokumen: monografi\npenerbit: X\ntempat_terbit: Y\n"))
    messages = " ".join(problems_for(kit))
    assert "missing required key 'judul'" in messages and "missing required key 'tahun'" in messages


def test_no_front_matter(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text="# Hanya markdown\n")
    assert "content/keputusan/2024/kpt-1.md:1: no YAML front matter" in only_problem(kit, "kpt-1.md")


def test_duplicate_ids_name_both_files(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    kit.add_product("kpt-1", folder="lain/2024")
    messages = [p for p in problems_for(kit) if "used by more than one product" in p]
    assert len(messages) == 2
    assert "content/keputusan/2024/kpt-1.md" in messages[0] and "content/lain/2024/kpt-1.md" in messages[0]


def test_missing_attachment(kit: SiteKit) -> None:
    md = kit.add_product("kpt-1")
    md.with_name("kpt-1.pdf").unlink()
    message = only_problem(kit, "kpt-1.md")
    assert ":11: attachment 'kpt-1.pdf' does not exist" in message  # line 11: `berkas:`


def test_attachment_outside_content(kit: SiteKit) -> None:
    (kit.root / "rahasia.pdf").write_bytes(b"%PDF-1.4 secret")
    kit.add_product("kpt-1", text=front(BASE + "berkas:\n  - ../../../rahasia.pdf\n"))
    assert "lies outside content/" in only_problem(kit, "kpt-1.md")


def test_attachment_absolute_path(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front(BASE + "berkas:\n  - /etc/passwd\n"))
    assert "must be relative" in only_problem(kit, "kpt-1.md")


def test_attachment_symlink_is_refused(kit: SiteKit) -> None:
    secret = kit.root.parent / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    md = kit.add_product("kpt-1")
    pdf = md.with_name("kpt-1.pdf")
    pdf.unlink()
    os.symlink(secret, pdf)
    assert "symbolic link" in only_problem(kit, "kpt-1.md")


def test_attachment_through_symlinked_folder_is_refused(kit: SiteKit) -> None:
    outside = kit.root.parent / "outside"
    outside.mkdir()
    (outside / "a.pdf").write_bytes(b"%PDF-1.4")
    os.symlink(outside, kit.root / "content" / "link")
    kit.add_product("kpt-1", text=front(BASE + "berkas:\n  - ../../link/a.pdf\n"))
    messages = problems_for(kit)
    assert any("symbolic link" in m and "kpt-1.md" in m for m in messages)
    assert any(m.startswith("content/link:") for m in messages)


def test_product_file_symlink_is_refused(kit: SiteKit) -> None:
    outside = kit.root.parent / "x.md"
    outside.write_text(PRODUCT.format(id="x", judul="X", nomor="1", extra=""))
    os.symlink(outside, kit.root / "content" / "x.md")
    assert "symbolic link" in only_problem(kit, "content/x.md")


def test_relation_to_unknown_product(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front(BASE + "relasi:\n  - jenis: mencabut\n    target: tidak-ada\n"))
    assert ":9: relasi target 'tidak-ada' is not a product id" in only_problem(kit, "kpt-1.md")


def test_all_problems_in_all_files_reported_in_one_run(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front(BASE + "judull: x\n"))
    kit.add_product("kpt-2", text=front(BASE.replace("2024-01-15", "2024-13-01")))
    (kit.root / "approvals/petugas.yaml").write_text('- nama: A\n  nip: "123"\n  peran: [web_admin]\n')
    (kit.root / "approvals/kpt-1").mkdir()
    (kit.root / "approvals/kpt-1/02-web_admin.yaml").write_text("produk: kpt-1\nlangkah: dua\n")
    messages = problems_for(kit)
    for part in ("kpt-1.md:8", "kpt-2.md:6", "petugas.yaml:2", "02-web_admin.yaml"):
        assert any(part in m for m in messages), (part, messages)


# -- the SOP and the roster ----------------------------------------------------------------------------
def test_sop_steps_must_be_numbered_in_order(kit: SiteKit) -> None:
    sop = kit.root / "approvals/sop.yaml"
    sop.write_text(sop.read_text().replace("{no: 3,", "{no: 5,"))
    assert "step number 5 where 3 was expected" in only_problem(kit, "sop.yaml")


def test_sop_validation_role_must_be_held(kit: SiteKit) -> None:
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text(roster.read_text().replace("[pengarah]", "[web_admin]"))
    assert "nobody in petugas.yaml holds that role" in only_problem(kit, "sop.yaml")


def test_nip_must_have_18_digits(kit: SiteKit) -> None:
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text(roster.read_text().replace('"199002022015022002"', '"19900202201502200"'))
    assert "approvals/petugas.yaml:5: NIP '19900202201502200' is not 18 digits" in only_problem(kit, "petugas.yaml")


def test_roster_dates_in_order(kit: SiteKit) -> None:
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text(roster.read_text().replace("aktif_sampai: 2023-12-31", "aktif_sampai: 2019-12-31"))
    assert "aktif_sampai is before aktif_sejak" in only_problem(kit, "petugas.yaml")


def test_roster_duplicate_person(kit: SiteKit) -> None:
    roster = kit.root / "approvals/petugas.yaml"
    roster.write_text(roster.read_text() + '- nama: Rina Web\n  nip: "199009092015092009"\n  peran: [web_admin]\n')
    assert "'Rina Web' is listed twice" in only_problem(kit, "petugas.yaml")


def test_missing_policy_files(kit: SiteKit) -> None:
    (kit.root / "approvals/sop.yaml").unlink()
    assert "the SOP is missing" in only_problem(kit, "sop.yaml")


# -- sign-off files are input too ----------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("produk: kpt-1\nlangkah: 2\n", "missing required key 'peran'"),
    ("produk: [\n", "invalid YAML"),
    ("produk: kpt-1\nlangkah: 2\nperan: web_admin\noleh: Rina Web\nkeputusan: ok\nwaktu: 2024-02-01T09:00:00+07:00\nberkas:\n  kpt-1.md: abc\n",
     "'keputusan' is 'ok'"),
    ("produk: kpt-1\nlangkah: 2\nperan: web_admin\noleh: Rina Web\nkeputusan: disetujui\nwaktu: 2024-02-01T09:00:00\nberkas:\n  kpt-1.md: " + "a" * 64 + "\n",
     "UTC offset"),
])
def test_unparseable_signoff_is_invalid_input(kit: SiteKit, text: str, words: str) -> None:
    kit.add_product("kpt-1")
    (kit.root / "approvals/kpt-1").mkdir()
    (kit.root / "approvals/kpt-1/02-web_admin.yaml").write_text(text)
    messages = [m for m in problems_for(kit) if m.startswith("approvals/kpt-1/02-web_admin.yaml:")]
    assert any(words in m for m in messages), messages


def test_base_url_must_be_absolute(kit: SiteKit) -> None:
    pyproject = kit.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("https://jdih.uji.example/", "jdih.uji.example"))
    assert "pyproject.toml:3: [tool.jdih] base_url 'jdih.uji.example' is not an absolute" in only_problem(kit, "pyproject.toml")


@pytest.mark.parametrize("zone", ["Asia/Jakrta", "WIB", "../../etc/passwd", "/usr/share/zoneinfo/UTC"])
def test_zona_waktu_must_be_a_known_zone(kit: SiteKit, zone: str) -> None:
    pyproject = kit.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'zona_waktu = "{zone}"\n')
    found = only_problem(kit, "pyproject.toml")
    assert f"pyproject.toml:6: [tool.jdih] zona_waktu '{zone}' is not a time zone" in found and "Asia/Makassar" in found


@pytest.mark.parametrize("zone, label", [(None, "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")])
def test_zona_waktu_defaults_to_jakarta_and_names_the_zone(kit: SiteKit, zone: str | None, label: str) -> None:
    from datetime import UTC, datetime

    from jdih_build.publish.formatting import waktu

    if zone is not None:
        pyproject = kit.root / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + f'zona_waktu = "{zone}"\n')
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    assert site.config.zona_waktu == (zone or "Asia/Jakarta")
    assert waktu(datetime(2024, 3, 1, 2, 30, tzinfo=UTC), site.config.zone).endswith(label)


def test_unreadable_utf8(kit: SiteKit) -> None:
    md = kit.add_product("kpt-1")
    md.write_bytes(b"---\njudul: \xff\n---\n")
    assert "not UTF-8" in only_problem(kit, "kpt-1.md")


@pytest.mark.parametrize("name", ["index.html", "lampiran.SVG", "x.js"])
def test_attachment_that_could_run_scripts_is_refused(kit: SiteKit, name: str) -> None:
    md = kit.add_product("kpt-1", text=front(BASE + f"berkas:\n  - {name}\n"))
    md.with_name(name).write_text("<script>alert(1)</script>")
    assert "would run on the public site" in only_problem(kit, "kpt-1.md")


def test_sign_offs_read_in_two_shares_are_those_read_in_one(kit: SiteKit, tmp_path) -> None:
    """With the cache warm the sign-off folders are split between a child and the parent
    (signoffs.CHILD_SHARE): the records, their order and the problems are those of one reader."""
    from jdih_build.cache.store import BuildCache

    for number in range(12):
        kit.add_product(f"kpt-{number:02d}", nomor=str(number))
        kit.sign_all(f"kpt-{number:02d}")
    (kit.root / "approvals" / "kpt-03" / "catatan.txt").write_text("bukan sign-off")
    with BuildCache.opened(tmp_path / "cache") as cache:
        _, cold = load_site(kit.root, None, 1, cache)           # fills the parse cache
        _, warm = load_site(kit.root, None, 2, cache)           # the split path
        one = cache.table("signoffs")
    assert one.entries_view()
    assert cold.sorted() == warm.sorted() and any("catatan.txt" in p.path for p in warm.items)
    (kit.root / "approvals" / "kpt-03" / "catatan.txt").unlink()
    with BuildCache.opened(tmp_path / "cache") as cache:
        first, _ = load_site(kit.root, None, 1, cache)           # parses; the cache now holds every record
        assert cache.table("signoffs").entries_view()
        second, _ = load_site(kit.root, None, 2, cache)          # split, fields decoded from the cache
    assert first is not None and second is not None
    assert [(r.path, r.raw, r.waktu) for r in first.signoffs] == [(r.path, r.raw, r.waktu) for r in second.signoffs]


def test_a_sign_off_folder_gone_while_reading_is_a_problem(tmp_path) -> None:
    from jdih_build.load.signoffs import read_signoff_files

    problems, files, _lembar = read_signoff_files([(str(tmp_path / "approvals" / "kpt-9"), "kpt-9")], tmp_path, {}, 1)
    assert files == [] and len(problems) == 1 and "cannot read the sign-off folder" in problems[0].message


JENIS_LIST = '\n[tool.jdih.jenis]\n"Keputusan" = "Kpt"\n"Keputusan KPU" = "Kpt"\n"Surat Edaran" = "SE"\n'


def with_jenis_list(kit: SiteKit) -> None:
    pyproject = kit.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + JENIS_LIST)


def test_an_unknown_jenis_is_refused_with_a_suggestion(kit: SiteKit) -> None:
    """Issue 10: 'Keputsan' passed, and created a browse category of its own."""
    with_jenis_list(kit)
    kit.add_product("kpt-1", text=front(BASE.replace("jenis: Keputusan", "jenis: Keputsan")))
    message = only_problem(kit, "kpt-1.md")
    assert message.startswith("content/keputusan/2024/kpt-1.md:3: jenis 'Keputsan' is not one of the site's jenis")
    assert "did you mean 'Keputusan'" in message and "[tool.jdih.jenis]" in message


def test_singkatan_jenis_comes_from_the_list_and_must_agree(kit: SiteKit) -> None:
    with_jenis_list(kit)
    kit.add_product("kpt-1", text=front(BASE))   # no singkatan_jenis: filled from the list
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()
    assert site.products[0].singkatan_jenis == "Kpt"
    kit.add_product("kpt-1", text=front(BASE + "singkatan_jenis: KEP\n"))
    assert "singkatan_jenis 'KEP' is not the site's 'Kpt'" in only_problem(kit, "kpt-1.md")


def test_without_a_list_any_jenis_is_accepted(kit: SiteKit) -> None:
    kit.add_product("kpt-1", text=front(BASE.replace("jenis: Keputusan", "jenis: Nota Dinas")))
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()


def test_a_bad_jenis_list_is_named(kit: SiteKit) -> None:
    pyproject = kit.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.jdih.jenis]\n"Keputusan" = 3\n"keputusan" = "Kpt"\n')
    found = [p for p in problems_for(kit) if "pyproject.toml" in p]
    assert any("'Keputusan' needs its singkatan_jenis as text" in p for p in found), found
    assert any("differ only in case" in p for p in found) or len(found) == 1, found
