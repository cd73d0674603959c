"""Issue 20: continuity with the old site. An imported product keeps its idData in the feed, and its old
addresses reach its new page (or main file) through _redirects, .htaccess, an nginx map and the 404
page; only published products; an old address claimed twice is not redirected; an unsafe one is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sitekit import NOW, SiteKit

from jdih_build.load.continuity import old_path
from jdih_build.load.site import load_site
from jdih_build.pipeline import build

OLD_PAGE = "https://jdih.lama.example.go.id/index.php?r=produk-hukum%2Fdetail-produk-hukum&id=39"
OLD_FILE = "https://jdih.lama.example.go.id/uploads/dokumen/kpt-39.pdf"
OLD_VIEW = "https://jdih.lama.example.go.id/dokumen/view"


def imported(kit: SiteKit, pid: str, extra: str) -> None:
    kit.add_product(pid, extra=extra)


def test_old_addresses_and_the_idData_carry_over(kit: SiteKit, tmp_path: Path) -> None:
    imported(kit, "kpt-39", f'id_jdihn: "39"\nalamat_lama:\n  - "{OLD_PAGE}"\n  - "{OLD_FILE}"\n  - "{OLD_VIEW}"\n')
    imported(kit, "kpt-ditahan", 'id_jdihn: "40"\nalamat_lama:\n  - "https://jdih.lama.example.go.id/rahasia"\n')
    kit.sign_all("kpt-39")
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok, report.problems
    out = tmp_path / "out"
    feed = json.loads((out / "feed" / "document.json").read_text())
    assert [e["idData"] for e in feed] == ["39"]
    known = json.loads((out / "alamat-lama.json").read_text())
    assert known == {"/index.php?r=produk-hukum%2Fdetail-produk-hukum&id=39": "/produk/kpt-39/",
                     "/uploads/dokumen/kpt-39.pdf": "/produk/kpt-39/kpt-39.pdf", "/dokumen/view": "/produk/kpt-39/"}
    redirects = (out / "_redirects").read_text()
    assert "/index.php r=produk-hukum%2Fdetail-produk-hukum id=39  /produk/kpt-39/  301" in redirects
    assert "/uploads/dokumen/kpt-39.pdf  /produk/kpt-39/kpt-39.pdf  301" in redirects
    htaccess = (out / ".htaccess").read_text()
    assert "Redirect 301 /dokumen/view /produk/kpt-39/" in htaccess
    assert r"RewriteCond %{QUERY_STRING} ^r=produk\-hukum%2Fdetail\-produk\-hukum\&id=39$" in htaccess
    assert r"RewriteRule ^index\.php$ /produk/kpt-39/? [R=301,L]" in htaccess
    assert '"/dokumen/view" /produk/kpt-39/;' in (out / "alamat-lama.map").read_text()
    assert "rahasia" not in redirects + htaccess + json.dumps(known)          # a withheld product leaves no trace
    assert "alamat-lama.js" in (out / "404.html").read_text()


def test_an_old_address_claimed_twice_is_not_redirected(kit: SiteKit, tmp_path: Path) -> None:
    for pid in ("kpt-a", "kpt-b"):
        imported(kit, pid, f'alamat_lama:\n  - "{OLD_VIEW}"\n')
        kit.sign_all(pid)
    report = build(kit.root, tmp_path / "out", NOW)
    assert report.ok and not (tmp_path / "out" / "_redirects").exists()
    assert any("/dokumen/view" in w and "two products" in w for w in report.warnings), report.warnings


def test_unsafe_old_addresses_are_refused_with_the_line(kit: SiteKit) -> None:
    for bad in ("javascript:alert(1)", "https://x.example/a b", "https://x.example/a\\nRedirect 301 / https://evil",
                'https://x.example/"quoted"', "https://x.example/", "ftp://x.example/f.pdf"):
        assert old_path(bad.replace("\\n", "\n")) is None, bad
    imported(kit, "kpt-1", 'alamat_lama:\n  - "https://x.example/a b"\n')
    site, problems = load_site(kit.root)
    assert site is None and any("alamat_lama" in str(p) and p.line for p in problems.sorted())


def test_the_404_page_links_work_under_a_sub_folder(kit: SiteKit, tmp_path: Path) -> None:
    """Issue 22: the 404 page is served at any missing address, so its links start from the site's own
    folder as base_url names it (pages.yml sets it from GitHub Pages, sub-folder included)."""
    from jdih_build.pipeline import build

    kit.add_product("kpt-1")
    kit.sign_all("kpt-1")
    out = tmp_path / "out"
    assert build(kit.root, out, NOW, base_url="https://kpu.github.io/jdih/", search=False).ok
    page = (out / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert links and all(link.startswith(("/jdih/", "https://", "#")) for link in links), links
    assert 'href="/jdih/cari/"' in page and "canonical" not in page
