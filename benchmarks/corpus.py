"""A deterministic benchmark site in the contract's form, from the peer benchmark's corpus.

    python benchmarks/corpus.py N DIR [--pdf-share 1.0] [--scan-share 0.2] [--lampiran-share 0.25]

The products are those of benchmarks/peer/gen_corpus.py (product i is the same whatever N, and the same
products Hugo builds in benchmarks/peer/hugo-pagefind.sh), written as product files under
DIR/content/<jenis>/<tahun>/, with the shipped SOP, roster and templates and a valid sign-off for every
validasi step of every product. With --pdf-share, that share of the products (every k-th) gets its PDF
(benchmarks/corpus_pdfs.py: 1-30 pages); --scan-share of those PDFs are scans, whose known text is
written to DIR/benchmark-truth/<pdf>.txt to score OCR; --lampiran-share of them also get a lampiran PDF.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_pdfs import make_pdfs  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PEER = REPO / "benchmarks" / "peer"
TRUTH = "benchmark-truth"
WIB = timezone(timedelta(hours=7))
STATUS = {"berlaku": "Berlaku", "diubah": "Berlaku", "dicabut": "Tidak Berlaku"}
# The validasi steps of the shipped SOP and who signs each (approvals/petugas.yaml).
SIGNERS = ((4, "web_admin", "Rina Marlina"), (5, "administrator", "Yulia Rahmi"),
           (7, "penanggung_jawab", "Hendra Saputra"), (8, "pengarah", "Beni Mustika"))


def peer_corpus():
    spec = importlib.util.spec_from_file_location("gen_corpus", PEER / "gen_corpus.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {PEER / 'gen_corpus.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def product_text(p: dict, pdfs: list[str]) -> str:
    lines = ["---", f"id: {p['id']}", f"judul: {quoted(p['judul'])}", f"jenis: {p['jenis']}",
             f"singkatan_jenis: {p['singkatan_jenis']}", f"nomor: {quoted(p['nomor'])}", f"tahun: {p['tahun']}",
             f"teu_badan: {quoted(p['teu_badan'])}", f"tempat_penetapan: {quoted(p['tempat_penetapan'])}",
             f"tanggal_penetapan: {p['tanggal_penetapan'].isoformat()}", f"status: {STATUS[p['status']]}",
             "subjek: [" + ", ".join(quoted(s) for s in p["subjek"]) + "]",
             f"bidang_hukum: {quoted(p['bidang_hukum'])}", f"bahasa: {p['bahasa']}"]
    if pdfs:
        lines.append(f"berkas: [{', '.join(pdfs)}]")
    return "\n".join(lines) + "\n---\n" + p["body"]


def signoff(p: dict, step: int, peran: str, oleh: str, when: datetime, hashes: dict[str, str]) -> str:
    lines = [f"produk: {p['id']}", f"langkah: {step}", f"peran: {peran}", f"oleh: {oleh}", "keputusan: disetujui",
             f"waktu: {when.isoformat()}", "berkas:"]
    lines += [f'  "{name}": "{digest}"' for name, digest in sorted(hashes.items())]
    return "\n".join(lines) + "\n"


def stamp(**asked: float) -> str:
    """What a generated corpus depends on: the generators' code and what was asked for."""
    code = hashlib.sha256()
    for source in (Path(__file__), Path(__file__).with_name("corpus_pdfs.py"), PEER / "gen_corpus.py"):
        code.update(source.read_bytes())
    return f"{code.hexdigest()} {sorted(asked.items())}"


def every_kth(share: float) -> int:
    return round(1 / share) if share > 0 else 0


def generate(count: int, root: Path, pdf_share: float = 0.0, seed: int = 20231025, scan_share: float = 0.0,
             lampiran_share: float = 0.0) -> dict[str, int]:
    """Write the site; return what it holds (products, pdfs, pages, scanned pages)."""
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
    every, scan_every, lampiran_every = every_kth(pdf_share), every_kth(scan_share), every_kth(lampiran_share)
    held = {"products": len(products), "pdfs": 0, "pages": 0, "scanned pages": 0}
    with_pdf = 0
    for number, p in enumerate(products):
        folder = root / "content" / p["jenis"].lower().replace(" ", "-") / str(p["tahun"])
        folder.mkdir(parents=True, exist_ok=True)
        made = []
        if every and number % every == 0:
            # Scans and lampiran among the products with a PDF, spread evenly (every k-th of them).
            scan = bool(scan_every) and with_pdf % scan_every == scan_every // 2
            lampiran = bool(lampiran_every) and with_pdf % lampiran_every == 1 % lampiran_every
            made = make_pdfs(p, folder, scan, lampiran, list(module.ISI))
            with_pdf += 1
            for pdf in made:
                held["pdfs"] += 1
                held["pages"] += pdf.pages
                if pdf.scan:
                    held["scanned pages"] += pdf.pages
                    (root / TRUTH).mkdir(exist_ok=True)
                    (root / TRUTH / f"{pdf.name}.txt").write_text(pdf.text, encoding="utf-8")
        md = folder / f"{p['id']}.md"
        md.write_text(product_text(p, [pdf.name for pdf in made]), encoding="utf-8")
        hashes = {md.name: hashlib.sha256(md.read_bytes()).hexdigest()}
        for pdf in made:
            hashes[pdf.name] = hashlib.sha256((folder / pdf.name).read_bytes()).hexdigest()
        records = root / "approvals" / p["id"]
        records.mkdir()
        start = datetime(2023, 1, 2, 9, 0, tzinfo=WIB) + timedelta(days=number % 1000)   # the roster is active from 2023
        for offset, (step, peran, oleh) in enumerate(SIGNERS):
            (records / f"{step:02d}-{peran}.yaml").write_text(
                signoff(p, step, peran, oleh, start + timedelta(hours=offset), hashes), encoding="utf-8")
    return held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--pdf-share", type=float, default=0.0, help="share of products with a PDF (e.g. 1.0)")
    parser.add_argument("--scan-share", type=float, default=0.2, help="share of those PDFs that are scans")
    parser.add_argument("--lampiran-share", type=float, default=0.25, help="share of them with a lampiran PDF too")
    args = parser.parse_args()
    held = generate(args.count, args.dir, args.pdf_share, scan_share=args.scan_share, lampiran_share=args.lampiran_share)
    print(", ".join(f"{value:,} {key}" for key, value in held.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
