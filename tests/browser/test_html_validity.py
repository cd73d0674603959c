"""Issue 22: the W3C Nu HTML checker (vnu, the checker validator.w3.org runs; from npm's vnu-jar) finds
no error in any page of the built sample site, product pages by the article included."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_the_nu_checker_finds_no_error_in_any_page(built_site: Path) -> None:
    assert shutil.which("java"), "the Nu checker needs Java (scripts/system_packages.sh installs it)"
    assert VNU.is_file(), f"{VNU} is missing: run `npm ci`"
    pages = sorted(p for p in built_site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 30 and any(p.parent.name == "uu-7-2017" for p in pages)
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "text", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr


def test_the_checker_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "salah.html"
    bad.write_text('<!doctype html><html lang="id"><head><title>x</title></head><body><form action=""></form></body></html>')
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "text", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "action" in done.stdout + done.stderr
