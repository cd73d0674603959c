"""The published catalogue: the products the gate let through, with everything derived from them
(inverse relations, browse groups, dates). Pure; withheld products are simply absent here, so
nothing downstream can leak them."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from jdih_build.cache.store import FileStore
from jdih_build.gate.rules import GateResult, Verdict
from jdih_build.model import RELATION_INVERSE, Attachment, Product
from jdih_build.parallel import fork_map
from jdih_build.publish.abstract import Abstract, AnyAbstract, StoredAbstract, encode_abstract, parse_abstract
from jdih_build.publish.formatting import slugify
from jdih_build.publish.pdf_info import PdfInfo

TIPE_LABEL = {"peraturan": "Peraturan", "monografi": "Monografi Hukum", "artikel": "Artikel Hukum",
              "putusan": "Putusan"}
RELATION_LABEL = {"mencabut": "Mencabut", "mengubah": "Mengubah", "melaksanakan": "Melaksanakan",
                  "dicabut": "Dicabut dengan", "diubah": "Diubah dengan", "dilaksanakan": "Dilaksanakan dengan"}
FACETS = ("jenis", "tahun", "status", "subjek", "bidang-hukum")
FACET_LABEL = {"jenis": "Jenis", "tahun": "Tahun", "status": "Status", "subjek": "Subjek", "bidang-hukum": "Bidang Hukum"}


@dataclass(frozen=True)
class FileEntry:
    attachment: Attachment
    info: PdfInfo


@dataclass(frozen=True)
class RelationLink:
    kind: str                 # mencabut ... or the derived dicabut ...
    label: str
    target: Product | None    # None: a product outside this catalogue, cited by `rujukan`
    catatan: str | None
    rujukan: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Entry:
    product: Product
    verdict: Verdict
    abstract: AnyAbstract
    relations: tuple[RelationLink, ...]
    files: tuple[FileEntry, ...]
    last_updated: datetime    # the last required sign-off: when the product became publishable
    draft: bool = False       # only in `jdih serve --drafts` previews: withheld, marked as not yet valid

    @property
    def id(self) -> str:
        return self.product.id

    @property
    def url(self) -> str:
        return f"produk/{self.product.id}/"

    @property
    def jenis_label(self) -> str:
        return self.product.jenis or TIPE_LABEL[self.product.tipe_dokumen]

    @property
    def main_date(self) -> date | None:
        p = self.product
        return p.tanggal_penetapan or p.extra_fields.get("tanggal_dibacakan") or p.tanggal_pengundangan

    def facet_values(self, facet: str) -> list[str]:
        p = self.product
        if facet == "jenis":
            return [self.jenis_label]
        if facet == "tahun":
            return [str(p.tahun)]
        if facet == "status":
            return [p.status] if p.status else []
        if facet == "subjek":
            return list(p.subjek)
        if facet == "bidang-hukum":
            return [p.bidang_hukum] if p.bidang_hukum else []
        raise KeyError(facet)


@dataclass(frozen=True)
class Group:
    facet: str
    slug: str
    label: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Catalogue:
    entries: tuple[Entry, ...]                 # newest first
    groups: dict[str, tuple[Group, ...]]       # facet -> groups, sorted for display

    def entry(self, product_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == product_id), None)


def newest_first(entry: Entry) -> tuple:
    day = entry.main_date or date(entry.product.tahun, 1, 1)
    return (-day.toordinal(), -entry.product.tahun, entry.product.id)


def inverse_index(published: dict[str, Product]) -> dict[str, list[RelationLink]]:
    """target id -> the derived links (dicabut, diubah, dilaksanakan) pointing back at their sources."""
    index: dict[str, list[RelationLink]] = {}
    for source in published.values():
        for r in source.relasi:
            if r.target is not None and r.target in published:
                inverse = RELATION_INVERSE[r.jenis]
                index.setdefault(r.target, []).append(RelationLink(inverse, RELATION_LABEL[inverse], source, r.catatan))
    return index


def relation_links(product: Product, published: dict[str, Product],
                   inverse: dict[str, list[RelationLink]]) -> tuple[RelationLink, ...]:
    """Both directions; a relation to or from a withheld product is left out (it must leave no trace)."""
    links = [RelationLink(r.jenis, RELATION_LABEL[r.jenis], published[r.target], r.catatan)
             for r in product.relasi if r.target is not None and r.target in published]
    links += [RelationLink(r.jenis, RELATION_LABEL[r.jenis], None, r.catatan, r.rujukan, r.url)
              for r in product.relasi if r.target is None]
    links += inverse.get(product.id, [])
    return tuple(sorted(links, key=lambda link: (list(RELATION_LABEL).index(link.kind),
                                                 link.target.id if link.target else "~" + (link.rujukan or ""))))


DRAFT_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def abstracts_of(texts: list[str], workers: int, store: FileStore) -> list[AnyAbstract]:
    """The abstracts converted from Markdown (the costly part) over `workers` processes, each kept in
    the cache's file store and read from it only when shown (those an earlier build converted too).
    Without a store, the converted abstracts themselves."""
    keys = [hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() for text in texts]

    def stored(index: int) -> StoredAbstract:
        return StoredAbstract(functools.partial(store.read, keys[index]), texts[index], keys[index])

    for key in keys:
        store.use(key)
    found: list[AnyAbstract | None] = [stored(i) if store.holds(key) else None for i, key in enumerate(keys)]
    todo = [index for index, abstract in enumerate(found) if abstract is None]
    keeping = store.folder is not None

    def convert(index: int) -> Abstract | None:
        abstract = parse_abstract(texts[index])
        store.write(keys[index], encode_abstract(abstract))   # in the worker: the files are shared
        return None if keeping else abstract    # kept: not sent back (100,000 abstracts are 1.2 GB)

    for index, abstract in zip(todo, fork_map(convert, todo, workers), strict=True):
        found[index] = abstract if abstract is not None else stored(index)
    if todo:
        store.changed = True
    return [a for a in found if a is not None]


def build_catalogue(gate: GateResult, inspect: Callable[[Attachment], PdfInfo], drafts: bool = False,
                    workers: int = 1, cache: FileStore | None = None) -> Catalogue:
    """The published products; with `drafts` (local preview only) the withheld ones too, marked."""
    verdicts = [v for v in gate.verdicts if v.published or drafts]
    abstracts = abstracts_of([v.product.abstrak for v in verdicts], workers, cache if cache is not None else FileStore(None))
    published = {v.product.id: v.product for v in verdicts}
    inverse = inverse_index(published)
    entries = []
    for verdict, abstract in zip(verdicts, abstracts, strict=True):
        product = in_force(verdict.product, inverse)
        entries.append(Entry(
            product=product,
            verdict=verdict,
            abstract=abstract,
            relations=relation_links(product, published, inverse),
            files=tuple(FileEntry(a, inspect(a)) for a in product.berkas),
            last_updated=max((s.record.waktu for s in verdict.steps if s.record is not None), default=DRAFT_TIME),
            draft=not verdict.published,
        ))
    entries.sort(key=newest_first)
    groups: dict[str, tuple[Group, ...]] = {}
    for facet in FACETS:
        buckets: dict[str, tuple[str, list[Entry]]] = {}
        for entry in entries:
            for slug, value in {slugify(v): v for v in reversed(entry.facet_values(facet))}.items():
                buckets.setdefault(slug, (value, []))[1].append(entry)  # once per entry, even if values repeat
        ordered = sorted(buckets.items(), key=lambda kv: (-int(kv[0]) if facet == "tahun" else 0, kv[1][0].casefold()))
        groups[facet] = tuple(Group(facet, slug, label, tuple(members)) for slug, (label, members) in ordered)
    return Catalogue(tuple(entries), groups)


def in_force(product: Product, inverse: dict[str, list[RelationLink]]) -> Product:
    """The product as the public sees it: revoked (`Tidak Berlaku`) when a published product `mencabut`
    it. The revoking product's approval is the legal fact; the revoked product's own file and sign-offs
    stay as they were (no re-signing). An amendment (`mengubah`) leaves it in force; its page names the
    amending product from the same links."""
    if product.status != "Tidak Berlaku" and any(link.kind == "dicabut" for link in inverse.get(product.id, ())):
        return replace(product, status="Tidak Berlaku")
    return product
