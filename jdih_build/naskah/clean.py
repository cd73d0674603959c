"""From raw text (an editor's Markdown, a PDF's text layer, OCR) to logical lines: the noise of printed
pages removed (running headers, page numbers, the peraturan.go.id footer), words hyphenated at a line's
end joined, and a line that continues the previous one joined to it. Nothing else is dropped."""

from __future__ import annotations

import re

# Printed on every page of an official text, not part of it.
RUNNING = re.compile(r"^(PRESIDEN\s+REPUBLIK\s+INDONESIA|PRESIDEN|REPUBLIK\s+INDONESIA|SALINAN|www\.peraturan\.go\.id|www\.jdih\.[\w.]+|"
                     r"-\s*\d+\s*-|Halaman\s+\d+\s+dari\s+\d+|\d{1,4})\s*$", re.IGNORECASE)
MARKDOWN_PREFIX = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|\*\*|__)")
MARKDOWN_SUFFIX = re.compile(r"(\*\*|__)\s*$")
MARKDOWN_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")   # **kata**: the page sets its own type

# A line that begins a new unit of the text (the parser's markers, and what a penutup starts with).
STARTS = re.compile(
    r"^(BUKU\s+KE[A-Z]+\b|BAB\s+[IVXLCDM]+\b|Bagian\s+Ke\w+|Paragraf\s+\d+|Pasal\s+(\d+[A-Z]?|[IVXLC]+)\s*$|\(\d+[a-z]?\)\s|"
    r"[a-z]\.\s|\d{1,3}\.\s|(Menimbang|Mengingat|Memperhatikan|Menetapkan)\s*:|M\s*E\s*M\s*U\s*T\s*U\s*S\s*K\s*A\s*N|"
    r"(KESATU|KEDUA|KETIGA|KEEMPAT|KELIMA|KEENAM|KETUJUH|KEDELAPAN|KESEMBILAN|KESEPULUH|KESEBELAS|KEDUA\s?BELAS|"
    r"KETIGA\s?BELAS|KEEMPAT\s?BELAS|KELIMA\s?BELAS)\s*:|PENJELASAN\b|I\.\s*UMUM|II\.\s*PASAL\s+DEMI|LAMPIRAN\b|"
    r"Ayat\s+\(\d+[a-z]?\)|Huruf\s+[a-z]\b|Angka\s+\d+\b|Agar setiap orang|Ditetapkan di|Disahkan di|"
    r"Diundangkan di|Dengan Persetujuan Bersama|DENGAN RAHMAT|TENTANG\b|UNDANG-UNDANG|PERATURAN|KEPUTUSAN|NOMOR\b)")

# Lines that stand alone: the next line is never their continuation.
BARE = re.compile(r"^(Pasal\s+(\d+[A-Z]?|[IVXLC]+)|Ayat\s+\(\d+[a-z]?\)|Huruf\s+[a-z]|Angka\s+\d+|"
                  r"M\s*E\s*M\s*U\s*T\s*U\s*S\s*K\s*A\s*N\s*:?|PENJELASAN|I\.\s*UMUM|II\.\s*PASAL DEMI PASAL)$")


def logical_lines(text: str, extracted: bool) -> list[str]:
    """The text's lines, each a whole unit; `extracted` (a PDF's or OCR's text) also drops page noise
    and joins hard-wrapped lines, which an editor's text does not have."""
    out: list[str] = []
    blank_before = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = MARKDOWN_SUFFIX.sub("", MARKDOWN_PREFIX.sub("", raw)).strip()
        if not extracted:
            line = MARKDOWN_STRONG.sub(r"\2", line)
        line = re.sub(r"\s+", " ", line)
        if not line:
            blank_before = True
            continue
        if extracted and RUNNING.match(line):
            continue
        joins = out and not STARTS.match(line) and not BARE.match(out[-1]) and (extracted or not blank_before)
        if joins and out[-1].endswith("-") and line[:1].islower() and len(out[-1]) > 1 and out[-1][-2].isalpha():
            out[-1] = out[-1][:-1] + line                    # a word hyphenated at the line's end
        elif joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        blank_before = False
    return out
