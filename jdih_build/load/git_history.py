"""The site repository's git history, read for one purpose: finding the exact bytes a sign-off
approved after the file has been edited (issue 10: the last approved revision stays published).

Only two plumbing commands are run, without a shell and with a timeout: `git log --raw` over the
paths asked for (which blob each commit gave each path) and `git cat-file --batch` (a blob's
bytes). Nothing is trusted from git but the bytes: every blob is hashed here with sha256 and kept
only when its hash is one a sign-off names, so a damaged or forged object store can at worst hide
a revision (the product is then withheld), never publish other bytes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path

from jdih_build.i18n import _

GIT_TIMEOUT = 120.0          # seconds, per command
PATHS_PER_CALL = 200         # keeps the command line short
MAX_BLOB_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class FoundBlob:
    data: bytes
    commit: str              # the oldest commit on HEAD's history that gave the path these bytes


@dataclass
class HistoryLookup:
    """What the history gave: blobs by (repository-relative path, sha256), or why it could not be read."""

    found: dict[tuple[str, str], FoundBlob] = field(default_factory=dict)
    unavailable: str | None = None    # no git, not a repository, ...: nothing could be looked up
    shallow: bool = False             # a shallow clone: older revisions may be missing


class GitHistory:
    """The history of the git repository that holds `root` (None where there is none)."""

    def __init__(self, root: Path, git: str = "git") -> None:
        self.root = root
        self.git = git
        self._top: Path | None = None
        self._problem: str | None = None
        self._shallow = False
        self._probed = False

    def _run(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env["GIT_TERMINAL_PROMPT"] = "0"
        return subprocess.run([self.git, "-C", str(self.root), "-c", "core.fsmonitor=false", *args],
                              input=input_text, capture_output=True, text=True, timeout=GIT_TIMEOUT,
                              env=env, check=False, stdin=None if input_text is not None else subprocess.DEVNULL)

    def _probe(self) -> None:
        if self._probed:
            return
        self._probed = True
        try:
            done = self._run("rev-parse", "--show-toplevel", "--is-shallow-repository", "--verify", "HEAD")
        except FileNotFoundError:
            self._problem = _("git is not installed")
            return
        except (OSError, subprocess.TimeoutExpired) as exc:
            self._problem = _("git cannot be run ({exc})").format(exc=exc)
            return
        lines = done.stdout.splitlines()
        if done.returncode != 0 or len(lines) < 3:
            reason = (done.stderr.strip().splitlines() or ["not a git repository"])[-1]
            self._problem = _("the site's git history cannot be read ({reason})").format(reason=reason)
            return
        self._top = Path(lines[0]).resolve()
        self._shallow = lines[1].strip() == "true"

    def relative(self, path: Path) -> str | None:
        """`path` relative to the repository's top, in git's form; None outside the repository."""
        self._probe()
        if self._top is None:
            return None
        try:
            return Path(os.path.normpath(path)).relative_to(self._top).as_posix()
        except ValueError:
            return None

    def lookup(self, wanted: Mapping[str, Set[str]]) -> HistoryLookup:
        """Every blob HEAD's history gave a wanted path whose sha256 is wanted for that path."""
        self._probe()
        result = HistoryLookup(unavailable=self._problem, shallow=self._shallow)
        if self._top is None or not wanted:
            return result
        try:
            versions = self._versions(sorted(wanted))
            self._read_blobs(versions, wanted, result)
        except (OSError, subprocess.TimeoutExpired, HistoryError) as exc:
            result.found.clear()
            result.unavailable = _("the site's git history cannot be read ({reason})").format(reason=exc)
        return result

    def _versions(self, paths: list[str]) -> dict[str, dict[str, str]]:
        """path -> {blob id: the oldest commit that gave the path that blob}."""
        versions: dict[str, dict[str, str]] = {}
        for start in range(0, len(paths), PATHS_PER_CALL):
            chunk = paths[start:start + PATHS_PER_CALL]
            done = self._run("-c", "core.quotepath=off", "log", "-m", "--no-renames", "--raw", "--no-abbrev",
                             "--format=%x01%H", "-z", "HEAD", "--", *(f":(literal){p}" for p in chunk))
            if done.returncode != 0:
                raise HistoryError((done.stderr.strip().splitlines() or ["git log failed"])[-1])
            commit = ""
            tokens = done.stdout.split("\0")
            index = 0
            while index < len(tokens):
                token = tokens[index].lstrip("\n")
                index += 1
                if token.startswith("\x01"):
                    commit = token[1:]
                elif token.startswith(":") and index < len(tokens):
                    path = tokens[index]
                    index += 1
                    fields = token[1:].split()
                    if len(fields) >= 5 and fields[3].strip("0"):   # a deletion gives the all-zero id
                        versions.setdefault(path, {})[fields[3]] = commit   # log is newest first
        return versions

    def _read_blobs(self, versions: dict[str, dict[str, str]], wanted: Mapping[str, Set[str]],
                    result: HistoryLookup) -> None:
        paths_of: dict[str, list[str]] = {}
        for path, found in versions.items():
            for blob in found:
                paths_of.setdefault(blob, []).append(path)
        if not paths_of:
            return
        command = [self.git, "-C", str(self.root), "cat-file", "--batch"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env=env) as process:
            assert process.stdin is not None and process.stdout is not None
            try:
                for blob in sorted(paths_of):   # one request, one answer: no pipe can fill up
                    process.stdin.write(blob.encode("ascii") + b"\n")
                    process.stdin.flush()
                    header = process.stdout.readline().split()
                    if len(header) != 3 or header[1] != b"blob":
                        raise HistoryError(_("object {blob} is not a blob").format(blob=blob))
                    size = int(header[2])
                    if size > MAX_BLOB_BYTES:
                        raise HistoryError(_("object {blob} is larger than {max_blob_bytes} bytes").format(blob=blob, max_blob_bytes=MAX_BLOB_BYTES))
                    data = process.stdout.read(size)
                    process.stdout.read(1)
                    if len(data) != size:
                        raise HistoryError(_("object {blob} was cut short").format(blob=blob))
                    digest = hashlib.sha256(data).hexdigest()
                    for path in paths_of[blob]:
                        if digest in wanted.get(path, ()):
                            result.found[(path, digest)] = FoundBlob(data, versions[path][blob])
            finally:
                process.stdin.close()
                process.wait(timeout=GIT_TIMEOUT)


class HistoryError(Exception):
    pass
