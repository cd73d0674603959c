"""Issue 18: the approved-revision fallback reads git history. H6: a withdrawn approval never brings
back superseded text. H4: reading history runs no program. H5: a git that waits cannot hang the build.
H7: one bad object costs only its own product. H8: forged record sets cannot make the build read (and
hold) gigabytes."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitekit import NOW, SIGNERS, WIB, SiteKit

from jdih_build.console.reporting import revision_lines
from jdih_build.pipeline import build

PID = "kpt-uji-1"
V1, V2 = "Keputusan Versi Satu", "Keputusan Versi Dua"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), "-c", "user.name=Uji", "-c", "user.email=uji@example.go.id",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def page_title(out: Path) -> str | None:
    page = out / "produk" / PID / "index.html"
    if not page.exists():
        return None
    text = page.read_text(encoding="utf-8")
    return V2 if V2 in text else V1 if V1 in text else "?"


V2_TIME = datetime(2024, 3, 1, 9, 0, tzinfo=WIB)


@pytest.fixture
def two_versions(kit: SiteKit, tmp_path: Path) -> SiteKit:
    """v1 approved and committed; then v2 (an edit) approved by every step and committed: v2 is published.
    Step 2 of v2 is signed by Eka Web, who signed nothing of v1."""
    roster = kit.root / "approvals" / "petugas.yaml"
    roster.write_text(roster.read_text() + '- nama: Eka Web\n  nip: "199006062015061006"\n  peran: [web_admin]\n')
    git(kit.root, "init", "-q")
    kit.add_product(PID, judul=V1)
    kit.sign_all(PID)
    commit(kit.root, "v1 approved")
    md = kit.products[PID]
    md.write_text(md.read_text().replace(V1, V2))
    for step, (peran, person) in SIGNERS.items():
        kit.sign(PID, step, when=V2_TIME + timedelta(hours=step), name=f"v2-{step}.yaml",
                 by="Eka Web" if step == 2 else person)
    commit(kit.root, "v2 approved")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and page_title(tmp_path / "out") == V2
    return kit


def assert_withheld_not_rolled_back(kit: SiteKit, out: Path, record: str) -> None:
    report = build(kit.root, out, NOW)
    assert report.ok, report.problems
    assert page_title(out) is None, "the superseded text v1 was published in v2's place"
    assert PID not in {p.id for p in report.gate.published}
    [note] = report.gate.revisions
    assert not note.restored and note.withdrawn is not None and note.withdrawn.name == record
    lines = revision_lines(report.gate, kit.root)
    assert any("taken away by" in line and record in line for line in lines), lines
    assert not any("was edited after its sign-offs" in line for line in lines), lines


def test_h6_a_rejection_of_the_published_bytes_withholds_and_never_restores_v1(two_versions: SiteKit, tmp_path: Path) -> None:
    two_versions.sign(PID, 4, keputusan="ditolak", when=V2_TIME + timedelta(days=1), name="v2-tolak.yaml",
                      catatan="nomor salah")
    commit(two_versions.root, "pengarah withdraws v2")
    assert_withheld_not_rolled_back(two_versions, tmp_path / "out", "v2-tolak.yaml")


def test_h6_a_signer_who_leaves_the_roster_withholds_and_never_restores_v1(two_versions: SiteKit, tmp_path: Path) -> None:
    roster = two_versions.root / "approvals" / "petugas.yaml"
    roster.write_text(roster.read_text().split("- nama: Eka Web")[0])
    commit(two_versions.root, "Eka leaves")
    assert_withheld_not_rolled_back(two_versions, tmp_path / "out", "v2-2.yaml")


def test_h6_a_garbage_signature_beside_a_v2_record_withholds_and_never_restores_v1(two_versions: SiteKit, tmp_path: Path) -> None:
    (two_versions.root / "approvals" / PID / "v2-3.yaml.sig").write_bytes(b"-----BEGIN SSH SIGNATURE-----\nxx\n")
    commit(two_versions.root, "a garbage signature")
    assert_withheld_not_rolled_back(two_versions, tmp_path / "out", "v2-3.yaml")


def test_h6_an_edit_still_keeps_the_approved_revision(two_versions: SiteKit, tmp_path: Path) -> None:
    """The fallback itself stays: v3 edits v2's text, nothing decided against v3, v2 stays published."""
    md = two_versions.products[PID]
    md.write_text(md.read_text().replace("Abstrak untuk", "Abstrak baru untuk"))
    commit(two_versions.root, "v3 edit")
    report = build(two_versions.root, tmp_path / "out", NOW)
    assert page_title(tmp_path / "out") == V2
    assert [n.restored for n in report.gate.revisions] == [True]


def test_h6_status_names_the_record_that_withdrew(two_versions: SiteKit, capsys: pytest.CaptureFixture[str]) -> None:
    from jdih_build.cli.main import main

    two_versions.sign(PID, 4, keputusan="ditolak", when=V2_TIME + timedelta(days=1), name="v2-tolak.yaml")
    main(["status", PID, "--site", str(two_versions.root), "--json"])
    data = json.loads(capsys.readouterr().out)
    [product] = data["products"]
    assert product["published"] is False
    assert product["revision"]["withdrawn"] == f"approvals/{PID}/v2-tolak.yaml"
