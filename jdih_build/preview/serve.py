"""`jdih serve`: a local preview of the site on 127.0.0.1 that rebuilds on change and reloads the browser.

The site is built into a private temporary folder (never SITE/output). Each successful build goes into
a fresh folder and the server switches to it at once, so a failed build simply leaves the last good
site in place; every HTML page then carries a banner with the problems until a build succeeds again.

Live reload: every HTML response gets a small script, served by the server itself and never written
into the built files, that listens on a Server-Sent Events stream and reloads the page when a newer
build (or a new error) is there.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import TextIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from jdih_build.cli import main as cli
from jdih_build.pipeline import BuildReport, build
from jdih_build.load.filetypes import attachment_media_type, site_media_type
from jdih_build.console.reporting import gate_lines, problem_lines, summary

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
QUIET = 0.2              # seconds without file changes before a rebuild starts
KEEPALIVE = 15.0         # seconds between comments on an idle event stream
RELOAD_JS_PATH = "/__jdih__/reload.js"
EVENTS_PATH = "/__jdih__/events"
WATCHED_DIRS = ("content", "approvals", "templates")
WATCHED_FILES = ("pyproject.toml",)
CHANGE_EVENTS = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})   # never reads
ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})

RELOAD_JS = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") || "" : "";
  var events = new EventSource("%s?build=" + encodeURIComponent(build));
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
})();
""" % EVENTS_PATH

OVERLAY = (
    '<div id="jdih-galat" role="alert" style="position:sticky;top:0;z-index:2147483647;margin:0;'
    'padding:1rem 1.25rem;background:#7f1d1d;color:#fff;font:15px/1.5 system-ui,sans-serif;'
    'border-bottom:4px solid #fca5a5;text-align:left">'
    '<h2 style="margin:0 0 .25rem;padding:0;border:0;font-size:1.2rem;color:#fff">Pembangunan situs gagal</h2>'
    '<p style="margin:0 0 .5rem">Halaman ini masih versi terakhir yang berhasil dibangun. Perbaiki masalah '
    'berikut; halaman dimuat ulang otomatis setelah pembangunan berhasil.</p>'
    '<pre style="margin:0;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere;background:#450a0a;'
    'color:#fee2e2;font:13px/1.45 ui-monospace,monospace">{problems}</pre></div>'
)

PLACEHOLDER = (
    '<!doctype html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>Belum ada situs: pratinjau JDIH</title>\n</head>\n<body>\n"
    "<main><h1>Belum ada versi situs yang berhasil dibangun</h1>\n"
    "<p>Perbaiki masalah di atas; halaman ini dimuat ulang otomatis setelah pembangunan berhasil.</p></main>\n"
    "</body>\n</html>\n"
)

BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
BODY_CLOSE = b"</body>"


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


class SiteState:
    """What is being served, shared between the rebuild thread and the request threads."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._instance = secrets.token_hex(4)   # a restarted server makes open pages reload
        self._count = 0
        self._site_dir: Path | None = None
        self._errors: tuple[str, ...] = ()
        self._token = self._next_token()
        self._closed = False

    def _next_token(self) -> str:
        self._count += 1
        return f"{self._instance}-{self._count}"

    def snapshot(self) -> Snapshot:
        with self._cond:
            return Snapshot(self._site_dir, self._errors, self._token)

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def succeeded(self, site_dir: Path) -> None:
        with self._cond:
            self._site_dir, self._errors = site_dir, ()
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
        say([f"warning: cannot remove {failed}: {exc}"])
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
        self._current: Path | None = None
        self._notes: list[str] | None = None     # the withheld/warning lines last printed

    def rebuild(self) -> bool:
        with self._lock:
            try:
                return self._rebuild()
            except Exception as exc:   # a bug, not bad input: report it and keep the last good site
                reason = crash_reason(exc)
                say([f"error: the rebuild crashed: {reason}; still serving the last good site"])
                self.state.failed([f"jdih serve: pembangunan ulang gagal karena galat program: {reason}"])
                return False

    def _rebuild(self) -> bool:
        self.builds += 1
        target = self.workdir / f"site-{self.builds}"
        started = time.monotonic()
        report = build(self.root, target, cli.now(), drafts=self.drafts, search=False)  # index only in jdih build
        elapsed = time.monotonic() - started
        if not report.ok:
            self._failed(report)
            return False
        previous, self._current = self._current, target
        self.state.succeeded(target)
        self._prune(keep={target, previous})
        self._print_notes(report)
        assert report.gate is not None
        say([f"built in {elapsed:.2f} s: {summary(report.gate)}"], sys.stdout)
        return True

    def _failed(self, report: BuildReport) -> None:
        self.state.failed([str(p) for p in report.problems])
        kept = "still serving the last good site" if self._current else "nothing to serve yet"
        say(problem_lines(report.problems) + [f"build failed: {len(report.problems)} problem(s); {kept}"])
        self._notes = None

    def _print_notes(self, report: BuildReport) -> None:
        assert report.gate is not None
        notes = gate_lines(report.gate, self.root) + [f"warning: {w}" for w in report.warnings]
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

    def poke(self) -> None:
        with self._cond:
            self._last_change = self._clock()
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


# -- watching ---------------------------------------------------------------------------------------


def is_editor_scratch(name: str) -> bool:
    return name.startswith(".#") or name.endswith(("~", ".swp", ".swx"))


class Watcher(FileSystemEventHandler):
    """Calls `on_change` when anything under content/, approvals/, templates/ or pyproject.toml changes."""

    def __init__(self, root: Path, on_change: Callable[[], None]) -> None:
        self.root = root
        self.on_change = on_change
        self._observer = Observer()
        self._watches: dict[str, ObservedWatch] = {}
        self._started = False

    def start(self) -> None:
        self._observer.schedule(self, str(self.root), recursive=False)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._started = False

    def _watch_dir(self, name: str) -> None:
        folder = self.root / name
        if not folder.is_dir():
            return
        old = self._watches.pop(name, None)
        if old is not None:
            self._observer.unschedule(old)
        self._watches[name] = self._observer.schedule(self, str(folder), recursive=True)

    def relevant(self, path: Path) -> bool:
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or is_editor_scratch(parts[-1]):
            return False
        return parts[0] in WATCHED_DIRS or (len(parts) == 1 and parts[0] in WATCHED_FILES)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p]
        if event.is_directory and event.event_type in ("created", "moved"):
            for path in paths:
                if path.parent == self.root and path.name in WATCHED_DIRS:
                    self._watch_dir(path.name)      # a watched folder appeared (again): follow it
        if any(self.relevant(p) for p in paths):
            self.on_change()


# -- serving ----------------------------------------------------------------------------------------


class Refused(Exception):
    """A request path that tries to leave the site folder."""


def request_parts(url_path: str) -> list[str]:
    """The path segments of a request, decoded; refuses anything that could leave the site folder."""
    try:
        decoded = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        raise Refused(url_path) from None
    if not decoded.startswith("/") or "\\" in decoded or "\x00" in decoded:
        raise Refused(url_path)
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise Refused(url_path)
    return parts


def content_type(path: Path, site_dir: Path | None = None) -> str:
    """The media type from our own tables, never the system's (/etc/mime.types serves `.es` as
    JavaScript and `.xht` as XHTML): an attachment gets the type of its allow-listed document kind,
    the site's own files theirs, anything else application/octet-stream."""
    parts = path.relative_to(site_dir).parts if site_dir is not None and path.is_relative_to(site_dir) else ()
    if len(parts) == 3 and parts[0] == "produk" and parts[2] != "index.html":
        return attachment_media_type(path.name)
    return site_media_type(path.name)


def decorate(page: bytes, snap: Snapshot) -> bytes:
    """Add the reload script (and the error banner while the latest build failed) to an HTML page."""
    script = f'<script src="{RELOAD_JS_PATH}" data-build="{html.escape(snap.token)}"></script>\n'.encode()
    end = page.lower().rfind(BODY_CLOSE)
    page = page + script if end < 0 else page[:end] + script + page[end:]
    if snap.errors:
        banner = OVERLAY.format(problems=html.escape("\n".join(snap.errors))).encode("utf-8")
        opening = BODY_OPEN.search(page)
        page = page[:opening.end()] + b"\n" + banner + page[opening.end():] if opening else page + banner
    return page


def host_allowed(host: str | None) -> bool:
    """Only addresses of this machine (guards the drafts against DNS rebinding)."""
    if not host:
        return False
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.lower() in ALLOWED_HOSTS


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    state: SiteState

    def __init__(self, port: int, state: SiteState) -> None:
        self.state = state
        super().__init__((HOST, port), PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "jdih-serve"

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if isinstance(code, int) and code >= 400:   # successful requests would drown the build messages
            super().log_request(code, size)

    def _respond(self, with_body: bool) -> None:
        if not host_allowed(self.headers.get("Host")):
            self._send(HTTPStatus.FORBIDDEN, b"Host tidak diizinkan; buka pratinjau lewat http://127.0.0.1/.\n",
                       "text/plain; charset=utf-8", with_body)
            return
        url = urlsplit(self.path)
        if url.path == RELOAD_JS_PATH:
            self._send(HTTPStatus.OK, RELOAD_JS.encode(), "text/javascript; charset=utf-8", with_body)
        elif url.path == EVENTS_PATH and with_body:
            self._events(parse_qs(url.query).get("build", [""])[0])
        else:
            self._site_file(url.path, with_body)

    def _site_file(self, url_path: str, with_body: bool) -> None:
        try:
            parts = request_parts(url_path)
        except Refused:
            self._send(HTTPStatus.FORBIDDEN, b"Akses ditolak.\n", "text/plain; charset=utf-8", with_body)
            return
        snap = self.server.state.snapshot()
        if snap.site_dir is None:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, decorate(PLACEHOLDER.encode(), snap),
                       "text/html; charset=utf-8", with_body)
            return
        target = snap.site_dir.joinpath(*parts)
        if target.is_dir():
            if not url_path.endswith("/"):
                self._redirect("/" + "".join(quote(p) + "/" for p in parts))
                return
            target = target / "index.html"
        status = HTTPStatus.OK
        if not target.is_file() or not target.resolve().is_relative_to(snap.site_dir.resolve()):
            status, target = HTTPStatus.NOT_FOUND, snap.site_dir / "404.html"
        self._send_file(status, target, snap, with_body)

    def _send_file(self, status: HTTPStatus, path: Path, snap: Snapshot, with_body: bool) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._send(HTTPStatus.NOT_FOUND, b"Halaman tidak ditemukan.\n", "text/plain; charset=utf-8", with_body)
            return
        except OSError as exc:
            self.log_error("cannot read %s: %s", path, exc)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"Berkas tidak dapat dibaca.\n",
                       "text/plain; charset=utf-8", with_body)
            return
        kind = content_type(path, snap.site_dir)
        if kind.startswith("text/html"):
            data = decorate(data, snap)
        self._send(status, data, kind, with_body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _events(self, since: str) -> None:
        """A Server-Sent Events stream: one `reload` event each time the build token moves on."""
        state = self.server.state
        since = since or state.snapshot().token
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self._write_event(b"retry: 500\n\n")
            for token in self._tokens(since):
                self._write_event(f"event: reload\ndata: {token}\n\n".encode() if token else b": keepalive\n\n")
        except (BrokenPipeError, ConnectionResetError):
            return   # the page went away (reloaded or closed): the stream has done its job

    def _tokens(self, since: str) -> Iterator[str]:
        """New build tokens as they come; "" after each idle KEEPALIVE; ends when the server closes."""
        state = self.server.state
        while True:
            token = state.wait_for_change(since, KEEPALIVE)
            if state.closed:
                return
            if token:
                since = token
            yield token or ""

    def _write_event(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


# -- putting it together ----------------------------------------------------------------------------


class Preview:
    """The preview server: builder, watcher and HTTP server around one temporary folder.

    `start()` builds once and starts watching; `serve_forever()` serves until `shutdown()` (from another
    thread) or Ctrl-C; `close()` stops everything and removes the temporary folder."""

    def __init__(self, root: Path, port: int = DEFAULT_PORT, drafts: bool = False, quiet: float = QUIET) -> None:
        self.root = root.resolve()
        self.state = SiteState()
        self.workdir = Path(tempfile.mkdtemp(prefix="jdih-serve-"))
        try:
            self.server = PreviewServer(port, self.state)
        except BaseException:
            remove_tree(self.workdir)
            raise
        self.builder = Builder(self.root, self.workdir, self.state, drafts)
        self.debouncer = Debouncer(self.builder.rebuild, quiet)
        self.watcher = Watcher(self.root, self.debouncer.poke)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/"

    def start(self) -> None:
        self.debouncer.start()
        self.watcher.start()          # before the first build, so that no change slips between them
        self.builder.rebuild()

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop `serve_forever()` running in another thread."""
        self.server.shutdown()

    def close(self) -> None:
        self.watcher.stop()
        self.debouncer.stop()
        self.state.close()            # ends the open event streams
        self.server.server_close()
        remove_tree(self.workdir)

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0-65535")
    return port


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    root = Path(args.site)
    if not root.is_dir():
        say([f"error: {root}: no such folder - pass the site folder with --site DIR"])
        return cli.EXIT_INVALID
    try:
        preview = Preview(root, port=args.port, drafts=args.drafts)
    except OSError as exc:
        say([f"error: cannot listen on {HOST}:{args.port}: {exc.strerror or exc} - "
             "pass another --port (--port 0 picks a free one)"])
        return cli.EXIT_INVALID
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if threading.current_thread() is threading.main_thread() else None
    try:
        with preview:
            return _serve(preview, args.drafts)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _serve(preview: Preview, drafts: bool) -> int:
    try:
        say([f"building {preview.root} into {preview.workdir}"], sys.stdout)
        try:
            preview.start()
        except OSError as exc:
            say([f"error: cannot watch {preview.root} for changes: {exc} - "
                 "raise the inotify limits (fs.inotify.max_user_watches) or close other watchers"])
            return cli.EXIT_INVALID
        if drafts:
            say(["drafts: withheld products are shown, marked DRAF; this preview is never published"], sys.stdout)
        say([f"serving {preview.url} (Ctrl-C stops)"], sys.stdout)
        preview.serve_forever()
    except KeyboardInterrupt:
        say(["stopping"], sys.stdout)
    return cli.EXIT_OK


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "serve", help="preview the site on 127.0.0.1, rebuilding and reloading the browser on change",
        description="Build the site into a temporary folder (never output/), serve it on 127.0.0.1, rebuild when "
                    "content/, approvals/, templates/ or pyproject.toml change, and reload open pages. A failed "
                    "build keeps the last good site and shows the problems on every page.")
    site_option(p)
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="N",
                   help=f"port on {HOST} (default: {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--drafts", action="store_true",
                   help="also show withheld products, clearly marked as not valid (preview only)")
    p.set_defaults(run=cmd_serve)
