"""Issue 18: the approved-revision fallback reads git history. H6: a withdrawn approval never brings
back superseded text. H4: reading history runs no program. H5: a git that waits cannot hang the build.
H7: one bad object costs only its own product. H8: forged record sets cannot make the build read (and
hold) gigabytes."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sitekit import NOW, SIGNERS, WIB, SiteKit, commit, git

from jdih_build.console.reporting import revision_lines
from jdih_build.pipeline import build

PID = "kpt-uji-1"
V1, V2 = "Keputusan Versi Satu", "Keputusan Versi Dua"




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
    for step, (_peran, person) in SIGNERS.items():
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


# --------------------------------------------------------------------------------------------------
# H4: reading history runs no program, whatever .git/config or the environment says


@pytest.fixture
def edited(kit: SiteKit) -> SiteKit:
    """v1 approved and committed, then edited and committed: the build keeps v1 from history."""
    git(kit.root, "init", "-q")
    kit.add_product(PID, judul=V1)
    kit.sign_all(PID)
    commit(kit.root, "v1 approved")
    md = kit.products[PID]
    md.write_text(md.read_text().replace(V1, V2))
    commit(kit.root, "v2 edit")
    return kit


def trap(tmp_path: Path) -> tuple[Path, Path]:
    """A program that leaves a mark when run, and the mark."""
    mark = tmp_path / "RAN"
    script = tmp_path / "trap.sh"
    script.write_text(f"#!/bin/sh\necho ran >> {mark}\ncat >/dev/null 2>&1\nexit 0\n")
    script.chmod(0o755)
    return script, mark


def build_within(root: Path, out: Path, seconds: float):
    """The build's report, failing the test (instead of hanging it) when it takes longer than `seconds`."""
    import threading

    results = []
    worker = threading.Thread(target=lambda: results.append(build(root, out, NOW)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert results, f"the build did not finish within {seconds} s"
    return results[0]


def sign_head_commit(root: Path) -> None:
    """Give HEAD a (fake) gpgsig header, so that log.showSignature makes git run gpg.program."""
    raw = git(root, "cat-file", "commit", "HEAD")
    head, _sep, message = raw.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = f"{head}\n{signature}\n\n{message}"
    done = subprocess.run(["git", "-C", str(root), "hash-object", "-t", "commit", "-w", "--stdin"], input=signed,
                          capture_output=True, text=True, check=True)
    git(root, "update-ref", "HEAD", done.stdout.strip())


def test_h4_config_that_names_programs_runs_none(edited: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script, mark = trap(tmp_path)
    sign_head_commit(edited.root)
    (edited.root / ".gitattributes").write_text("*.md filter=jebak diff=jebak\n")
    for key, value in [("log.showSignature", "true"), ("gpg.program", script), ("gpg.ssh.program", script),
                       ("core.fsmonitor", script), ("core.hooksPath", tmp_path), ("core.pager", script),
                       ("core.askPass", script), ("core.sshCommand", script), ("diff.external", script),
                       ("filter.jebak.smudge", script), ("filter.jebak.clean", script),
                       ("filter.jebak.process", script), ("diff.jebak.textconv", script)]:
        git(edited.root, "config", key, str(value))
    for name in ("GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_ASKPASS", "GIT_SSH_COMMAND", "GIT_SSH"):
        monkeypatch.setenv(name, str(script))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.fsmonitor={script}'")
    report = build(edited.root, tmp_path / "out", NOW)
    assert report.ok, report.problems
    assert not mark.exists(), "reading git history ran a program named in .git/config or the environment"
    assert [n.restored for n in report.gate.revisions] == [True]      # the history was still read
    assert page_title(tmp_path / "out") == V1


def test_h4_a_partial_clone_never_fetches_a_missing_blob(edited: SiteKit, tmp_path: Path) -> None:
    script, mark = trap(tmp_path)
    v1_blob = git(edited.root, "rev-parse", f"HEAD~1:{edited.products[PID].relative_to(edited.root).as_posix()}").strip()
    (edited.root / ".git" / "objects" / v1_blob[:2] / v1_blob[2:]).unlink()     # the record names a missing blob
    for key, value in [("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.url", f"file://{tmp_path}/nowhere"), ("remote.origin.promisor", "true"),
                       ("remote.origin.uploadpack", str(script)), ("remote.origin.partialclonefilter", "blob:none")]:
        git(edited.root, "config", key, value)
    report = build_within(edited.root, tmp_path / "out", 60)
    assert report.ok, report.problems
    assert not mark.exists(), "a lazy fetch ran remote.origin.uploadpack"
    assert page_title(tmp_path / "out") is None                           # withheld, with the reason
    [note] = report.gate.revisions
    assert not note.restored and note.reason


# --------------------------------------------------------------------------------------------------
# H5: a read that waits cannot hang build, check or status


def test_h5_a_read_that_never_returns_is_cut_off(edited: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading

    from jdih_build.cli.main import main
    from jdih_build.load import git_history

    monkeypatch.setattr(git_history, "REQUEST_SECONDS", 2.0)
    v1_blob = git(edited.root, "rev-parse", f"HEAD~1:{edited.products[PID].relative_to(edited.root).as_posix()}").strip()
    loose = edited.root / ".git" / "objects" / v1_blob[:2] / v1_blob[2:]
    loose.unlink()
    os.mkfifo(loose)                                                    # opening it waits for a writer forever
    results: dict[str, object] = {}

    def run() -> None:
        results["build"] = build(edited.root, tmp_path / "out", NOW)
        results["check"] = main(["check", "--site", str(edited.root)])
        results["status"] = main(["status", "--site", str(edited.root)])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(90)
    assert not worker.is_alive(), "build/check/status hung on a read of git history"
    report = results["build"]
    assert report.ok and page_title(tmp_path / "out") is None           # withheld, not hung
    [note] = report.gate.revisions
    assert "longer than 2 s" in note.reason


# --------------------------------------------------------------------------------------------------
# H7: one bad object costs only its own product


def test_h7_a_gitlink_at_a_product_path_costs_only_that_product(kit: SiteKit, tmp_path: Path) -> None:
    other = "kpt-uji-2"
    git(kit.root, "init", "-q")
    kit.add_product(PID, judul=V1)
    kit.add_product(other, judul="Keputusan Lain", nomor="2")
    kit.sign_all(PID)
    kit.sign_all(other)
    head = commit(kit.root, "both approved")
    path = kit.products[PID].relative_to(kit.root).as_posix()
    git(kit.root, "rm", "-q", "--cached", path)
    git(kit.root, "update-index", "--add", "--cacheinfo", f"160000,{head},{path}")   # a gitlink at the product path
    git(kit.root, "commit", "-q", "-m", "gitlink")
    for pid in (PID, other):                                            # both edited: both keep their revision
        md = kit.products[pid]
        md.write_text(md.read_text().replace("Abstrak untuk", "Abstrak baru untuk"))
    for step, (_peran, _person) in SIGNERS.items():                      # forged records naming the gitlink's path
        kit.sign(PID, step, when=V2_TIME + timedelta(hours=step), name=f"palsu-{step}.yaml",
                 berkas={kit.products[PID].name: "f" * 64, f"{PID}.pdf": kit.hashes(PID)[f"{PID}.pdf"]})
    commit(kit.root, "edits and forged records")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok, report.problems
    restored = {n.product_id: n.restored for n in report.gate.revisions}
    assert restored == {PID: True, other: True}, [n.reason for n in report.gate.revisions]


# --------------------------------------------------------------------------------------------------
# H8: forged record sets cannot make the build read gigabytes


def big_versions(kit: SiteKit, count: int, size: int) -> list[str]:
    """Commit `count` versions of the product's PDF, `size` bytes each (they compress); their sha256."""
    pdf = kit.products[PID].with_suffix(".pdf")
    digests = []
    for number in range(count):
        data = (f"%PDF-1.4 versi {number}\n".encode()) * (size // 20)
        pdf.write_bytes(data)
        digests.append(hashlib.sha256(data).hexdigest())
        commit(kit.root, f"big {number}")
    return digests


def forge_sets(kit: SiteKit, digests: list[str], md_sha: str, by: str | None = None) -> None:
    for number, digest in enumerate(digests):
        for step, (_peran, person) in SIGNERS.items():
            kit.sign(PID, step, when=V2_TIME + timedelta(days=number, hours=step), name=f"set{number}-{step}.yaml",
                     berkas={kit.products[PID].name: md_sha, f"{PID}.pdf": digest}, by=by or person)


def test_h8_sets_that_would_fail_the_gate_are_never_looked_up(edited: SiteKit, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from jdih_build.load import git_history

    digests = big_versions(edited, 3, 200_000)
    forge_sets(edited, digests, "0" * 64, by="Orang Luar")               # not on the roster: rule 5.2 fails
    commit(edited.root, "forged sets")
    asked: list[str] = []
    real_fetch = git_history.GitHistory.fetch

    def counting(self, blob_id, sha256, dest):
        asked.append(sha256)
        return real_fetch(self, blob_id, sha256, dest)

    monkeypatch.setattr(git_history.GitHistory, "fetch", counting)
    report = build(edited.root, tmp_path / "out", NOW)
    assert report.ok and asked
    assert not set(asked) & {*digests, "0" * 64}, "a set that fails the gate made the build read history"
    assert [n.restored for n in report.gate.revisions] == [True]


def test_h8_the_bytes_read_per_build_are_capped(edited: SiteKit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jdih_build.load import git_history
    from jdih_build.load.git_reader import ReaderLimits

    v1_md = hashlib.sha256(git(edited.root, "show", f"HEAD:{edited.products[PID].relative_to(edited.root).as_posix()}")
                           .encode()).hexdigest()
    big_versions(edited, 6, 2_000_000)
    forge_sets(edited, ["0" * 64], v1_md)     # a PDF no commit holds: every version of the PDF is read
    commit(edited.root, "forged set")
    cap = 5_000_000
    real_init = git_history.GitHistory.__init__

    def capped(self, root, limits=None, seconds=None):
        real_init(self, root, ReaderLimits(build_bytes=cap), seconds)

    monkeypatch.setattr(git_history.GitHistory, "__init__", capped)
    answers: list[git_history.Fetched] = []
    real_fetch = git_history.GitHistory.fetch

    def recording(self, blob_id, sha256, dest):
        answers.append(real_fetch(self, blob_id, sha256, dest))
        return answers[-1]

    monkeypatch.setattr(git_history.GitHistory, "fetch", recording)
    report = build(edited.root, tmp_path / "out", NOW)
    assert report.ok
    read = [a for a in answers if a.sha256 is not None]
    refused = [a for a in answers if a.error and "bytes of history" in a.error]
    assert len(read) <= 1 + cap // 2_000_000 + 1, len(read)      # the .md, then PDFs up to the cap
    assert refused, [a.error for a in answers]
