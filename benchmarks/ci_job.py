"""The whole CI job of one change, as .github/workflows/pages.yml runs it, timed step by step.

    python benchmarks/ci_job.py [--size 10000]

On the benchmark corpus (bench-data/site-<size>, made by bench_build.py) turned into a git repository
once: a build of a clone fills a cache, which is packed as actions/cache packs it (a tar archive, zstd where
installed, else gzip); then one product is edited and signed off again and committed, and the job runs
as on a fresh runner: a full clone (fetch-depth 0) into a new folder, the install of jdih-build into a
new virtual environment (`make .venv/.installed`, from the local package index, as a runner with a
warm pip cache), the cache restored from the archive, `jdih build`. Prints a Markdown table of the steps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("JDIH_BENCH_DATA", REPO / "bench-data"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_build import change_one  # noqa: E402

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def timed(steps: list[tuple[str, float]], name: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    steps.append((name, time.perf_counter() - started))
    print(f"{name}: {steps[-1][1]:.1f} s", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    args = parser.parse_args()
    site = DATA / f"site-{args.size}"
    if not site.is_dir():
        raise SystemExit(f"{site} is missing: run `make bench BENCH_ARGS='--sizes {args.size}'` first")
    work = DATA / f"ci-{args.size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if not (site / ".git").is_dir():
        subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=site, check=True)
        (site / ".gitignore").write_text("output/\n.held.json\n.complete\nbenchmark-truth/\n", encoding="utf-8")
        subprocess.run([*GIT, "add", "-A"], cwd=site, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", "corpus"], cwd=site, check=True)
    jdih = [str(REPO / ".venv" / "bin" / "jdih")]
    cache, archive = work / "cache-before", work / "cache.tar"
    clone, restored = work / "checkout", work / "cache-restored"
    env = {**os.environ, "LANGUAGE": "en"}
    # The previous run, at the same checkout path (a runner's workspace path does not change).
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(site), str(clone)], check=True)
    subprocess.run([*jdih, "build", "--site", str(clone), "--cache", str(cache)], check=True, env=env, capture_output=True)
    shutil.rmtree(clone)
    # actions/cache packs with tar in POSIX (pax) format, which keeps the files' times to the nanosecond: the
    # cache's blobs are recognised by size and time (cache/store.py), so a format that rounds them misses all.
    packer = ["--posix", "--zstd"] if shutil.which("zstd") else ["--posix", "--gzip"]
    subprocess.run(["tar", *packer, "-cf", str(archive), "-C", str(cache), "."], check=True)
    change_one(site, int(time.time()))
    subprocess.run([*GIT, "commit", "-q", "-am", "one change"], cwd=site, check=True)

    steps: list[tuple[str, float]] = []
    timed(steps, "checkout (git clone, whole history)", ["git", "clone", "-q", "--no-hardlinks", str(site), str(clone)], work)
    timed(steps, "install jdih-build (make .venv/.installed)", ["make", "-s", "-C", str(REPO), f"VENV={work / 'venv'}",
                                                                f"{work / 'venv'}/.installed"], work)
    restored.mkdir()
    timed(steps, f"restore the cache ({archive.stat().st_size / 2**20:,.0f} MiB archive)",
          ["tar", *packer, "-xf", str(archive), "-C", str(restored)], work)
    timed(steps, "jdih build (one change)", [str(work / "venv" / "bin" / "jdih"), "build", "--site", str(clone),
                                             "--cache", str(restored)], work, env)
    total = sum(seconds for _, seconds in steps)
    print("| step | s |\n|---|---|\n" + "\n".join(f"| {name} | {seconds:.1f} |" for name, seconds in steps)
          + f"\n| **whole job** | **{total:.1f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
