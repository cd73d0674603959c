"""Issue 23.0: shards indexed on their own words still answer as one index does. A realistic catalogue (the
benchmark corpus: 150 products, every one with its PDF) is built twice, as one index and in shards of
about 15 products, and searched in Chromium as a person searches it: titles, numbers, and words found only
inside the PDFs (people's names, places). The same products must be found, and the ranking must stay
close to one index's (each shard ranks with its own word statistics, so scores differ a little)."""

from __future__ import annotations

import functools
import http.server
import math
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
PRODUCTS, SHARD = 300, 75   # shards of many products, as a catalogue is split (500 a shard from 500 on)
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
    corpus.generate(PRODUCTS, root / "site", 1.0, scan_share=0.0, lampiran_share=0.25)
    now = datetime.now(UTC)
    single = build(root / "site", root / "single", now)
    sharded = build(root / "site", root / "sharded", now, search_shard_size=SHARD)
    assert single.ok and sharded.ok
    assert len((root / "sharded" / "pagefind" / "jdih-shards.json").read_text().split(",")) >= 3
    servers = [serve(root / "single"), serve(root / "sharded")]
    fields: dict[str, str] = {}    # product page -> its title and number, lower case: what a hit there means
    nomor: list[str] = []
    for number, md in enumerate(sorted((root / "site" / "content").rglob("*.md"))):
        lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip().strip('"') for line in
                 md.read_text(encoding="utf-8").split("---")[1].splitlines() if ":" in line}
        fields[f"produk/{lines['id']}/"] = f"{lines['judul']} {lines['nomor']}".lower()
        if number % 30 == 0:
            nomor.append(lines["nomor"])   # numbers as they are written: "5/PY.02.1-SD/1376/2020", "3 Tahun 2019"
    yield servers[0][1], servers[1][1], nomor, fields
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
        shown = list(dict.fromkeys(result_paths(page, base)))   # a result links its sub-results too
        count = int(re.search(r"(\d+) produk hukum ditemukan", page.locator("#cari-pesan").inner_text()).group(1))
    except Exception:  # noqa: BLE001 - no result is an answer too
        shown, count = [], 0
    context.close()
    return count, shown


def grade(query: str, fields: str) -> int:
    """How relevant a product is to a query: 2 when its title or number holds the query as typed, 1 when
    they hold every word of it, else 0 (it matched in its text or PDF only)."""
    if query.lower() in fields:
        return 2
    return 1 if all(word in fields for word in query.lower().split()) else 0


def ndcg(shown: list[str], grades: dict[str, int], ideal: list[int], k: int = 10) -> float:
    gain = sum(grades.get(path, 0) / math.log2(rank + 2) for rank, path in enumerate(shown[:k]))
    best = sum(g / math.log2(rank + 2) for rank, g in enumerate(sorted(ideal, reverse=True)[:k]))
    return gain / best if best else 1.0


def test_shards_rank_as_one_index_does(browser, two_sites, problems) -> None:
    single_url, sharded_url, nomor, fields = two_sites
    one_scores, shard_scores, numbers_first, numbers_asked = [], [], 0, 0
    for query in [*QUERIES, *nomor]:
        one_count, one = answer(browser, single_url, query, problems)
        shard_count, shards = answer(browser, sharded_url, query, problems)
        assert shard_count == one_count, (query, one_count, shard_count)   # the same products are found
        if not one:
            continue
        grades = {path: grade(query, fields.get(path, "")) for path in set(one) | set(shards)}
        ideal = list(grades.values())
        one_scores.append(ndcg(one, grades, ideal))
        shard_scores.append(ndcg(shards, grades, ideal))
        if query in nomor and grades[one[0]] == 2:   # one index puts the product of that number first
            numbers_asked += 1
            numbers_first += shards[0] == one[0]
        if one_scores[-1] - shard_scores[-1] > 0.1 or (query in nomor and grades[one[0]] == 2 and shards[0] != one[0]):
            print(f"  {query!r}: one {one_scores[-1]:.2f} {[grades[p] for p in one[:10]]}, "
                  f"shards {shard_scores[-1]:.2f} {[grades[p] for p in shards[:10]]}")
    assert len(one_scores) >= len(QUERIES) - 2, "the queries should find something in the corpus"
    one_mean, shard_mean = sum(one_scores) / len(one_scores), sum(shard_scores) / len(shard_scores)
    print(f"ranking over {len(one_scores)} queries: nDCG@10 one index {one_mean:.3f}, shards {shard_mean:.3f}; "
          f"where one index puts the product of a number first, the shards do too: {numbers_first}/{numbers_asked}")
    assert shard_mean >= one_mean - 0.03, (one_mean, shard_mean)
    assert numbers_asked >= len(nomor) // 2 and numbers_first == numbers_asked
    assert not problems.items, problems.items
