"""V1 (script through an attachment's name), V2 (the active-content allow-list), U5 (names that are
not UTF-8): each refused at load with the file named and a safe name suggested."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import assert_refused, good_site
from sitekit import MINIMAL_PDF, NOW, SiteKit, sha256

from jdih_build.load.filetypes import ATTACHMENT_TYPES, safe_name, url_name
from jdih_build.pipeline import build
from jdih_build.preview.server import content_type

HEAD = """---
judul: Keputusan Uji Nama
jenis: Keputusan
nomor: "9"
tahun: 2024
tanggal_penetapan: 2024-01-15
status: Berlaku
berkas:
  - {entry}
---
Abstrak.
"""


def product_with(kit: SiteKit, entry: str, file_name: str | None = None, data: bytes = MINIMAL_PDF) -> Path:
    md = kit.add_product("kpt-nama", text=HEAD.format(entry=entry))
    attachment = md.parent / (file_name or entry)
    attachment.write_bytes(data)
    for step in (2, 3, 4):
        kit.sign("kpt-nama", step, berkas={md.name: sha256(md), attachment.name: sha256(attachment)})
    return md


def test_v1_javascript_url_as_attachment_name_is_refused(kit: SiteKit) -> None:
    out = good_site(kit)
    product_with(kit, '"javascript:alert(document.domain)"', "javascript:alert(document.domain)")
    report = assert_refused(kit, out, "kpt-nama.md", "javascript:alert(document.domain)")
    assert "e.g. to javascript-alert-document.pdf" in str(report.problems[0])


@pytest.mark.parametrize("name", ["SK 12 2024.pdf", "lampiran(1).pdf", "ké.pdf", "-x.pdf",
                                  "x..pdf.", "x;rm -rf.pdf", "x?.pdf", "x#.pdf", "x%20y.pdf"])
def test_v1_names_outside_the_safe_set_are_refused_with_a_safe_name(kit: SiteKit, name: str) -> None:
    out = good_site(kit)
    product_with(kit, '"' + name.replace("\u202e", "\\u202e") + '"', name)
    report = assert_refused(kit, out, "kpt-nama.md", "rename the file, e.g. to")
    suggestion = str(report.problems[0]).split("e.g. to ")[1].split(";")[0].split(" ")[0]
    assert suggestion == safe_name(name) and url_name(suggestion) == suggestion


def test_v1_links_to_attachments_are_relative_and_encoded(kit: SiteKit) -> None:
    out = good_site(kit)
    page = (out / "produk" / "kpt-baik" / "index.html").read_text(encoding="utf-8")
    assert 'href="./kpt-baik.pdf"' in page and 'data="./kpt-baik.pdf"' in page
    assert url_name("javascript:alert(1)") == "javascript%3Aalert%281%29"
    assert url_name("a b.pdf") == "a%20b.pdf"


@pytest.mark.parametrize("suffix", [".xht", ".xhtm", ".xpdl", ".es", ".html", ".htm", ".xhtml", ".shtml", ".svg",
                                    ".svgz", ".js", ".mjs", ".xml", ".xsl", ".xslt", ".wasm", ".swf", ".php", ".hta",
                                    ".mht", ".rdf", ".appcache", ".jsonld", ".css", ".exe", ".PDF.html", ""])
def test_v2_anything_but_an_office_document_is_refused(kit: SiteKit, suffix: str) -> None:
    out = good_site(kit)
    name = f"lampiran{suffix}"
    product_with(kit, name, data=b"<script>alert(document.domain)</script>")
    assert_refused(kit, out, "kpt-nama.md", "is not a document type a JDIH publishes")


@pytest.mark.parametrize("name", ["lampiran.PDF", "tabel.xlsx", "foto.jpg", "arsip.zip", "naskah.docx", "catatan.txt"])
def test_v2_office_documents_are_published(kit: SiteKit, name: str) -> None:
    product_with(kit, name, data=MINIMAL_PDF)
    out = kit.root / "output"
    report = build(kit.root, out, NOW)
    assert report.ok and (out / "produk" / "kpt-nama" / name).read_bytes() == MINIMAL_PDF


def test_v2_serve_uses_the_allow_list_not_the_system_table(tmp_path: Path) -> None:
    site = tmp_path
    assert content_type(site / "produk" / "a" / "x.es", site) == "application/octet-stream"
    assert content_type(site / "produk" / "a" / "x.xht", site) == "application/octet-stream"
    assert content_type(site / "produk" / "a" / "x.svg", site) == "application/octet-stream"
    assert content_type(site / "produk" / "a" / "x.pdf", site) == "application/pdf"
    assert content_type(site / "produk" / "a" / "index.html", site).startswith("text/html")
    assert content_type(site / "assets" / "x.es", site) == "application/octet-stream"
    assert content_type(site / "x.xpdl", site) == "application/octet-stream"
    for kind in ATTACHMENT_TYPES.values():
        base = kind.split(";")[0]
        assert not base.endswith(("xml", "html", "javascript", "ecmascript")) and "svg" not in base


def test_v2_new_takes_only_a_pdf(kit: SiteKit, tmp_path: Path) -> None:
    from sitekit import run_command

    from jdih_build.workflow.catalogue import new as scaffold
    fake = tmp_path / "naskah.xht"
    fake.write_bytes(MINIMAL_PDF)
    run = run_command(scaffold, "new", kit.root, "--judul", "Uji", "--jenis", "Keputusan", "--nomor", "1",
                      "--tahun", "2024", "--tanggal-penetapan", "2024-01-02", "--status", "Berlaku", "--pdf", str(fake))
    assert run.rc != 0 and "naskah.xht" in run.err and not list((kit.root / "content").rglob("*.md"))


def test_u5_product_file_name_not_utf8_is_refused(kit: SiteKit) -> None:
    out = good_site(kit)
    folder = kit.root / "content" / "keputusan" / "2024"
    raw = os.fsencode(folder) + b"/kpt-\xff.md"
    with open(raw, "wb") as handle:
        handle.write(HEAD.format(entry="kpt-baik.pdf").replace("judul:", "id: kpt-aneh\njudul:").encode())
    assert_refused(kit, out, "kpt-", "is not valid UTF-8")
