"""Issue 19: when a published product `mencabut` another, the other is shown Tidak Berlaku, dicabut
dengan ..., derived from the revoking product's approval: the old product is not edited or signed again."""

from __future__ import annotations

import json
from pathlib import Path

from sitekit import NOW, SiteKit

from jdih_build.pipeline import build

OLD, NEW = "kpt-lama", "kpt-baru"


def site(kit: SiteKit, sign_new: bool) -> None:
    kit.add_product(OLD, judul="Keputusan Lama tentang Pengelola", nomor="1")
    kit.add_product(NEW, judul="Keputusan Baru tentang Pengelola", nomor="2",
                    extra=f"relasi:\n  - jenis: mencabut\n    target: {OLD}\n")
    kit.sign_all(OLD)
    if sign_new:
        kit.sign_all(NEW)


def test_a_published_revocation_makes_the_old_product_tidak_berlaku(kit: SiteKit, tmp_path: Path) -> None:
    site(kit, sign_new=True)
    old_bytes = kit.products[OLD].read_bytes()
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and {p.id for p in report.gate.published} == {OLD, NEW}
    page = (tmp_path / "out" / "produk" / OLD / "index.html").read_text(encoding="utf-8")
    assert "tidak-berlaku" in page and "Keputusan Baru tentang Pengelola" in page and "dicabut dengan" in page
    feed = {e["judul"]: e for e in json.loads((tmp_path / "out" / "feed" / "document.json").read_text())}
    assert feed["Keputusan Lama tentang Pengelola"]["status"] == "Tidak Berlaku"
    assert (tmp_path / "out" / "status" / "tidak-berlaku" / "index.html").is_file()
    assert kit.products[OLD].read_bytes() == old_bytes          # nothing of the old product was touched
    assert not any("still Berlaku" in w for w in report.warnings)


def test_an_unpublished_revocation_changes_nothing(kit: SiteKit, tmp_path: Path) -> None:
    site(kit, sign_new=False)
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and [p.id for p in report.gate.published] == [OLD]
    page = (tmp_path / "out" / "produk" / OLD / "index.html").read_text(encoding="utf-8")
    assert "tidak-berlaku" not in page and "Keputusan Baru" not in page     # a withheld product leaves no trace


def test_signing_the_revocation_later_updates_the_cached_old_page(kit: SiteKit, tmp_path: Path) -> None:
    site(kit, sign_new=False)
    cache = tmp_path / "cache"
    assert build(kit.root, tmp_path / "out", NOW, cache_dir=cache).ok
    kit.sign_all(NEW)
    assert build(kit.root, tmp_path / "out", NOW, cache_dir=cache).ok
    assert "tidak-berlaku" in (tmp_path / "out" / "produk" / OLD / "index.html").read_text(encoding="utf-8")
