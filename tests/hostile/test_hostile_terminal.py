"""V8: escape sequences from the input never reach the terminal raw."""

from __future__ import annotations

import io

from hostile import good_site
from sitekit import SiteKit

from jdih_build.cli import main as cli
from jdih_build.console.progress import Progress
from jdih_build.console.terminal import VisibleStream, visible


def test_v8_visible_escapes_every_control_character() -> None:
    assert visible("a\x1b[2Kb\rc\x07\x9b\u202e\x7f") == "a\\x1b[2Kb\\x0dc\\x07\\x9b\\u202e\\x7f"
    assert visible("baris\n\tberikut") == "baris\n\tberikut"
    assert visible("bad\udcffname") == "bad\\udcffname"


def test_v8_cli_output_cannot_erase_the_withheld_lines(kit: SiteKit, capsys, tmp_path) -> None:
    """A product file name cannot hold ESC (refused at load), but a path given on the command line can:
    every line the CLI prints goes through the visible filter."""
    good_site(kit)
    hostile_out = tmp_path / "x\x1b[2K\x1b[1A"
    hostile_out.mkdir()
    (hostile_out / "someone-elses-file").write_text("x")
    rc = cli.main(["build", "--site", str(kit.root), "--out", str(hostile_out)])
    err = capsys.readouterr().err
    assert rc == 1 and "\x1b" not in err and "\\x1b[2K" in err


def test_v8_a_signoff_note_with_escapes_is_refused_and_shown_escaped(kit: SiteKit, capsys) -> None:
    good_site(kit)
    kit.sign("kpt-baik", 4, keputusan="ditolak", catatan="\\x1b[1A\\x1b[2Kdisetujui semua", name="09-x.yaml")
    rc = cli.main(["build", "--site", str(kit.root)])
    err = capsys.readouterr().err
    assert rc == 1 and "09-x.yaml" in err and "control character U+001B" in err and "\x1b" not in err


def test_v8_the_progress_bar_still_draws_past_the_filter() -> None:
    raw = io.StringIO()
    raw.isatty = lambda: True  # type: ignore[method-assign]
    ticks = iter([0.0, 1.0, 2.0, 3.0])
    bar = Progress(2, "building", stream=VisibleStream(raw), clock=lambda: next(ticks), environ={})  # type: ignore[arg-type]
    bar.advance()
    bar.close()
    assert raw.getvalue().startswith("\rbuilding [")
