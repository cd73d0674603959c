"""Issue 11.1, the build's side of cek/: every published file by its sha256, in shards whose names grow
with the catalogue; a withheld product's file is in none."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sitekit import NOW, SiteKit

from jdih_build.pipeline import build
from jdih_build.publish.check_index import prefix_length


def test_published_files_are_indexed_and_withheld_ones_are_not(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("kpt-terbit")
    kit.sign_all("kpt-terbit")
    kit.add_product("kpt-tahan")
    kit.sign("kpt-tahan", 2)
    assert build(kit.root, tmp_path / "out", NOW, search=False).ok
    folder = tmp_path / "out" / "cek" / "indeks"
    length = json.loads((folder / "indeks.json").read_text())["awalan"]
    assert length == 1 and len(list(folder.glob("?.json"))) == 16   # every shard, empty ones too
    def lookup(path: Path) -> list:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        return json.loads((folder / f"{sha[:length]}.json").read_text()).get(sha, [])
    [found] = lookup(kit.products["kpt-terbit"].with_suffix(".pdf"))
    assert found["id"] == "kpt-terbit" and found["url"] == "produk/kpt-terbit/" and found["berkas"] == "kpt-terbit.pdf"
    assert [v["oleh"] for v in found["validasi"]] == ["Rina Web", "Budi Admin", "Citra Pengarah"]
    assert lookup(kit.products["kpt-tahan"].with_suffix(".pdf")) == []


def test_the_shards_grow_with_the_catalogue() -> None:
    assert [prefix_length(n) for n in (0, 1_000, 1_001, 64_000, 64_001)] == [1, 1, 2, 2, 3]
