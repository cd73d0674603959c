"""V3: an attachment swapped between hashing and copying is never published; the copy is verified."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import good_site, leftovers
from sitekit import NOW, SiteKit, tree_bytes

import jdih_build.pipeline as build_module
from jdih_build.pipeline import build
from jdih_build.publish.writer import OutputError, copy_verified


def swap_after_gate(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run `action` right after the gate accepted the bytes it read: the window of the race."""
    real = build_module.evaluate

    def evaluate_then_swap(site, now):
        result = real(site, now)
        action()
        return result

    monkeypatch.setattr(build_module, "evaluate", evaluate_then_swap)


@pytest.mark.parametrize("swap", ["bytes", "symlink", "fifo", "removed"])
def test_v3_attachment_swapped_during_the_build_is_not_published(kit: SiteKit, monkeypatch, swap: str) -> None:
    out = good_site(kit)
    kit.add_product("kpt-2")
    kit.sign_all("kpt-2")
    pdf = kit.products["kpt-2"].with_name("kpt-2.pdf")

    def do_swap() -> None:
        pdf.unlink()
        if swap == "bytes":
            pdf.write_bytes(b"%PDF-1.4 forged, nobody approved these bytes")
        elif swap == "symlink":
            pdf.symlink_to("/etc/passwd")
        elif swap == "fifo":
            os.mkfifo(pdf)

    before = tree_bytes(out)
    swap_after_gate(monkeypatch, do_swap)
    report = build(kit.root, out, NOW)
    assert not report.ok
    assert any("kpt-2.pdf" in p.message and "changed during the build" in p.message for p in report.problems)
    assert tree_bytes(out) == before        # previous site intact, api/produk.json never claimed the forgery
    assert leftovers(out) == []


def test_v3_copy_is_verified_against_the_approved_digest(tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"approved")
    import hashlib
    digest = hashlib.sha256(b"approved").hexdigest()
    copy_verified(source, tmp_path / "ok.pdf", digest)
    assert (tmp_path / "ok.pdf").read_bytes() == b"approved"
    source.write_bytes(b"forged")
    with pytest.raises(OutputError, match="changed during the build"):
        copy_verified(source, tmp_path / "bad.pdf", digest)
    assert not (tmp_path / "bad.pdf").exists()


def test_v3_pdf_text_is_read_from_the_verified_copy(kit: SiteKit) -> None:
    """The search text and page count come from the staged copy, never from the source path."""
    seen: list[Path] = []

    def record(paths: list[Path]):
        seen.extend(paths)
        return build_module.read_staged_pdfs(paths)

    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out = kit.root / "output"
    assert build(kit.root, out, NOW, read_pdf_files=record).ok
    assert seen and all(".output.staging-" in str(p) for p in seen)
