"""Issue 23.0: shards indexed on their own words still answer as one index does. A realistic catalogue (the
benchmark corpus: 150 products, every one with its PDF) is built twice, as one index and in shards of
about 15 products, and searched in Chromium as a person searches it: titles, numbers, and words found only
inside the PDFs (people's names, places). The same products must be found, and the ranking must stay
close to one index's (each shard ranks with its own word statistics, so scores differ a little)."""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, _QuietHandler, _watch
from test_public_site import result_paths, wait_for_results

from jdih_build.pipeline import build

pytestmark = pytest.mark.browser
QUERIES = [
    "pemutakhiran data pemilih", "dana kampanye", "pengadaan barang dan jasa", "kode etik penyelenggara",
    "daftar calon tetap", "arsip dinamis", "tunjangan kinerja pegawai", "informasi publik",
    "keputusan payakumbuh", "surat edaran 2021", "peraturan tahun 2019", "instruksi bandung",
    "syafrizal chaniago", "nagari sungai pua", "yohana kambu", "gampong lampineung", "desi anggraini distribusi",
    "kelurahan oebobo logistik", "rapat pleno", "berita acara rekapitulasi",
]


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory, requirements: None):
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus

    root = tmp_path_factory.mktemp("ranking")
    corpus.generate(150, root / "site", 1.0, scan_share=0.0, lampiran_share=0.25)
    now = datetime.now(UTC)
    single = build(root / "site", root / "single", now)
    sharded = build(root / "site", root / "sharded", now, search_shard_size=15)
    assert single.ok and sharded.ok
    assert len((root / "sharded" / "pagefind" / "jdih-shards.json").read_text().split(",")) >= 5
    servers = [serve(root / "single"), serve(root / "sharded")]
    files = sorted((root / "site" / "content").rglob("*.md"))
    nomor = [line.split('"')[1] for md in files[::30] for line in md.read_text(encoding="utf-8").splitlines()
             if line.startswith("nomor:")]   # numbers as they are written: "5/PY.02.1-SD/1376/2020", "3 Tahun 2019"
    yield servers[0][1], servers[1][1], nomor
    for server, _ in servers:
        server.shutdown()
        server.server_close()


def answer(browser, base: str, query: str, problems) -> tuple[int, list[str]]:
    """How many products the search page says it found, and the ones it shows first, in order."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base)
    context.set_default_timeout(20_000)
    page = context.new_page()
    _watch(page, base, problems)
    page.goto(f"cari/?q={query}")
    try:
        wait_for_results(page)
        shown = result_paths(page, base)
        count = int(re.search(r"(\d+) produk hukum ditemukan", page.locator("#cari-pesan").inner_text()).group(1))
    except Exception:  # noqa: BLE001 - no result is an answer too
        shown, count = [], 0
    context.close()
    return count, shown


def test_shards_rank_as_one_index_does(browser, two_sites, problems) -> None:
    single_url, sharded_url, nomor = two_sites
    overlaps, top_kept, found_any = [], 0, 0
    for query in [*QUERIES, *nomor]:
        one_count, one = answer(browser, single_url, query, problems)
        shard_count, shards = answer(browser, sharded_url, query, problems)
        assert shard_count == one_count, (query, one_count, shard_count)
        if not one:
            continue
        found_any += 1
        top = min(10, len(one))
        overlaps.append(len(set(one[:top]) & set(shards[:top])) / top)
        top_kept += one[0] in shards[:3]
    assert found_any >= len(QUERIES) - 2, "the queries should find something in the corpus"
    mean = sum(overlaps) / len(overlaps)
    print(f"ranking: {found_any} queries, top-10 overlap {mean:.2f}, one index's first in the shards' top 3: "
          f"{top_kept}/{found_any}")
    assert mean >= 0.8, mean
    assert top_kept >= 0.9 * found_any, (top_kept, found_any)
    assert not problems.items, problems.items
