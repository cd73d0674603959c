"""The abstract: Markdown in the product file, split into the standard's ABSTRAK / CATATAN sections,
converted with Python-Markdown and then sanitised with nh3 (Markdown passes raw HTML through)."""

from __future__ import annotations

import collections
import functools
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import nh3

from jdih_build.naskah.parse import split_naskah

SECTION = re.compile(r"^\s*(ABSTRAK|CATATAN)\s*:\s*(.*)$", re.IGNORECASE)
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "code", "pre",
                "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "sup", "sub", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}


@dataclass(frozen=True)
class Abstract:
    intro_html: str      # text before any section heading
    abstrak_html: str
    catatan_html: str
    plain_text: str      # for feeds and search

    @property
    def empty(self) -> bool:
        return not (self.intro_html or self.abstrak_html or self.catatan_html)


@functools.lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter, reset before each use: building it is most of the cost of a small abstract."""
    return markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


def sanitised(html_text: str) -> str:
    """Only the allowed tags, attributes and URL schemes. Run on every abstract that is rendered,
    converted now or read from the cache (issue 18: a cache entry is never trusted to be clean)."""
    return nh3.clean(html_text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer").strip()


def to_safe_html(source: str) -> str:
    if not source.strip():
        return ""
    converted = _converter().reset().convert(source)
    # Headings inside an abstract start at h3: the page has its own h1 and h2.
    converted = re.sub(r"<(/?)h[12]>", r"<\1h3>", converted)
    return sanitised(converted)


def plain(html_text: str) -> str:
    text = nh3.clean(html_text, tags=set())
    return " ".join(html.unescape(text).split())


def parse_abstract(source: str) -> Abstract:
    source = split_naskah(source)[0]   # the structured text after NASKAH: is shown by the article (naskah_page.py)
    sections: dict[str, list[str]] = {"intro": [], "abstrak": [], "catatan": []}
    current = "intro"
    for line in source.splitlines():
        match = SECTION.match(line)
        if match:
            current = match.group(1).lower()
            if match.group(2).strip():
                sections[current] += [match.group(2), ""]  # a list may follow without a blank line
            continue
        sections[current].append(line)
    parts = {name: to_safe_html("\n".join(lines)) for name, lines in sections.items()}
    text = " ".join(plain(parts[name]) for name in ("intro", "abstrak", "catatan") if parts[name])
    return Abstract(parts["intro"], parts["abstrak"], parts["catatan"], text)


class StoredAbstract:
    """An abstract converted before (by an earlier build, or by a worker of this one), read from the
    cache only when a page or feed that shows it is made; converted again should its file be missing
    or damaged. Only the few last read are held (RECENT), keyed by the sha256 of their Markdown: the
    feeds read every abstract, and holding them all took 1.2 GB at 100,000 products."""

    RECENT = 16
    _recent: collections.OrderedDict[str, Abstract] = collections.OrderedDict()

    def __init__(self, read: Callable[[], bytes | None], source: str, key: str) -> None:
        self._read, self._source, self._key = read, source, key

    def _load(self) -> Abstract:
        recent = StoredAbstract._recent
        value = recent.get(self._key)
        if value is None:
            value = decode_abstract(self._read()) or parse_abstract(self._source)
            recent[self._key] = value
            if len(recent) > StoredAbstract.RECENT:
                recent.popitem(last=False)
        else:
            recent.move_to_end(self._key)
        return value

    intro_html = property(lambda self: self._load().intro_html)
    abstrak_html = property(lambda self: self._load().abstrak_html)
    catatan_html = property(lambda self: self._load().catatan_html)
    plain_text = property(lambda self: self._load().plain_text)
    empty = property(lambda self: self._load().empty)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (Abstract, StoredAbstract)) and self._load() == (
            other._load() if isinstance(other, StoredAbstract) else other)

    __hash__ = None   # type: ignore[assignment]


AnyAbstract = Abstract | StoredAbstract


def encode_abstract(abstract: Abstract) -> bytes:
    return json.dumps([abstract.intro_html, abstract.abstrak_html, abstract.catatan_html, abstract.plain_text],
                      ensure_ascii=False).encode("utf-8")


def decode_abstract(data: bytes | None) -> Abstract | None:
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 4 and all(isinstance(part, str) for part in value):
        # Sanitised again and the plain text derived again: what the cache holds is never shown as is.
        intro, abstrak, catatan = (sanitised(part) if part else "" for part in value[:3])
        text = " ".join(plain(part) for part in (intro, abstrak, catatan) if part)
        return Abstract(intro, abstrak, catatan, text)
    return None
