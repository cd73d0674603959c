"""Issue 10.1: an edit never takes a law offline. The last approved revision, from the site's git
history, stays published (its exact bytes, every gate rule applied) until the edit is signed."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitekit import NOW, SIGNERS, WIB, SiteKit, commit, git

from jdih_build.gate.revisions import approved_sets
from jdih_build.load.git_history import GitHistory
from jdih_build.load.site import load_site
from jdih_build.pipeline import build

PID = "kpt-uji-1"




@pytest.fixture
def approved(kit: SiteKit) -> SiteKit:
    """A git repository with one product, approved by every step and committed."""
    git(kit.root, "init", "-q")
    kit.add_product(PID, judul="Keputusan Yang Disetujui")
    kit.sign_all(PID)
    commit(kit.root, "approved")
    return kit


def edit(kit: SiteKit, old: str = "Keputusan Yang Disetujui", new: str = "Keputusan Yang Diubah") -> None:
    md = kit.products[PID]
    md.write_text(md.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def page(out: Path) -> str:
    return (out / "produk" / PID / "index.html").read_text(encoding="utf-8")


def test_an_edit_keeps_the_approved_bytes_published(approved: SiteKit, tmp_path: Path) -> None:
    approved_pdf = (approved.products[PID].with_suffix(".pdf")).read_bytes()
    edit(approved)
    (approved.products[PID].with_suffix(".pdf")).write_bytes(approved_pdf + b"% edited\n")
    commit(approved.root, "edit the title and the PDF")
    report = build(approved.root, tmp_path / "out", NOW)
    assert report.ok, report.problems
    text = page(tmp_path / "out")
    assert "Keputusan Yang Disetujui" in text and "Keputusan Yang Diubah" not in text
    assert "Perubahan sedang divalidasi" in text
    assert (tmp_path / "out" / "produk" / PID / f"{PID}.pdf").read_bytes() == approved_pdf   # the approved bytes
    feed = json.loads((tmp_path / "out" / "feed" / "document.json").read_text(encoding="utf-8"))
    assert [e["judul"] for e in feed] == ["Keputusan Yang Disetujui"]
    assert [n.restored for n in report.gate.revisions] == [True]


def test_uncommitted_edit_serves_the_committed_approved_revision(approved: SiteKit, tmp_path: Path) -> None:
    edit(approved)   # not committed: HEAD holds the approved bytes
    report = build(approved.root, tmp_path / "out", NOW)
    assert "Keputusan Yang Disetujui" in page(tmp_path / "out")
    assert report.gate.published and report.gate.published[0].source == approved.products[PID]


def test_signing_the_edit_publishes_the_new_bytes(approved: SiteKit, tmp_path: Path) -> None:
    edit(approved)
    commit(approved.root, "edit")
    for step, (peran, _) in SIGNERS.items():   # every step signs the new bytes, later
        approved.sign(PID, step, when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB) + timedelta(hours=step),
                      name=f"{step:02d}-{peran}-2.yaml")
    commit(approved.root, "signed")
    report = build(approved.root, tmp_path / "out", NOW)
    text = page(tmp_path / "out")
    assert "Keputusan Yang Diubah" in text and "Perubahan sedang divalidasi" not in text
    assert report.gate.revisions == ()


def test_a_partly_signed_edit_still_serves_the_approved_revision(approved: SiteKit, tmp_path: Path) -> None:
    edit(approved)
    first_step = min(SIGNERS)
    approved.sign(PID, first_step, when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB), name="edit-first.yaml")
    commit(approved.root, "edit, first sign-off")
    build(approved.root, tmp_path / "out", NOW)
    assert "Keputusan Yang Disetujui" in page(tmp_path / "out")


def test_no_history_withholds_and_says_so(kit: SiteKit, tmp_path: Path) -> None:
    kit.add_product(PID, judul="Keputusan Yang Disetujui")
    kit.sign_all(PID)
    edit(kit)   # no git repository at all
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok
    assert not (tmp_path / "out" / "produk" / PID).exists()
    [note] = report.gate.revisions
    assert not note.restored and "git" in note.reason


def test_bytes_never_committed_are_withheld_loudly(approved: SiteKit, tmp_path: Path) -> None:
    """The sign-offs name bytes no commit holds (signed, then edited before any commit)."""
    edit(approved)
    commit(approved.root, "edit")
    edit(approved, "Keputusan Yang Diubah", "Keputusan Lagi")
    for step in SIGNERS:   # signed for bytes that are then edited again, never committed
        approved.sign(PID, step, when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB) + timedelta(hours=step),
                      name=f"{step:02d}-lagi.yaml")
    edit(approved, "Keputusan Lagi", "Keputusan Ketiga")
    report = build(approved.root, tmp_path / "out", NOW)
    # The newest full set names bytes no commit holds; the older one still restores the first revision.
    assert "Keputusan Yang Disetujui" in page(tmp_path / "out")
    assert [n.restored for n in report.gate.revisions] == [True]


def test_the_revision_is_gated_again(approved: SiteKit, tmp_path: Path) -> None:
    """Every rule applies to the old bytes: a roster change that voids its signer withholds it."""
    roster = approved.root / "approvals" / "petugas.yaml"
    signer = SIGNERS[max(SIGNERS)][1]
    text = roster.read_text(encoding="utf-8")
    assert f"nama: {signer}" in text
    roster.write_text(text.replace(f"nama: {signer}", f"nama: {signer} Pindah"), encoding="utf-8")
    edit(approved)
    commit(approved.root, "edit, and the signer left the roster")
    report = build(approved.root, tmp_path / "out", NOW)
    assert not (tmp_path / "out" / "produk" / PID).exists()
    [note] = report.gate.revisions
    assert not note.restored and "fails the gate" in note.reason


def test_a_rejection_of_the_approved_bytes_takes_it_down(approved: SiteKit, tmp_path: Path) -> None:
    last = max(SIGNERS)
    approved.sign(PID, last, keputusan="ditolak", when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB), name="tarik.yaml")
    edit(approved)
    commit(approved.root, "withdrawn")
    build(approved.root, tmp_path / "out", NOW)
    assert not (tmp_path / "out" / "produk" / PID).exists()


def test_forged_history_bytes_are_never_published(approved: SiteKit, tmp_path: Path) -> None:
    """A sign-off whose hashes no blob matches (e.g. someone rewrote the commit) restores nothing."""
    approved_md = approved.hashes(PID)[approved.products[PID].name]
    edit(approved)
    commit(approved.root, "edit")
    # Rewrite every record to name .md bytes that never existed anywhere.
    for record in (approved.root / "approvals" / PID).glob("*.yaml"):
        text = record.read_text(encoding="utf-8")
        assert approved_md in text
        record.write_text(text.replace(approved_md, "0" * 64), encoding="utf-8")
    report = build(approved.root, tmp_path / "out", NOW)
    assert not (tmp_path / "out" / "produk" / PID).exists()
    assert report.gate.published == ()


def test_a_record_naming_a_path_outside_content_is_not_looked_up(approved: SiteKit, tmp_path: Path) -> None:
    """A sign-off's `berkas` keys are input: '../../pyproject.toml' must never become a git path."""
    from jdih_build.gate.revisions import _site_path

    site, problems = load_site(approved.root)
    assert site is not None, problems
    product = site.products[0]
    assert approved_sets(product, list(site.signoffs), site.sop) == []   # its own bytes: nothing to find
    content = approved.root / "content"
    for name in ("../../../pyproject.toml", "/etc/passwd", "a/../../b.pdf", "x\\y.pdf", "ok/../x.pdf"):
        assert _site_path(product, name, content) is None, name
    assert _site_path(product, "lampiran.pdf", content) == product.source.parent / "lampiran.pdf"
    # End to end: a full set of sign-offs for a .md and '../../pyproject.toml' publishes nothing.
    md = approved.products[PID]
    for step in SIGNERS:
        approved.sign(PID, step, when=datetime(2024, 3, 1, 9, 0, tzinfo=WIB) + timedelta(hours=step),
                      name=f"{step:02d}-lain.yaml",
                      berkas={md.name: approved.hashes(PID)[md.name], "../../pyproject.toml": "0" * 64})
    edit(approved)
    commit(approved.root, "edit; forged sign-offs")
    report = build(approved.root, tmp_path / "out", NOW)
    kept = [n for n in report.gate.revisions if n.restored]
    assert len(kept) == 1   # the genuine older set restores; the forged one never named a git path
    history = GitHistory(approved.root)
    assert history.relative(approved.root / "content" / "x.md") == "content/x.md"
    assert history.relative(Path("/etc/passwd")) is None


def status(root: Path) -> dict:
    import io

    from jdih_build.workflow.reporting.status import run_status

    out, err = io.StringIO(), io.StringIO()
    assert run_status(root, None, True, NOW, out, err) == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_status_shows_the_kept_revision_and_the_voided_steps(approved: SiteKit) -> None:
    edit(approved)
    commit(approved.root, "edit")
    [product] = status(approved.root)["products"]
    assert product["published"] and product["revision"]["kept"]
    assert {s["not_timed"] for s in product["signed"]} == {"voided"}   # not "on time": they name other bytes
    assert product["next_step"]["step"] == min(SIGNERS)
    assert product["overdue"] is None   # the old sign-offs start no clock for the edit


def test_status_names_the_product_gone_offline(kit: SiteKit) -> None:
    kit.add_product(PID)
    kit.sign_all(PID)
    edit(kit, "Keputusan Uji", "Keputusan Diubah")
    [product] = status(kit.root)["products"]
    assert not product["published"] and not product["revision"]["kept"] and product["revision"]["reason"]


def test_the_build_command_says_what_it_kept(approved: SiteKit, tmp_path: Path) -> None:
    import sys
    edit(approved)
    commit(approved.root, "edit")
    done = subprocess.run([sys.executable, "-m", "jdih_build", "build", "--site", str(approved.root), "--out",
                           str(tmp_path / "out"), "--strict"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr   # the law is online: not a withheld product
    assert f"kept: {PID}" in done.stderr and "approved revision" in done.stdout


def test_the_pages_workflow_fetches_the_history() -> None:
    from sitekit import REPO

    workflow = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert "fetch-depth: 0" in workflow and "safe.directory" in workflow


def test_check_judges_the_edit_as_the_build_does(approved: SiteKit, capsys) -> None:
    from jdih_build.cli.main import main

    edit(approved)
    commit(approved.root, "edit")
    assert main(["check", "--site", str(approved.root)]) == 0
    said = capsys.readouterr()
    assert f"kept: {PID}" in said.err and "1 product published" in said.out


def test_an_unwritable_temporary_folder_withholds_with_the_reason(approved: SiteKit, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from jdih_build.gate import revisions

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(revisions.RevisionFiles, "folder", refuse)
    edit(approved)
    commit(approved.root, "edit")
    report = build(approved.root, tmp_path / "out", NOW)
    assert report.ok and report.gate.published == ()
    [note] = report.gate.revisions
    assert not note.restored and "temporary folder" in note.reason
