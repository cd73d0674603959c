"""The structure of a legal text (UU 12/2011, Lampiran II), as the parser gives it and the page, the
search index and the Akoma Ntoso file read it."""

from __future__ import annotations

from dataclasses import dataclass, field

# A node's kind: judul, menimbang, mengingat, memperhatikan, memutuskan, menetapkan, buku, bab, bagian,
# paragraf, pasal, ayat, huruf, angka, diktum, penutup, penjelasan, umum, pasal_demi_pasal, lampiran, teks.
# Its `eid` is its address on the page (`pasal-12`, `pasal-12-ayat-3`, `diktum-kesatu`), unique in the text.


@dataclass
class Node:
    kind: str
    num: str = ""            # "12", "(3)", "a.", "KESATU", "I"
    heading: str = ""        # a BAB's or Bagian's title
    text: list[str] = field(default_factory=list)   # its own paragraphs (before its children)
    children: list[Node] = field(default_factory=list)
    eid: str = ""
    penjelasan: str = ""     # a pasal's elucidation (penjelasan pasal demi pasal), beside it

    @property
    def shown(self) -> str:
        """The number as the text prints it: '(3)', 'a.', '1.', 'Pasal 12'."""
        return {"ayat": f"({self.num})", "huruf": f"{self.num}.", "angka": f"{self.num}."}.get(self.kind, self.label)

    @property
    def label(self) -> str:
        """How it is cited: 'Pasal 12', 'Pasal 12 ayat (3)', 'Diktum KESATU', 'BAB I'."""
        return {"pasal": f"Pasal {self.num}", "diktum": f"Diktum {self.num}", "bab": f"BAB {self.num}",
                "bagian": f"Bagian {self.num}", "buku": f"BUKU {self.num}", "paragraf": f"Paragraf {self.num}"}.get(self.kind, self.num)

    def walk(self):  # -> Iterator[Node]
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Naskah:
    """A product's text: structured (`nodes` hold pasal or diktum) or plain paragraphs."""

    source: str                       # "naskah" (the product file's, validated), "pdf" (its text layer), "ocr"
    nodes: list[Node]
    structured: bool

    def walk(self):  # -> Iterator[Node]
        for node in self.nodes:
            yield from node.walk()

    def find(self, eid: str) -> Node | None:
        return next((n for n in self.walk() if n.eid == eid), None)

    @property
    def contents(self) -> list[Node]:
        """The table of contents: BAB, Bagian, Paragraf, Pasal and Diktum of the body, and the sections."""
        shown = {"menimbang", "mengingat", "memperhatikan", "memutuskan", "buku", "bab", "bagian", "paragraf", "pasal",
                 "diktum", "penutup", "penjelasan", "lampiran"}
        return [n for n in self.walk() if n.kind in shown and n.eid and not n.eid.startswith("penjelasan-")]
