"""The cache keeps what a build used and nothing else: an entry no build asked for is dropped at
commit, and only the buckets that changed are written again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from jdih_build.cache.store import BuildCache


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def keys_in_different_buckets(count: int) -> list[str]:
    found: dict[str, str] = {}
    number = 0
    while len(found) < count:
        k = key(str(number))
        found.setdefault(k[0], k)
        number += 1
    return list(found.values())


def test_unused_entries_are_dropped_and_untouched_buckets_kept(tmp_path: Path) -> None:
    first, second, third = keys_in_different_buckets(3)
    with BuildCache.opened(tmp_path) as cache:
        table = cache.table("t")
        for k in (first, second, third):
            table.put(k, [k[:4]])
        cache.commit(set())
    bucket_file = tmp_path / "tables" / "t" / f"{third[0]}.json"
    untouched = bucket_file.stat().st_mtime_ns, bucket_file.stat().st_ino

    with BuildCache.opened(tmp_path) as cache:   # uses the first and the third, puts a new value for none
        table = cache.table("t")
        assert table.get(first) == [first[:4]] and table.get(third) == [third[:4]]
        table.put(first, [first[:4]])            # the same value: not a change
        cache.table("u").put(key("x"), 1)        # a change elsewhere, so that this build commits
        cache.commit(set())

    with BuildCache.opened(tmp_path) as cache:
        view = cache.table("t").entries_view()
        assert set(view) == {first, third}       # the second, unused, is gone
    assert (bucket_file.stat().st_mtime_ns, bucket_file.stat().st_ino) == untouched
