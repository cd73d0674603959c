"""Issue 20: `jdih import FEED --unduh` fetches the main texts from urlDownload, against a server on
127.0.0.1: http(s) only (redirects too), a size and time cap per file, a few at a time, resumable, every
failure listed; what came is imported beside its product."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitekit import MINIMAL_PDF, SiteKit

from jdih_build.load.site import load_site
from jdih_build.workflow.catalogue import import_fetch
from jdih_build.workflow.catalogue.import_command import run_import

REQUESTS: list[str] = []


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        REQUESTS.append(self.path)
        if self.path.startswith("/uploads/ok-"):
            body = MINIMAL_PDF + self.path.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/uploads/besar.pdf":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"%PDF-1.4\n" + b"0" * 300_000)
        elif self.path == "/uploads/ke-file.pdf":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def record(number: int, url: str) -> dict[str, str]:
    return {"idData": str(number), "jenis": "Keputusan", "noPeraturan": str(number), "tanggal_penetapan": "2024-01-08",
            "judul": f"Keputusan Nomor {number} Tahun 2024 tentang Uji", "status": "Berlaku", "tahun_pengundangan": "2024",
            "urlDownload": url, "fileDownload": url.rsplit("/", 1)[-1]}


def test_unduh_fetches_bounded_and_resumable(kit: SiteKit, tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_fetch, "MAX_BYTES", 100_000)
    urls = [f"{server}/uploads/ok-{n}.pdf" for n in range(1, 6)] + \
        [f"{server}/uploads/besar.pdf", f"{server}/uploads/ke-file.pdf", f"{server}/uploads/hilang.pdf",
         "ftp://127.0.0.1/x.pdf", f"{server}/uploads/"]
    feed = tmp_path / "document.json"
    feed.write_text(json.dumps([record(n, url) for n, url in enumerate(urls, 1)]), encoding="utf-8")
    downloads = tmp_path / "unduhan"
    out, err = io.StringIO(), io.StringIO()
    run_import(kit.root, feed, None, False, out, err, unduh=downloads)
    said, errs = out.getvalue(), err.getvalue()
    assert "downloaded 5 file(s)" in said and "3 failed" in said, said
    assert "besar.pdf: larger than 100,000 bytes" in errs and "ke-file.pdf" in errs and "hilang.pdf" in errs
    assert sorted(p.name for p in (downloads / "uploads").iterdir()) == [f"ok-{n}.pdf" for n in range(1, 6)]   # no partial file
    site, problems = load_site(kit.root)
    assert site is not None, [str(p) for p in problems.sorted()]
    with_text = [p for p in site.products if p.berkas]
    assert len(with_text) == 5 and all(p.berkas[0].path.read_bytes().startswith(MINIMAL_PDF) for p in with_text)
    REQUESTS.clear()
    again = io.StringIO()
    run_import(kit.root, feed, None, False, again, io.StringIO(), unduh=downloads)
    assert "downloaded 0 file(s)" in again.getvalue() and "5 there already" in again.getvalue()
    assert not any(r.startswith("/uploads/ok-") for r in REQUESTS)              # resumable: only what is missing
