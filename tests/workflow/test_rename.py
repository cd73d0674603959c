"""Issue 19: a rejected number. `jdih rename OLD NEW` moves the product to its new id, keeps the old
records as history (status shows them, check does not call them orphans, they never count), and the
SOP starts anew."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from sitekit import NOW, WIB, SiteKit, run_command

from jdih_build.cli.main import main
from jdih_build.pipeline import build
from jdih_build.workflow.catalogue import rename
from jdih_build.workflow.reporting.status import run_status

OLD, NEW = "kpt-12-2024", "kpt-13-2024"


def rejected(kit: SiteKit) -> None:
    kit.add_product(OLD, nomor="12")
    kit.sign(OLD, 2, when=datetime(2024, 2, 1, 10, 0, tzinfo=WIB))
    kit.sign(OLD, 3, keputusan="ditolak", when=datetime(2024, 2, 1, 11, 0, tzinfo=WIB), catatan="nomor 12 sudah dipakai")


def test_rename_keeps_the_history_and_starts_the_steps_anew(kit: SiteKit, tmp_path: Path, capsys) -> None:
    rejected(kit)
    old_records = sorted(p.name for p in (kit.root / "approvals" / OLD).iterdir())
    result = run_command(rename, "rename", kit.root, OLD, NEW, "--nomor", "13", "--catatan", "nomor ditolak")
    assert result.rc == 0, result.err
    folder = kit.products[OLD].parent
    assert not (folder / f"{OLD}.md").exists() and (folder / f"{NEW}.md").is_file() and (folder / f"{NEW}.pdf").is_file()
    text = (folder / f"{NEW}.md").read_text()
    assert f"- {NEW}.pdf" in text and 'nomor: "13"' in text
    assert sorted(p.name for p in (kit.root / "approvals" / OLD).iterdir()) == old_records   # history, untouched
    assert f"jdih approve {NEW} --step 2" in result.out
    assert main(["check", "--site", str(kit.root)]) == 0                                     # no orphaned records
    assert "belongs to no product" not in capsys.readouterr().err
    out, err = io.StringIO(), io.StringIO()
    assert run_status(kit.root, NEW, True, NOW, out, err) == 0
    [product] = json.loads(out.getvalue())["products"]
    assert product["signed"] == [] and product["published"] is False        # the steps start anew
    [history] = product["history"]
    assert history["as"] == OLD and history["catatan"] == "nomor ditolak"
    assert [(r["step"], r["keputusan"], r["catatan"]) for r in history["records"]] == [
        (2, "disetujui", None), (3, "ditolak", "nomor 12 sudah dipakai")]
    text_out, _err = io.StringIO(), io.StringIO()
    run_status(kit.root, NEW, False, NOW, text_out, _err)
    assert f"history: signed as {OLD}" in text_out.getvalue() and "nomor 12 sudah dipakai" in text_out.getvalue()
    kit.products[NEW] = folder / f"{NEW}.md"
    kit.sign_all(NEW)
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and [p.id for p in report.gate.published] == [NEW] and not report.gate.notices


def test_rename_refuses_a_taken_or_invalid_id_and_changes_nothing(kit: SiteKit) -> None:
    rejected(kit)
    kit.add_product("kpt-lain", nomor="9")
    for new in ("kpt-lain", "Bukan Id", OLD):
        result = run_command(rename, "rename", kit.root, OLD, new)
        assert result.rc == 1 and "nothing was changed" in result.err, result
    assert kit.products[OLD].is_file() and not (kit.root / "approvals" / "ganti-nama.yaml").exists()
