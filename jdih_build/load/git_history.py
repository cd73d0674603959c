"""The site repository's git history, read for one purpose: finding the exact bytes a sign-off
approved after the file has been edited (issue 10: the last approved revision stays published).

How it is read (issue 18): no `git` program is run. A child process (load/git_reader.py) reads the
object store with dulwich, which executes nothing that `.git/config` or the environment names, under
an address-space limit; every request has a deadline, and a child that overruns is killed (the rest
of the history is then unavailable: those products are withheld, with the reason). Nothing is
trusted from git but the bytes: every blob is hashed with sha256 and written out only when that is
the hash a sign-off names, so a damaged or forged object store can at worst hide a revision (the
product is then withheld), never publish other bytes. One bad object costs only the revision that
needs it; the bytes read per build are capped.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from jdih_build.i18n import _
from jdih_build.load.git_reader import ReaderLimits, serve

REQUEST_SECONDS = 60.0       # one request (the versions of every wanted path, or one blob)


@dataclass(frozen=True)
class Fetched:
    """The outcome of asking for one blob: the sha256 of its bytes (written to the destination only
    when it is the one asked for), or why it could not be read."""

    sha256: str | None
    error: str | None = None


class GitHistory:
    """The history of the git repository that holds `root`, read in a child process started when it
    is first needed and stopped by `close` (GitHistory is a context manager)."""

    def __init__(self, root: Path, limits: ReaderLimits | None = None, seconds: float | None = None) -> None:
        self.root = root
        self.limits = limits or ReaderLimits()
        self.seconds = REQUEST_SECONDS if seconds is None else seconds
        self._process: Any = None
        self._conn: Connection | None = None
        self._started = False
        self._top: Path | None = None
        self.shallow = False
        self.problem: str | None = None     # why the history cannot be read (any longer)

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the child ---------------------------------------------------------------------------------
    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        parent, child = context.Pipe()
        try:
            self._process = context.Process(  # type: ignore[attr-defined]
                target=serve, args=(child, str(self.root), self.limits), daemon=True)
            self._process.start()
        except OSError as exc:
            self.problem = _("the site's git history cannot be read ({reason})").format(reason=exc)
            return
        finally:
            child.close()
        self._conn = parent
        answer = self._answer()
        if answer is None:
            return
        if answer[0] != "ok":
            self._fail(str(answer[1]))
            return
        self._top = Path(answer[1])
        self.shallow = bool(answer[2])

    def _answer(self) -> tuple[Any, ...] | None:
        """The child's next answer within the deadline; None (and the child stopped) otherwise."""
        assert self._conn is not None
        try:
            if not self._conn.poll(self.seconds):
                self._fail(_("a read took longer than {seconds:g} s").format(seconds=self.seconds))
                return None
            answer = self._conn.recv()
        except (EOFError, OSError):
            self._fail(_("the reader stopped (over its memory limit, or it crashed)"))
            return None
        return answer if isinstance(answer, tuple) and answer else None

    def _ask(self, *request: Any) -> tuple[Any, ...] | None:
        self._start()
        if self._conn is None or self.problem is not None:
            return None
        try:
            self._conn.send(request)
        except OSError:
            self._fail(_("the reader stopped (over its memory limit, or it crashed)"))
            return None
        return self._answer()

    def _fail(self, reason: str) -> None:
        if self.problem is None:
            self.problem = _("the site's git history cannot be read ({reason})").format(reason=reason)
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None

    # -- what the gate asks ------------------------------------------------------------------------
    def relative(self, path: Path) -> str | None:
        """`path` relative to the repository's top, in git's form; None outside the repository."""
        self._start()
        if self._top is None:
            return None
        try:
            return Path(os.path.normpath(path)).resolve().relative_to(self._top).as_posix()
        except (ValueError, OSError):
            return None

    def versions(self, paths: list[str]) -> dict[str, dict[str, str]]:
        """path -> {blob id: the oldest commit on HEAD's history that gave the path that blob}; empty
        (and `problem` set) when the history cannot be read."""
        if not paths:
            return {}
        answer = self._ask("versions", sorted(set(paths)))
        if answer is None:
            return {}
        if answer[0] != "ok":
            self._fail(str(answer[1]))
            return {}
        return dict(answer[1])

    def behind(self) -> tuple[str, int] | None:
        """(upstream, commits of it that HEAD lacks) as the last `git fetch` left them, or None."""
        answer = self._ask("behind")
        if answer is None or answer[0] != "ok" or answer[1] is None:
            return None
        upstream, count = answer[1]
        return str(upstream), int(count)

    def tracked(self, folder: Path) -> list[str] | None:
        """A few of the files git tracks in `folder` (empty: none); None when that cannot be told."""
        relative = self.relative(folder)
        if relative is None:
            return [] if self._top is None and self.problem is None else None
        answer = self._ask("tracked", relative)
        if answer is None or answer[0] != "ok":
            return None
        return list(answer[1])

    def fetch(self, blob_id: str, sha256: str, dest: Path) -> Fetched:
        """Write the blob to `dest` if its bytes have `sha256`; else say what they have, or why the
        blob cannot be read (that one object: the session goes on)."""
        answer = self._ask("blob", blob_id, sha256, str(dest))
        if answer is None:
            return Fetched(None, self.problem)
        if answer[0] != "ok":
            return Fetched(None, str(answer[1]))
        return Fetched(str(answer[1]))
