"""The private copy of the site that Pagefind indexes: the pages marked for indexing, each with the
extra text of its records (a product's PDF text) merged in, and the words each page gives the index."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from jdih_build.i18n import _
from jdih_build.publish.search_bundle import SearchIndexError

BUNDLE_DIR = "pagefind"
DOCUMENT_ANCHOR = "isi-dokumen"   # the PDFs' text in a search entry: a hit there is shown as "in the document"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILTER_ATTR = re.compile(r"""data-pagefind-filter\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_BODY_ATTR = re.compile(r"\sdata-pagefind-body[\s>=/]", re.I)
_BODY_CLOSE = re.compile(r"</body\s*>", re.I)


@dataclass(frozen=True)
class SearchRecord:
    """Extra text to index for a product page, e.g. the text of its PDFs.

    ``url`` is the site-relative URL of the product page (``produk/uu-7-2017/``);
    the page must exist in the site and be indexed (carry ``data-pagefind-body``).
    ``title`` is used in error messages only: results show the page's own title.
    ``filters`` are added to the page's entry for each filter name the page does
    not already declare with ``data-pagefind-filter``.
    """

    url: str
    title: str
    content: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    later: Callable[[], str] | None = field(default=None, compare=False, repr=False)
    """Gives the content when a shard holding the page is indexed (a PDF text kept in the cache), in place of ``content``."""
    digest: str = ""
    """With ``later``: what its content is made of, standing for it in the shard's cache key."""

    def text(self) -> str:
        return self.later() if self.later is not None else self.content

    def fingerprint(self) -> tuple[object, ...]:
        """What the record adds to its page's search entry, with a digest standing for the text."""
        made_of = self.digest if self.later is not None else hashlib.sha256(self.content.encode("utf-8", "surrogatepass")).hexdigest()
        return (self.url, self.title, made_of, sorted((k, tuple(v)) for k, v in self.filters.items()))


# --------------------------------------------------------------------------- #
# The copy of the site that Pagefind reads


def page_path(url: str) -> PurePosixPath:
    """The file of a site-relative page URL ('produk/x/' -> produk/x/index.html)."""
    if not url or "\\" in url or "?" in url or "#" in url or ":" in url:
        raise ValueError("not a site-relative page URL")
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    elif not path.endswith((".html", ".htm")):
        path += "/index.html"
    pure = PurePosixPath(path)
    if any(part in ("", ".", "..") for part in pure.parts):
        raise ValueError("not a site-relative page URL")
    return pure


def mirror_site(site_dir: Path, mirror: Path, records: Sequence[SearchRecord],
                 only: set[PurePosixPath] | None = None) -> int:
    """Copy the site's HTML into ``mirror`` (with ``only``, just those pages), merging the records;
    return how many pages are marked for indexing. Pages without ``data-pagefind-body`` are left
    out: Pagefind would read them only to skip them."""
    extra: dict[PurePosixPath, list[SearchRecord]] = {}
    for record in records:
        if not isinstance(record, SearchRecord):
            raise SearchIndexError(_("search index: not a SearchRecord: {record!r}").format(record=record))
        try:
            path = page_path(record.url)
        except ValueError:
            raise SearchIndexError(
                _("search index: record {record_title!r} has an invalid URL {record_url!r}; give the "
                  "site-relative URL of its product page, e.g. 'produk/uu-7-2017/'").format(record_title=record.title, record_url=record.url)
            ) from None
        extra.setdefault(path, []).append(record)

    marked = 0
    seen: set[PurePosixPath] = set()
    sources = sorted(site_dir.rglob("*.htm*")) if only is None else [site_dir / str(p) for p in sorted(only)]
    for source in sources:
        if source.suffix.lower() not in (".html", ".htm") or not source.is_file():
            continue
        relative = PurePosixPath(source.relative_to(site_dir).as_posix())
        if relative.parts[0] == BUNDLE_DIR:
            continue
        target = mirror / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SearchIndexError(_("search index: cannot read {source}: {exc}").format(source=source, exc=exc)) from exc
        has_body = _BODY_ATTR.search(text) is not None
        marked += has_body
        page_records = extra.get(relative)
        if not has_body and not page_records:
            continue
        if page_records:
            seen.add(relative)
            if not has_body:
                raise SearchIndexError(
                    _("search index: record {page_records_0_title!r} names {page_records_0_url!r}, but {source} has "
                      "no data-pagefind-body element; mark the product page's main content with data-pagefind-body").format(
                          page_records_0_title=page_records[0].title, page_records_0_url=page_records[0].url, source=source)
                )
            text = _merge_records(text, page_records)
            target.write_text(text, encoding="utf-8")
        else:
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)

    missing = sorted(set(extra) - seen)
    if missing:
        record = extra[missing[0]][0]
        raise SearchIndexError(
            _("search index: record {record_title!r} names {record_url!r}, but the site has no page {missing_0}").format(
                record_title=record.title, record_url=record.url, missing_0=missing[0])
            + (_(" (and {count} more such records)").format(count=len(missing) - 1) if len(missing) > 1 else "")
        )
    return marked


def _declared_filters(page: str) -> set[str]:
    names: set[str] = set()
    for match in _FILTER_ATTR.finditer(page):
        value = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
        for part in value.split(","):
            name = re.split(r"[:\[]", part, maxsplit=1)[0].strip()
            if name:
                names.add(name)
    return names


def _clean(text: str) -> str:
    return html.escape(_CONTROL_CHARS.sub(" ", text), quote=True)


def _merge_records(page: str, records: list[SearchRecord]) -> str:
    declared = _declared_filters(page)
    parts = []
    for record in records:
        parts.append(f'<h2 id="{DOCUMENT_ANCHOR}">Isi dokumen</h2>\n<p>{_clean(record.text())}</p>\n')
        for name in sorted(record.filters):
            if name in declared:
                continue
            for value in record.filters[name]:
                parts.append(f'<span data-pagefind-filter="{_clean(name)}">{_clean(value)}</span>\n')
    block = '\n<div data-pagefind-body data-pagefind-weight="0.5">\n' + "".join(parts) + "</div>\n"
    closing = list(_BODY_CLOSE.finditer(page))
    if closing:
        at = closing[-1].start()
        return page[:at] + block + page[at:]
    return page + block
