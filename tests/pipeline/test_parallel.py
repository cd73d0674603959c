"""Spreading the build over processes changes nothing in the output, and a failure in a worker is
reported like one in the parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sitekit import NOW, REPO, SiteKit, tree_bytes

from jdih_build.parallel import can_fork, fork_map

# Builds run in a fresh interpreter: fork_map stays in-process while other threads run (as threads
# left by other tests in this pytest process do), so only a clean process shows the parallel path.
BUILD = """
import json, sys
from datetime import datetime
from pathlib import Path
from jdih_build.pipeline import build
r = build(Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3]), search=False, workers=int(sys.argv[4]))
print(json.dumps({"ok": r.ok, "problems": [str(p) for p in r.problems], "files": r.files_written,
                  "published": sorted(p.id for p in r.gate.published) if r.gate else []}))
"""


def build(site: Path, out: Path, workers: int) -> dict:
    done = subprocess.run([sys.executable, "-c", BUILD, str(site), str(out), NOW.isoformat(), str(workers)],
                          cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def many(kit: SiteKit, count: int = 230) -> None:
    for number in range(count):
        product_id = f"kpt-{number:04d}"
        kit.add_product(product_id, nomor=str(number), folder=f"keputusan/{2000 + number % 7}")
        if number % 9:
            kit.sign_all(product_id)


def test_two_workers_give_the_bytes_of_one(kit: SiteKit, tmp_path: Path) -> None:
    many(kit)
    kit.add_product("kpt-rusak", text="---\njudul: [\n---\n")   # a problem found in a worker
    serial = build(kit.root, tmp_path / "one", 1)
    parallel = build(kit.root, tmp_path / "two", 2)
    assert serial["problems"] == parallel["problems"] and serial["problems"]
    kit.products["kpt-rusak"].unlink()
    serial = build(kit.root, tmp_path / "one", 1)
    parallel = build(kit.root, tmp_path / "two", 2)
    assert serial["ok"] and parallel["ok"] and serial == parallel
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_a_template_error_in_a_worker_names_the_template(kit: SiteKit, tmp_path: Path) -> None:
    many(kit)
    page = kit.root / "templates" / "daftar.html"
    page.write_text(page.read_text().replace("{% block content %}", "{% block content %}{{ tidak_ada.x }}", 1))
    report = build(kit.root, tmp_path / "out", 2)
    assert not report["ok"] and report["problems"][0].startswith("templates/daftar.html")
    assert "undefined" in report["problems"][0]


FORK_MAP_CHECKS = """
import os
from jdih_build.parallel import WorkerError, fork_map
items = list(range(1000))
assert fork_map(lambda x: x * x, items, 2) == [x * x for x in items]
pids = set(fork_map(lambda x: os.getpid(), items, 2))
assert len(pids) == 2 and os.getpid() not in pids, pids

import multiprocessing.connection as connection   # the answer comes in batches: never a child's whole as bytes
sizes = []
received = connection.Connection.recv_bytes
connection.Connection.recv_bytes = lambda self, *a: (lambda data: (sizes.append(len(data)), data)[1])(received(self, *a))
big = fork_map(lambda x: bytes([x % 256]) * 10_000, items, 2)
connection.Connection.recv_bytes = received
assert big == [bytes([x % 256]) * 10_000 for x in items]
assert len(sizes) >= 4 and max(sizes) < 300 * 10_000, sizes

def boom(x):
    if x == 700:
        raise ValueError("tujuh ratus")
    return x

try:
    fork_map(boom, items, 2)
except ValueError as exc:
    assert "tujuh ratus" in str(exc)
else:
    raise AssertionError("no error")
try:
    fork_map(lambda x: os._exit(3) if x == 10 else x, items, 2)
except WorkerError as exc:
    assert "died" in str(exc)
else:
    raise AssertionError("no error")
print("ok")
"""


def passes_in_a_fresh_process(checks: str) -> None:
    """Run `checks` where fork is allowed (no other threads): it prints ok when every check held."""
    done = subprocess.run([sys.executable, "-c", checks], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_fork_map_keeps_order_and_raises_what_a_child_raised() -> None:
    passes_in_a_fresh_process(FORK_MAP_CHECKS)


def test_fork_map_stays_in_process_beside_other_threads() -> None:
    import threading
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        assert set(fork_map(lambda x: os.getpid(), list(range(500)), 2)) == {os.getpid()}
    finally:
        stop.set()
        thread.join()


IN_BACKGROUND_CHECKS = """
import os
from jdih_build.parallel import WorkerError, in_background

here = os.getpid()
result = in_background(lambda: (os.getpid(), [b"x" * 1000] * 5000))   # more than a pipe holds
pid, data = result()
assert pid != here and len(data) == 5000, pid
assert in_background(lambda: os.getpid(), enabled=False)() == here

def boom():
    raise ValueError("lima")

try:
    in_background(boom)()
except ValueError as exc:
    assert "lima" in str(exc)
else:
    raise AssertionError("no error")
try:
    in_background(lambda: os._exit(4))()
except WorkerError as exc:
    assert "died" in str(exc)
else:
    raise AssertionError("no error")
print("ok")
"""


def test_in_background_runs_in_a_child_and_raises_what_it_raised() -> None:
    passes_in_a_fresh_process(IN_BACKGROUND_CHECKS)
