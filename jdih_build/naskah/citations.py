"""Citations in a legal text: "Pasal 5", "Pasal 12 ayat (3)", "Pasal 5 Undang-Undang Nomor 7 Tahun 2017".

A citation naming a document links to that document's pasal when the catalogue holds it; one naming no
document is to this document's own pasal ("sebagaimana dimaksud dalam Pasal 2"), unless a document's
name follows that this function cannot resolve ("Pasal 28 Undang-Undang Dasar ..."): then no link,
rather than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCUMENT = (r"(Undang-Undang|Peraturan Pemerintah Pengganti Undang-Undang|Peraturan Pemerintah|Peraturan Presiden|"
            r"Keputusan Presiden|Peraturan Menteri(?: [A-Z][\w ]*?)?|Peraturan Komisi Pemilihan Umum|"
            r"Keputusan Komisi Pemilihan Umum|Peraturan KPU|Keputusan KPU|Peraturan Daerah(?: [A-Z][\w ]*?)?)")
CITATION = re.compile(
    r"\bPasal (?P<pasal>\d+[A-Z]?)(?: ayat \((?P<ayat>\d+[a-z]?)\))?"
    r"(?: (?:huruf [a-z] )?" + DOCUMENT.replace("(", "(?P<jenis>", 1) + r" Nomor (?P<nomor>[\w/.-]+?) Tahun (?P<tahun>\d{4}))?"
    r"(?P<other> (?:Undang-Undang|Peraturan|Keputusan|UUD)\b)?")
ALIASES = {"peraturan kpu": "peraturan komisi pemilihan umum", "keputusan kpu": "keputusan komisi pemilihan umum"}


@dataclass(frozen=True)
class Citation:
    start: int
    end: int                 # the span of the words that cite (without a trailing document name)
    anchor: str              # "pasal-12" or "pasal-12-ayat-3"
    document: tuple[str, str, int] | None   # (jenis, nomor, tahun), normalised; None: this document


def document_key(jenis: str, nomor: str, tahun: int) -> tuple[str, str, int]:
    """How a cited document and a catalogue product are matched: the jenis without case and with the
    usual abbreviations spelled out, the number before any "/" suffix (Keputusan 134/Kpts/KPU/Tahun 2016
    is cited as Nomor 134/Kpts/KPU/Tahun 2016 or as Nomor 134), and the year."""
    name = " ".join(jenis.lower().split())
    return ALIASES.get(name, name), nomor.strip().rstrip(".").lower(), tahun


# After a cited pasal, more pasal of a list and then a document's name: the list is that document's.
LIST_THEN_DOCUMENT = re.compile(r"^(?:(?:\s*(?:,|dan|serta|atau))*\s*(?:Pasal \d+[A-Z]?|ayat \(\d+[a-z]?\)|huruf [a-z]|"
                                r"angka \d+))*\s*,?\s*(?:Undang-Undang|Peraturan|Keputusan|UUD)\b")


def _names_a_document(rest: str) -> bool:
    """Whether the citation goes on, through a list of pasal, to name a document ("Pasal 1 ayat (2), Pasal
    4 ayat (1) ... Undang-Undang Dasar"): then its pasal are that document's, not this one's."""
    return LIST_THEN_DOCUMENT.match(rest) is not None


DIKTUM = re.compile(r"\bDiktum (?P<diktum>KE[A-Z]+(?: BELAS)?)\b")


def find(text: str) -> list[Citation]:
    found = [Citation(m.start(), m.end(), "diktum-" + m["diktum"].lower().replace(" ", "-"), None)
             for m in DIKTUM.finditer(text)]
    for match in CITATION.finditer(text):
        anchor = f"pasal-{match['pasal'].lower()}" + (f"-ayat-{match['ayat']}" if match["ayat"] else "")
        if match["jenis"]:
            found.append(Citation(match.start(), match.end("tahun"), anchor,
                                  document_key(match["jenis"], match["nomor"], int(match["tahun"]))))
        elif not match["other"] and not _names_a_document(text[match.end():]):
            end = match.end("ayat") + 1 if match["ayat"] else match.end("pasal")
            found.append(Citation(match.start(), end, anchor, None))
    return sorted(found, key=lambda c: c.start)
