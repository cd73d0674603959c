"""Issue 20, as a visitor meets it: a product imported from an old JDIH, signed and built, keeps its
idData in the JDIHN feed, and a bookmark of its old address lands on its new page (the 404 page forwards
it from alamat-lama.json, as a static host serves 404.html for an unknown address)."""

from __future__ import annotations

import functools
import http.server
import io
import json
import threading
from pathlib import Path

import pytest
from sitekit import MINIMAL_PDF, NOW, SIGNERS, SiteKit

from jdih_build.load.site import load_site
from jdih_build.pipeline import build
from jdih_build.workflow.catalogue.import_command import run_import

pytestmark = pytest.mark.browser

RECORD = {"idData": "469", "tahun_pengundangan": "2023", "tanggal_penetapan": "2023-02-08",
          "tanggal_pengundangan": "2023-02-08", "jenis": "Keputusan", "noPeraturan": "7", "status": "Berlaku",
          "judul": "Keputusan KPU Kabupaten Contoh Nomor 7 Tahun 2023 tentang Hal Tujuh", "singkatanJenis": "Kpt",
          "urlDetailPeraturan": "https://jdih.lama.example.go.id/dokumen/view?id=469",
          "fileDownload": "2023kpts7.pdf", "urlDownload": "https://jdih.lama.example.go.id/common/dokumen/2023kpts7.pdf"}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host: an unknown address gets 404.html with status 404, as Pages and Netlify do."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_an_old_bookmark_lands_on_the_new_page(kit: SiteKit, tmp_path: Path, browser, screenshots_dir) -> None:
    files = tmp_path / "dokumen"
    files.mkdir()
    (files / "2023kpts7.pdf").write_bytes(MINIMAL_PDF + b"tujuh")
    feed = tmp_path / "document.json"
    feed.write_text(json.dumps([RECORD]), encoding="utf-8")
    assert run_import(kit.root, feed, files, False, io.StringIO(), io.StringIO()) == 0
    site, _problems = load_site(kit.root)
    assert site is not None
    [product] = site.products
    kit.products[product.id] = product.source
    for step in SIGNERS:
        kit.sign(product.id, step, berkas=product.file_hashes)
    out = tmp_path / "out"
    assert build(kit.root, out, NOW).ok
    assert [e["idData"] for e in json.loads((out / "feed" / "document.json").read_text())] == ["469"]
    assert "/dokumen/view id=469" in (out / "_redirects").read_text()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/dokumen/view?id=469")
        page.wait_for_url(f"**/produk/{product.id}/", timeout=10_000)
        assert "Hal Tujuh" in page.inner_text("h1")
        page.screenshot(path=str(screenshots_dir / "alamat-lama-360.png"))
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/tidak/ada")
        assert "Halaman tidak ditemukan" in page.inner_text("h1")         # an unknown address stays on 404
        page.close()
    finally:
        server.shutdown()
        server.server_close()
