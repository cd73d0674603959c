"""Build small site repositories in a temporary folder for tests: products, policy, sign-offs."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIB = timezone(timedelta(hours=7))
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=WIB)

PYPROJECT = """\
[tool.jdih]
judul_situs = "JDIH Uji"
base_url = "https://jdih.uji.example/"
instansi = "Uji (Kota). Komisi Pemilihan Umum"
tempat = "Uji"
"""

SOP = """\
nomor: "1/SOP/2024"
nama: SOP Uji
pemisahan_tugas: {separation}
tanda_tangan: {signatures}
langkah:
  - {{no: 1, kegiatan: Usul, pelaksana: sub_bagian_pengusul, mutu_baku: 60}}
  - {{no: 2, kegiatan: Koreksi web admin, pelaksana: web_admin, validasi: true, mutu_baku: 30}}
  - {{no: 3, kegiatan: Validasi administrator, pelaksana: administrator, validasi: true, mutu_baku: 30}}
  - {{no: 4, kegiatan: Validasi akhir, pelaksana: pengarah, validasi: true, mutu_baku: 30}}
"""

ROSTER = """\
- nama: Ani Pengusul
  nip: "199001012015012001"
  peran: [sub_bagian_pengusul]
- nama: Rina Web
  nip: "199002022015022002"
  peran: [web_admin]
- nama: Budi Admin
  nip: "199003032015031003"
  peran: [administrator, web_admin]
- nama: Citra Pengarah
  nip: "199004042015042004"
  peran: [pengarah]
- nama: Dedi Lama
  nip: "199005052015051005"
  peran: [pengarah]
  aktif_sejak: 2020-01-01
  aktif_sampai: 2023-12-31
"""

# The default signer of each validasi step, in order.
SIGNERS = {2: ("web_admin", "Rina Web"), 3: ("administrator", "Budi Admin"), 4: ("pengarah", "Citra Pengarah")}

PRODUCT = """\
---
judul: {judul}
jenis: Keputusan
singkatan_jenis: Kpt
nomor: "{nomor}"
tahun: 2024
tanggal_penetapan: 2024-01-15
status: Berlaku
subjek:
  - PEMILIHAN UMUM
{extra}berkas:
  - {id}.pdf
---
ABSTRAK:
- Abstrak untuk {judul}.

CATATAN:
- Mulai berlaku pada tanggal ditetapkan.
"""

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class SiteKit:
    root: Path
    products: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, separation: bool = True, signatures: str = "opsional",
               with_templates: bool = True) -> SiteKit:
        root.mkdir(parents=True, exist_ok=True)
        (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        (root / "content").mkdir()
        (root / "approvals").mkdir()
        (root / "approvals" / "sop.yaml").write_text(
            SOP.format(separation=str(separation).lower(), signatures=signatures), encoding="utf-8")
        (root / "approvals" / "petugas.yaml").write_text(ROSTER, encoding="utf-8")
        if with_templates:
            shutil.copytree(REPO / "templates", root / "templates")
        return cls(root)

    def add_product(self, product_id: str, judul: str | None = None, nomor: str = "1", extra: str = "",
                    folder: str = "keputusan/2024", text: str | None = None) -> Path:
        directory = self.root / "content" / folder
        directory.mkdir(parents=True, exist_ok=True)
        md = directory / f"{product_id}.md"
        md.write_text(text if text is not None else
                      PRODUCT.format(id=product_id, judul=judul or f"Keputusan Uji {product_id}", nomor=nomor, extra=extra),
                      encoding="utf-8")
        (directory / f"{product_id}.pdf").write_bytes(MINIMAL_PDF + product_id.encode())
        self.products[product_id] = md
        return md

    def hashes(self, product_id: str) -> dict[str, str]:
        md = self.products[product_id]
        return {md.name: sha256(md), f"{product_id}.pdf": sha256(md.with_name(f"{product_id}.pdf"))}

    def sign(self, product_id: str, step: int, by: str | None = None, peran: str | None = None,
             when: datetime | None = None, keputusan: str = "disetujui", produk: str | None = None,
             berkas: dict[str, str] | None = None, name: str | None = None, catatan: str | None = None) -> Path:
        default_role, default_person = SIGNERS.get(step, ("sub_bagian_pengusul", "Ani Pengusul"))
        folder = self.root / "approvals" / product_id
        folder.mkdir(exist_ok=True)
        when = when or datetime(2024, 2, 1, 9, 0, tzinfo=WIB) + timedelta(hours=step)
        lines = [f"produk: {produk or product_id}", f"langkah: {step}", f"peran: {peran or default_role}",
                 f"oleh: {by or default_person}", f"keputusan: {keputusan}", f"waktu: {when.isoformat()}", "berkas:"]
        for file_name, digest in (berkas if berkas is not None else self.hashes(product_id)).items():
            lines.append(f'  "{file_name}": "{digest}"')
        if catatan:
            lines.append(f'catatan: "{catatan}"')
        path = folder / (name or f"{step:02d}-{peran or default_role}.yaml")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def sign_all(self, product_id: str) -> None:
        for step in SIGNERS:
            self.sign(product_id, step)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes: for byte-identical comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@dataclass
class Run:
    rc: int
    out: str
    err: str


def run_command(module, command: str, site: Path, *argv: str) -> Run:
    """Run one `jdih <command>` in-process through its own sub-parser, as cli.py registers it."""
    import argparse
    import contextlib
    import io

    from jdih_build.cli import main as cli

    top = argparse.ArgumentParser(prog="jdih")
    module.register(top.add_subparsers(required=True), cli.site_option)
    args = top.parse_args([command, "--site", str(site), *argv])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = args.run(args)
    return Run(rc, out.getvalue(), err.getvalue())


def git(root: Path, *args: str) -> str:
    """Run git in `root` as a test author, without signing; its output."""
    import subprocess

    done = subprocess.run(["git", "-C", str(root), "-c", "user.name=Uji", "-c", "user.email=uji@example.go.id",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str) -> str:
    """Commit everything in `root`; the new commit's id."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()
