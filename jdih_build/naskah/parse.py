"""Reading a legal text into its structure (UU 12/2011, Lampiran II): judul; pembukaan (menimbang,
mengingat, memutuskan, menetapkan); batang tubuh (BAB, Bagian, Paragraf, Pasal, ayat, huruf, angka), or
the diktum of a keputusan (KESATU, KEDUA, ...); an amendment's Pasal I with its numbered changes and
Pasal II; penutup; penjelasan (umum, pasal demi pasal); lampiran.

A pure function of the text. A text with neither pasal nor diktum is not structured: it comes back as
plain paragraphs, every line kept. Decisions: a pasal's number is unique in a document, so the second
"Pasal 5" of a text (as an amendment quotes it) is addressed under the change that quotes it
(`pasal-i-angka-1-pasal-5`); penjelasan of a pasal is attached to that pasal by number.
"""

from __future__ import annotations

import re

from jdih_build.naskah.clean import logical_lines
from jdih_build.naskah.model import Naskah, Node

ORDINALS = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN",
            "KESEPULUH", "KESEBELAS", "KEDUA BELAS", "KETIGA BELAS", "KEEMPAT BELAS", "KELIMA BELAS")
DIKTUM = re.compile(r"^(" + "|".join(o.replace(" ", r"\s?") for o in ORDINALS) + r")\s*:\s*(.*)$")
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("penjelasan", re.compile(r"^PENJELASAN\b\s*(.*)$")),
    ("umum", re.compile(r"^I\.\s*UMUM\s*(.*)$")),
    ("pasal_demi_pasal", re.compile(r"^II\.\s*PASAL\s+DEMI\s+PASAL\s*(.*)$")),
    ("lampiran", re.compile(r"^LAMPIRAN\b\s*(.*)$")),
    ("menimbang", re.compile(r"^Menimbang\s*:\s*(.*)$", re.IGNORECASE)),
    ("mengingat", re.compile(r"^Mengingat\s*:\s*(.*)$", re.IGNORECASE)),
    ("memperhatikan", re.compile(r"^Memperhatikan\s*:\s*(.*)$", re.IGNORECASE)),
    ("memutuskan", re.compile(r"^M\s*E\s*M\s*U\s*T\s*U\s*S\s*K\s*A\s*N\s*:?\s*(.*)$")),
    ("persetujuan", re.compile(r"^(Dengan Persetujuan Bersama\b.*)$", re.IGNORECASE)),
    ("menetapkan", re.compile(r"^Menetapkan\s*:\s*(.*)$", re.IGNORECASE)),
    ("buku", re.compile(r"^BUKU\s+(KE[A-Z]+)\b\s*(.*)$")),
    ("bab", re.compile(r"^BAB\s+([IVXLCDM]+)\b\s*(.*)$")),
    ("bagian", re.compile(r"^Bagian\s+(Ke\w+)\s*(.*)$")),
    ("paragraf", re.compile(r"^Paragraf\s+(\d+)\s*(.*)$")),
    ("pasal", re.compile(r"^Pasal\s+(\d+[A-Z]?|[IVXLC]+)\s*$")),
    ("ayat", re.compile(r"^\((\d+[a-z]?)\)\s*(.*)$")),
    ("huruf", re.compile(r"^([a-z])\.\s+(.*)$")),
    ("angka", re.compile(r"^(\d{1,3})\.\s+(.*)$")),
    ("penutup", re.compile(r"^((?:Agar setiap orang|Ditetapkan di|Disahkan di|Diundangkan di).*)$")),
]
# Inside the penjelasan pasal demi pasal: "Pasal 5", then "Ayat (1)", "Huruf a", "Angka 2" and their text.
LEVEL = {"buku": 0, "bab": 1, "bagian": 2, "paragraf": 3, "pasal": 4, "diktum": 4, "ayat": 5, "huruf": 6, "angka": 7}
SECTIONS = ("menimbang", "mengingat", "memperhatikan", "memutuskan", "menetapkan", "penutup")


def classify(line: str) -> tuple[str, str, str]:
    """(kind, num, the rest of the line); kind 'teks' for a line that begins no unit."""
    if (found := DIKTUM.match(line)) is not None:
        return "diktum", re.sub(r"\s+", " ", found.group(1)), found.group(2)
    for kind, pattern in MARKERS:
        if (found := pattern.match(line)) is not None:
            groups = found.groups()
            if kind in ("buku", "bab", "bagian", "paragraf", "pasal", "ayat", "huruf", "angka"):
                return kind, groups[0], groups[1] if len(groups) > 1 else ""
            return kind, "", groups[0] if groups else ""
    return "teks", "", line


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Builder:
    def __init__(self) -> None:
        self.top: list[Node] = []
        self.stack: list[Node] = []      # the open body units, outermost first
        self.section: Node | None = None  # the open pembukaan/penutup/penjelasan/lampiran section
        self.seen: set[str] = set()
        self.roman: Node | None = None    # an amendment's open Pasal I, II...
        self.explaining = False           # inside the penjelasan's pasal demi pasal

    def eid(self, node: Node, parent: Node | None) -> str:
        own = {"ayat": f"ayat-{node.num}", "huruf": f"huruf-{node.num}", "angka": f"angka-{node.num}",
               "pasal": f"pasal-{slug(node.num)}", "diktum": f"diktum-{slug(node.num)}", "bab": f"bab-{slug(node.num)}", "buku": f"buku-{slug(node.num)}",
               "bagian": f"bagian-{slug(node.num)}", "paragraf": f"paragraf-{node.num}"}.get(node.kind, node.kind)
        if node.kind in ("buku", "bab", "pasal", "diktum") and parent is None:
            base = own
        elif node.kind in ("bagian", "paragraf") and parent is not None:
            base = f"{parent.eid}-{own}"
        else:
            base = f"{parent.eid}-{own}" if parent is not None else own
        if self.explaining and node.kind == "pasal":
            base = f"penjelasan-{own}"
        candidate, n = base, 2
        while candidate in self.seen:
            candidate, n = f"{base}-{n}", n + 1
        self.seen.add(candidate)
        return candidate

    def attach(self, node: Node) -> None:
        level = LEVEL[node.kind]
        roman = self.roman
        if roman is not None and node.kind == "pasal" and not node.num.isalpha():
            # An amendment quotes whole pasal inside its numbered changes: they nest under the change.
            change = next((s for s in reversed(self.stack) if s.kind == "angka" and s in roman.children), None) or roman
            while self.stack and self.stack[-1] is not change:
                self.stack.pop()
            parent: Node | None = change
        elif roman is not None and node.kind == "angka" and self._next_change(roman, node):
            self.stack = [roman]   # the next numbered change, after a quoted pasal
            parent = roman
        else:
            while self.stack and LEVEL[self.stack[-1].kind] >= level and not self._nests(node, self.stack[-1]):
                self.stack.pop()
            parent = self.stack[-1] if self.stack else (self.section if self.explaining else None)
        node.eid = self.eid(node, parent if parent is not None and parent.kind not in ("buku", "bab", "bagian", "paragraf")
                            or node.kind in ("bagian", "paragraf") else None)
        (parent.children if parent is not None else self.top).append(node)
        self.stack.append(node)

    @staticmethod
    def _next_change(roman: Node, node: Node) -> bool:
        changes = [c for c in roman.children if c.kind == "angka"]
        quoted = bool(changes) and any(c.kind == "pasal" for c in changes[-1].children)
        return quoted and node.num.isdigit() and changes[-1].num.isdigit() and int(node.num) == int(changes[-1].num) + 1

    @staticmethod
    def _nests(node: Node, open_: Node) -> bool:
        """Angka under a huruf, huruf under an angka that opened a list ("... sebagai berikut: a. ...")."""
        if node.kind == "angka" and open_.kind == "huruf":
            return True
        return node.kind == "huruf" and open_.kind == "angka" and bool(open_.text) and open_.text[-1].endswith(":")

    def open_section(self, kind: str, rest: str) -> None:
        self.stack.clear()
        node = Node(kind, eid="")
        node.eid = self.eid(node, None)
        self.top.append(node)
        self.section = node
        if rest:
            self.add(*classify(rest))   # "Menimbang : a. bahwa ...": the first item is on the marker's line

    def in_section(self, kind: str, num: str, rest: str) -> bool:
        """A lettered or numbered item of the pembukaan (menimbang a., mengingat 1.) is the section's."""
        section = self.section
        if section is None or section.kind not in ("menimbang", "mengingat", "memperhatikan") or \
                kind not in ("huruf", "angka"):
            return False
        node = Node(kind, num=num, text=[rest] if rest else [])
        node.eid = self.eid(node, section)
        section.children.append(node)
        self.stack = [node]
        return True

    def add(self, kind: str, num: str, rest: str) -> None:
        if kind in ("penjelasan", "lampiran"):
            self.explaining = False
            self.roman = None
            self.open_section(kind, rest)
            return
        if kind in ("umum", "pasal_demi_pasal") and self.section is not None and self.section.kind == "penjelasan":
            node = Node(kind, num="I" if kind == "umum" else "II", eid=f"penjelasan-{kind.replace('_', '-')}")
            if rest:
                node.text.append(rest)
            self.section.children.append(node)
            self.stack = [node] if kind == "umum" else []
            self.explaining = kind == "pasal_demi_pasal"
            if self.explaining:
                self.section = node
            return
        if kind == "persetujuan":
            kind = "memutuskan"
        if kind in ("penutup", "memutuskan") and self.section is not None and self.section.kind == kind:
            self.stack.clear()
            self.section.text.append(rest or "MEMUTUSKAN:")   # "Disahkan di" after "Agar setiap orang"
            return
        if kind in SECTIONS and not self.explaining and (kind != "penutup" or self.section is None
                                                         or self.section.kind not in ("penjelasan", "lampiran")):
            self.roman = None if kind == "penutup" else self.roman
            self.open_section(kind, rest)
            return
        if self.in_section(kind, num, rest):
            return
        if kind in LEVEL and not (self.section is not None and self.section.kind == "lampiran"):
            if kind in ("pasal", "diktum", "bab", "buku") and self.section is not None and self.section.kind in SECTIONS:
                self.section = None
            node = Node(kind, num=num)
            if kind in ("buku", "bab", "bagian", "paragraf"):
                node.heading = rest
            elif rest:
                node.text.append(rest)
            if kind == "pasal" and node.num.isalpha() and not self.explaining:
                self.stack.clear()
                self.roman = node
            self.attach(node)
            return
        self.text(rest if kind == "teks" else " ".join(x for x in (num, rest) if x) or rest)

    def text(self, line: str) -> None:
        holder = self.stack[-1] if self.stack else self.section
        if holder is None:
            holder = Node("judul", eid="judul") if not self.top or self.top[-1].kind != "judul" else self.top[-1]
            if not self.top or self.top[-1] is not holder:
                self.top.append(holder)
                self.seen.add("judul")
        if holder.kind in ("buku", "bab", "bagian", "paragraf") and not holder.children and not holder.heading:
            holder.heading = line
        elif holder.kind in ("buku", "bab", "bagian", "paragraf") and not holder.children and holder.heading.isupper() \
                and line.isupper():
            holder.heading = f"{holder.heading} {line}"   # a BAB's title on two lines
        else:
            holder.text.append(line)


def _attach_penjelasan(naskah: list[Node]) -> None:
    """Each pasal's elucidation beside it: the penjelasan pasal demi pasal, by number."""
    explained = {n.eid.removeprefix("penjelasan-"): n for top in naskah if top.kind == "penjelasan"
                 for n in top.walk() if n.kind == "pasal" and n.eid.startswith("penjelasan-")}
    for top in naskah:
        if top.kind == "penjelasan":
            continue
        for node in top.walk():
            if node.kind == "pasal" and node.eid in explained:
                found = explained[node.eid]
                node.penjelasan = " ".join(found.text + [f"{c.num} {' '.join(c.text)}".strip() for c in found.walk()
                                                          if c is not found])


NASKAH_MARK = re.compile(r"^[ \t]*NASKAH[ \t]*:[ \t]*$", re.MULTILINE)


def split_naskah(source: str) -> tuple[str, str | None]:
    """A product file's Markdown before a line `NASKAH:` (the abstract) and the text after it, if any."""
    found = NASKAH_MARK.search(source)
    if found is None:
        return source, None
    return source[: found.start()], source[found.end():]


def parse(text: str, source: str) -> Naskah:
    """The text's structure; plain paragraphs (every line kept) when it has neither pasal nor diktum."""
    lines = logical_lines(text, extracted=source != "naskah")
    builder = _Builder()
    for line in lines:
        builder.add(*classify(line))
    nodes = builder.top
    structured = any(n.kind in ("pasal", "diktum") for top in nodes for n in top.walk())
    if not structured:
        return Naskah(source, [Node("teks", text=lines, eid="teks")] if lines else [], False)
    _attach_penjelasan(nodes)
    return Naskah(source, nodes, True)
