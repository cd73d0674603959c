"""Abstracts kept in the cache's file store are held in memory only a few at a time, and always give
what converting their Markdown gives."""

from __future__ import annotations

from pathlib import Path

from jdih_build.cache.store import FileStore
from jdih_build.publish.abstract import Abstract, StoredAbstract, parse_abstract
from jdih_build.publish.catalogue import abstracts_of


def test_converted_abstracts_are_read_back_from_the_store_and_few_are_held(tmp_path: Path) -> None:
    texts = [f"ABSTRAK: Pasal {n} mengatur *hal* ke-{n}.\n\nCATATAN: catatan {n}" for n in range(60)]
    store = FileStore(tmp_path / "abstracts")
    first = abstracts_of(texts, 1, store)
    assert all(isinstance(a, StoredAbstract) for a in first)          # not held whole after converting
    for text, abstract in zip(texts, first, strict=True):
        assert abstract == parse_abstract(text) and abstract.plain_text == parse_abstract(text).plain_text
    assert len(StoredAbstract._recent) <= StoredAbstract.RECENT

    again = abstracts_of(texts, 1, FileStore(tmp_path / "abstracts"))   # the next build: read, not converted
    assert [a.abstrak_html for a in again] == [parse_abstract(t).abstrak_html for t in texts]


def test_without_a_store_the_abstracts_themselves(tmp_path: Path) -> None:
    found = abstracts_of(["ABSTRAK: satu"], 1, FileStore(None))
    assert isinstance(found[0], Abstract) and found[0] == parse_abstract("ABSTRAK: satu")
