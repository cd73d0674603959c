"""Issue 10: a product still holding jdih new's placeholders, or a peraturan without its main text, is
refused by check and by approve, and named by build (which still deploys everything else)."""

from __future__ import annotations

from pathlib import Path

from sitekit import NOW, PRODUCT, SiteKit

from jdih_build.cli.main import main
from jdih_build.pipeline import build
from jdih_build.workflow.catalogue.new_files import abstract_skeleton

SCAFFOLD = abstract_skeleton("peraturan", {"tahun": 2024, "nomor": "1", "judul": "Keputusan Uji", "jenis": "Keputusan"})


def scaffolded(kit: SiteKit) -> Path:
    md = kit.add_product("kpt-1")
    text = md.read_text(encoding="utf-8")
    front = text[: text.index("---", 3) + 4]
    md.write_text(front + "\n" + SCAFFOLD, encoding="utf-8")
    return md


def test_check_refuses_the_scaffolds_placeholder_and_names_the_line(kit: SiteKit, capsys) -> None:
    md = scaffolded(kit)
    assert main(["check", "--site", str(kit.root)]) == 1
    err = capsys.readouterr().err
    line = next(n for n, row in enumerate(md.read_text(encoding="utf-8").splitlines(), 1) if row == "- Pertimbangan: ...")
    assert f"error: content/keputusan/2024/kpt-1.md:{line}: the abstract still holds the placeholder" in err


def test_a_written_abstract_passes(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    assert main(["check", "--site", str(kit.root)]) == 0


def test_a_peraturan_without_its_main_text_is_refused(kit: SiteKit, capsys) -> None:
    kit.add_product("kpt-1", text=PRODUCT.format(id="kpt-1", judul="Uji", nomor="1", extra="")
                    .replace("berkas:\n  - kpt-1.pdf\n", ""))
    assert main(["check", "--site", str(kit.root)]) == 1
    assert "a peraturan without its main text" in capsys.readouterr().err


def test_a_monografi_without_a_file_is_only_warned(kit: SiteKit, capsys) -> None:
    kit.add_product("buku-1", text="---\ntipe_dokumen: monografi\njudul: Buku Uji\ntahun: 2024\npenerbit: KPU\n"
                                   "tempat_terbit: Payakumbuh\n---\nABSTRAK:\n- Buku.\n")
    assert main(["check", "--site", str(kit.root)]) == 0
    assert "warning: content/keputusan/2024/buku-1.md: no file" in capsys.readouterr().err


def test_build_names_it_and_still_builds(kit: SiteKit, tmp_path: Path) -> None:
    scaffolded(kit)
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok
    assert any("placeholder" in w for w in report.warnings)


def test_approve_will_not_sign_a_scaffold(kit: SiteKit, capsys) -> None:
    scaffolded(kit)
    assert main(["approve", "kpt-1", "--site", str(kit.root), "--step", "2", "--by", "Rina Web",
                 "--at", "2024-02-01T10:00:00+07:00"]) == 1
    assert "placeholder" in capsys.readouterr().err
    assert not (kit.root / "approvals" / "kpt-1").exists()
