"""End to end: the shipped site builds; failures leave output/ untouched; builds are byte-identical;
a withheld product leaves no trace anywhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import NOW, REPO, SiteKit, tree_bytes

from jdih_build.cli.main import main
from jdih_build.pipeline import build
from jdih_build.publish.feeds import JDIHN_KEYS

WITHHELD_SAMPLE = "kpt-kpu-payakumbuh-pengelola-jdih-2024"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jdih_build", *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("shipped") / "output"
    result = run_cli("build", "--site", str(REPO), "--out", str(out))
    return out, result


def test_shipped_site_builds_and_names_the_withheld_product(shipped) -> None:
    out, result = shipped
    assert result.returncode == 0, result.stderr
    assert f"withheld: {WITHHELD_SAMPLE}" in result.stderr
    assert "step 8" in result.stderr and "pengarah" in result.stderr
    for path in ("index.html", "produk/sop-dokumentasi-produk-hukum/index.html",
                 "produk/sop-dokumentasi-produk-hukum/sop-dokumentasi-produk-hukum.pdf", "feed/document.json",
                 "atom.xml", "sitemap.xml", "robots.txt", "404.html", "jenis/index.html", "tahun/2017/index.html",
                 "api/produk.json"):
        assert (out / path).is_file(), path


def test_shipped_withheld_product_leaves_no_trace(shipped) -> None:
    out, _ = shipped
    source = (REPO / "content/keputusan/2024" / f"{WITHHELD_SAMPLE}.md").read_text()
    title = next(line.split(":", 1)[1].strip() for line in source.splitlines() if line.startswith("judul:"))
    for path, data in tree_bytes(out).items():
        assert WITHHELD_SAMPLE.encode() not in data, path
        assert title.encode() not in data, path
        assert WITHHELD_SAMPLE not in path


def test_attachments_are_byte_identical(shipped) -> None:
    out, _ = shipped
    for pdf in (REPO / "content").rglob("*.pdf"):
        copy = out / "produk" / pdf.stem / pdf.name
        if pdf.stem != WITHHELD_SAMPLE:
            assert copy.read_bytes() == pdf.read_bytes()


def test_jdihn_feed_has_exactly_the_template_keys_as_strings(shipped) -> None:
    out, _ = shipped
    records = json.loads((out / "feed/document.json").read_text())
    assert isinstance(records, list) and len(records) == 5
    for record in records:
        assert tuple(record) == JDIHN_KEYS
        assert all(isinstance(value, str) for value in record.values())
        assert record["operasi"] == "4" and record["display"] == "1"
        for key in ("urlDetailPeraturan", "urlDownload", "urlAbstrak"):
            assert record[key].startswith("https://"), (key, record[key])
    uu = next(r for r in records if r["idData"] == "uu-7-2017")
    assert uu["noPeraturan"] == "7" and uu["tanggal_pengundangan"] == "2017-08-16" and uu["singkatanJenis"] == "UU"


def test_relations_are_shown_both_ways(shipped) -> None:
    out, _ = shipped
    sop = (out / "produk/sop-dokumentasi-produk-hukum/index.html").read_text()
    uu = (out / "produk/uu-7-2017/index.html").read_text()
    assert "Melaksanakan" in sop and "produk/uu-7-2017/" in sop
    assert "Dilaksanakan dengan" in uu and "produk/sop-dokumentasi-produk-hukum/" in uu


def test_two_builds_are_byte_identical(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a" / "output", tmp_path / "b" / "output"
    assert run_cli("build", "--site", str(REPO), "--out", str(first)).returncode == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # must not move anything that has content dates
    assert run_cli("build", "--site", str(REPO), "--out", str(second)).returncode == 0
    assert tree_bytes(first) == tree_bytes(second)


def test_invalid_input_leaves_previous_output_untouched(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    before = tree_bytes(out)
    kit.add_product("kpt-2", text="---\njudul: [\n---\n")
    report = build(kit.root, out, NOW)
    assert not report.ok and "kpt-2.md" in str(report.problems[0])
    assert tree_bytes(out) == before
    assert [p.name for p in kit.root.iterdir() if p.name.startswith(".output")] == []


def test_failure_while_rendering_leaves_previous_output_untouched(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    before = tree_bytes(out)
    # the home page renders first and succeeds; the product page then fails
    (kit.root / "templates/produk.html").write_text("{% extends 'base.html' %}{% block content %}{{ tidak_ada.x }}{% endblock %}")
    report = build(kit.root, out, NOW)
    assert not report.ok and report.problems[0].path == "templates/produk.html"
    assert tree_bytes(out) == before
    assert [p.name for p in kit.root.iterdir() if p.name.startswith(".output")] == []


def test_template_syntax_error_names_file_and_line(kit: SiteKit) -> None:
    (kit.root / "templates/404.html").write_text("ok\n{% if %}\n")
    report = build(kit.root, kit.root / "output", NOW)
    assert not report.ok
    assert str(report.problems[0]).startswith("templates/404.html:2: template syntax error")


def test_withheld_product_leaves_no_trace_even_when_related(kit: SiteKit) -> None:
    kit.add_product("kpt-1", judul="Keputusan Terbit", extra="relasi:\n  - jenis: mencabut\n    target: kpt-rahasia\n")
    kit.add_product("kpt-rahasia", judul="Keputusan Belum Disetujui")
    kit.sign_all("kpt-1")
    kit.sign("kpt-rahasia", 2)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok and [v.product.id for v in report.gate.withheld] == ["kpt-rahasia"]
    for path, data in tree_bytes(out).items():
        assert b"kpt-rahasia" not in data and b"Belum Disetujui" not in data, path


def test_out_refuses_foreign_folder(kit: SiteKit, tmp_path: Path) -> None:
    foreign = tmp_path / "dokumen-saya"
    foreign.mkdir()
    (foreign / "penting.txt").write_text("jangan dihapus")
    report = build(kit.root, foreign, NOW)
    assert not report.ok and "was not made by jdih build" in report.problems[0].message
    assert (foreign / "penting.txt").read_text() == "jangan dihapus"


@pytest.mark.parametrize("out", ["", "content", "approvals/x"])
def test_out_refuses_sources(kit: SiteKit, out: str) -> None:
    report = build(kit.root, kit.root / out, NOW)
    assert not report.ok


# -- the command line (CONTRACT 6) ------------------------------------------------------------------
def test_cli_exit_codes(kit: SiteKit, capsys) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    kit.add_product("kpt-2")
    site = str(kit.root)
    assert main(["build", "--site", site]) == 0
    assert main(["build", "--site", site, "--strict"]) == 1
    assert main(["check", "--site", site]) == 0
    err = capsys.readouterr().err
    assert "withheld: kpt-2" in err
    (kit.root / "approvals/petugas.yaml").write_text("- nama: [\n")
    assert main(["build", "--site", site]) == 1
    assert main(["check", "--site", site]) == 1
    err = capsys.readouterr().err
    assert "error: approvals/petugas.yaml:" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:
        main(["build", "--no-such-option"])
    assert usage.value.code == 2


def test_check_fails_on_signoff_for_unknown_product(kit: SiteKit, capsys) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    kit.sign("kpt-1", 2, produk="kpt-1")
    shutil.copytree(kit.root / "approvals/kpt-1", kit.root / "approvals/kpt-lama")
    assert main(["check", "--site", str(kit.root)]) == 1
    said = capsys.readouterr()
    assert "input is valid" not in said.out   # issue 10: it said so, and then exited 1
    assert "approvals/kpt-lama/" in said.err and "fix them" in said.out


def test_check_writes_nothing(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    before = sorted(p.relative_to(kit.root) for p in kit.root.rglob("*"))
    assert main(["check", "--site", str(kit.root)]) == 0
    assert sorted(p.relative_to(kit.root) for p in kit.root.rglob("*")) == before


def test_base_url_option_and_environment(kit: SiteKit, monkeypatch) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    monkeypatch.setenv("JDIH_BASE_URL", "https://env.example/jdih")
    assert main(["build", "--site", str(kit.root)]) == 0
    feed = json.loads((kit.root / "output/feed/document.json").read_text())
    assert feed[0]["urlDetailPeraturan"] == "https://env.example/jdih/produk/kpt-1/"
    assert main(["build", "--site", str(kit.root), "--base-url", "https://opsi.example/"]) == 0
    feed = json.loads((kit.root / "output/feed/document.json").read_text())
    assert feed[0]["urlDetailPeraturan"].startswith("https://opsi.example/produk/")




def test_browse_lists_are_paginated_20_a_page(kit: SiteKit) -> None:
    for number in range(45):
        kit.add_product(f"kpt-{number:02d}", nomor=str(number),
                        extra=f"tanggal_pengundangan: 2024-02-{number % 28 + 1:02d}\n")
        kit.sign_all(f"kpt-{number:02d}")
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    base = out / "jenis/keputusan"
    pages = [base / "index.html", base / "halaman/2/index.html", base / "halaman/3/index.html"]
    assert all(p.is_file() for p in pages) and not (base / "halaman/4").exists()
    assert not (base / "halaman/1").exists()  # page 1 is the list's own address
    counts = [p.read_text().count('class="judul-produk"') for p in pages]
    assert counts == [20, 20, 5]
    first = pages[0].read_text()
    assert "45 produk hukum" in first and 'href="../../jenis/keputusan/halaman/2/"' in first
    assert (out / "tahun/2024/halaman/3/index.html").is_file()


def test_help_on_every_command() -> None:
    for command in ("build", "check", "new", "approve", "status", "report", "serve"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "--site" in result.stdout, command


def test_lists_are_newest_first(shipped) -> None:
    out, _ = shipped
    home = (out / "index.html").read_text()
    order = ["produk/sop-dokumentasi-produk-hukum/", "produk/uu-7-2017/", "produk/kpt-kpu-134-2016/",
             "produk/permenkumham-2-2013/", "produk/perpres-33-2012/"]
    positions = [home.index(url) for url in order]
    assert positions == sorted(positions)


def test_a_long_list_links_a_window_of_its_pages(kit: SiteKit) -> None:
    for number in range(20 * 11):
        kit.add_product(f"kpt-{number:03d}", nomor=str(number))
        kit.sign_all(f"kpt-{number:03d}")
    out = kit.root / "output"
    assert build(kit.root, out, NOW, search=False).ok
    sixth = (out / "jenis/keputusan/halaman/6/index.html").read_text()
    assert '<link rel="canonical" href="https://jdih.uji.example/jenis/keputusan/halaman/6/">' in sixth
    sixth = re.sub(r'<link rel="canonical" href="[^"]*">', "", sixth)   # the page's own address
    linked = sorted({int(n) for n in re.findall(r'href="[^"]*keputusan/halaman/(\d+)/"', sixth)})
    assert linked == [4, 5, 7, 8, 11] and 'href="../../../../jenis/keputusan/"' in sixth
    assert sixth.count('class="celah"') == 2 and '<span aria-current="page">6</span>' in sixth


@pytest.mark.parametrize("zone, shown", [(None, "1 Februari 2024 11.00 WIB"), ("Asia/Makassar", "1 Februari 2024 12.00 WITA")])
def test_signoff_times_are_shown_on_the_offices_clock(kit: SiteKit, tmp_path: Path, zone: str | None, shown: str) -> None:
    """Issue 10: the site shows WIB/WITA/WIT (zona_waktu), not a UTC offset."""
    if zone is not None:
        settings = kit.root / "pyproject.toml"
        settings.write_text(settings.read_text(encoding="utf-8") + f'zona_waktu = "{zone}"\n', encoding="utf-8")
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    assert build(kit.root, tmp_path / "out", NOW).ok
    page = (tmp_path / "out" / "produk" / "kpt-1" / "index.html").read_text(encoding="utf-8")
    assert shown in page and "UTC+" not in page


@pytest.mark.parametrize("where", ["missing", "empty"])
def test_a_folder_that_is_no_site_gets_one_clear_problem(tmp_path: Path, capsys, where: str) -> None:
    """Issue 10: `jdih build --site /nonexistent` listed five missing parts, approvals first."""
    site = tmp_path / "situs"
    if where == "empty":
        site.mkdir()
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert err.count("error: ") == 1 and f"error: {site}: " in err
    assert ("does not exist" if where == "missing" else "not a jdih site folder") in err and "--site DIR" in err
    assert not (site / "output").exists()
