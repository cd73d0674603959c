"""The feeds of the last build, reused entry by entry: a feed is one JSON text per entry joined
(feeds.Fragment), so an entry whose fingerprint is unchanged is cut out of the last build's file
instead of being made again. The cache keeps, per feed, the file's sha256 (its blob) and where each
entry's text lies in it; nothing else, so a rebuild reads one file per feed, not a table of texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from jdih_build.cache.store import BuildCache
from jdih_build.publish.catalogue import Entry

FEED_PATHS = {"jdihn": "feed/document.json", "api": "api/produk.json"}


class FeedReuse:
    def __init__(self, cache: BuildCache, entry_key: Callable[[str, Entry], str]) -> None:
        self.cache = cache
        self.entry_key = entry_key          # (feed name, entry) -> the key of its text
        self.table = cache.table("feed-index")
        self._old: dict[str, tuple[str, dict[str, tuple[int, int]]]] = {}
        self.made: dict[str, list[tuple[str, str]]] = {name: [] for name in FEED_PATHS}

    def _previous(self, name: str) -> tuple[str, dict[str, tuple[int, int]]]:
        if name not in self._old:
            self._old[name] = ("", {})
            value: Any = self.table.get(name)
            if isinstance(value, dict) and isinstance(value.get("blob"), str) and isinstance(value.get("index"), list) \
                    and self.cache.has_blob(value["blob"]):
                try:
                    text = self.cache.blob_path(value["blob"]).read_bytes().decode("utf-8")
                    index = {k: (int(a), int(b)) for k, a, b in value["index"]}
                except (OSError, ValueError, TypeError):
                    text, index = "", {}
                self._old[name] = (text, index)
        return self._old[name]

    def fragment(self, name: str, entry: Entry, make: Callable[[Entry], str]) -> str:
        key = self.entry_key(name, entry)
        text, index = self._previous(name)
        span = index.get(key)
        part = text[span[0]:span[1]] if span is not None and 0 <= span[0] <= span[1] <= len(text) else make(entry)
        self.made[name].append((key, part))
        return part

    def remember(self, files: dict[str, bytes]) -> None:
        """After the feeds were written: where each entry's text lies in them, for the next build."""
        for name, path in FEED_PATHS.items():
            data = files.get(path)
            if data is None or not self.made[name]:
                continue
            text = data.decode("utf-8")
            index, at = [], 0
            for key, part in self.made[name]:
                found = text.find(part, at)
                if found < 0:
                    return   # not the join this module expects: keep nothing rather than something wrong
                index.append([key, found, found + len(part)])
                at = found + len(part)
            self.table.put(name, {"blob": hashlib.sha256(data).hexdigest(), "index": index})
