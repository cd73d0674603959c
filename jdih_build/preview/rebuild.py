"""What the preview shows and how it gets there: the state of the last builds, the builder and the debouncer.

The site is built into a private temporary folder (never SITE/output). Each successful build goes into
a fresh folder and the server switches to it at once, so a failed build simply leaves the last good
site in place; every HTML page then carries a banner with the problems until a build succeeds again.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from jdih_build.cache.location import default_cache_dir
from jdih_build.console import clock
from jdih_build.console.reporting import gate_lines, problem_lines, summary
from jdih_build.gate.rules import GateResult
from jdih_build.i18n import _
from jdih_build.pipeline import BuildReport, build
from jdih_build.preview import hot
from jdih_build.preview.hot import Served

QUIET = 0.2              # seconds without file changes before a rebuild starts
KEEPALIVE = 15.0         # seconds between comments on an idle event stream


def say(lines: Sequence[str], stream: TextIO | None = None) -> None:
    """Print to the terminal now (stdout may be a pipe with a large buffer)."""
    target = sys.stderr if stream is None else stream
    for line in lines:
        print(line, file=target, flush=True)


# -- the state the server shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    site_dir: Path | None        # the last good site, None before the first successful build
    errors: tuple[str, ...]      # why the latest build failed; empty once a build succeeds
    token: str                   # changes whenever what the browser should show changes
    withheld: Mapping[str, Withheld] = field(default_factory=dict)   # by product id: shown for its 404


@dataclass(frozen=True)
class Withheld:
    """Why a product of the last good build is not published: the preview shows it where its page was."""

    judul: str
    reasons: tuple[str, ...]

    @classmethod
    def of(cls, gate: GateResult) -> dict[str, Withheld]:
        return {v.product.id: cls(v.product.judul, tuple(f"{f.message} - {f.fix}" for f in v.failures))
                for v in gate.withheld}


class SiteState:
    """What is being served, shared between the rebuild thread and the request threads."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._instance = secrets.token_hex(4)   # a restarted server makes open pages reload
        self._count = 0
        self._site_dir: Path | None = None
        self._errors: tuple[str, ...] = ()
        self._withheld: Mapping[str, Withheld] = {}
        self._token = self._next_token()
        self._closed = False

    def _next_token(self) -> str:
        self._count += 1
        return f"{self._instance}-{self._count}"

    def snapshot(self) -> Snapshot:
        with self._cond:
            return Snapshot(self._site_dir, self._errors, self._token, self._withheld)

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def succeeded(self, site_dir: Path, withheld: Mapping[str, Withheld] | None = None) -> None:
        with self._cond:
            self._site_dir, self._errors = site_dir, ()
            if withheld is not None:
                self._withheld = withheld
            self._token = self._next_token()
            self._cond.notify_all()

    def failed(self, errors: Sequence[str]) -> None:
        with self._cond:
            if tuple(errors) == self._errors:
                return            # the same problems again: nothing new to show
            self._errors = tuple(errors)
            self._token = self._next_token()
            self._cond.notify_all()

    def wait_for_change(self, since: str, timeout: float) -> str | None:
        """The new token once it differs from `since`; None on timeout or when the server closes."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._token != since, timeout)
            if self._closed or self._token == since:
                return None
            return self._token

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


# -- building ---------------------------------------------------------------------------------------


def crash_reason(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def remove_tree(path: Path) -> None:
    """Remove a folder we made; a failure is reported, not hidden."""
    def report(failed: str, exc: BaseException) -> None:
        say([_("warning: cannot remove {failed}: {exc}").format(failed=failed, exc=exc)])
    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=lambda _func, failed, exc: report(failed, exc))
    else:
        shutil.rmtree(path, onerror=lambda _func, failed, info: report(failed, info[1]))


class Builder:
    """Builds the site into a fresh folder under `workdir`, one build at a time, and never raises."""

    def __init__(self, root: Path, workdir: Path, state: SiteState, drafts: bool) -> None:
        self.root, self.workdir, self.state, self.drafts = root, workdir, state, drafts
        self._lock = threading.Lock()
        self.builds = 0                           # build attempts so far
        self.hot_updates = 0                      # product pages updated between builds (preview.hot)
        self._serve_lock = threading.Lock()       # the served folder: switched by builds, written by hot updates
        self._served: Served | None = None
        self._current: Path | None = None
        self._notes: list[str] | None = None     # the withheld/warning lines last printed

    def rebuild(self) -> bool:
        with self._lock:
            try:
                return self._rebuild()
            except Exception as exc:   # a bug, not bad input: report it and keep the last good site
                reason = crash_reason(exc)
                say([_("error: the rebuild crashed: {reason}; still serving the last good site").format(reason=reason)])
                self.state.failed([f"jdih serve: pembangunan ulang gagal karena galat program: {reason}"])
                return False

    def _rebuild(self) -> bool:
        self.builds += 1
        target = self.workdir / f"site-{self.builds}"
        started = time.monotonic()
        report = build(self.root, target, clock.now(), drafts=self.drafts, search=False,  # index only in jdih build
                       cache_dir=default_cache_dir(self.root) / "preview")    # its own: jdih build may run meanwhile
        elapsed = time.monotonic() - started
        if not report.ok:
            self._failed(report)
            return False
        previous, self._current = self._current, target
        with self._serve_lock:
            self._served = Served.of(report.site, report.catalogue, target) if report.site and report.catalogue else None
            self.state.succeeded(target, Withheld.of(report.gate) if report.gate is not None else {})
        self._prune(keep={target, previous})
        self._print_notes(report)
        assert report.gate is not None
        say([_("built in {elapsed:.2f} s: {summary_report_gate}").format(elapsed=elapsed, summary_report_gate=summary(report.gate))], sys.stdout)
        return True

    def hot_update(self, paths: list[Path]) -> bool:
        """Show a changed product's page at once, before the full rebuild that follows; False when the
        change is not of that kind (or anything fails: the full rebuild then shows why)."""
        with self._serve_lock:
            served = self._served
            if served is None:
                return False
            started = time.monotonic()
            try:
                updated = hot.update(served, paths, clock.now(), self.drafts)
            except Exception as exc:   # noqa: BLE001 - a hot update is an optimisation; the rebuild reports
                say([_("warning: quick update skipped ({crash_reason_exc}); rebuilding").format(crash_reason_exc=crash_reason(exc))])
                return False
            if not updated:
                return False
            self.hot_updates += 1
            self.state.succeeded(served.folder)
        say([_("updated {join_updated} in {time_monotonic_started:.2f} s; rebuilding the rest").format(
            join_updated=', '.join(updated), time_monotonic_started=time.monotonic() - started)], sys.stdout)
        return True

    def _failed(self, report: BuildReport) -> None:
        self.state.failed([str(p) for p in report.problems])
        kept = _("still serving the last good site") if self._current else _("nothing to serve yet")
        say(problem_lines(report.problems) + [_("build failed: {len_report_problems} problem(s); {kept}").format(len_report_problems=len(report.problems), kept=kept)])
        self._notes = None

    def _print_notes(self, report: BuildReport) -> None:
        assert report.gate is not None
        notes = gate_lines(report.gate, self.root) + [_("warning: {warning}").format(warning=w) for w in report.warnings]
        if notes != self._notes:
            say(notes)
            self._notes = notes

    def _prune(self, keep: set[Path | None]) -> None:
        """Keep the current site and the one before it (a request may still be reading it)."""
        for child in self.workdir.iterdir():
            if child.name.startswith("site-") and child not in keep:
                remove_tree(child)


class Debouncer:
    """Runs `action` in one worker thread once changes have been quiet for `quiet` seconds.
    Changes that arrive while `action` runs cause exactly one more run afterwards."""

    def __init__(self, action: Callable[[], object], quiet: float = QUIET,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._action, self._quiet, self._clock = action, quiet, clock
        self._cond = threading.Condition()
        self._last_change: float | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="jdih-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self, settle: float = 0.0) -> None:
        """A change: run once changes have been quiet for `quiet` seconds, plus `settle` (after a quick
        update, so that the browser's reload is served before the full rebuild takes the processor)."""
        with self._cond:
            self._last_change = max(self._last_change or 0.0, self._clock() + settle)
            self._cond.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while self._wait_for_quiet():
            self._action()

    def _wait_for_quiet(self) -> bool:
        """Block until a change has been followed by `quiet` seconds of calm; False once stopped."""
        with self._cond:
            while not self._stopped:
                if self._last_change is None:
                    self._cond.wait()
                    continue
                remaining = self._last_change + self._quiet - self._clock()
                if remaining <= 0:
                    self._last_change = None
                    return True
                self._cond.wait(remaining)
            return False
