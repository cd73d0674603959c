"""The parser of legal texts (issue 22): each shape UU 12/2011 prescribes, written here, compared with its
expected tree (every node's address, in order, indented by depth); noise of printed and scanned pages
removed; a text that does not parse comes back as plain paragraphs without losing a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jdih_build.naskah.model import Naskah
from jdih_build.naskah.parse import parse

TEXTS = Path(__file__).parent / "texts"


def outline(naskah: Naskah) -> list[str]:
    lines: list[str] = []

    def walk(node, depth: int) -> None:
        lines.append("  " * depth + node.eid)
        for child in node.children:
            walk(child, depth + 1)
    for node in naskah.nodes:
        walk(node, 0)
    return lines


def text_of(naskah: Naskah) -> str:
    """Every word the tree keeps: the text, and what its markers said (a node's kind and label)."""
    return " ".join(" ".join([n.kind.replace("_", " "), n.label, n.num, n.heading, *n.text]) for n in naskah.walk())


def test_an_undang_undang_with_bab_bagian_paragraf_and_penjelasan() -> None:
    naskah = parse((TEXTS / "uu-bab-bagian-paragraf-penjelasan.txt").read_text(), "naskah")
    assert naskah.structured
    assert outline(naskah) == [
        "judul",
        "menimbang", "  menimbang-huruf-a", "  menimbang-huruf-b",
        "mengingat", "  mengingat-angka-1", "  mengingat-angka-2",
        "memutuskan", "menetapkan",
        "bab-i",
        "  bab-i-bagian-kesatu",
        "    pasal-1", "      pasal-1-angka-1", "      pasal-1-angka-2",
        "    pasal-2",
        "  bab-i-bagian-kedua",
        "    bab-i-bagian-kedua-paragraf-1",
        "      pasal-3", "        pasal-3-huruf-a", "        pasal-3-huruf-b", "        pasal-3-huruf-c",
        "bab-ii",
        "  pasal-167", "    pasal-167-ayat-1", "    pasal-167-ayat-2", "    pasal-167-ayat-3",
        "  pasal-573",
        "penutup",
        "penjelasan", "  penjelasan-umum", "  penjelasan-pasal-demi-pasal",
        "    penjelasan-pasal-1", "    penjelasan-pasal-167",
    ]
    bab = naskah.find("bab-i")
    assert bab is not None and bab.heading == "KETENTUAN UMUM"
    assert naskah.find("bab-i-bagian-kedua-paragraf-1").heading == "Prinsip Penyelenggaraan"
    assert naskah.find("pasal-167-ayat-3").text == [
        "Pemungutan suara dilaksanakan secara serentak pada hari libur atau hari yang diliburkan secara nasional."]
    assert naskah.find("pasal-167").penjelasan.startswith("Ayat (1) Cukup jelas. Ayat (3) Yang dimaksud")
    assert naskah.find("pasal-1").penjelasan == "Cukup jelas."
    assert "Dengan Persetujuan Bersama DEWAN PERWAKILAN RAKYAT" in " ".join(naskah.find("memutuskan").text)
    assert naskah.find("penutup").text[1].startswith("Disahkan di Jakarta")


def test_a_keputusan_with_its_diktum() -> None:
    naskah = parse((TEXTS / "keputusan-diktum.txt").read_text(), "naskah")
    assert outline(naskah) == [
        "judul", "menimbang", "  menimbang-huruf-a", "  menimbang-huruf-b",
        "mengingat", "  mengingat-angka-1", "  mengingat-angka-2", "memutuskan", "menetapkan",
        "diktum-kesatu", "diktum-kedua", "  diktum-kedua-huruf-a", "  diktum-kedua-huruf-b", "  diktum-kedua-huruf-c",
        "diktum-ketiga", "penutup",
    ]
    assert naskah.find("diktum-kesatu").label == "Diktum KESATU"


def test_an_amendment_law_nests_the_pasal_it_quotes_under_its_change() -> None:
    naskah = parse((TEXTS / "uu-perubahan.txt").read_text(), "naskah")
    assert outline(naskah) == [
        "judul", "memutuskan", "menetapkan",
        "pasal-i",
        "  pasal-i-angka-1", "    pasal-i-angka-1-pasal-2", "      pasal-i-angka-1-pasal-2-ayat-1",
        "      pasal-i-angka-1-pasal-2-ayat-2",
        "  pasal-i-angka-2", "    pasal-i-angka-2-pasal-3a",
        "pasal-ii",
    ]


def test_ocr_noise_is_removed_and_hyphenated_words_joined() -> None:
    naskah = parse((TEXTS / "ocr-halaman.txt").read_text(), "ocr")
    assert outline(naskah) == ["pasal-12", "  pasal-12-ayat-1", "  pasal-12-ayat-2", "pasal-13"]
    assert naskah.find("pasal-12-ayat-1").text == ["Penyelenggara Pemilu wajib menyampaikan laporan penyelenggaraan "
                                                   "kepada Presiden dan DPR."]
    assert naskah.find("pasal-13").text == ["Ketentuan lebih lanjut mengenai laporan sebagaimana dimaksud dalam "
                                            "Pasal 12 diatur dengan Peraturan KPU."]
    assert "PRESIDEN" not in text_of(naskah) and "peraturan.go.id" not in text_of(naskah)


def test_an_editors_markdown_headings_are_read_as_the_structure() -> None:
    text = "## BAB I\n## KETENTUAN UMUM\n\n### Pasal 1\n\nDalam Peraturan ini yang dimaksud dengan:\n\n1. **KPU** adalah lembaga.\n"
    naskah = parse(text, "naskah")
    assert outline(naskah) == ["bab-i", "  pasal-1", "    pasal-1-angka-1"]
    assert naskah.find("pasal-1-angka-1").text == ["KPU adalah lembaga."]   # Markdown's ** are not shown
    assert naskah.find("bab-i").heading == "KETENTUAN UMUM"


@pytest.mark.parametrize("name", ["plain", *[p.stem for p in TEXTS.glob("*.txt")]])
def test_no_line_is_lost(name: str) -> None:
    text = ("Catatan rapat tanggal 3 Januari.\nHadir: Ketua dan Sekretaris.\n\nDibahas jadwal." if name == "plain"
            else (TEXTS / f"{name}.txt").read_text())
    source = "ocr" if name.startswith("ocr") else "naskah"
    naskah = parse(text, source)
    words = lambda s: re.findall(r"[a-z0-9]+", s.lower())  # noqa: E731
    noise = {"presiden", "republik", "indonesia", "www", "peraturan", "go", "id", "12", "13"} if source == "ocr" else set()
    found = set(words(text_of(naskah)))
    missing = [w for w in words(text.replace("-\n", "")) if w not in found and w not in noise]
    assert missing == []
    if name == "plain":
        assert not naskah.structured and naskah.nodes[0].text == ["Catatan rapat tanggal 3 Januari. Hadir: Ketua dan Sekretaris.",
                                                                 "Dibahas jadwal."]
