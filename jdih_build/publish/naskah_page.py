"""A product's text by the article on its page (issue 22): where the text comes from, its citations as
links, and its Akoma Ntoso file.

Sources, in order of trust: the `NASKAH:` part of the product file (written by the editor, signed with
the product: validated text); else the main PDF's text layer or its OCR (extracted automatically: the
page says so, and that the PDF is the authentic text), used only when it parses into pasal or diktum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from markupsafe import Markup, escape

from jdih_build.model import Product
from jdih_build.naskah.akn import Work, to_akn
from jdih_build.naskah.citations import document_key, find
from jdih_build.naskah.model import Naskah
from jdih_build.naskah.parse import parse, split_naskah
from jdih_build.publish.catalogue import Entry

# A PDF text with neither a "Pasal N" nor a "KESATU :" line cannot parse: not parsed at all (each product
# page is rendered with its PDF's text; most PDFs of a catalogue of scans and notes have no pasal).
STRUCTURE_HINT = re.compile(r"^[ \t]*(Pasal[ \t]+\d+[A-Z]?[ \t]*$|KESATU[ \t]*:)", re.MULTILINE)

CitationIndex = dict[tuple[str, str, int], str]
"""A cited document's key (naskah/citations.document_key) -> the catalogue product's id."""


def naskah_of(entry: Entry) -> Naskah | None:
    _abstract, own = split_naskah(entry.product.abstrak)
    if own is not None and own.strip():
        return parse(own, "naskah")
    if entry.files and STRUCTURE_HINT.search(entry.files[0].info.text):
        info = entry.files[0].info
        extracted = parse(info.text, "ocr" if info.ocr else "pdf")
        return extracted if extracted.structured else None
    return None


def citation_index(products: Iterable[Product]) -> CitationIndex:
    index: CitationIndex = {}
    for product in products:
        if not (product.jenis and product.nomor):
            continue
        index[document_key(product.jenis, product.nomor, product.tahun)] = product.id
        short = product.nomor.split("/")[0]
        index.setdefault(document_key(product.jenis, short, product.tahun), product.id)
    return index


def linker(naskah: Naskah, index: CitationIndex, root: str) -> Callable[[str], Markup]:
    """The text, escaped, with its citations linked: to this page's own pasal (when it has it) or to the
    cited product's page (when the catalogue holds it)."""
    own = {n.eid for n in naskah.walk()}

    def link(text: str) -> Markup:
        out: list[str] = []
        at = 0
        for citation in find(text):
            if citation.document is None:
                anchor = citation.anchor if citation.anchor in own else citation.anchor.split("-ayat-")[0]
                href = f"#{anchor}" if anchor in own else None
            else:
                target = index.get(citation.document)
                href = f"{root}produk/{target}/#{citation.anchor}" if target else None
            if href is None:
                continue
            out.append(str(escape(text[at:citation.start])))
            out.append(f'<a class="rujukan" href="{escape(href)}">{escape(text[citation.start:citation.end])}</a>')
            at = citation.end
        out.append(str(escape(text[at:])))
        return Markup("".join(out))

    return link


def akn_work(product: Product, generated: date) -> Work:
    jenis = re.sub(r"[^a-z0-9]+", "-", (product.singkatan_jenis or product.jenis or "dokumen").lower()).strip("-")
    return Work(jenis=jenis or "dokumen", nomor=product.nomor or "", tahun=product.tahun,
                tanggal=product.tanggal_penetapan or product.tanggal_pengundangan, author=product.teu_badan or "-",
                title=product.judul, generated=generated)


def akn_bytes(entry: Entry, naskah: Naskah) -> bytes:
    """The Akoma Ntoso file; its manifestation date is the day the product was last approved (from the
    content, so that a rebuild is byte-identical)."""
    return to_akn(naskah, akn_work(entry.product, entry.last_updated.date()))
