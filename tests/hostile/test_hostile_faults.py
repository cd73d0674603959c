"""V6 and injected faults: SIGKILL at random points of a build, two builds at once, a full disk, an
unwritable destination. The output is at every instant wholly the old or wholly the new site, and
a later build cleans what a killed one left."""

from __future__ import annotations

import errno
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile import good_site, leftovers
from sitekit import NOW, REPO, SiteKit, tree_bytes

import jdih_build.publish.writer as writer
from jdih_build.pipeline import build

BUILD_SCRIPT = """
import sys
from datetime import datetime
from pathlib import Path
from jdih_build.pipeline import build
report = build(Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3]))
sys.exit(0 if report.ok else 1)
"""


def start_build(site: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(site), str(out), NOW.isoformat()],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def two_sites(kit: SiteKit, tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """output/ holding the old site; the trees of the old and of the new site (one product edited)."""
    out = good_site(kit)
    old = tree_bytes(out)
    md = kit.products["kpt-baik"]
    md.write_text(md.read_text().replace("Abstrak untuk", "Abstrak baru untuk"))
    kit.sign_all("kpt-baik")
    reference = tmp_path / "reference"
    assert build(kit.root, reference, NOW).ok
    new = tree_bytes(reference)
    assert new != old
    return out, old, new


def test_v6_sigkill_at_random_points_leaves_old_or_new_never_neither(kit: SiteKit, tmp_path: Path) -> None:
    out, old, new = two_sites(kit, tmp_path)
    started = time.monotonic()
    probe = start_build(kit.root, out)
    assert probe.wait(120) == 0
    duration = time.monotonic() - started
    assert tree_bytes(out) == new
    rng = random.Random(7)
    kills = 0
    for _ in range(12):
        shutil.rmtree(out)                               # back to the old site, exactly
        out.mkdir()
        for rel, data in old.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        process = start_build(kit.root, out)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        kills += 1
        assert tree_bytes(out) in (old, new), "output/ is neither the old nor the new site"
    assert kills == 12
    assert build(kit.root, out, NOW).ok           # a later build cleans what the killed ones left
    assert tree_bytes(out) == new and leftovers(out) == []


def test_v6_a_swap_killed_between_two_renames_is_restored(kit: SiteKit, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where renameat2 is missing, two renames are used; a kill between them leaves only .output.old-*."""
    out = good_site(kit)
    before = tree_bytes(out)
    aside = out.parent / ".output.old-killed"
    out.rename(aside)                               # the state a kill after the first rename leaves
    stale = out.parent / ".output.staging-killed"
    stale.mkdir()
    (stale / "index.html").write_text("half a site")
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    assert build(kit.root, out, NOW).ok
    assert tree_bytes(out) == before and leftovers(out) == []


def test_v6_exchange_is_atomic_where_the_system_has_it(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not writer._exchange(a, b):
        pytest.skip("this filesystem has no RENAME_EXCHANGE; the two-rename fallback is tested above")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_two_builds_at_once_give_one_whole_site(kit: SiteKit, tmp_path: Path) -> None:
    out, _, new = two_sites(kit, tmp_path)
    processes = [start_build(kit.root, out) for _ in range(3)]
    assert [p.wait(120) for p in processes] == [0, 0, 0]
    assert tree_bytes(out) == new and leftovers(out) == []


def test_a_full_disk_keeps_the_previous_site(kit: SiteKit, monkeypatch: pytest.MonkeyPatch) -> None:
    out = good_site(kit)
    before = tree_bytes(out)
    real = Path.write_bytes
    calls = {"n": 0}

    def filling(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", filling)
    report = build(kit.root, out, NOW)
    monkeypatch.undo()
    assert not report.ok and "No space left" in report.problems[0].message
    assert "disk space" in report.problems[0].fix
    assert tree_bytes(out) == before and leftovers(out) == []


def test_a_real_full_filesystem_keeps_the_previous_site(kit: SiteKit, tmp_path: Path) -> None:
    mount = tmp_path / "kecil"
    # 1.2 MB: the one-product site fits (with its .br and .gz copies); the 1.3 MB PDF of the second build does not
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        kit.add_product("kpt-1")
        kit.sign_all("kpt-1")
        out = mount / "output"
        assert build(kit.root, out, NOW, search=False).ok
        before = tree_bytes(out)
        kit.products["kpt-1"].with_name("kpt-1.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 1_300_000)
        kit.sign_all("kpt-1")
        report = build(kit.root, out, NOW, search=False)
        assert not report.ok and "disk space" in report.problems[0].fix
        assert tree_bytes(out) == before and leftovers(out) == []
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_unwritable_destination_keeps_the_previous_site(kit: SiteKit, monkeypatch: pytest.MonkeyPatch) -> None:
    out = good_site(kit)
    before = tree_bytes(out)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writer.tempfile, "mkdtemp", refuse)
    report = build(kit.root, out, NOW)
    assert not report.ok and "staging folder" in report.problems[0].message
    assert tree_bytes(out) == before


def test_builds_in_threads_share_the_lock(kit: SiteKit) -> None:
    out = good_site(kit)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(build(kit.root, out, NOW))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reports) == 2 and all(r.ok for r in reports) and leftovers(out) == []
