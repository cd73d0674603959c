"""Citations in a text link where they cite: this document's own pasal, or a pasal of another product of
the catalogue; never a pasal of a document the text names but the catalogue lacks (issue 22)."""

from __future__ import annotations

from jdih_build.naskah.citations import document_key, find
from jdih_build.naskah.parse import parse
from jdih_build.publish.naskah_page import linker


def cited(text: str) -> list[tuple[str, str, object]]:
    return [(text[c.start:c.end], c.anchor, c.document) for c in find(text)]


def test_own_pasal_ayat_and_diktum() -> None:
    assert cited("sebagaimana dimaksud dalam Pasal 2 dan Pasal 12 ayat (3).") == [
        ("Pasal 2", "pasal-2", None), ("Pasal 12 ayat (3)", "pasal-12-ayat-3", None)]
    assert cited("sebagaimana dimaksud dalam Diktum KEDUA") == [("Diktum KEDUA", "diktum-kedua", None)]


def test_another_documents_pasal() -> None:
    assert cited("sesuai Pasal 5 Undang-Undang Nomor 7 Tahun 2017 tentang Pemilu") == [
        ("Pasal 5 Undang-Undang Nomor 7 Tahun 2017", "pasal-5", ("undang-undang", "7", 2017))]
    assert cited("Pasal 10 Peraturan KPU Nomor 3 Tahun 2019")[0][2] == document_key("Peraturan Komisi Pemilihan Umum", "3", 2019)


def test_a_list_of_pasal_of_a_named_document_is_not_this_documents() -> None:
    assert cited("Pasal 1 ayat (2), Pasal 4 ayat (1), dan Pasal 5 ayat (1) Undang-Undang Dasar Negara") == []
    assert cited("sebagaimana dimaksud dalam Pasal 2 diatur dengan Peraturan KPU.") == [("Pasal 2", "pasal-2", None)]


def test_links_go_only_where_the_target_exists() -> None:
    naskah = parse("Pasal 1\nLihat Pasal 2, Pasal 9, dan Pasal 3 Undang-Undang Nomor 7 Tahun 2017.\n\nPasal 2\nIsi.", "naskah")
    index = {document_key("Undang-Undang", "7", 2017): "uu-7-2017"}
    html = str(linker(naskah, index, "../../")("Lihat Pasal 2 dan Pasal 9. Lihat juga Pasal 3 Undang-Undang Nomor 7 Tahun 2017 <b>."))
    assert '<a class="rujukan" href="#pasal-2">Pasal 2</a>' in html
    assert "Pasal 9" in html and 'href="#pasal-9"' not in html            # this text has no Pasal 9
    assert '<a class="rujukan" href="../../produk/uu-7-2017/#pasal-3">' in html
    assert "&lt;b&gt;" in html                                              # the text stays escaped
    assert 'href' not in str(linker(naskah, {}, "../../")("Pasal 3 Undang-Undang Nomor 7 Tahun 2017"))
    # "Pasal 2, dan Pasal 3 Undang-Undang ...": both are that law's, so Pasal 2 is not linked here
    assert 'href="#pasal-2"' not in str(linker(naskah, index, "../../")("Pasal 2, dan Pasal 3 Undang-Undang Nomor 7 Tahun 2017"))
