"""`jdih report`'s page in Chromium: the step table fits a 1280 px screen (issue 10: its last column
was hidden behind a scroll), and scrolls within itself on a phone instead of widening the page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("laporan")
    done = subprocess.run([sys.executable, "-m", "jdih_build", "report", "--site", str(REPO), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out / "laporan-sop.html"


@pytest.mark.parametrize("width", [1280, 360])
def test_the_step_table_fits_or_scrolls_in_place(browser, report: Path, screenshots_dir, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(report.as_uri())
        table = page.locator("#tabel-langkah")
        own, box = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        if width == 1280:
            assert own <= box, f"the step table is {own} px wide in a {box} px column"
            last = page.locator("#tabel-langkah thead th").last.bounding_box()
            assert last is not None and last["x"] + last["width"] <= width
        page_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= width, "the page itself scrolls sideways"
        page.screenshot(path=str(screenshots_dir / f"laporan-sop-{width}.png"), full_page=True)
    finally:
        context.close()
