"""What the search index holds and how it is split: the product pages in shards that stay put as the
catalogue changes, and the text of each product's PDFs."""

from __future__ import annotations

import functools
import hashlib

from jdih_build.cache.entries import key_of
from jdih_build.publish.catalogue import Catalogue, Entry
from jdih_build.publish.pdf_info import PdfInfo, text_digest
from jdih_build.publish.search_mirror import SearchRecord

SHARD_PRODUCTS = 500    # products per search shard: one changed product re-indexes ~500 pages (about 1 s)
MAX_SHARDS = 24         # beyond 12,000 products the shards grow instead: a search loads every shard


def search_shards(catalogue: Catalogue, size: int = SHARD_PRODUCTS) -> list[tuple[str, list[str]]]:
    """The product pages to index: one index up to `size` products; else shards that stay put as the
    catalogue changes, so that one change re-indexes one shard: blocks of years with fixed bounds (a
    decade, else five, two or one years) of at most `size` products, and a year of more than `size`
    split by a hash of the product id. Newest first: the first shard is the primary bundle."""
    entries = catalogue.entries
    if len(entries) <= size:
        return [("", [entry.url for entry in entries])]
    size = max(size, -(-len(entries) // MAX_SHARDS))
    by_year: dict[int, list[Entry]] = {}
    for entry in entries:
        by_year.setdefault(entry.product.tahun, []).append(entry)
    shards: list[tuple[str, list[str]]] = []

    def block(first: int, span: int) -> None:
        years = [y for y in sorted(by_year, reverse=True) if first <= y < first + span]
        if not years:
            return
        count = sum(len(by_year[y]) for y in years)
        if count <= size or span == 1:
            if count <= size:
                name = f"tahun-{first}" if span == 1 else f"tahun-{first}-{first + span - 1}"
                shards.append((name, [e.url for y in years for e in by_year[y]]))
                return
            parts = -(-count // size)   # one year of more than `size`: split by a stable hash
            split: list[list[str]] = [[] for _ in range(parts)]
            for entry in by_year[first]:
                split[int(hashlib.sha256(entry.id.encode()).hexdigest()[:8], 16) % parts].append(entry.url)
            shards.extend((f"tahun-{first}-bagian-{n + 1}", urls) for n, urls in enumerate(split) if urls)
            return
        smaller = {10: 5, 5: 1}.get(span, 1)
        for start in range(first + span - smaller, first - 1, -smaller):
            block(start, smaller)

    for decade in sorted({year // 10 * 10 for year in by_year}, reverse=True):
        block(decade, 10)
    return shards


def search_records(catalogue: Catalogue) -> list[SearchRecord]:
    """The text inside each published product's PDFs, merged into its page's search entry (under an
    "Isi dokumen" heading, so that a hit there can be told from a hit on the page). The text is read
    only for the shards indexed again; the digests of the PDFs' texts stand for it in their keys."""
    records = []
    for entry in catalogue.entries:
        infos = [f.info for f in entry.files if f.info.digest != EMPTY_TEXT]
        if infos:
            records.append(SearchRecord(url=entry.url, title=entry.product.judul, content="",
                                        later=functools.partial(_joined_text, infos),
                                        digest=key_of("pdf-texts", tuple(info.digest for info in infos))))
    return records


EMPTY_TEXT = text_digest("")


def _joined_text(infos: list[PdfInfo]) -> str:
    return " ".join(info.text for info in infos)
