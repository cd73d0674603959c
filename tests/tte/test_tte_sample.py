"""The sample site carries one sign-off made with TTE (issue 21): step 8 of kpt-kpu-134-2016, signed with
a test PKI whose root is the sample's anchor, marked as a test; it verifies offline, with its timestamp
and its revocation status, and the product is published."""

from __future__ import annotations

from pathlib import Path

from sitekit import NOW

from jdih_build.gate.rules import evaluate
from jdih_build.load.site import load_site

REPO = Path(__file__).resolve().parents[2]


def test_the_sample_product_signed_with_tte_verifies_offline() -> None:
    assert "BUKAN UNTUK PRODUKSI" in (REPO / "approvals" / "tte-akar.pem").read_text(encoding="utf-8")
    site, problems = load_site(REPO)
    assert site is not None, problems.sorted()
    record = next(r for r in site.signoffs if r.folder == "kpt-kpu-134-2016" and r.langkah == 8)
    assert record.path.suffix == ".pdf" and record.tte is not None and record.tte.problem is None
    assert record.tte.time_source == "timestamp" and record.tte.revocation_checked
    assert record.waktu.isoformat() == "2023-11-09T10:50:00+07:00"
    verdict = next(v for v in evaluate(site, NOW).verdicts if v.product.id == "kpt-kpu-134-2016")
    assert verdict.published, verdict.failures
