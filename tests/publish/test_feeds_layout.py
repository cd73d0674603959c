"""The feeds are joined from one text per entry (so that a cache can keep each): the join must give
exactly the bytes json.dumps of the whole document gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sitekit import REPO

from jdih_build.publish import feeds


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    from jdih_build.gate.rules import evaluate
    from jdih_build.load.site import load_site
    from jdih_build.publish.catalogue import build_catalogue
    from jdih_build.publish.pdf_info import PdfInfo
    site, _ = load_site(REPO)
    assert site is not None
    catalogue = build_catalogue(evaluate(site, datetime.now(UTC)), lambda a: PdfInfo(3, "teks"))
    return site, catalogue


def test_jdihn_feed_is_json_dumps_of_its_records(shipped) -> None:
    site, catalogue = shipped
    records = [feeds.jdihn_record(e, site.config) for e in sorted(catalogue.entries, key=lambda e: e.id)]
    assert len(records) > 2
    assert feeds.jdihn_feed(catalogue, site.config) == (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode()


def test_api_catalogue_is_json_dumps_of_its_items(shipped) -> None:
    site, catalogue = shipped
    items = [feeds.api_item(e, site.config) for e in catalogue.entries]
    whole = {"judul_situs": site.config.judul_situs, "jumlah": len(items), "produk": items}
    assert feeds.api_catalogue(catalogue, site.config) == (json.dumps(whole, ensure_ascii=False, indent=1) + "\n").encode()


def test_empty_feeds_are_json_dumps_too(shipped) -> None:
    site, catalogue = shipped
    empty = type(catalogue)((), {facet: () for facet in catalogue.groups})
    assert feeds.jdihn_feed(empty, site.config) == b"[]\n"
    whole = {"judul_situs": site.config.judul_situs, "jumlah": 0, "produk": []}
    assert feeds.api_catalogue(empty, site.config) == (json.dumps(whole, ensure_ascii=False, indent=1) + "\n").encode()


def test_entry_spans_are_found_from_lengths_and_a_wrong_join_keeps_nothing() -> None:
    from jdih_build.cache.feed_reuse import _spans
    from jdih_build.publish.feeds import _array

    parts = [b' {\n  "a": 1,\n  "b": 2\n }', b' {\n  "a": 3\n }', b' {\n  "c": ",\\n"\n }']
    data = b'{"kepala": 1,\n "produk": ' + _array(parts, 1) + b"\n}\n"
    made = [(f"k{n}", len(p)) for n, p in enumerate(parts)]
    spans = _spans(data, parts[0], made)
    assert spans is not None and [data[a:b] for _, a, b in spans] == parts
    assert _spans(b"[\n" + b";\n".join(parts) + b"\n]", parts[0], made) is None        # another separator
    assert _spans(_array(parts + [b" {}"], 0), parts[0], made) is None                  # an entry not accounted for
    assert _spans(_array(parts, 0), b" {\n  \"z\": 9\n }", made) is None                 # the first is not there
