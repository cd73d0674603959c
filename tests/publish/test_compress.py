"""Pre-compressed copies of the text files (issue 22): each decompresses to exactly its file, is made
again only when the file changed, and is the same bytes on every build."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
from sitekit import NOW, SiteKit, tree_bytes

from jdih_build.pipeline import build


def test_every_text_file_has_its_compressed_copies(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    page = out / "produk" / "kpt-1" / "index.html"
    assert brotli.decompress((out / "produk/kpt-1/index.html.br").read_bytes()) == page.read_bytes()
    assert gzip.decompress((out / "produk/kpt-1/index.html.gz").read_bytes()) == page.read_bytes()
    texts = [p for p in out.rglob("*") if p.suffix in (".html", ".css", ".js", ".json", ".xml")
             and p.stat().st_size >= 1024 and "pagefind" not in p.parts]
    assert texts and all(p.with_name(p.name + ".br").is_file() and p.with_name(p.name + ".gz").is_file() for p in texts)
    assert not list(out.rglob("*.pdf.gz"))
    assert (out / "pagefind" / "pagefind.js.br").is_file() and not list((out / "pagefind").rglob("*pf_*.br"))
    first = tree_bytes(out)
    cold = tmp_path / "cold"
    assert build(kit.root, cold, NOW).ok                          # no cache: compressed afresh
    assert tree_bytes(cold) == first
    md = kit.products["kpt-1"]
    md.write_text(md.read_text(encoding="utf-8").replace("Abstrak untuk", "Abstrak baru untuk"), encoding="utf-8")
    kit.sign_all("kpt-1")
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    assert brotli.decompress((out / "produk/kpt-1/index.html.br").read_bytes()) == page.read_bytes()
    assert b"Abstrak baru" in page.read_bytes()
