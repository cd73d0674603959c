"""The PDFs' text layers kept in the cache one file each, read only where a build needs them (issue 23):
a build of one change reads the text of the pages it renders and of the search shard it indexes, and
a text file gone, damaged or planted since is read again from the verified PDF, so the site equals
a cold build's."""

from __future__ import annotations

import io
from hashlib import sha256
from pathlib import Path

import pytest
from sitekit import NOW, SiteKit, tree_bytes

from jdih_build.cache.entries import _digest
from jdih_build.pipeline import build
from jdih_build.publish import pdf_stage

IDS = ("kpt-1-2024", "kpt-2-2024", "kpt-3-2024", "kpt-4-2024")


def text_pdf(words: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.drawString(60, 800, words)
    page.showPage()
    page.save()
    return buffer.getvalue()


def site_with_texts(root: Path) -> SiteKit:
    kit = SiteKit.create(root)
    for number, product_id in enumerate(IDS, start=1):
        md = kit.add_product(product_id, nomor=str(number))
        md.with_name(f"{product_id}.pdf").write_bytes(text_pdf(f"Isi naskah {product_id} tentang kata{number}unik"))
        kit.sign_all(product_id)
    return kit


def test_one_change_reads_only_the_texts_it_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kit = site_with_texts(tmp_path / "site")
    out, cache = tmp_path / "out", tmp_path / "cache"
    # A shard per product (four of 2024 split by a hash): one change re-indexes one small shard.
    assert build(kit.root, out, NOW, cache_dir=cache, search_shard_size=1).ok
    read: list[str] = []
    original = pdf_stage.StoredLayer.layer

    def counted(self: pdf_stage.StoredLayer) -> tuple[tuple[str, ...], str]:
        read.append(self.sha)
        return original(self)

    monkeypatch.setattr(pdf_stage.StoredLayer, "layer", counted)
    md = kit.products["kpt-2-2024"]
    md.write_text(md.read_text(encoding="utf-8").replace("judul: Keputusan Uji", "judul: Keputusan Uji Baru", 1), encoding="utf-8")
    kit.sign_all("kpt-2-2024")
    report = build(kit.root, out, NOW, cache_dir=cache, search_shard_size=1)
    assert report.ok, report.problems
    changed_pdf = kit.products["kpt-2-2024"].with_name("kpt-2-2024.pdf")
    assert read == [sha256(changed_pdf.read_bytes()).hexdigest()]   # its page and its shard; the others not at all
    cold = tmp_path / "cold"
    assert build(kit.root, cold, NOW, search_shard_size=1).ok
    assert tree_bytes(out) == tree_bytes(cold)
    assert b"kata2unik" in tree_bytes(out)["produk/kpt-2-2024/index.html"]


@pytest.mark.parametrize("damage", ["garbage", "planted", "removed"])
def test_a_damaged_or_planted_text_is_read_again_from_the_pdf(tmp_path: Path, damage: str) -> None:
    """Someone who can write the cache folder plants another text with a valid file digest: the text
    must still hash to the digest the table holds, or the PDF is read again."""
    kit = site_with_texts(tmp_path / "site")
    out, cache, cold = tmp_path / "out", tmp_path / "cache", tmp_path / "cold"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    stored = [p for p in (cache / "pdftext").rglob("*") if p.is_file()]
    assert len(stored) == len(IDS)
    for path in stored:
        header = path.read_bytes().partition(b"\n")[0].split(b" ")   # b"jdih-cache", the salt, a digest
        if damage == "garbage":
            path.write_bytes(path.read_bytes()[:-3] + b"xyz")
        elif damage == "planted":
            body = b'["<script>alert(1)</script> teks palsu"]'
            salt_text = header[1].decode()
            path.write_bytes(b"jdih-cache " + header[1] + b" " + _digest(salt_text, path.name, body).encode() + b"\n" + body)
        else:
            path.unlink()
    # A change that re-renders every product page (the site's title) and the search index.
    (kit.root / "pyproject.toml").write_text((kit.root / "pyproject.toml").read_text(encoding="utf-8").replace(
        'judul_situs = "JDIH Uji"', 'judul_situs = "JDIH Uji Lagi"'), encoding="utf-8")
    report = build(kit.root, out, NOW, cache_dir=cache)
    assert report.ok, report.problems
    assert build(kit.root, cold, NOW).ok
    built = tree_bytes(out)
    assert built == tree_bytes(cold)
    assert all(b"teks palsu" not in data for data in built.values())
    assert b"kata1unik" in built["produk/kpt-1-2024/index.html"]
