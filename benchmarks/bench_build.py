"""Build a generated catalogue and report wall time and peak memory.

    python benchmarks/bench_build.py [--products N] [--keep]

The catalogue (N signed products with a small PDF each, 1 in 10 withheld) is generated into
bench-data/ (git-ignored) by the same SiteKit the tests use; the build runs in a child process so that
its peak RSS can be read with getrusage.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from sitekit import SiteKit  # noqa: E402


def generate(root: Path, count: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    kit = SiteKit.create(root)
    for number in range(count):
        product_id = f"kpt-{number:06d}"
        folder = f"keputusan/{2000 + number % 25}"
        kit.add_product(product_id, judul=f"Keputusan Uji Nomor {number} tentang Penetapan Hal {number % 97}",
                        nomor=str(number), folder=folder)
        if number % 10:
            kit.sign_all(product_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep bench-data/ afterwards")
    args = parser.parse_args()
    root = REPO / "bench-data" / "site"
    started = time.perf_counter()
    generate(root, args.products)
    print(f"generated {args.products} products in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "jdih_build", "build", "--site", str(root)],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(result.stdout.strip())
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"build: {elapsed:.2f} s wall, {args.products / elapsed:.0f} products/s, peak RSS {peak_mib:.0f} MiB")
    if not args.keep:
        shutil.rmtree(REPO / "bench-data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
