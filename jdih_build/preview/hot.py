"""Between two full rebuilds of `jdih serve`: a changed product file or sign-off re-renders that
product's own page in the served folder at once (tens of milliseconds at any catalogue size).

Only what cannot change the rest of the site is done here: the same product, still shown, with the
same relations and attachments. Anything else (a new or removed product, a product that becomes
withheld, templates, settings, the SOP or roster) is left to the full rebuild, which always follows
and replaces the folder. The gate is run on the bytes read now, as in every build.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jdih_build.gate.rules import evaluate_product
from jdih_build.load.content import read_product
from jdih_build.load.problems import Problems
from jdih_build.load.signoffs import read_signoff
from jdih_build.model import Product, Site
from jdih_build.publish.abstract import parse_abstract
from jdih_build.publish.catalogue import DRAFT_TIME, Catalogue, Entry
from jdih_build.publish.render import Renderer, make_environment


@dataclass(frozen=True)
class Served:
    """The last full build: what it loaded and rendered, and the folder being served."""
    site: Site
    catalogue: Catalogue
    folder: Path
    renderer: Renderer    # made once: its templates are compiled on first use

    @classmethod
    def of(cls, site: Site, catalogue: Catalogue, folder: Path) -> Served:
        """Made after each full build, with the product template compiled and the Markdown converter
        built, so that the first update does not wait for them."""
        renderer = Renderer(make_environment(site.templates_dir, site.config.zone), site.config, catalogue, site.sop)
        with contextlib.suppress(Exception):   # a broken template is the full build's to report
            renderer.env.get_template("produk.html")
        parse_abstract("*siap*")
        return cls(site, catalogue, folder, renderer)


def changed_products(site: Site, paths: list[Path]) -> set[str] | None:
    """The ids of the products whose own files or sign-offs changed, or None when any path is of
    another kind (the full rebuild handles those)."""
    by_source = {p.source: p.id for p in site.products}
    ids: set[str] = set()
    for path in paths:
        try:
            parts = path.relative_to(site.root).parts
        except ValueError:
            return None
        if parts[:1] == ("content",) and path.suffix == ".md" and path in by_source:
            ids.add(by_source[path])
        elif parts[:1] == ("approvals",) and len(parts) == 3 and path.name.endswith((".yaml", ".yaml.sig")):
            ids.add(parts[1])
        else:
            return None
    return ids


def write_atomically(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(prefix=".hot-", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def update(served: Served, paths: list[Path], now: datetime, drafts: bool) -> list[str] | None:
    """Re-render the pages of the products `paths` belong to; the ids of those whose page changed
    (none: nothing to show), or None when this cannot be done here (nothing was written then)."""
    site, catalogue = served.site, served.catalogue
    ids = changed_products(site, paths)
    if not ids:
        return None
    people = {p.nama: p for p in site.roster}
    entries: list[Entry] = []
    for product_id in sorted(ids):
        old = catalogue.entry(product_id)
        if old is None:
            return None
        if any((site.root / "approvals" / product_id).glob("*.pdf")):
            return None   # TTE lembar are verified in bounded workers: the full rebuild's business
        problems = Problems(site.root)
        product = read_product(old.product.source, site.root / "content", site.config, problems)
        records = [read_signoff(path, product_id, problems)
                   for path in sorted((site.root / "approvals" / product_id).glob("*.yaml"))]
        if problems or product is None or not _same_place(product, old.product):
            return None
        verdict = evaluate_product(product, [r for r in records if r is not None], site.sop, people, now)
        if not (verdict.published or drafts) or verdict.published == old.draft:
            return None
        entries.append(Entry(
            product=product, verdict=verdict, abstract=parse_abstract(product.abstrak), relations=old.relations,
            files=old.files,
            last_updated=max((s.record.waktu for s in verdict.steps if s.record is not None), default=DRAFT_TIME),
            draft=not verdict.published))
    changed = []
    for entry in entries:
        for output in served.renderer.product(entry):
            target = served.folder / output.path
            if not target.is_file() or target.read_bytes() != output.data:   # an editor's save is several events
                write_atomically(target, output.data or b"")
                changed.append(entry.id)
    return sorted(set(changed))


def _same_place(new: Product, old: Product) -> bool:
    """Nothing but its own page would change: same id, relations and attachments (bytes included)."""
    return (new.id == old.id and new.relasi == old.relasi
            and [(a.name, a.sha256) for a in new.berkas] == [(a.name, a.sha256) for a in old.berkas])
