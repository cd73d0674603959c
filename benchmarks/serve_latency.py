"""How long `jdih serve` takes to show an edit in the browser, at the size of a generated corpus.

    python benchmarks/serve_latency.py [--size 10000] [--edits 5] [--settle 15]

Starts `jdih serve` on bench-data/site-<size> (made by bench_build.py; JDIH_BENCH_DATA names another
folder), in the language its user has (Indonesian by default: the address is read, not the words), opens a product page in
Chromium (Debian's /usr/bin/chromium, or JDIH_CHROMIUM), then, `edits` times: rewrites one of the
product's sign-offs (its time moves by a minute) and measures from the write until the open page has
reloaded and shows the new time. Prints each latency and the median. The sign-off is restored at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("JDIH_BENCH_DATA", REPO / "bench-data"))
CHROMIUM = os.environ.get("JDIH_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds between edits (the previous rebuild's tail)")
    args = parser.parse_args()
    site = DATA / f"site-{args.size}"
    if not site.is_dir():
        raise SystemExit(f"{site} is missing: run `make bench` (benchmarks/bench_build.py) first")
    folder = sorted(p for p in (site / "approvals").iterdir() if p.is_dir())[args.size // 3]
    record = sorted(folder.glob("*.yaml"))[0]
    original = record.read_text(encoding="utf-8")
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "jdih_build", "serve", "--site", str(site), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = None
        assert server.stdout is not None
        for line in server.stdout:
            # The address, not the words around it: they are translated (Indonesian by default).
            if (found := re.search(r"(http://127\.0\.0\.1:\d+/)", line)) is not None:
                url = found.group(1)
                break
        if url is None:
            raise SystemExit("jdih serve stopped before serving")
        print(f"first build and serve: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        threading.Thread(target=lambda: [print("  serve:", line.rstrip(), file=sys.stderr) for line in server.stdout or ()],
                         daemon=True).start()   # keep reading, or a full pipe would stop the server
        latencies = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"{url}produk/{folder.name}/")
            minute = int(re.search(r"T\d\d:(\d\d)", original).group(1))   # type: ignore[union-attr]
            for edit in range(1, args.edits + 1):
                time.sleep(args.settle)   # let the full rebuild of the previous edit finish: measure one edit at a time
                new_minute = (minute + edit) % 60
                text = re.sub(r"(T\d\d:)\d\d", rf"\g<1>{new_minute:02d}", original, count=1)
                hour = re.search(r"T(\d\d):", original).group(1)   # type: ignore[union-attr]
                wanted = f"{hour}.{new_minute:02d}"
                before = time.perf_counter()
                record.write_text(text, encoding="utf-8")
                page.wait_for_function("w => document.body.innerText.includes(w)", arg=wanted, timeout=60_000,
                                       polling=5)
                latencies.append(time.perf_counter() - before)
                print(f"edit {edit}: shown after {latencies[-1] * 1000:.0f} ms", file=sys.stderr)
            browser.close()
        print(f"| {args.size:,} | jdih serve: sign-off edited to page shown | median {statistics.median(latencies) * 1000:.0f} ms "
              f"| max {max(latencies) * 1000:.0f} ms | {len(latencies)} edits |")
    finally:
        record.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
