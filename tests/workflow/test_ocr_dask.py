"""Issue 23.4: `jdih ocr --dask ADDRESS` spreads the pages over a Dask cluster and fills the same cache a
local run fills, page for page; a cluster it cannot use is refused with the reason, before any page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitekit import SiteKit, run_command
from test_ocr_backlog import SCAN, long_scan

from jdih_build.publish.ocr import ocr_available
from jdih_build.workflow.ocr import ocr_command
from jdih_build.workflow.ocr.backlog import recognised_texts
from jdih_build.workflow.ocr.dask_runner import engine_mismatch

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install 'jdih-build[dask]'")


@pytest.fixture(scope="module")
def cluster():
    if not ocr_available():
        pytest.fail("Tesseract with its Indonesian data is missing", pytrace=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local.scheduler_address


def test_a_cluster_of_two_workers_fills_the_cache_a_local_run_fills(kit: SiteKit, tmp_path: Path, cluster: str) -> None:
    md = kit.add_product("kpt-pindai")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign_all("kpt-pindai")
    other = kit.add_product("kpt-pindai-2", nomor="2")
    long_scan(other.with_suffix(".pdf"), 2)
    kit.sign_all("kpt-pindai-2")
    spread = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "dask"), "--dask", cluster)
    assert spread.rc == 0, spread.err
    assert "6 page(s) recognised" in spread.out, spread.out
    local = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "local"))
    assert local.rc == 0 and "6 page(s) recognised" in local.out
    from_cluster, from_here = recognised_texts(kit.root, tmp_path / "dask"), recognised_texts(kit.root, tmp_path / "local")
    assert sum(len(pages) for pages in from_cluster.values()) == 6
    assert from_cluster == from_here


def test_an_unreachable_scheduler_is_named(kit: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdih_build.workflow.ocr import dask_runner

    monkeypatch.setattr(dask_runner, "CONNECT_SECONDS", 2)
    md = kit.add_product("kpt-pindai")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign_all("kpt-pindai")
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "c"), "--dask", "tcp://127.0.0.1:9")
    assert done.rc == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.err, done.err


def test_workers_with_another_engine_are_refused() -> None:
    here = "tesseract 5.3.0 ind:abc"
    assert engine_mismatch(here, {"tcp://a:1": here, "tcp://b:1": here}) is None
    assert "no workers" in (engine_mismatch(here, {}) or "")
    problem = engine_mismatch(here, {"tcp://a:1": here, "tcp://b:1": "tesseract 4.1.1 ind:def"}) or ""
    assert "tcp://b:1" in problem and "tesseract 4.1.1" in problem
    assert "no Tesseract" in (engine_mismatch(here, {"tcp://c:1": None}) or "")
