"""How the catalogue is split into search shards: every product in one shard, shards that stay put
when a product is added, and a bounded number of shards."""

from __future__ import annotations

from types import SimpleNamespace

from jdih_build.pipeline import search_shards


def catalogue(years: dict[int, int]) -> SimpleNamespace:
    entries = [SimpleNamespace(id=f"p-{year}-{n}", url=f"produk/p-{year}-{n}/", product=SimpleNamespace(tahun=year))
               for year, count in sorted(years.items(), reverse=True) for n in range(count)]
    return SimpleNamespace(entries=tuple(entries))


def test_a_small_catalogue_is_one_index() -> None:
    assert search_shards(catalogue({2024: 3, 2023: 2}), size=10) == [("", [f"produk/p-2024-{n}/" for n in range(3)]
                                                                      + [f"produk/p-2023-{n}/" for n in range(2)])]


def test_every_product_lies_in_exactly_one_shard() -> None:
    cat = catalogue({1995: 3, 2014: 40, 2015: 7, 2023: 25, 2024: 9})
    shards = search_shards(cat, size=10)
    urls = [url for _, members in shards for url in members]
    assert sorted(urls) == sorted(e.url for e in cat.entries)
    assert [name for name, _ in shards][:1] == ["tahun-2024"]          # newest first: the primary
    assert ("tahun-1990-1999", ["produk/p-1995-0/", "produk/p-1995-1/", "produk/p-1995-2/"]) in shards
    assert {name for name, _ in shards} >= {"tahun-2014-bagian-1", "tahun-2014-bagian-4", "tahun-2015-2019"}


def test_adding_a_product_changes_one_shard() -> None:
    before = dict(search_shards(catalogue({2022: 18, 2023: 19, 2024: 15}), size=10))
    after = dict(search_shards(catalogue({2022: 18, 2023: 20, 2024: 15}), size=10))
    changed = [name for name in after if after[name] != before.get(name)]
    assert len(changed) == 1 and changed[0].startswith("tahun-2023")


def test_shards_grow_with_the_catalogue() -> None:
    """With shards of 10, a catalogue of 3,500 has shards of up to 3,500 / MAX_SHARDS: no year is
    split, and there is at most one shard a year (a search loads every shard)."""
    shards = search_shards(catalogue({year: 100 for year in range(1990, 2025)}), size=10)
    assert len(shards) == 35 and all(not name.count("bagian") for name, _ in shards)
    sparse = search_shards(catalogue({year: 2 for year in range(1950, 2000)} | {2024: 30}), size=10)
    assert [name for name, _ in sparse][2:5] == ["tahun-2024-bagian-3", "tahun-1995-1999", "tahun-1990-1994"]
    assert len(sparse) == 13   # ten five-year blocks of old products, and the busy year in three parts
