"""The last approved revision stays published (issue 10).

An edit changes a product's bytes, which voids every sign-off of it (CONTRACT 5.3). Instead of
taking the law offline, the build looks in the site's git history for the revision whose bytes a
full set of sign-offs names, and publishes that revision: its `.md` and attachments exactly as
approved, parsed and gated again with every rule, against the records that name those bytes. The
edit waits for its own sign-offs.

Decisions (written down here because the contract is silent):
- The records of a revision are those whose `berkas` names exactly its bytes; a record for other
  bytes (a new sign-off for the edit, a rejection of the edit) says nothing about it. To take an
  approved revision down, delete the product file, or remove (or reject, naming its bytes) its
  sign-offs.
- Only the product's current path is looked up: a product file moved to another folder has no
  history here, and is withheld (loudly) until it is signed again.
- Where no such revision is found (no git, a shallow clone, bytes never committed), the product is
  withheld as before, and the build names it: it had a full set of sign-offs for other bytes.
- The fallback is for an *edit* only (issue 18, H6). When a record that names the current bytes fails
  (a `ditolak`, a signer who left the roster, a signature that does not verify), a decision on what
  main holds now went against it: the product is withheld, never rolled back to older bytes, and the
  note names the record. A rejected edit therefore takes the product down until the text is
  corrected (and signed) or the approved file is restored from git.
- `jdih serve --drafts` shows the edit itself, as a draft: the preview is for the editor's work.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from jdih_build.gate.rules import (
    RULE_HASHES,
    ApprovedRevision,
    Failure,
    GateResult,
    RevisionNote,
    SignatureCheck,
    Verdict,
    default_signature_check,
    evaluate_product,
)
from jdih_build.i18n import _
from jdih_build.load.attachments import unsafe_name
from jdih_build.load.content import read_product
from jdih_build.load.git_history import GitHistory
from jdih_build.load.problems import Problems
from jdih_build.model import Person, Product, SignOff, Site, Sop

FileSet = tuple[tuple[str, str], ...]   # (name relative to the .md's folder, sha256), sorted


@dataclass(frozen=True)
class Candidate:
    """Bytes other than today's that every required step approved."""

    files: FileSet
    records: tuple[SignOff, ...]     # the records that name exactly these bytes
    newest: datetime


def approved_sets(product: Product, records: Sequence[SignOff], sop: Sop) -> list[Candidate]:
    """The sets of bytes, other than the product's own, for which every `validasi` step has a
    `disetujui` record; the most recently approved first."""
    current = tuple(sorted(product.file_hashes.items()))
    by_set: dict[FileSet, list[SignOff]] = defaultdict(list)
    for record in records:
        by_set[tuple(sorted(record.berkas))].append(record)
    required = {s.no for s in sop.validation_steps}
    found = []
    for files, named in by_set.items():
        approved = {r.langkah for r in named if r.keputusan == "disetujui"}
        if files != current and required and required <= approved:
            found.append(Candidate(files, tuple(named), max(r.waktu for r in named)))
    return sorted(found, key=lambda c: (c.newest, c.files), reverse=True)


def decision_against_current(verdict: Verdict, records: Sequence[SignOff]) -> Failure | None:
    """The first failure of a record that names the product's current bytes, other than a mismatch of
    hashes (that is the edit itself): a decision against what main holds now, which no older revision
    may override."""
    current = tuple(sorted(verdict.product.file_hashes.items()))
    naming_current = {r.path for r in records if tuple(sorted(r.berkas)) == current}
    for failure in verdict.failures:
        if failure.record is not None and failure.record in naming_current and failure.rule != RULE_HASHES:
            return failure
    return None


def _site_path(product: Product, name: str, content_dir: Path) -> Path | None:
    """Where a file a sign-off names lies (relative to the .md's folder), if it is a name a product
    may have: inside content/, every part a safe name. A record's keys are input like any other."""
    if not name or "\\" in name or name.startswith("/") or posixpath.normpath(name) != name:
        return None
    if any(part == ".." or unsafe_name(part) is not None for part in name.split("/")):
        return None
    target = Path(os.path.normpath(product.source.parent / name))
    return target if target.is_relative_to(content_dir) else None


class RevisionFiles:
    """A private folder for the approved revisions' files, made only when one is needed, removed with
    the build (the attachments are copied from it)."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def folder(self) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="jdih-revisi-")
        return Path(self._folder.name)

    def __enter__(self) -> RevisionFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._folder is not None:
            self._folder.cleanup()


class RevisionFinder:
    """Finds and materialises approved revisions for one build (in `files`)."""

    def __init__(self, site: Site, history: GitHistory | None, files: RevisionFiles, now: datetime,
                 check_signature: SignatureCheck = default_signature_check) -> None:
        self.site = site
        self.history = history
        self.files = files
        self.now = now
        self.check_signature = check_signature
        self.content_dir = site.root / "content"
        self.people: dict[str, Person] = {p.nama: p for p in site.roster}
        self._blob_sha: dict[str, str] = {}       # blob id -> sha256 of its bytes, once read
        self._blob_copy: dict[str, Path] = {}     # blob id -> a file already written with its bytes

    def restore(self, gate: GateResult) -> GateResult:
        try:
            return self._restore(gate)
        finally:
            if self.history is not None:
                self.history.close()

    def _restore(self, gate: GateResult) -> GateResult:
        by_folder: dict[str, list[SignOff]] = defaultdict(list)
        for record in self.site.signoffs:
            by_folder[record.folder].append(record)
        waiting = {v.product.id: approved_sets(v.product, by_folder.get(v.product.id, []), self.site.sop)
                   for v in gate.verdicts if not v.published}
        waiting = {pid: found for pid, found in waiting.items() if found}
        if not waiting:
            return gate
        verdicts_of = {v.product.id: v for v in gate.verdicts}
        withdrawn = {pid: failure for pid in waiting
                     if (failure := decision_against_current(verdicts_of[pid], by_folder.get(pid, []))) is not None}
        # Only sets whose records pass every rule but the hashes are looked up (H8): a forged set that
        # would fail anyway never makes the build read history.
        viable = {pid: [c for c in found if self._would_pass(verdicts_of[pid].product, c)]
                  for pid, found in waiting.items() if pid not in withdrawn}
        versions = self._versions({pid: verdicts_of[pid].product for pid in viable}, viable)
        verdicts: list[Verdict] = []
        notes: list[RevisionNote] = []
        for verdict in gate.verdicts:
            pid = verdict.product.id
            if pid not in waiting:
                verdicts.append(verdict)
                continue
            if (against := withdrawn.get(pid)) is not None:
                verdicts.append(verdict)
                notes.append(RevisionNote(pid, verdict.product.source, False, "", against.message,
                                          withdrawn=against.record))
                continue
            restored, reason = self._first_valid(verdict.product, viable[pid], waiting[pid], versions)
            if restored is not None:
                verdicts.append(restored)
                assert restored.revision is not None
                notes.append(RevisionNote(pid, verdict.product.source, True, restored.revision.commit, ""))
            else:
                verdicts.append(verdict)
                notes.append(RevisionNote(pid, verdict.product.source, False, "", reason))
        return GateResult(tuple(verdicts), gate.notices, tuple(notes))

    def _would_pass(self, product: Product, candidate: Candidate) -> bool:
        verdict = evaluate_product(product, list(candidate.records), self.site.sop, self.people, self.now,
                                   self.check_signature)
        return all(f.rule == RULE_HASHES for f in verdict.failures)

    def _relative(self, product: Product, name: str) -> tuple[Path, str] | None:
        assert self.history is not None
        path = _site_path(product, name, self.content_dir)
        relative = self.history.relative(path) if path is not None else None
        return (path, relative) if path is not None and relative is not None else None

    def _versions(self, products: dict[str, Product], viable: dict[str, list[Candidate]]) -> dict[str, dict[str, str]]:
        if self.history is None or not any(viable.values()):
            return {}
        wanted = {found[1] for pid, candidates in viable.items() for candidate in candidates
                  for name, _sha in candidate.files if (found := self._relative(products[pid], name)) is not None}
        return self.history.versions(sorted(wanted))

    def _first_valid(self, product: Product, candidates: list[Candidate], all_sets: list[Candidate],
                     versions: dict[str, dict[str, str]]) -> tuple[Verdict | None, str]:
        """The newest approved revision that passes the gate, or why there is none."""
        if self.history is None:
            return None, _("the site's git history is not read here")
        if not candidates:   # every set fails a rule other than the hashes: say which, as the gate would
            judged = evaluate_product(product, list(all_sets[0].records), self.site.sop, self.people, self.now,
                                      self.check_signature)
            first = next(f for f in judged.failures if f.rule != RULE_HASHES)
            return None, _("the approved revision fails the gate: {value}").format(value=first.message)
        if self.history.problem is not None:
            return None, self.history.problem
        reasons: list[str] = []
        for number, candidate in enumerate(candidates):
            restored, reason = self._try(product, candidate, versions, number)
            if restored is not None:
                return restored, ""
            reasons.append(reason)
        reason = reasons[0]
        if self.history.shallow:
            reason += _("; this is a shallow clone: fetch the whole history (git fetch --unshallow)")
        return None, reason

    def _try(self, product: Product, candidate: Candidate, versions: dict[str, dict[str, str]],
             number: int) -> tuple[Verdict | None, str]:
        if product.source_name not in dict(candidate.files):
            return None, _("the sign-offs name other files ({value}), not {product_source_name}").format(
                value=', '.join(n for n, _ in candidate.files), product_source_name=product.source_name)
        try:
            return self._materialised(product, candidate, versions, self.files.folder() / product.id / str(number))
        except OSError as exc:
            return None, _("the approved revision's files cannot be written to a temporary folder ({exc_strerror_or_exc})").format(
                exc_strerror_or_exc=exc.strerror or exc)

    def _blob_into(self, relative: str, sha: str, versions: dict[str, dict[str, str]], dest: Path) -> tuple[str | None, str]:
        """Write the version of `relative` whose bytes have `sha` to `dest`: (its commit, "") or (None, why)."""
        assert self.history is not None
        problem = ""
        for blob_id, commit in versions.get(relative, {}).items():
            known = self._blob_sha.get(blob_id)
            if known is not None and known != sha:
                continue
            if known == sha and blob_id in self._blob_copy:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self._blob_copy[blob_id], dest)
                return commit, ""
            dest.parent.mkdir(parents=True, exist_ok=True)
            fetched = self.history.fetch(blob_id, sha, dest)
            if fetched.sha256 is None:
                problem = fetched.error or ""
                if self.history.problem is not None:
                    break
                continue
            self._blob_sha[blob_id] = fetched.sha256
            if fetched.sha256 == sha:
                self._blob_copy[blob_id] = dest
                return commit, ""
        return None, problem

    def _materialised(self, product: Product, candidate: Candidate, versions: dict[str, dict[str, str]],
                      base: Path) -> tuple[Verdict | None, str]:
        md_copy: Path | None = None
        commit = ""
        for name, sha in candidate.files:
            found = self._relative(product, name)
            if found is None:
                return None, _("no commit holds the approved bytes of {name}").format(name=name)
            path, relative = found
            copy = base / "content" / path.relative_to(self.content_dir)
            given, problem = self._blob_into(relative, sha, versions, copy)
            if given is None:
                reason = _("no commit holds the approved bytes of {name}").format(name=name)
                return None, reason + (f" ({problem})" if problem else "")
            if name == product.source_name:
                md_copy, commit = copy, given
        assert md_copy is not None
        problems = Problems(base)
        parsed = read_product(md_copy, base / "content", self.site.config, problems)
        if parsed is None:
            first = problems.items[0] if problems.items else None
            return None, _("the approved revision (commit {commit_12}) no longer reads: {value}").format(
                commit_12=commit[:12], value=first.message if first else 'invalid')
        revision = replace(parsed, source=product.source)
        verdict = evaluate_product(revision, list(candidate.records), self.site.sop, self.people, self.now,
                                   self.check_signature)
        if not verdict.published:
            return None, _("the approved revision (commit {commit_12}) fails the gate: {value}").format(commit_12=commit[:12], value=verdict.failures[0].message)
        return Verdict(revision, verdict.steps, ApprovedRevision(commit)), ""


def judged_as_the_build(site: Site, gate: GateResult, now: datetime) -> GateResult:
    """The gate as the build will judge the edited products, for the commands that publish nothing
    (check, status): the revisions' files are removed on return, so nothing may be copied from them."""
    with RevisionFiles() as files:
        return RevisionFinder(site, GitHistory(site.root), files, now).restore(gate)
