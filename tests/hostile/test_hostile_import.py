"""U8: `jdih import` of deeply nested JSON is refused with the record named, never a RecursionError
traceback, and writes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sitekit import SiteKit, tree_bytes

from jdih_build.cli.main import main
from jdih_build.workflow.catalogue.import_command import run_import
from jdih_build.workflow.catalogue.import_records import MAX_DEPTH

GOOD = {"idData": "1", "jenis": "Keputusan", "noPeraturan": "1", "judul": "Keputusan Nomor 1 Tahun 2024 tentang Uji",
        "tahun_pengundangan": "2024", "tanggal_penetapan": "2024-01-01", "status": "Berlaku"}


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_record(depth: int) -> str:
    inner = '{"a":' * depth + "1" + "}" * depth
    return "[" + json.dumps(GOOD) + "," + json.dumps(GOOD) + "," + inner + "]"


@pytest.mark.parametrize("text, record", [(nested_arrays(100_000), "record 0"), (deep_record(50_000), "record 2")])
def test_u8_deep_json_is_refused_naming_the_record(kit: SiteKit, tmp_path: Path, text: str, record: str) -> None:
    feed = tmp_path / "document.json"
    feed.write_text(text, encoding="utf-8")
    before = tree_bytes(kit.root / "content")
    out, err = io.StringIO(), io.StringIO()
    code = run_import(kit.root, feed, None, False, out, err)
    assert code == 1
    assert record in err.getvalue() and f"more than {MAX_DEPTH} levels" in err.getvalue(), err.getvalue()
    assert tree_bytes(kit.root / "content") == before


def test_u8_through_the_cli_there_is_no_traceback(kit: SiteKit, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "document.json"
    feed.write_text(nested_arrays(100_000), encoding="utf-8")
    code = main(["import", str(feed), "--site", str(kit.root)])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err and "RecursionError" not in captured.err


def test_ordinary_nesting_still_imports(kit: SiteKit, tmp_path: Path) -> None:
    feed = tmp_path / "document.json"
    feed.write_text(json.dumps({"data": [{**GOOD, "subjek": [["a"]], "judul": "Judul [dengan] {kurung}"}]}), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    run_import(kit.root, feed, None, True, out, err)
    assert "nested" not in err.getvalue(), err.getvalue()
    assert "1 record(s)" in out.getvalue(), out.getvalue()
