"""A deterministic benchmark site in the contract's form, from the peer benchmark's corpus.

    python benchmarks/corpus.py N DIR [--pdf-share 0.1]

The products are those of shared/bench/gen_corpus.py (product i is the same whatever N, and the same
products Hugo builds in shared/bench/hugo-pagefind.sh), written as CONTRACT 2 product files under
DIR/content/<jenis>/<tahun>/, with the shipped SOP, roster and templates and a valid sign-off for every
validasi step of every product. With --pdf-share, that share of the products (every k-th) also gets a
small real PDF (2-6 pages of text, made with fpdf2 when it is installed, else a minimal PDF).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = Path(os.environ.get("JDIH_SHARED_BENCH", REPO.parent / "shared" / "bench"))
WIB = timezone(timedelta(hours=7))
STATUS = {"berlaku": "Berlaku", "diubah": "Berlaku", "dicabut": "Tidak Berlaku"}
# The validasi steps of the shipped SOP and who signs each (approvals/petugas.yaml).
SIGNERS = ((4, "web_admin", "Rina Marlina"), (5, "administrator", "Yulia Rahmi"),
           (7, "penanggung_jawab", "Hendra Saputra"), (8, "pengarah", "Beni Mustika"))
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def peer_corpus():
    spec = importlib.util.spec_from_file_location("gen_corpus", SHARED_BENCH / "gen_corpus.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot find gen_corpus.py in {SHARED_BENCH} (set JDIH_SHARED_BENCH)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def product_text(p: dict, pdf: bool) -> str:
    lines = ["---", f"id: {p['id']}", f"judul: {quoted(p['judul'])}", f"jenis: {p['jenis']}",
             f"singkatan_jenis: {p['singkatan_jenis']}", f"nomor: {quoted(p['nomor'])}", f"tahun: {p['tahun']}",
             f"teu_badan: {quoted(p['teu_badan'])}", f"tempat_penetapan: {quoted(p['tempat_penetapan'])}",
             f"tanggal_penetapan: {p['tanggal_penetapan'].isoformat()}", f"status: {STATUS[p['status']]}",
             "subjek: [" + ", ".join(quoted(s) for s in p["subjek"]) + "]",
             f"bidang_hukum: {quoted(p['bidang_hukum'])}", f"bahasa: {p['bahasa']}"]
    if pdf:
        lines.append(f"berkas: [{p['id']}.pdf]")
    return "\n".join(lines) + "\n---\n" + p["body"]


def signoff(p: dict, step: int, peran: str, oleh: str, when: datetime, hashes: dict[str, str]) -> str:
    lines = [f"produk: {p['id']}", f"langkah: {step}", f"peran: {peran}", f"oleh: {oleh}", "keputusan: disetujui",
             f"waktu: {when.isoformat()}", "berkas:"]
    lines += [f'  "{name}": "{digest}"' for name, digest in sorted(hashes.items())]
    return "\n".join(lines) + "\n"


def write_pdf(module, p: dict, path: Path) -> None:
    try:
        module.write_pdf(p, str(path))
    except ImportError:   # fpdf2 is not installed: a minimal PDF, still a real one
        path.write_bytes(MINIMAL_PDF + p["id"].encode())


def generate(count: int, root: Path, pdf_share: float = 0.0, seed: int = 20231025) -> None:
    module = peer_corpus()
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "approvals").mkdir()
    for name in ("sop.yaml", "petugas.yaml"):
        shutil.copyfile(REPO / "approvals" / name, root / "approvals" / name)
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    settings = config[config.index("[tool.jdih]"):config.index("[tool.jdih.jenis]")]
    products = list(module.make_products(count, seed))
    # The corpus's own controlled jenis list (the sample's would refuse the peer's jenis and singkatan).
    jenis = dict(sorted({p["jenis"]: p["singkatan_jenis"] for p in products}.items()))
    table = "".join(f'"{name}" = "{short}"\n' for name, short in jenis.items())
    (root / "pyproject.toml").write_text(settings + "[tool.jdih.jenis]\n" + table, encoding="utf-8")
    every = round(1 / pdf_share) if pdf_share > 0 else 0
    for number, p in enumerate(products):
        folder = root / "content" / p["jenis"].lower().replace(" ", "-") / str(p["tahun"])
        folder.mkdir(parents=True, exist_ok=True)
        pdf = bool(every) and number % every == 0
        md = folder / f"{p['id']}.md"
        md.write_text(product_text(p, pdf), encoding="utf-8")
        hashes = {md.name: hashlib.sha256(md.read_bytes()).hexdigest()}
        if pdf:
            write_pdf(module, p, folder / f"{p['id']}.pdf")
            hashes[f"{p['id']}.pdf"] = hashlib.sha256((folder / f"{p['id']}.pdf").read_bytes()).hexdigest()
        records = root / "approvals" / p["id"]
        records.mkdir()
        start = datetime(2023, 1, 2, 9, 0, tzinfo=WIB) + timedelta(days=number % 1000)   # the roster is active from 2023
        for offset, (step, peran, oleh) in enumerate(SIGNERS):
            (records / f"{step:02d}-{peran}.yaml").write_text(
                signoff(p, step, peran, oleh, start + timedelta(hours=offset), hashes), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--pdf-share", type=float, default=0.0, help="share of products with a PDF (e.g. 0.1)")
    args = parser.parse_args()
    generate(args.count, args.dir, args.pdf_share)
    return 0


if __name__ == "__main__":
    sys.exit(main())
