"""The feeds of the last build, reused entry by entry: a feed is one JSON text per entry joined
(feeds.Fragment), so an entry whose fingerprint is unchanged is cut out of the last build's file
instead of being made again. The cache keeps, per feed, the file's sha256 (its blob) and where each
entry's text lies in it; nothing else, so a rebuild reads one file per feed, not a table of texts.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jdih_build.cache.store import BuildCache
from jdih_build.publish.catalogue import Entry
from jdih_build.publish.feeds import ENTRY_SEPARATOR
from jdih_build.publish.render import Output

FEED_PATHS = {"jdihn": "feed/document.json", "api": "api/produk.json"}
FEED_NAMES = {path: name for name, path in FEED_PATHS.items()}


class FeedReuse:
    def __init__(self, cache: BuildCache, entry_key: Callable[[str, Entry], str]) -> None:
        self.cache = cache
        self.entry_key = entry_key          # (feed name, entry) -> the key of its text
        self.table = cache.table("feed-index")
        self._old: dict[str, tuple[bytes, dict[str, tuple[int, int]]]] = {}
        self.made: dict[str, list[tuple[str, int]]] = {name: [] for name in FEED_PATHS}   # (key, length)
        self.first: dict[str, bytes] = {}

    def _previous(self, name: str) -> tuple[bytes, dict[str, tuple[int, int]]]:
        if name not in self._old:
            self._old[name] = (b"", {})
            value: Any = self.table.get(name)
            if isinstance(value, dict) and isinstance(value.get("blob"), str) and isinstance(value.get("index"), list) \
                    and self.cache.has_blob(value["blob"]):
                try:
                    text = self.cache.blob_path(value["blob"]).read_bytes()
                    index = {k: (int(a), int(b)) for k, a, b in value["index"]}
                except (OSError, ValueError, TypeError):
                    text, index = b"", {}
                if hashlib.sha256(text).hexdigest() != value["blob"]:
                    text, index = b"", {}   # damaged: every entry is made afresh
                self._old[name] = (text, index)
        return self._old[name]

    def fragment(self, name: str, entry: Entry, make: Callable[[Entry], bytes]) -> bytes:
        key = self.entry_key(name, entry)
        text, index = self._previous(name)
        span = index.get(key)
        part = text[span[0]:span[1]] if span is not None and 0 <= span[0] <= span[1] <= len(text) else make(entry)
        made = self.made[name]
        if not made:
            self.first[name] = part   # to find where the entries start; of the others only the length is kept
        made.append((key, len(part)))
        return part

    def remember(self, outputs: Iterable[Output]) -> Iterator[Output]:
        """As the feeds are made: where each entry's text lies in them, for the next build. The
        outputs pass on with their sha256 set, so that 70 MB of feeds are hashed once."""
        for output in outputs:
            name = FEED_NAMES.get(output.path)
            if name is None or output.data is None or not self.made[name]:
                yield output
                continue
            data = output.data
            sha = hashlib.sha256(data).hexdigest()
            index = _spans(data, self.first.pop(name), self.made[name])
            if index is not None:
                self.table.put(name, {"blob": sha, "index": index})
            self.made[name] = []
            yield dataclasses.replace(output, sha256=sha)


def _spans(data: bytes, first: bytes, made: list[tuple[str, int]]) -> list[list[Any]] | None:
    """[key, start, end] of each entry in a feed that joins them with ENTRY_SEPARATOR, or None when the feed
    is not such a join (then nothing is kept rather than something wrong)."""
    at = data.find(first)
    if at < 0:
        return None
    index = []
    for number, (key, length) in enumerate(made):
        if number and data[at:at + len(ENTRY_SEPARATOR)] != ENTRY_SEPARATOR:
            return None
        at += len(ENTRY_SEPARATOR) if number else 0
        index.append([key, at, at + length])
        at += length
    return index if data[at:at + len(ENTRY_SEPARATOR)] != ENTRY_SEPARATOR else None
