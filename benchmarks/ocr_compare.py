"""OCR of scanned pages: jdih-build's recogniser against OCRmyPDF, side by side in one run.

    python benchmarks/ocr_compare.py [--products 12] [--runs 1] [--no-peer]

The scans are those of the benchmark corpus (benchmarks/corpus.py with every PDF a scan: known text
printed, scanned at 200-300 dpi, skewed, speckled), so that each tool's text is scored against what
was printed: the character error rate (CER) is the edit distance between the recognised text and the
known text (white space collapsed) over the known text's length. Both tools use the same Tesseract and
language data (Indonesian) and the same cores:

- jdih: `jdih ocr` on the corpus site with an empty cache (every scanned page of every published PDF,
  page-level parallel over the cores), its text read back from the cache;
- OCRmyPDF (installed into bench-data/peer-venv): `ocrmypdf --skip-text --sidecar` on each PDF, one
  after the other, with its own page-level parallelism over the cores (`-j`), as an office would run
  it over a folder of scans.

Prints a Markdown table: pages, wall seconds, pages per second, CER.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("JDIH_BENCH_DATA", REPO / "bench-data"))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402

READ_BACK = """
import json, sys
from pathlib import Path
from jdih_build.workflow.ocr.backlog import recognised_texts
print(json.dumps(recognised_texts(Path(sys.argv[1]), Path(sys.argv[2]))))
"""


def normal(text: str) -> str:
    return " ".join(text.split())


def cer(pairs: list[tuple[str, str]]) -> float:
    """Character error rate over all pages: (recognised, known) pairs."""
    errors = sum(Levenshtein.distance(normal(got), normal(known)) for got, known in pairs)
    return errors / max(1, sum(len(normal(known)) for _, known in pairs))


def scans(site: Path) -> dict[Path, list[str]]:
    """Each scanned PDF of the corpus with the known text of its pages."""
    truth = site / corpus.TRUTH
    found = {}
    for known in sorted(truth.glob("*.txt")):
        pdf = next(site.joinpath("content").rglob(known.name.removesuffix(".txt")))
        found[pdf] = known.read_text(encoding="utf-8").split("\f")
    return found


def run_jdih(site: Path, dask: str | None = None) -> tuple[float, list[tuple[str, str]]]:
    cache = Path(tempfile.mkdtemp(prefix="jdih-ocr-bench-"))
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jdih_build", "ocr", "--site", str(site), "--cache", str(cache),
                        *(["--dask", dask] if dask else [])], check=True, capture_output=True, env={**os.environ, "LANGUAGE": "en"})
        wall = time.perf_counter() - started
        texts = json.loads(subprocess.run([sys.executable, "-c", READ_BACK, str(site), str(cache)], check=True,
                                          capture_output=True, text=True).stdout)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    pairs = []
    for pdf, pages in scans(site).items():
        got = texts.get(str(pdf.relative_to(site)), {})
        pairs += [(got.get(str(number), ""), known) for number, known in enumerate(pages)]
    return wall, pairs


def ocrmypdf_command() -> Path:
    venv = DATA / "peer-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not (venv / "bin" / "ocrmypdf").exists():
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "ocrmypdf>=17"], check=True)
    return venv / "bin" / "ocrmypdf"


def run_ocrmypdf(site: Path, command: Path) -> tuple[float, list[tuple[str, str]]]:
    pairs = []
    wall = 0.0
    with tempfile.TemporaryDirectory(prefix="ocrmypdf-bench-") as tmp:
        for pdf, pages in scans(site).items():
            sidecar, out = Path(tmp) / "text.txt", Path(tmp) / "out.pdf"
            started = time.perf_counter()
            subprocess.run([str(command), "--skip-text", "--sidecar", str(sidecar), "-l", "ind", "--output-type", "pdf",
                            "--rasterizer", "pypdfium", "--quiet", str(pdf), str(out)], check=True)
            wall += time.perf_counter() - started
            got = sidecar.read_text(encoding="utf-8").split("\f")
            pairs += [(got[n] if n < len(got) else "", known) for n, known in enumerate(pages)]
    return wall, pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=12, help="products in the corpus, each with a scanned PDF")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-peer", action="store_true", help="jdih only (no OCRmyPDF)")
    parser.add_argument("--dask", action="store_true",
                        help="also jdih ocr --dask over a local cluster of one single-threaded worker per core (on 127.0.0.1)")
    args = parser.parse_args()
    site = DATA / f"scans-{args.products}"
    stamp = corpus.stamp(pdf_share=1.0, scan_share=1.0, lampiran_share=0.0)
    if not (site / ".complete").exists() or (site / ".complete").read_text() != stamp:
        corpus.generate(args.products, site, 1.0, scan_share=1.0)
        (site / ".complete").write_text(stamp)
    command = None if args.no_peer else ocrmypdf_command()
    rows: dict[str, list[tuple[float, float, int]]] = {"jdih ocr": [], "jdih ocr --dask": [], "ocrmypdf --skip-text": []}
    cluster = None
    if args.dask:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
    for run in range(args.runs):
        wall, pairs = run_jdih(site)
        rows["jdih ocr"].append((wall, cer(pairs), len(pairs)))
        if cluster is not None:
            wall, pairs = run_jdih(site, cluster.scheduler_address)
            rows["jdih ocr --dask"].append((wall, cer(pairs), len(pairs)))
        if command is not None:
            wall, pairs = run_ocrmypdf(site, command)
            rows["ocrmypdf --skip-text"].append((wall, cer(pairs), len(pairs)))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in rows.items() if v), file=sys.stderr)
    if cluster is not None:
        cluster.close()
    print(f"| tool | pages | wall s (median) | pages/s | CER | cores: {os.cpu_count()} |")
    print("|---|---|---|---|---|---|")
    for name, results in rows.items():
        if not results:
            continue
        wall = sorted(r[0] for r in results)[len(results) // 2]
        pages = results[0][2]
        print(f"| {name} | {pages} | {wall:.1f} | {pages / wall:.2f} | {results[0][1]:.2%} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
