"""The installed `jdih` command leaves with os._exit after a build (cli.main.run): its output must still
reach a pipe whole, and its exit code must be main's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import REPO, SiteKit


def jdih(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jdih_build", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=False)


def test_output_reaches_a_pipe_and_the_exit_code_is_kept(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product("kpt-1-2024")
    kit.sign_all("kpt-1-2024")
    done = jdih("build", "--site", str(kit.root), "--out", str(tmp_path / "public"), "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "kpt-1-2024" in done.stdout + done.stderr and (tmp_path / "public" / "produk" / "kpt-1-2024").is_dir()

    (kit.root / "approvals" / "sop.yaml").unlink()
    failed = jdih("build", "--site", str(kit.root), "--out", str(tmp_path / "public"), "--no-cache")
    assert failed.returncode == 1 and "sop.yaml" in failed.stdout + failed.stderr


def test_a_reader_that_goes_away_gives_no_traceback(tmp_path: Path) -> None:
    """`jdih status | head -1`: the pipe closes early; the command ends quietly (issue 19)."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    script = (f"import sys; sys.argv = ['jdih', 'status', '--site', {str(repo)!r}]\n"
              "from jdih_build.cli import main as m\n"
              "real = m.main\n"
              "def many():\n"
              "    rc = real()\n"
              "    for _ in range(20000): print('baris tambahan untuk mengisi pipa')\n"
              "    return rc\n"
              "m.main = many\nm.run()\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()                       # the reader goes away, as head does
    err = process.stderr.read().decode()
    assert process.wait(60) == 141, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
