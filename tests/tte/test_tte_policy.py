"""The office's TTE policy: the roster's `tte:` identities, the trust anchors (file or JDIH_TTE_AKAR) and
their root signature - each bad input named with its file, line and fix; fail-closed where in doubt."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sitekit import NOW, SiteKit, run_command
from tte_pki import TestPki
from ttekit import TteSite

from jdih_build.gate.rules import evaluate
from jdih_build.load.site import load_site
from jdih_build.load.trust import ROOT_KEYS_ENV
from jdih_build.load.tte_trust import TTE_ANCHORS_ENV
from jdih_build.pipeline import build
from jdih_build.workflow.signing import sign_policy


@pytest.fixture(autouse=True)
def _no_outside_anchors(monkeypatch) -> None:
    monkeypatch.delenv(TTE_ANCHORS_ENV, raising=False)
    monkeypatch.delenv(ROOT_KEYS_ENV, raising=False)


def problems_of(root: Path) -> list[str]:
    site, problems = load_site(root)
    assert site is None
    return [f"{p.path}:{p.line}: {p.message} - {p.fix}" for p in problems.sorted()]


@pytest.mark.parametrize(("entry", "words"), [
    ('tte: {nik: "12345"}', "is not 16 digits"),
    ("tte: {email: bukan-alamat}", "is not an e-mail address"),
    ('tte: {sidik_jari: "AB:CD"}', "is not a SHA-256 fingerprint"),
    ("tte: {}", "must map nik, email and/or sidik_jari"),
    ("tte: {nip: x}", "nip"),
])
def test_a_bad_tte_identity_is_named_with_its_line(kit: SiteKit, entry: str, words: str) -> None:
    roster = kit.root / "approvals" / "petugas.yaml"
    roster.write_text(roster.read_text().replace("- nama: Rina Web\n", f"- nama: Rina Web\n  {entry}\n"))
    found = problems_of(kit.root)
    assert any("petugas.yaml:" in p and words in p for p in found), found


def test_wajib_is_met_by_a_tte_identity_as_by_a_key(kit: SiteKit) -> None:
    sop = kit.root / "approvals" / "sop.yaml"
    sop.write_text(sop.read_text().replace("tanda_tangan: opsional", "tanda_tangan: wajib"))
    assert any("has a kunci_publik or a tte" in p for p in problems_of(kit.root))
    TteSite.enrol(kit, TestPki.create())
    site, problems = load_site(kit.root)
    assert site is not None, problems.sorted()


@pytest.mark.parametrize("content", [b"bukan sertifikat", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
def test_unreadable_anchors_fail_the_build(kit: SiteKit, content: bytes) -> None:
    (kit.root / "approvals" / "tte-akar.pem").write_bytes(content)
    assert any("tte-akar.pem" in p for p in problems_of(kit.root))


def test_a_persons_certificate_is_no_anchor(kit: SiteKit) -> None:
    pki = TestPki.create()
    person = pki.signer("Rina Web", "1376014101900002", "rina@kpu-uji.go.id")
    (kit.root / "approvals" / "tte-akar.pem").write_bytes(person.pem)
    assert any("is not a CA certificate" in p for p in problems_of(kit.root))


def test_a_lembar_with_no_anchors_anywhere_counts_for_nothing(kit: SiteKit) -> None:
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    tte.sign_all("kpt-1")
    (kit.root / "approvals" / "tte-akar.pem").unlink()
    site, _ = load_site(kit.root)
    assert site is not None
    verdict = evaluate(site, NOW.replace(year=2100)).verdicts[0]
    assert not verdict.published and all("no TTE trust anchors" in f.message for f in verdict.failures)


def test_the_variable_replaces_the_file_and_is_refused_blank_or_inside(kit: SiteKit, monkeypatch, tmp_path) -> None:
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    tte.sign_all("kpt-1")
    other = TestPki.create(name="Lain")
    monkeypatch.setenv(TTE_ANCHORS_ENV, other.anchors_pem.decode())   # another CA only: the lembar do not chain
    site, _ = load_site(kit.root)
    assert site is not None and not any(v.published for v in evaluate(site, NOW.replace(year=2100)).verdicts)
    outside = tmp_path / "akar-ci.pem"
    outside.write_bytes(tte.pki.anchors_pem)
    monkeypatch.setenv(TTE_ANCHORS_ENV, str(outside))
    site, _ = load_site(kit.root)
    assert site is not None and all(v.published for v in evaluate(site, NOW.replace(year=2100)).verdicts)
    monkeypatch.setenv(TTE_ANCHORS_ENV, "  ")
    assert any("is set but empty" in p for p in problems_of(kit.root))
    monkeypatch.setenv(TTE_ANCHORS_ENV, str(kit.root / "approvals" / "tte-akar.pem"))
    assert any("a file inside the site" in p for p in problems_of(kit.root))


def test_with_root_keys_the_anchors_need_a_root_signature(kit: SiteKit, monkeypatch, tmp_path) -> None:
    key = tmp_path / "sekretaris"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    kit.add_product("kpt-1")
    tte = TteSite.enrol(kit, TestPki.create())
    run = run_command(sign_policy, "sign-policy", kit.root, "--key", str(key))
    assert run.rc == 0, run.err
    assert (kit.root / "approvals" / "tte-akar.pem.sig").exists() and "tte-akar.pem" in run.out
    monkeypatch.setenv(ROOT_KEYS_ENV, key.with_suffix(".pub").read_text())
    tte.sign_all("kpt-1")
    out = tmp_path / "out"
    assert build(kit.root, out, NOW.replace(year=2100)).ok
    # A pusher adds their own CA: the build fails, naming the file.
    attacker = TestPki.create(name="Penyerang")
    anchors = kit.root / "approvals" / "tte-akar.pem"
    anchors.write_bytes(anchors.read_bytes() + attacker.anchors_pem)
    found = problems_of(kit.root)
    assert any("tte-akar.pem" in p and "not signed by a root key" in p for p in found), found
    (kit.root / "approvals" / "tte-akar.pem.sig").unlink()
    assert any("has no root signature" in p for p in problems_of(kit.root))
