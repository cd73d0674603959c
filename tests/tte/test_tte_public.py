"""Where a TTE sign-off shows (issue 21): the product's public page, cek/'s index, `jdih status` and
`jdih report` name the signer and the certificate's issuer."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from sitekit import SiteKit
from tte_pki import TestPki
from ttekit import TteSite

from jdih_build.pipeline import build
from jdih_build.workflow.reporting.sop_report import Period, run_report
from jdih_build.workflow.reporting.status import run_status

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)   # the clock of the build: after every signing in this module
WORDS = "ditandatangani secara elektronik (TTE), sertifikat dari OSD BSrE Uji - UJI"


def signed_site(kit: SiteKit) -> SiteKit:
    kit.add_product("kpt-1")
    kit.sign("kpt-1", 1)   # the proposal, a plain record: the start the report times from
    TteSite.enrol(kit, TestPki.create()).sign_all("kpt-1")
    return kit


def test_the_public_page_and_cek_name_the_certificates_issuer(kit: SiteKit, tmp_path: Path) -> None:
    signed_site(kit)
    out = tmp_path / "out"
    report = build(kit.root, out, LATER)
    assert report.ok, report.problems
    page = next(out.glob("**/kpt-1/index.html")).read_text(encoding="utf-8")
    assert page.count(WORDS) == 3
    shards = [json.loads(p.read_text()) for p in (out / "cek" / "indeks").glob("*.json") if p.name != "indeks.json"]
    entries = [e for shard in shards for files in shard.values() for e in files]
    assert entries and all(v.get("tte") == WORDS for e in entries for v in e["validasi"] if v["langkah"] > 1)


def test_status_and_report_name_the_tte_signer(kit: SiteKit, tmp_path: Path) -> None:
    signed_site(kit)
    out, err = io.StringIO(), io.StringIO()
    assert run_status(kit.root, "kpt-1", False, LATER, out, err) == 0, err.getvalue()
    text = out.getvalue()
    assert "step 2 signed electronically (TTE) by Rina Web, certificate from OSD BSrE Uji - UJI" in text
    out, err = io.StringIO(), io.StringIO()
    assert run_status(kit.root, "kpt-1", True, LATER, out, err) == 0
    data = json.loads(out.getvalue())
    tte = [s["tte"] for p in data["products"] for s in p["signed"] if s["tte"]]
    assert len(tte) == 3 and tte[0]["nik"] == "1376014101900002" and tte[0]["time_source"] == "signer"
    folder = tmp_path / "laporan"
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_report(kit.root, folder, Period(), LATER, stdout, stderr) == 0, stderr.getvalue()
    assert WORDS in (folder / "laporan-sop.html").read_text(encoding="utf-8")
