"""Fingerprints of what each page reads, for the build cache: a page is rendered again exactly when
one of them changed.

A fingerprint covers every field of the values a template receives (ENTRY_PARTS lists them, and a
test fails when a model class gains a field not listed). Heavy values are stood in for by the hashes
they derive from: a product by the sha256 of its file, its file name and its attachments' hashes
(with the settings, that is all a product is made of; its abstract is converted from its own text);
a sign-off by the sha256 of its bytes; a PDF's text by the file's hash. The settings, the SOP, the
roster, the templates and the code are in the site-wide part (`site_fingerprint`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from jdih_build.cache.store import key_of
from jdih_build.model import Product, SignOff, Site
from jdih_build.publish.catalogue import Catalogue, Entry, Group
from jdih_build.publish.naskah_page import citation_index
from jdih_build.publish.render import PageJob, page_entries
from jdih_build.theme import template_dirs


def _sha(data: bytes | str | None) -> str | None:
    if data is None:
        return None
    return hashlib.sha256(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data).hexdigest()


def templates_fingerprint(templates: Path) -> str:
    digest = hashlib.sha256()
    if templates.is_dir():
        for folder, dirs, files in sorted(os.walk(templates)):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_fingerprint(site: Site, salt: str, drafts: bool, source_date_epoch: str | None, search: bool = True) -> str:
    """What every page may read besides its entries: the code, the settings, the SOP and roster,
    the templates and assets, the preview mode, whether search is built and the fixed build date."""
    return key_of("site", salt, repr(site.config), repr(site.sop), repr(site.roster),
                  tuple(templates_fingerprint(d) for d in template_dirs(site.templates_dir)), drafts, source_date_epoch, search)


# The fields of each class `Fingerprints.entry` covers, checked against the classes by a test.
ENTRY_PARTS = {
    "Entry": ("product", "verdict", "abstract", "relations", "files", "last_updated", "draft"),
    "Verdict": ("product", "steps", "revision"),
    "StepResult": ("step", "record", "failures"),
    "RelationLink": ("kind", "label", "target", "catatan", "rujukan", "url"),
    "FileEntry": ("attachment", "info"),
    "Attachment": ("name", "path", "size", "sha256"),
    "PdfInfo": ("pages", "text", "error", "unread", "chunks", "scans", "ocr"),   # chunks, scans: from the bytes
    "SignOff": ("path", "folder", "produk", "langkah", "peran", "oleh", "keputusan", "waktu", "berkas", "catatan",
                "raw", "signature", "tte"),
}


class Fingerprints:
    """Fingerprints of one build's entries and page jobs, each computed once."""

    def __init__(self, site_key: str, catalogue: Catalogue) -> None:
        self.site_key = site_key
        self.catalogue = catalogue
        self._products: dict[int, str] = {}
        self._entries: dict[int, str] = {}
        self._whole: str | None = None
        self._citable: str | None = None

    def product(self, product: Product) -> str:
        found = self._products.get(id(product))
        if found is None:
            found = key_of("product", product.source_sha256, product.source_name,
                           tuple((a.name, a.size, a.sha256) for a in product.berkas))
            self._products[id(product)] = found
        return found

    def entry(self, entry: Entry) -> str:
        """Every field of the entry, heavy parts by what they derive from. ENTRY_PARTS names the fields
        of each class walked here; a test fails when a class gains a field this does not cover."""
        found = self._entries.get(id(entry))
        if found is None:
            verdict = entry.verdict
            steps = tuple((s.step.no, self._signoff(s.record), tuple(repr(f) for f in s.failures)) for s in verdict.steps)
            found = key_of("entry", self.product(entry.product), self.product(verdict.product), steps,
                           tuple((r.kind, r.label, self.product(r.target) if r.target else None, r.catatan, r.rujukan, r.url)
                                 for r in entry.relations),
                           tuple((f.attachment.name, f.attachment.size, f.attachment.sha256, f.info.pages, f.info.error,
                                  _sha(f.info.text) if f.info.error else None, f.info.unread, f.info.ocr) for f in entry.files),
                           entry.last_updated.isoformat(), entry.draft,
                           verdict.revision.commit if verdict.revision is not None else None)
            # The abstract is converted from the product's own text: covered by its fingerprint. A PDF's
            # text (shown on the page) is read from its bytes, so covered by their sha256, and by
            # whether its scanned pages were recognised (unread); only a failed reading is hashed.
            self._entries[id(entry)] = found
        return found

    @staticmethod
    def _signoff(record: SignOff | None) -> tuple[str | None, ...] | None:
        if record is None:
            return None
        # A lembar's time and signer come from its verified signature, not from `raw`: both are keyed.
        return (record.folder, record.path.name, _sha(record.raw), _sha(record.signature), record.waktu.isoformat(),
                repr(record.tte) if record.tte is not None else None)

    def whole(self) -> str:
        """The whole catalogue: every entry in order and every browse group."""
        if self._whole is None:
            groups = tuple((facet, tuple((g.slug, g.label, tuple(e.id for e in g.entries)) for g in found))
                           for facet, found in sorted(self.catalogue.groups.items()))
            self._whole = key_of("catalogue", tuple(self.entry(e) for e in self.catalogue.entries), groups)
        return self._whole

    def citable(self) -> str:
        """The documents a citation in a text may link to (publish/naskah_page.citation_index)."""
        if self._citable is None:
            self._citable = key_of("citable", sorted(citation_index(e.product for e in self.catalogue.entries
                                                                     if not e.draft).items()))
        return self._citable

    def group_page(self, group: Group, number: int) -> str:
        """A list page shows the group's heading and size and its own entries (render.GroupHeading)."""
        return key_of("group", group.facet, group.slug, group.label, len(group.entries), number,
                      tuple(self.entry(e) for e in page_entries(group, number)))

    def job(self, job: PageJob) -> str:
        kind = job[0]
        if kind == "product":   # its citations link to other products: keyed by which there are
            part = key_of("product-page", self.entry(self.catalogue.entries[int(job[1])]), self.citable())
        elif kind == "group":
            part = self.group_page(self.catalogue.groups[str(job[1])][int(job[2])], int(job[3]))
        elif kind == "404":
            part = ""
        else:   # home, facet indexes, cari, statistik: they read the whole catalogue
            part = self.whole()
        # A product or group page is keyed by what it shows, not by its place in this build's lists.
        return key_of("page", self.site_key, job[:1] if kind in ("product", "group") else job, part)
