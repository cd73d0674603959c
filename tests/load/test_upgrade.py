"""Issue 19: a site made by an older jdih-build hears what must change, once, with the fix."""

from __future__ import annotations

from pathlib import Path

from sitekit import NOW, SiteKit

from jdih_build.load.upgrade import pinned_version, upgrade_notes
from jdih_build.pipeline import build


def pin(kit: SiteKit, version: str) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(f'[project]\nname = "jdih-uji"\nversion = "0"\ndependencies = ["jdih-build=={version}"]\n\n'
                        + settings.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_pin_other_than_the_running_version_is_named(kit: SiteKit) -> None:
    pin(kit, "0.1.0")
    assert pinned_version(kit.root) == "0.1.0"
    [note] = upgrade_notes(kit.root, running="0.2.0")
    assert "pins jdih-build 0.1.0, but 0.2.0 is running" in note and "make pasang" in note
    assert upgrade_notes(kit.root, running="0.1.0") == []


def test_leftovers_of_older_versions_are_named_with_their_fix(kit: SiteKit) -> None:
    (kit.root / ".jdih-cache").mkdir()
    workflows = kit.root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "pages.yml").write_text("steps:\n  - uses: actions/cache@v4\n    with:\n      path: .jdih-cache\n"
                                         "  - env:\n      JDIH_ROOT_KEYS: ${{ vars.JDIH_ROOT_KEYS }}\n")
    notes = upgrade_notes(kit.root)
    assert len(notes) == 3, notes
    assert all("docs/pemutakhiran.md" in n for n in notes)


def test_the_build_says_them(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    pin(kit, "0.0.1")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and any("pins jdih-build 0.0.1" in w for w in report.warnings), report.warnings
