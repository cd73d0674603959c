"""Issue 23.3: `jdih ocr` recognises the OCR backlog ahead of the builds, keeps every page as it is read,
stops cleanly on Ctrl-C or a kill, continues where it stopped, and the build then finds every page."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from sitekit import NOW, REPO, SiteKit, run_command

from jdih_build.pipeline import build
from jdih_build.publish.ocr import ocr_available
from jdih_build.workflow.ocr import ocr_command
from jdih_build.workflow.ocr.backlog import recognised_texts

SCAN = REPO / "content" / "keputusan-kpu" / "2016" / "kpt-kpu-134-2016.pdf"
ONLY_IN_THE_IMAGE = "berkedudukan"


@pytest.fixture(scope="module", autouse=True)
def tesseract() -> None:
    if not ocr_available():
        pytest.fail("Tesseract with its Indonesian data is missing (scripts/system_packages.sh installs it)", pytrace=False)


def long_scan(target: Path, copies: int) -> None:
    """The sample's two scanned pages, `copies` times over: a scan of 2 x copies pages."""
    writer = PdfWriter()
    for _ in range(copies):
        writer.append(PdfReader(SCAN))
    writer.add_metadata({"/Title": f"pindaian {copies}"})
    with target.open("wb") as handle:
        writer.write(handle)


def scanned_site(kit: SiteKit, pages: int = 2) -> None:
    md = kit.add_product("kpt-pindai")
    if pages == 2:
        shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    else:
        long_scan(md.with_suffix(".pdf"), pages // 2)
    kit.sign_all("kpt-pindai")


def test_ocr_fills_the_cache_and_the_build_recognises_nothing_more(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit)
    cache = tmp_path / "cache"
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(cache))
    assert done.rc == 0, done.err
    assert "2 scanned page(s) in 1 published PDF(s): 0 already in the cache" in done.out
    assert "2 page(s) recognised" in done.out
    report = build(kit.root, tmp_path / "out", NOW, cache_dir=cache)
    assert report.ok and report.ocr_pages == 0, "the build must take the pages jdih ocr read"
    assert ONLY_IN_THE_IMAGE in (tmp_path / "out" / "produk" / "kpt-pindai" / "index.html").read_text().lower()
    again = run_command(ocr_command, "ocr", kit.root, "--cache", str(cache))
    assert again.rc == 0 and "2 already in the cache" in again.out and "0 to recognise" in again.out


def test_only_published_pdfs_are_recognised(kit: SiteKit, tmp_path: Path) -> None:
    md = kit.add_product("kpt-belum")
    shutil.copyfile(SCAN, md.with_suffix(".pdf"))
    kit.sign("kpt-belum", 1)   # not every step: withheld
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "cache"))
    assert done.rc == 0 and "0 scanned page(s) in 0 published PDF(s)" in done.out, done.out


def test_ctrl_c_keeps_what_is_done_and_the_next_run_continues(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit, pages=8)
    cache = tmp_path / "cache"
    env = {**os.environ, "LANGUAGE": "en"}
    command = [sys.executable, "-m", "jdih_build", "ocr", "--site", str(kit.root), "--cache", str(cache), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((cache / "ocr").rglob("*"))) < 3:   # a bucket folder and two pages
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "stopped after" in out and "run jdih ocr again to continue" in out, out
    assert "Traceback" not in err and "could not be recognised" not in err, err   # no page cut short kept as failed
    kept = recognised_texts(kit.root, cache)
    first = len(next(iter(kept.values())))
    assert 1 <= first < 8
    again = run_command(ocr_command, "ocr", kit.root, "--cache", str(cache))
    assert again.rc == 0 and f"{first} already in the cache" in again.out and f"{8 - first} to recognise" in again.out
    assert len(next(iter(recognised_texts(kit.root, cache).values()))) == 8


def test_a_kill_keeps_what_is_done(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit, pages=6)
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "jdih_build", "ocr", "--site", str(kit.root), "--cache", str(cache), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((cache / "ocr").rglob("*"))) < 2:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 130
    kept = recognised_texts(kit.root, cache)
    assert kept and 1 <= len(next(iter(kept.values()))) < 6


def test_with_ocr_off_there_is_nothing_to_do(kit: SiteKit, tmp_path: Path) -> None:
    settings = kit.root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "ocr = false\n", encoding="utf-8")
    scanned_site(kit)
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "cache"))
    assert done.rc == 0 and "ocr = false" in done.out and not (tmp_path / "cache" / "ocr").exists()


def test_without_tesseract_it_says_what_to_install(kit: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scanned_site(kit)
    monkeypatch.setattr(ocr_command, "engine", lambda: None)
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "cache"))
    assert done.rc == 1 and "tesseract-ocr tesseract-ocr-ind" in done.err


def test_a_cache_inside_the_site_is_refused(kit: SiteKit) -> None:
    scanned_site(kit)
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(kit.root / "content" / "cache"))
    assert done.rc == 1 and "--cache" in done.err


def test_a_time_limit_starts_no_page_after_it(kit: SiteKit, tmp_path: Path) -> None:
    scanned_site(kit)
    done = run_command(ocr_command, "ocr", kit.root, "--cache", str(tmp_path / "cache"), "--menit", "0.00001")
    assert done.rc == 0 and "time is up" in done.out and "run jdih ocr again" in done.out, done.out
