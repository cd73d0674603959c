"""V5 (size caps), V7 (FIFOs), U1-U4, U6, U7: bad input is refused with the file named, in bounded
time, without a traceback, and the previous site stays as it was."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from hostile import assert_refused, assert_withheld, good_site, leftovers
from sitekit import NOW, SiteKit, run_command

from jdih_build.cli import main as cli
from jdih_build.load.safe_read import (
    MAX_MARKDOWN_BYTES,
    MAX_POLICY_BYTES,
    MAX_SETTINGS_BYTES,
    MAX_SIGNOFF_BYTES,
)
from jdih_build.pipeline import build


def test_v5_a_huge_signoff_is_refused_without_reading_it(kit: SiteKit) -> None:
    out = good_site(kit)
    record = kit.root / "approvals" / "kpt-baik" / "09-x.yaml"
    with record.open("wb") as handle:            # 20 MB, sparse: cheap to make, costly to parse
        handle.write(b"produk: kpt-baik\ncatatan: " + b"a" * 1024)
        handle.truncate(20 * 1024 * 1024)
    started = time.monotonic()
    assert_refused(kit, out, "approvals/kpt-baik/09-x.yaml", f"over the {MAX_SIGNOFF_BYTES:,}-byte limit")
    assert time.monotonic() - started < 10


def test_v5_a_huge_product_file_is_refused_with_the_fix_for_a_product(kit: SiteKit) -> None:
    out = good_site(kit)
    md = next((kit.root / "content").rglob("kpt-baik.md"))
    with md.open("ab") as handle:
        handle.write(b"a" * (MAX_MARKDOWN_BYTES + 1))
    report = assert_refused(kit, out, "kpt-baik.md", f"over the {MAX_MARKDOWN_BYTES:,}-byte limit")
    # the fix is chosen by the error's kind (too_large), not by reading its translated words
    assert any("keep the abstract short" in p.fix for p in report.problems), [str(p) for p in report.problems]


@pytest.mark.parametrize("name, cap", [("approvals/sop.yaml", MAX_POLICY_BYTES),
                                       ("approvals/petugas.yaml", MAX_POLICY_BYTES),
                                       ("pyproject.toml", MAX_SETTINGS_BYTES)])
def test_v5_every_yaml_and_settings_file_is_capped(kit: SiteKit, name: str, cap: int) -> None:
    out = good_site(kit)
    with (kit.root / name).open("ab") as handle:
        handle.write(b"\n#" + b"x" * cap)
    assert_refused(kit, out, name, "limit")


@pytest.mark.parametrize("where", ["content/keputusan/2024/jebakan.md", "approvals/kpt-baik/09-jebakan.yaml",
                                   "approvals/sop.yaml", "content/keputusan/2024/kpt-baik.pdf"])
def test_v7_a_fifo_never_hangs_build_or_check(kit: SiteKit, where: str) -> None:
    out = good_site(kit)
    target = kit.root / where
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    result: dict[str, object] = {}
    worker = threading.Thread(target=lambda: result.update(report=build(kit.root, out, NOW)), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():   # unblock the reader so the test run can end, then fail
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail(f"build hung on the FIFO {where}")
    report = result["report"]
    assert not report.ok and any(where in p.path or where.rsplit("/", 1)[0] in p.path for p in report.problems)
    assert leftovers(out) == []
    run = run_command(cli_module(), "check", kit.root)
    assert run.rc == 1


def cli_module():
    class Core:   # the core commands registered like the others, for run_command
        @staticmethod
        def register(commands, site_option):
            cli.register_core(commands)
    return Core


@pytest.mark.parametrize("field, text", [("tahun", "9" * 5000), ("tahun", "-" + "1" * 4400)])
def test_u1_huge_integers_in_a_product_are_refused(kit: SiteKit, field: str, text: str) -> None:
    out = good_site(kit)
    md = kit.add_product("kpt-2")
    md.write_text(md.read_text().replace("tahun: 2024", f"{field}: {text}"))
    assert_refused(kit, out, "kpt-2.md", "digits")


def test_u1_huge_integers_in_the_sop_and_a_signoff_are_refused(kit: SiteKit) -> None:
    out = good_site(kit)
    sop = kit.root / "approvals" / "sop.yaml"
    original = sop.read_text()
    sop.write_text(original.replace("mutu_baku: 60", "mutu_baku: " + "6" * 5000))
    assert_refused(kit, out, "approvals/sop.yaml", "digits")
    sop.write_text(original.replace("no: 1,", "no: " + "1" * 5000 + ","))
    assert_refused(kit, out, "approvals/sop.yaml", "digits")
    sop.write_text(original)
    record = kit.root / "approvals" / "kpt-baik" / "02-web_admin.yaml"
    record.write_text(record.read_text().replace("langkah: 2", "langkah: " + "2" * 5000))
    assert_refused(kit, out, "02-web_admin.yaml", "digits")


def test_u2_deeply_nested_abstract_is_refused_by_check_and_build(kit: SiteKit) -> None:
    out = good_site(kit)
    md = kit.add_product("kpt-2")
    nested = "".join("  " * level + "- x\n" for level in range(300))
    md.write_text(md.read_text() + "\n" + nested)
    assert_refused(kit, out, "kpt-2.md", "nests lists or quotes")
    quotes = "> " * 300 + "x\n"
    md.write_text(md.read_text().replace(nested, quotes))
    assert_refused(kit, out, "kpt-2.md", "nests lists or quotes")
    assert run_command(cli_module(), "check", kit.root).rc == 1


@pytest.mark.parametrize("name", ["sop.yaml", "petugas.yaml"])
@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n"])
def test_u3_empty_policy_files_are_reported(kit: SiteKit, name: str, text: str) -> None:
    out = good_site(kit)
    (kit.root / "approvals" / name).write_text(text)
    assert_refused(kit, out, f"approvals/{name}", "is empty")
    run = run_command(cli_module(), "check", kit.root)
    assert run.rc == 1 and "1 problem(s)" in run.err


def test_u4_unwritable_destination_is_a_clear_error(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    for out in (Path("/proc/jdih-x/output"), Path("/sys/jdih/output")):
        report = build(kit.root, out, NOW)
        assert not report.ok and str(out) in report.problems[0].path and report.problems[0].fix
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        if os.geteuid() != 0:   # root writes anywhere; /proc above covers it there
            report = build(kit.root, readonly / "output", NOW)
            assert not report.ok
    finally:
        readonly.chmod(0o700)


@pytest.mark.parametrize("name", ["09-x.YAML", "09-x.yml", "09-x.Yaml", ".09-x.yaml", "09-x.yaml~", "catatan.txt"])
def test_u6_every_file_in_a_signoff_folder_is_a_record_or_an_error(kit: SiteKit, name: str) -> None:
    out = good_site(kit)
    rejection = kit.sign("kpt-baik", 4, keputusan="ditolak", catatan="ditolak", name="tmp.yaml")
    rejection.rename(rejection.with_name(name))
    assert_refused(kit, out, f"approvals/kpt-baik/{name}", "")


def test_u6_an_empty_signoff_is_an_error(kit: SiteKit) -> None:
    out = good_site(kit)
    (kit.root / "approvals" / "kpt-baik" / "09-x.yaml").write_text("")
    assert_refused(kit, out, "approvals/kpt-baik/09-x.yaml", "is empty")


@pytest.mark.parametrize("value", ['"Keputusan \\x1b[2K Uji"', '"Keputusan \\x07 Uji"', '"x\\u202ey"', '"a\\x00b"'])
def test_u7_control_characters_in_fields_are_refused(kit: SiteKit, value: str) -> None:
    out = good_site(kit)
    md = kit.add_product("kpt-2")
    md.write_text(md.read_text().replace("judul: Keputusan Uji kpt-2", f"judul: {value}"))
    assert_refused(kit, out, "kpt-2.md", "control character")


def test_u7_raw_control_characters_in_the_markdown_are_refused(kit: SiteKit) -> None:
    out = good_site(kit)
    md = kit.add_product("kpt-2")
    md.write_text(md.read_text() + "\nteks \x1b]0;judul\x07 tersembunyi\n")
    report = assert_refused(kit, out, "kpt-2.md", "U+001B")
    lines = md.read_text().splitlines()
    assert report.problems[0].line == next(n for n, line in enumerate(lines, 1) if "\x1b" in line)


def test_u7_titles_that_are_allowed_keep_the_feeds_well_formed(kit: SiteKit) -> None:
    import xml.dom.minidom
    out = good_site(kit)
    md = kit.add_product("kpt-2")
    md.write_text(md.read_text().replace("judul: Keputusan Uji kpt-2", 'judul: "Keputusan & <Uji> \\"x\\" \'y\'\\tab ]]> \u00e9"'))
    kit.sign_all("kpt-2")
    report = build(kit.root, out, NOW)
    assert report.ok and "kpt-2" in {p.id for p in report.gate.published}, [str(p) for p in report.problems]
    atom = xml.dom.minidom.parseString((out / "atom.xml").read_bytes())
    titles = [t.firstChild.data for t in atom.getElementsByTagName("title") if t.firstChild]
    assert any(t.startswith("Keputusan & <Uji>") for t in titles), titles
    xml.dom.minidom.parseString((out / "sitemap.xml").read_bytes())


def test_withheld_not_refused_when_only_a_signoff_fails_the_gate(kit: SiteKit) -> None:
    out = good_site(kit)
    kit.add_product("kpt-2")
    kit.sign("kpt-2", 2)
    assert_withheld(kit, out, "kpt-2", "5.0")
