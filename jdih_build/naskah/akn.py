"""Akoma Ntoso 3.0 (OASIS LegalDocML) of a structured text: `produk/<id>/akn.xml`.

The mapping (UU 12/2011 to AKN): judul -> preface; menimbang -> preamble/recitals; mengingat ->
preamble/citations; memutuskan, menetapkan -> preamble/formula; BAB -> chapter; Bagian -> part;
Paragraf -> subpart; Pasal -> article; ayat -> paragraph; huruf, angka -> point (a list's lead-in as
intro); diktum -> hcontainer name="diktum"; penutup -> conclusions; penjelasan and lampiran ->
attachments, each a doc of its own. eIds are the page's anchors (`pasal-12-ayat-3`), so a citation of
the page and of the XML name the same unit. The FRBR identifiers follow the AKN naming convention
(/akn/id/act/<jenis>/<tahun>/<nomor>), the date is the enactment's, the language Indonesian (ind).
The document is checked against the OASIS schema in the tests (tests/naskah/test_akn.py).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from jdih_build.naskah.model import Naskah, Node

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
CONTAINERS = {"buku": "book", "bab": "chapter", "bagian": "part", "paragraf": "subpart", "pasal": "article", "ayat": "paragraph",
              "huruf": "point", "angka": "point"}


@dataclass(frozen=True)
class Work:
    """What the identification needs of the product."""

    jenis: str          # e.g. "uu", "keputusan-kpu" (a slug)
    nomor: str
    tahun: int
    tanggal: date | None
    author: str         # the issuing body (teu_badan)
    title: str
    generated: date     # the manifestation's date: the build's


def _tag(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _identification(meta: ET.Element, work: Work, prefix: str = "") -> None:
    uri = f"/akn/id/act/{work.jenis}/{work.tahun}/{re.sub(r'[^A-Za-z0-9-]+', '-', work.nomor).strip('-') or 'tanpa-nomor'}"
    day = (work.tanggal or date(work.tahun, 1, 1)).isoformat()
    ident = _tag(meta, "identification", source=f"#{prefix}jdih")
    for level, this, when, name in (("FRBRWork", uri, day, "penetapan"), ("FRBRExpression", f"{uri}/ind@", day, "penetapan"),
                                    ("FRBRManifestation", f"{uri}/ind@/!main.xml", work.generated.isoformat(), "pembuatan")):
        frbr = _tag(ident, level)
        _tag(frbr, "FRBRthis", value=f"{this}/!main" if level == "FRBRWork" else this)
        _tag(frbr, "FRBRuri", value=this)
        _tag(frbr, "FRBRdate", date=when, name=name)
        _tag(frbr, "FRBRauthor", href=f"#{prefix}penerbit")
        if level == "FRBRWork":
            _tag(frbr, "FRBRcountry", value="id")
        if level == "FRBRExpression":
            _tag(frbr, "FRBRlanguage", language="ind")
    references = _tag(meta, "references", source=f"#{prefix}jdih")
    _tag(references, "TLCOrganization", eId=f"{prefix}jdih", href="/ontology/organization/id/jdih", showAs="JDIH")
    _tag(references, "TLCOrganization", eId=f"{prefix}penerbit", href=f"/ontology/organization/id/{_slug(work.author)}",
         showAs=work.author)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _paragraphs(parent: ET.Element, lines: list[str]) -> None:
    for line in lines or [""]:
        _tag(parent, "p", line)


def _unit(parent: ET.Element, node: Node) -> None:
    if node.kind == "diktum":
        element = _tag(parent, "hcontainer", name="diktum", eId=node.eid)
    else:
        element = _tag(parent, CONTAINERS[node.kind], eId=node.eid)
    _tag(element, "num", node.shown if node.kind in ("ayat", "huruf", "angka") else node.label)
    if node.heading:
        _tag(element, "heading", node.heading)
    units = [c for c in node.children if c.kind in CONTAINERS or c.kind == "diktum"]
    if not units:
        _paragraphs(_tag(element, "content"), node.text)
        return
    if node.text:
        _paragraphs(_tag(element, "intro"), node.text)
    for child in units:
        _unit(element, child)


def _block_list(parent: ET.Element, node: Node) -> None:
    """A pembukaan's lettered or numbered items, as a blockList (their numbers kept)."""
    if node.text:
        _paragraphs(parent, node.text)
    if node.children:
        items = _tag(parent, "blockList", eId=f"{node.eid}-daftar")
        for child in node.children:
            item = _tag(items, "item", eId=child.eid)
            _tag(item, "num", child.shown)
            _paragraphs(item, child.text + [" ".join(g.text) for g in child.children if g.text])


def _attachment(attachments: ET.Element, node: Node, work: Work) -> None:
    doc = _tag(_tag(attachments, "attachment"), "doc", name=node.kind)
    meta = _tag(doc, "meta")
    _identification(meta, Work(f"{work.jenis}-{node.kind}", work.nomor, work.tahun, work.tanggal, work.author,
                               work.title, work.generated), prefix=f"{node.kind}-")
    body = _tag(doc, "mainBody")
    container = _tag(body, "hcontainer", name=node.kind, eId=node.eid)
    _paragraphs(_tag(container, "content"), [line for n in node.walk() for line in
                                               ([f"{n.label}" ] if n.kind == "pasal" else []) + n.text])


def to_akn(naskah: Naskah, work: Work) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}akomaNtoso")
    act = _tag(root, "act", name=work.jenis)
    _identification(_tag(act, "meta"), work)
    tops = {n.kind: n for n in naskah.nodes}
    if "judul" in tops:
        preface = _tag(act, "preface")
        for line in tops["judul"].text:
            _tag(preface, "p", line)
    if any(k in tops for k in ("menimbang", "mengingat", "memperhatikan", "memutuskan", "menetapkan")):
        preamble = _tag(act, "preamble")
        if "menimbang" in tops:
            recitals = _tag(preamble, "recitals", eId="menimbang")
            _block_list(_tag(recitals, "recital", eId="menimbang-isi"), tops["menimbang"])
        for kind in ("mengingat", "memperhatikan"):
            if kind in tops:
                citations = _tag(preamble, "citations", eId=kind)
                _block_list(_tag(citations, "citation", eId=f"{kind}-isi"), tops[kind])
        for kind in ("memutuskan", "menetapkan"):
            if kind in tops:
                formula = _tag(preamble, "formula", name=kind, eId=kind)
                _paragraphs(formula, tops[kind].text or [kind.upper()])
    body = _tag(act, "body")
    units = [n for n in naskah.nodes if n.kind in CONTAINERS or n.kind == "diktum"]
    for node in units:
        _unit(body, node)
    if not units:
        _paragraphs(_tag(_tag(body, "hcontainer", name="isi", eId="isi"), "content"), [])
    if "penutup" in tops:
        conclusions = _tag(act, "conclusions", eId="penutup")
        _paragraphs(conclusions, tops["penutup"].text)
    extra = [n for n in naskah.nodes if n.kind in ("penjelasan", "lampiran")]
    if extra:
        attachments = _tag(act, "attachments")
        for node in extra:
            _attachment(attachments, node, work)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
