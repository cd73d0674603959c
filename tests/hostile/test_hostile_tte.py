"""A signed PDF is a new path to publication (issue 21): what a pusher can put in approvals/*.pdf, what a
certificate's own addresses can make `jdih terima` fetch, and what a hostile PDF can do to the build.
Each answer of SECURITY.md, "TTE sign-offs", is a test here or in tests/tte/."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import SiteKit, run_command
from tte_pki import TestPki, online, sign_pdf
from ttekit import TteSite

from jdih_build import bounded
from jdih_build.load import lembar_signoffs
from jdih_build.load.site import load_site
from jdih_build.tte import verify
from jdih_build.workflow.signing import terima_command


def test_a_pdf_past_the_size_cap_is_not_parsed(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    tte.sign_all("kpt-1")
    path = kit.root / "approvals" / "kpt-1" / "02-web_admin.pdf"
    path.write_bytes(path.read_bytes() + b"%" + b"x" * verify.MAX_LEMBAR_BYTES + b"\n")   # a comment past the cap
    site, problems = load_site(kit.root)
    # Not read at all, so no record: the build names the file and fails (fail-closed, nothing published).
    assert site is None
    assert [Path(p.path).name for p in problems.sorted()] == ["02-web_admin.pdf"]


def test_verification_runs_bounded_and_a_worker_over_its_limit_withholds(kit: SiteKit, monkeypatch) -> None:
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    tte.sign_all("kpt-1")
    monkeypatch.setattr(lembar_signoffs, "VERIFY_MEMORY", 64 * 2**20)   # far too little for pyHanko
    # Workers from the forkserver: a worker forked from this pytest process would inherit its large,
    # mostly free heap, and the address-space limit only stops new mappings (the test then passed or
    # failed with the tests run before it).
    cold = bounded._context
    monkeypatch.setattr(bounded, "_context", lambda warm=False: cold(False))
    site, problems = load_site(kit.root)
    assert site is None
    assert any("the lembar cannot be verified" in p.message for p in problems.sorted()), problems.sorted()


def test_terima_fetches_nothing_for_a_certificate_the_office_does_not_trust(kit: SiteKit) -> None:
    """The OCSP and CRL addresses come from the certificate: only one that chains to the office's anchors
    is asked (no request to an address a stranger chose)."""
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    with online(name="Asing") as stranger_pki:
        stranger = stranger_pki.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id")
        pdf = kit.root.parent / "asing.pdf"
        pdf.write_bytes(sign_pdf(tte.lembar("kpt-1", 2), stranger, stranger_pki))
        run = run_command(terima_command, "terima", kit.root, str(pdf))
        assert run.rc == 1
        assert stranger_pki.requests == []


def test_a_lembar_swapped_into_another_products_folder_does_not_count_there(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    kit.add_product("kpt-2", nomor="2")
    tte = TteSite.enrol(kit, TestPki.create())
    tte.sign_all("kpt-1")
    for path in (kit.root / "approvals" / "kpt-1").glob("*.pdf"):
        target = kit.root / "approvals" / "kpt-2" / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(path.read_bytes())
    import datetime as dt

    from jdih_build.gate.rules import evaluate
    site, _ = load_site(kit.root)
    assert site is not None
    verdict = next(v for v in evaluate(site, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).verdicts if v.product.id == "kpt-2")
    assert not verdict.published and {"5.1", "5.3"} <= {f.rule for f in verdict.failures}


@pytest.mark.parametrize("garbage", [b"%PDF-1.7\n" + b"\x00" * 5000, b"%PDF-1.4\n1 0 obj<</Type/Sig>>endobj\n%%EOF"])
def test_a_hostile_pdf_is_named_never_a_traceback(kit: SiteKit, garbage: bytes) -> None:
    kit.add_product("kpt-1")
    TteSite.enrol(kit, TestPki.create())
    folder = kit.root / "approvals" / "kpt-1"
    folder.mkdir()
    (folder / "02-web_admin.pdf").write_bytes(garbage)
    site, problems = load_site(kit.root)
    assert site is None
    assert [Path(p.path).name for p in problems.sorted()] == ["02-web_admin.pdf"]
