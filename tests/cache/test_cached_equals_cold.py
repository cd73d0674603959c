"""A build from the cache is byte for byte the build from nothing, whatever input changed.

Each test builds a site with a cache, changes one kind of input, builds again with the cache into
the same folder, and compares with a cold build (no cache) of the changed site. Each also checks
that the change showed (the site differs from before) and, where it should, that the cache was
really used (pages were not all rendered again).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitekit import NOW, WIB, SiteKit, tree_bytes

from jdih_build.pipeline import build


def make_site(root: Path) -> SiteKit:
    kit = SiteKit.create(root)
    for number, product_id in enumerate(("kpt-1-2024", "kpt-2-2024", "kpt-3-2024"), start=1):
        extra = "relasi:\n  - {jenis: mencabut, target: kpt-1-2024}\n" if product_id == "kpt-3-2024" else ""
        kit.add_product(product_id, nomor=str(number), extra=extra)
        kit.sign(product_id, 1)
        kit.sign_all(product_id)
    return kit


def cached_equals_cold(tmp_path: Path, change: Callable[[SiteKit], None], *, search: bool = True,
                       before: datetime = NOW, after: datetime = NOW, spare: bool = True) -> tuple[dict[str, bytes], dict[str, bytes], object]:
    kit = make_site(tmp_path / "site")
    out, cache, cold = tmp_path / "out", tmp_path / "cache", tmp_path / "cold"
    first = build(kit.root, out, before, cache_dir=cache, search=search)
    assert first.ok, first.problems
    # A change of another product first, so that the last build stages in the site before last (the
    # spare tree, cache/spare.py) and must bring every file of it up to date.
    kit.sign("kpt-3-2024", 2, when=datetime(2024, 2, 1, 11, 20, tzinfo=WIB))
    second = build(kit.root, out, before, cache_dir=cache, search=search)
    assert second.ok and not second.reused_spare, second.problems
    old = tree_bytes(out)
    change(kit)
    cached = build(kit.root, out, after, cache_dir=cache, search=search)
    assert cached.ok, cached.problems
    assert cached.reused_spare or not spare
    fresh = build(kit.root, cold, after, search=search)
    assert fresh.ok, fresh.problems
    new = tree_bytes(out)
    assert new == tree_bytes(cold), sorted(k for k in set(new) | set(tree_bytes(cold)) if new.get(k) != tree_bytes(cold).get(k))
    assert new != old, "the change did not show in the site"
    return old, new, cached


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_product_text_changed_and_signed_again(tmp_path: Path) -> None:
    def change(kit: SiteKit) -> None:
        edit(kit.products["kpt-2-2024"], "judul: Keputusan Uji kpt-2-2024", "judul: Keputusan Uji yang Diubah")
        kit.sign("kpt-2-2024", 1)
        kit.sign_all("kpt-2-2024")
    old, new, report = cached_equals_cold(tmp_path, change)
    assert b"Keputusan Uji yang Diubah" in new["produk/kpt-2-2024/index.html"]
    assert report.rendered < report.pages   # the other products' pages came from the cache


def test_product_edited_without_new_sign_offs_is_withheld(tmp_path: Path) -> None:
    _, new, _ = cached_equals_cold(tmp_path, lambda kit: edit(kit.products["kpt-2-2024"], "judul: Keputusan", "judul: Keputusan Baru"))
    assert "produk/kpt-2-2024/index.html" not in new


def test_attachment_bytes_changed(tmp_path: Path) -> None:
    def change(kit: SiteKit) -> None:
        pdf = kit.products["kpt-1-2024"].with_name("kpt-1-2024.pdf")
        pdf.write_bytes(pdf.read_bytes() + b"%changed\n")
    _, new, _ = cached_equals_cold(tmp_path, change)
    assert "produk/kpt-1-2024/kpt-1-2024.pdf" not in new   # the gate hashed today's bytes: withheld


def test_attachment_changed_and_signed_again(tmp_path: Path) -> None:
    def change(kit: SiteKit) -> None:
        pdf = kit.products["kpt-1-2024"].with_name("kpt-1-2024.pdf")
        pdf.write_bytes(pdf.read_bytes() + b"%changed\n")
        kit.sign("kpt-1-2024", 1)
        kit.sign_all("kpt-1-2024")
    _, new, _ = cached_equals_cold(tmp_path, change)
    assert new["produk/kpt-1-2024/kpt-1-2024.pdf"].endswith(b"%changed\n")


def test_sign_off_removed(tmp_path: Path) -> None:
    _, new, _ = cached_equals_cold(tmp_path, lambda kit: (kit.root / "approvals" / "kpt-3-2024" / "04-pengarah.yaml").unlink())
    assert "produk/kpt-3-2024/index.html" not in new
    assert b"kpt-3-2024" not in new["produk/kpt-1-2024/index.html"]   # nor its relation on another page


def test_sign_off_time_changed(tmp_path: Path) -> None:
    cached_equals_cold(tmp_path, lambda kit: kit.sign("kpt-1-2024", 4, when=datetime(2024, 3, 1, 10, 30, tzinfo=WIB)))


def test_an_earlier_step_signed_again(tmp_path: Path) -> None:
    """Neither the product nor its last sign-off changed: only the history its page shows."""
    _, new, _ = cached_equals_cold(tmp_path, lambda kit: kit.sign("kpt-1-2024", 2, when=datetime(2024, 2, 1, 11, 30, tzinfo=WIB)))
    assert b"11.30" in new["produk/kpt-1-2024/index.html"] or b"11:30" in new["produk/kpt-1-2024/index.html"]


def test_roster_changed(tmp_path: Path) -> None:
    cached_equals_cold(tmp_path, lambda kit: edit(kit.root / "approvals" / "petugas.yaml", "- nama: Citra Pengarah",
                                                  "- nama: Citra Pengganti"))


def test_sop_changed(tmp_path: Path) -> None:
    cached_equals_cold(tmp_path, lambda kit: edit(kit.root / "approvals" / "sop.yaml", "Validasi akhir", "Validasi akhir pengarah"))


def test_settings_changed(tmp_path: Path) -> None:
    _, new, _ = cached_equals_cold(tmp_path, lambda kit: edit(kit.root / "pyproject.toml", 'judul_situs = "JDIH Uji"',
                                                              'judul_situs = "JDIH Uji Baru"'))
    assert b"JDIH Uji Baru" in new["produk/kpt-2-2024/index.html"]


def test_template_changed(tmp_path: Path) -> None:
    _, new, _ = cached_equals_cold(tmp_path, lambda kit: edit(kit.root / "templates" / "produk.html", "</article>",
                                                              "<p>tanda-templat</p></article>"))
    assert b"tanda-templat" in new["produk/kpt-2-2024/index.html"]


def test_asset_changed(tmp_path: Path) -> None:
    def change(kit: SiteKit) -> None:
        css = sorted((kit.root / "templates" / "assets").glob("*.css"))[0]
        css.write_text(css.read_text(encoding="utf-8") + "\n/* berubah */\n", encoding="utf-8")
    _, new, _ = cached_equals_cold(tmp_path, change, search=False)
    assert any(path.startswith("assets/") and b"berubah" in data for path, data in new.items())


def test_clock_passes_a_sign_off_time_and_an_aktif_sampai(tmp_path: Path) -> None:
    """At the first build the last sign-off lies in the future (withheld); at the second it is past.
    Dedi Lama's aktif_sampai lies between the two clocks, his sign-off within his term."""
    later = NOW + timedelta(days=400)

    def prepare(kit: SiteKit) -> None:
        edit(kit.root / "approvals" / "petugas.yaml", "aktif_sampai: 2023-12-31", f"aktif_sampai: {(NOW + timedelta(days=10)).date()}")
        kit.sign("kpt-1-2024", 4, when=NOW + timedelta(days=5), by="Dedi Lama")
        kit.sign("kpt-2-2024", 4, when=NOW + timedelta(days=30))

    kit = make_site(tmp_path / "site")
    prepare(kit)
    out, cache, cold = tmp_path / "out", tmp_path / "cache", tmp_path / "cold"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    assert "produk/kpt-2-2024/index.html" not in tree_bytes(out)
    assert build(kit.root, out, later, cache_dir=cache).ok
    assert build(kit.root, cold, later).ok
    assert tree_bytes(out) == tree_bytes(cold)
    assert "produk/kpt-2-2024/index.html" in tree_bytes(out) and "produk/kpt-1-2024/index.html" in tree_bytes(out)


def test_a_new_product_and_a_removed_one(tmp_path: Path) -> None:
    def change(kit: SiteKit) -> None:
        kit.add_product("kpt-4-2024", nomor="4")
        kit.sign("kpt-4-2024", 1)
        kit.sign_all("kpt-4-2024")
        kit.products["kpt-2-2024"].unlink()
        kit.products["kpt-2-2024"].with_name("kpt-2-2024.pdf").unlink()
        shutil.rmtree(kit.root / "approvals" / "kpt-2-2024")
    _, new, _ = cached_equals_cold(tmp_path, change)
    assert "produk/kpt-4-2024/index.html" in new and "produk/kpt-2-2024/index.html" not in new


def read_bucket(path: Path) -> dict:
    """A table bucket's JSON (after its digest line)."""
    return json.loads(path.read_bytes().partition(b"\n")[2])


def write_bucket(path: Path, data: dict) -> None:
    """A bucket rewritten with a valid digest: what someone who can write the cache folder can do."""
    from jdih_build.cache.store import _digest

    body = json.dumps(data).encode()
    path.write_bytes(_digest(data["salt"], f"{path.parent.name}/{path.stem}", body).encode() + b"\n" + body)


@pytest.mark.parametrize("damage", ["tables", "values", "blobs", "abstracts"])
def test_a_damaged_cache_is_a_miss(tmp_path: Path, damage: str) -> None:
    """Garbage in the tables, values of the wrong shape under the right version, or blobs truncated
    or edited in place: the build equals a cold one."""
    def change(kit: SiteKit) -> None:
        cache = tmp_path / "cache"
        if damage == "abstracts":
            for stored in (cache / "abstracts").rglob("*"):
                if stored.is_file():
                    stored.write_text('["<script>x</script>"' if stored.name < "8" else "[1, 2, 3, 4]")
        elif damage == "values":
            for table in (cache / "tables").glob("*/*.json"):   # with a valid digest: shapes are still checked
                data = read_bucket(table)
                data["entries"] = {key: [["x"], 7] if i % 2 else {"x": None} for i, key in enumerate(data["entries"])}
                write_bucket(table, data)
        elif damage == "tables":
            for table in (cache / "tables").glob("*/*.json"):
                table.write_text('{"format": 1, "salt": "x", "entries": [1, 2]}' if "pages" in str(table) else "{not json")
        else:
            for blob in (cache / "blobs").rglob("*"):
                if blob.is_file():
                    with blob.open("r+b") as handle:   # in place: the output files that share it change too
                        handle.truncate(max(0, blob.stat().st_size - 1))
        edit(kit.root / "pyproject.toml", 'judul_situs = "JDIH Uji"', 'judul_situs = "JDIH Uji Rusak"')
    cached_equals_cold(tmp_path, change, spare=False)   # a damaged cache may lose the spare tree too


def test_a_spare_tree_edited_since_is_not_reused(tmp_path: Path) -> None:
    """The site before last is reused only exactly as recorded: an edit in it (the hard links share
    the output's files) makes the next build start from an empty folder, and still equal a cold one."""
    kit = make_site(tmp_path / "site")
    out, cache, cold = tmp_path / "out", tmp_path / "cache", tmp_path / "cold"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    kit.sign("kpt-3-2024", 2, when=datetime(2024, 2, 1, 11, 20, tzinfo=WIB))
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    spare = next((cache / "spare").iterdir())
    page = spare / "produk" / "kpt-2-2024" / "index.html"
    page.unlink()
    page.write_bytes(b"<p>not the approved page</p>")
    kit.sign("kpt-1-2024", 2, when=datetime(2024, 2, 1, 11, 25, tzinfo=WIB))
    report = build(kit.root, out, NOW, cache_dir=cache)
    assert report.ok and not report.reused_spare
    assert build(kit.root, cold, NOW).ok
    assert tree_bytes(out) == tree_bytes(cold)


def test_the_spare_tree_outlives_a_build_with_nothing_to_do(tmp_path: Path) -> None:
    kit = make_site(tmp_path / "site")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    kit.sign("kpt-3-2024", 2, when=datetime(2024, 2, 1, 11, 20, tzinfo=WIB))
    assert build(kit.root, out, NOW, cache_dir=cache).ok          # the site before it becomes the spare
    assert build(kit.root, out, NOW, cache_dir=cache).unchanged
    kit.sign("kpt-1-2024", 2, when=datetime(2024, 2, 1, 11, 25, tzinfo=WIB))
    assert build(kit.root, out, NOW, cache_dir=cache).reused_spare


def test_nothing_to_do_is_found_without_the_pages_and_an_edited_output_is_put_right(tmp_path: Path) -> None:
    """A build whose inputs make the same whole site as the last one writes nothing; but an output
    folder edited since is written again, and then equals a cold build."""
    kit = make_site(tmp_path / "site")
    out, cache, cold = tmp_path / "out", tmp_path / "cache", tmp_path / "cold"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    again = build(kit.root, out, NOW, cache_dir=cache)
    assert again.unchanged and again.manifest
    page = out / "produk" / "kpt-2-2024" / "index.html"
    page.unlink()
    page.write_bytes(b"<p>not the approved page</p>")
    repaired = build(kit.root, out, NOW, cache_dir=cache)
    assert repaired.ok and not repaired.unchanged
    assert build(kit.root, cold, NOW).ok
    assert tree_bytes(out) == tree_bytes(cold)
    assert build(kit.root, out, NOW, search=False, cache_dir=cache).ok is True   # another kind of site: built
    assert not (out / "pagefind").exists()


def test_a_build_that_repairs_the_cache_keeps_every_page_for_the_next(tmp_path: Path) -> None:
    """Same inputs, but a damaged parse entry is parsed again: the build is not cut short (its commit
    would drop every page it did not ask for), so the next build still finds everything."""
    kit = make_site(tmp_path / "site")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(kit.root, out, NOW, cache_dir=cache).ok
    for table in (cache / "tables" / "signoffs").glob("*.json"):
        data = read_bucket(table)
        data["entries"] = {key: ["rusak"] for key in data["entries"]}
        write_bucket(table, data)
    repairing = build(kit.root, out, NOW, cache_dir=cache)
    assert repairing.ok and not repairing.unchanged and repairing.rendered == 0
    assert build(kit.root, out, NOW, cache_dir=cache).unchanged
    pages = sum(len(read_bucket(t)["entries"]) for t in (cache / "tables" / "pages").glob("*.json"))
    assert pages == repairing.pages
