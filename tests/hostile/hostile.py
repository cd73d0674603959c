"""What every hostile case asserts: withheld or refused with the file named, no traceback, no
partial publish (the previous site stays byte for byte, nothing is left beside it)."""

from __future__ import annotations

from pathlib import Path

from sitekit import NOW, SiteKit, tree_bytes

from jdih_build.pipeline import BuildReport, build


def good_site(kit: SiteKit, product_id: str = "kpt-baik") -> Path:
    """A site with one published product, built once into output/; returns output/."""
    kit.add_product(product_id)
    kit.sign_all(product_id)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok and [p.id for p in report.gate.published] == [product_id]
    return out


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def assert_refused(kit: SiteKit, out: Path, file_part: str, message_part: str, **build_args) -> BuildReport:
    """The build fails naming `file_part` with `message_part`; output/ is exactly as it was."""
    before = tree_bytes(out)
    report = build(kit.root, out, NOW, **build_args)
    assert not report.ok, "the build should have refused the input"
    texts = [str(p) for p in report.problems]
    assert any(file_part in p.path and message_part in str(p) for p in report.problems), texts
    assert all(p.fix for p in report.problems), texts
    assert tree_bytes(out) == before
    assert leftovers(out) == []
    return report


def assert_withheld(kit: SiteKit, out: Path, product_id: str, rule: str | None = None) -> BuildReport:
    report = build(kit.root, out, NOW)
    assert report.ok, [str(p) for p in report.problems]
    withheld = {v.product.id: v for v in report.gate.withheld}
    assert product_id in withheld
    if rule is not None:
        assert rule in {f.rule for f in withheld[product_id].failures}
    assert not (out / "produk" / product_id).exists()
    published = b"".join(tree_bytes(out).values())
    assert product_id.encode() not in published
    return report
