"""Serving the built site on 127.0.0.1: the request handler, its media types and the live-reload stream.

Every HTML response gets a small script, served by the server itself and never written into the
built files, that listens on a Server-Sent Events stream and reloads the page when a newer build (or
a new error) is there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from jdih_build.load.filetypes import attachment_media_type, site_media_type
from jdih_build.preview.rebuild import KEEPALIVE, SiteState, Snapshot

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


RELOAD_JS_PATH = "/__jdih__/reload.js"
EVENTS_PATH = "/__jdih__/events"


ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})

RELOAD_JS = f"""\
(function () {{
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") || "" : "";
  var events = new EventSource("{EVENTS_PATH}?build=" + encodeURIComponent(build));
  events.addEventListener("reload", function () {{
    events.close();
    window.location.reload();
  }});
}})();
"""

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

WITHHELD_PAGE = (
    '<!doctype html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>Ditahan: {judul} · pratinjau JDIH</title>\n"
    '<link rel="stylesheet" href="/assets/style.css">\n</head>\n<body>\n<main class="wadah">\n'
    '<div class="draf" role="alert"><p><strong>Produk ini ditahan: tidak diterbitkan.</strong> '
    "{judul} ({pid}) tidak lolos pemeriksaan persetujuan SOP, sehingga halamannya tidak ada di situs. "
    "Halaman ini hanya ada di pratinjau, dan dimuat ulang otomatis setelah persetujuannya lengkap.</p>\n"
    "<ul>{reasons}</ul></div>\n"
    '<p><a href="/">Kembali ke beranda</a> · <code>jdih status {pid}</code> menunjukkan langkah berikutnya.</p>\n'
    "</main>\n</body>\n</html>\n"
)

BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
BODY_CLOSE = b"</body>"


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
            withheld = snap.withheld.get(parts[1]) if len(parts) >= 2 and parts[0] == "produk" else None
            if withheld is not None:   # not a mystery 404: say why (the page reloads once it is signed)
                page = WITHHELD_PAGE.format(judul=html.escape(withheld.judul), pid=html.escape(parts[1]),
                                            reasons="".join(f"<li>{html.escape(r)}</li>" for r in withheld.reasons))
                self._send(HTTPStatus.NOT_FOUND, decorate(page.encode("utf-8"), snap), "text/html; charset=utf-8",
                           with_body)
                return
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
