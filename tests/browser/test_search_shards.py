"""A catalogue indexed in shards (one Pagefind bundle per group of years, merged by the search page)
finds exactly what one index finds, in Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, _QuietHandler
from test_search_ranking import answer

from jdih_build.pipeline import build

pytestmark = pytest.mark.browser
QUERIES = ["pemilihan", "hukum", "pengaraf", "jaringan dokumentasi", "kpu", "tahapan", "pemilihan umum",
           "sekretariat jenderal", "hukum tata negara", "keputusan penetapan", "presiden dokumentasi"]


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory: pytest.TempPathFactory, requirements: None):
    out = tmp_path_factory.mktemp("sharded") / "output"
    report = build(REPO, out, datetime.now(UTC), search_shard_size=1)   # every year its own shard
    assert report.ok, [str(p) for p in report.problems]
    assert len((out / "pagefind" / "jdih-shards.json").read_text().split(",")) >= 3
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def results(browser, base: str, query: str, problems) -> set[str]:
    return set(answer(browser, base, query, problems)[1])


@pytest.mark.parametrize("query", QUERIES)
def test_sharded_search_finds_what_one_index_finds(browser, base_url: str, sharded_url: str, problems,
                                                   query: str) -> None:
    single = results(browser, base_url, query, problems)
    sharded = results(browser, sharded_url, query, problems)
    assert single, f"'{query}' should find something in the sample"
    assert sharded == single
    assert not problems.items, problems.items


def test_shards_are_really_separate_bundles(sharded_url: str, built_site: Path) -> None:
    assert (built_site / "pagefind" / "jdih-shards.json").read_text() == "[]\n"   # the sample is small: one index
