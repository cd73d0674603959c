"""The words a search can be corrected to (issue 22): Pagefind has no typo tolerance, so on an empty
result the search page offers the closest words of the catalogue ("Mungkin maksud Anda: pemilihan").

`cari/kosakata.json`: the words of the titles, subjects and jenis of the published products, lower case,
four letters or more, each with how many products use it, most used first. Fetched only when a search
finds nothing; the distance is computed in the browser (cari.js)."""

from __future__ import annotations

import json
import re
from collections import Counter

from jdih_build.publish.catalogue import Catalogue

WORD = re.compile(r"[a-zà-ÿ]{4,}")


def vocabulary(catalogue: Catalogue) -> bytes:
    counts: Counter[str] = Counter()
    for entry in catalogue.entries:
        if entry.draft:
            continue
        p = entry.product
        text = " ".join([p.judul, entry.jenis_label, *p.subjek]).lower()
        counts.update(set(WORD.findall(text)))
    words = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return json.dumps([[w, n] for w, n in words], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
