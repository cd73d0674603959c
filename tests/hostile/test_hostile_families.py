"""The attack families the outside review tried and the gate held, kept as regression cases: each
is refused with the file named, or withheld, never a traceback or a partial publish."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hostile import assert_refused, assert_withheld, good_site
from sitekit import NOW, SiteKit

from jdih_build.pipeline import build

FRONT = """---
judul: {judul}
jenis: Keputusan
nomor: "5"
tahun: 2024
tanggal_penetapan: 2024-01-15
status: Berlaku
{extra}berkas:
  - kpt-2.pdf
---
{body}
"""


def product(kit: SiteKit, judul: str = "Keputusan Uji", extra: str = "", body: str = "Abstrak.") -> Path:
    md = kit.add_product("kpt-2", text=FRONT.format(judul=judul, extra=extra, body=body))
    kit.sign_all("kpt-2")
    return md


# -- YAML -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra, words", [
    ("a: &x [1]\nb: *x\n", "anchors"),
    ("subjek: &a [x, x]\nlokasi: *a\n", "anchors"),
    ("judul: Lagi\n", "duplicate key"),
    ("sumber: !!python/object/apply:os.system [id]\n", "tags"),
    ("sumber: !!binary aGVsbG8=\n", "tags"),
])
def test_yaml_tricks_are_refused(kit: SiteKit, extra: str, words: str) -> None:
    out = good_site(kit)
    product(kit, extra=extra)
    assert_refused(kit, out, "kpt-2.md", words)


def test_alias_bomb_in_a_signoff_is_refused_fast(kit: SiteKit) -> None:
    out = good_site(kit)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (kit.root / "approvals" / "kpt-baik" / "09-x.yaml").write_text("\n".join(levels) + "\n")
    assert_refused(kit, out, "approvals/kpt-baik/09-x.yaml", "anchors")


@pytest.mark.parametrize("value, shown", [("012", "012"), ("NO", "NO"), ("1.10", "1.10"), ("0x1F", "0x1F")])
def test_yaml_11_coercions_do_not_happen(kit: SiteKit, value: str, shown: str) -> None:
    md = product(kit)
    md.write_text(md.read_text().replace('nomor: "5"', f"nomor: {value}"))
    kit.sign_all("kpt-2")
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    feed = json.loads((out / "feed" / "document.json").read_text())
    assert [r["noPeraturan"] for r in feed] == [shown]


def test_non_utf8_and_bom(kit: SiteKit) -> None:
    out = good_site(kit)
    md = product(kit)
    md.write_bytes(b"\xef\xbb\xbf" + md.read_bytes())       # a BOM is accepted ...
    kit.sign_all("kpt-2")
    assert build(kit.root, out, NOW).ok
    md.write_bytes(md.read_bytes().replace(b"Abstrak.", b"Abstrak \xff."))   # ... Latin-1 is not
    assert_refused(kit, out, "kpt-2.md", "not UTF-8")
    (kit.root / "approvals" / "kpt-baik" / "02-web_admin.yaml").write_bytes(b"produk: \xff\n")
    assert_refused(kit, out, "02-web_admin.yaml", "not UTF-8")


# -- paths ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", ["../../../etc/passwd", "/etc/passwd", "..\\\\..\\\\x.pdf", "C:/x.pdf",
                                   '"x.pdf\\0.txt"', "../../pyproject.toml", '"\\u2024\\u2024/x.pdf"',
                                   '"kpt\\u22152.pdf"', "%2e%2e/x.pdf"])
def test_attachment_paths_that_leave_content_or_look_alike_are_refused(kit: SiteKit, entry: str) -> None:
    out = good_site(kit)
    md = product(kit)
    md.write_text(md.read_text().replace("  - kpt-2.pdf", f"  - {entry}"))
    assert_refused(kit, out, "kpt-2.md", "")


@pytest.mark.parametrize("where", ["content", "approvals", "templates"])
def test_symlinks_are_refused_everywhere(kit: SiteKit, where: str, tmp_path: Path) -> None:
    out = good_site(kit)
    secret = tmp_path / "rahasia.txt"
    secret.write_text("root:x:0:0")
    link = {"content": kit.root / "content" / "keputusan" / "2024" / "kpt-baik.pdf",
            "approvals": kit.root / "approvals" / "kpt-baik" / "02-web_admin.yaml",
            "templates": kit.root / "templates" / "produk.html"}[where]
    link.unlink()
    os.symlink(secret, link)
    assert_refused(kit, out, where, "link")


# -- replayed and copied sign-offs --------------------------------------------------------------------
def test_a_signoff_copied_from_another_product_does_not_count(kit: SiteKit) -> None:
    out = good_site(kit)
    product(kit)
    kit.sign("kpt-2", 2)
    kit.sign("kpt-2", 3)
    stolen = (kit.root / "approvals" / "kpt-baik" / "04-pengarah.yaml").read_bytes()
    (kit.root / "approvals" / "kpt-2" / "04-pengarah.yaml").write_bytes(stolen)
    assert_withheld(kit, out, "kpt-2", "5.1")


def test_a_signoff_replayed_after_an_edit_does_not_count(kit: SiteKit) -> None:
    out = good_site(kit)
    md = product(kit)
    md.write_text(md.read_text().replace("Abstrak.", "Abstrak yang diubah sesudah validasi."))
    assert_withheld(kit, out, "kpt-2", "5.3")


def test_a_signoff_renamed_to_another_step_does_not_count(kit: SiteKit) -> None:
    out = good_site(kit)
    product(kit)
    folder = kit.root / "approvals" / "kpt-2"
    (folder / "04-pengarah.yaml").unlink()
    (folder / "04-pengarah.yaml").write_bytes((folder / "03-administrator.yaml").read_bytes())
    assert_withheld(kit, out, "kpt-2")


# -- XSS ----------------------------------------------------------------------------------------------
PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "</script><script>alert(1)</script>",
            "{{ 7*7 }}", "javascript:alert(1)"]


@pytest.mark.parametrize("field", ["judul", "sumber", "lokasi", "penandatangan", "pemrakarsa", "bidang_hukum"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_every_field_is_escaped(kit: SiteKit, field: str, payload: str) -> None:
    quoted = json.dumps(payload)
    if field == "judul":
        product(kit, judul=quoted)
    else:
        product(kit, extra=f"{field}: {quoted}\n")
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert ">49<" not in html
        assert not re.search(r"""(href|src|data)=["']?\s*javascript:""", html, re.IGNORECASE)
    for name in ("atom.xml", "sitemap.xml"):
        import xml.dom.minidom
        xml.dom.minidom.parseString((out / name).read_bytes())


@pytest.mark.parametrize("body", ["<script>alert(1)</script>", "[klik](javascript:alert(1))", "[x](data:text/html,<script>)",
                                  "<a href='JaVaScRiPt&#58;alert(1)'>x</a>", "<iframe src=//evil></iframe>",
                                  "<svg><script>alert(1)</script></svg>", "![x](x onerror=alert(1))",
                                  "<img src=x onerror=alert(1)>", "[x](vbscript:msgbox)"])
def test_xss_in_the_markdown_is_sanitised(kit: SiteKit, body: str) -> None:
    product(kit, body="ABSTRAK:\n" + body)
    out = kit.root / "output"
    assert build(kit.root, out, NOW).ok
    html = (out / "produk" / "kpt-2" / "index.html").read_text(encoding="utf-8")
    article = html.split('<h2 id="abstrak">', 1)[1].split("</section>", 1)[0]
    assert "<script" not in article and "<iframe" not in article and "onerror" not in article
    for target in re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)""", article, re.IGNORECASE):
        assert re.match(r"(https?:|mailto:|#|\./|[a-z0-9-]+$)", target, re.IGNORECASE), target
