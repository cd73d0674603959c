"""`jdih import`, the reading half: a JDIHN member feed's records, mapped back to this tool's fields.

Pure functions. A feed is what real members serve (shared/domain/jdih-standard.md section 1): a JSON
array of records, or an object wrapping one; values that are `null`, `"-"` or `""` for "none";
numbers where strings belong; lower-case and legacy key variants (`urlabstrak`, `lastUpdated`,
`deskripsifisik`, the 2014 v1 shape with `tanggal` and `tahun`); HTML in `judul` and `abstrak`;
`1970-01-01` and other impossible dates. Each record becomes a `Mapped` product, or the reasons it
cannot be one; a bad record never stops the others.

Decisions (the feed is lossy; these are the choices that make an import of this tool's own feed
give the same feed again):
- the type comes from `jenis`: BUKU HUKUM / MONOGRAFI -> monografi, MAJALAH HUKUM / ARTIKEL ->
  artikel, PUTUSAN ... -> putusan, anything else -> peraturan; a jenis that only names the type is
  not kept as a jenis;
- `tanggal_pengundangan` equal to `tanggal_penetapan` is the members' habit of copying the date of
  a product that is never promulgated: it is not kept (the feed copies it again);
- `abstrak` is kept where it is prose, not where it names a file (ILDIS writes the abstract PDF's
  name there); its text is escaped so that it reads back as exactly the same words;
- the id is `idData` where that is already an id of this tool's form, else the slug of
  `<singkatan>-<nomor>-<tahun>` followed by `idData`: stable, so an import run again finds its own.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jdih_build.i18n import _
from jdih_build.load.completeness import PENDING
from jdih_build.load.content import ID_PATTERN
from jdih_build.load.continuity import ID_JDIHN, old_path
from jdih_build.publish import formatting

# The feed's keys, by their folded form (lower case, no '_'): variants in the wild map to them.
CANONICAL = {k.lower().replace("_", ""): k for k in (
    "idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan", "judul",
    "noPanggil", "singkatanJenis", "tempatTerbit", "penerbit", "deskripsiFisik", "sumber", "subjek", "isbn",
    "status", "bahasa", "bidangHukum", "teuBadan", "nomorIndukBuku", "abstrak", "last_updated", "urlAbstrak",
    "urlDetailPeraturan", "fileDownload", "urlDownload", "operasi", "display", "lokasi")}
LEGACY = {"tanggal": "tanggal_penetapan", "tahun": "tahun_pengundangan", "tanggaldata": "last_updated"}
EMPTY = {"", "-", "--", "null", "none", "n/a"}
TYPE_WORDS = (("monografi", ("BUKU", "MONOGRAFI")), ("artikel", ("MAJALAH", "ARTIKEL", "JURNAL", "OPINI")),
              ("putusan", ("PUTUSAN",)))
TYPE_ONLY = {"BUKU HUKUM", "MONOGRAFI", "MONOGRAFI HUKUM", "MAJALAH HUKUM", "ARTIKEL", "ARTIKEL HUKUM", "PUTUSAN",
             "OPINI PAKAR HUKUM"}
ACRONYMS = {"KPU", "RI", "DPR", "DPRD", "MA", "MK", "BPK", "KY", "HAM", "PTUN", "TUN", "SOP", "UU", "PP", "SE"}
FILE_NAME = re.compile(r"^[^\s/\\]+\.(pdf|docx?|odt|rtf|txt)$", re.IGNORECASE)
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|])")            # marks Markdown reads anywhere in a line
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))", re.MULTILINE)   # a heading, quote, list
_SECTION_START = re.compile(r"^(ABSTRAK|CATATAN)(\s*):", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\b[^>]*>", re.IGNORECASE)


@dataclass
class Mapped:
    """One record as a product: its id, type, front-matter values, abstract and main file."""

    index: int
    id_data: str
    product_id: str
    tipe: str
    values: dict[str, Any]
    abstract: str                     # Markdown, escaped: reads back as the feed's words
    file_name: str | None             # fileDownload: the main text's name, if any
    file_url: str | None              # urlDownload
    notes: list[str] = field(default_factory=list)   # what was dropped or guessed (reported, not fatal)
    abstract_file: str | None = None  # abstrak naming a file (ILDIS): the abstract is that file
    abstract_url: str | None = None   # urlAbstrak, where it is a file


@dataclass
class Refused:
    index: int
    id_data: str
    reasons: list[str]


class FeedError(Exception):
    """The feed as a whole cannot be read (not JSON, no list of records)."""


MAX_DEPTH = 32   # a record is an object of scalars, perhaps a list or two; nothing real nests deeper
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` before parsing it (the parser recurses: 100,000 nested
    arrays would end in a RecursionError), naming the top-level element where it happens."""
    depth = 0
    element = -1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth == 2:
                element += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise FeedError(_("record {index} is nested more than {limit} levels deep (line {line}); a JDIHN "
                                  "record is a flat object: export the feed again from the old site").format(
                                      index=max(element, 0), limit=limit, line=line))
        elif token in "]}":
            depth -= 1


def records_of(text: str) -> list[Any]:
    """The records of a feed: a JSON array, or the first array of objects an object wraps."""
    check_depth(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(_("not JSON: {reason} (line {line}, column {column})").format(
            reason=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:   # cannot happen below MAX_DEPTH; kept so that no traceback ever shows
        raise FeedError(_("nested too deeply to read")) from None
    if isinstance(data, dict):
        wrapped = [v for v in data.values() if isinstance(v, list) and all(isinstance(i, dict) for i in v)]
        if not wrapped:
            raise FeedError(_("an object without a list of records (a JDIHN feed is an array of records)"))
        data = wrapped[0]
    if not isinstance(data, list):
        raise FeedError(_("not a list of records (a JDIHN feed is an array of records)"))
    return data


def folded(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its keys in the feed's own spelling (variants and legacy keys mapped)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = str(key).lower().replace("_", "")
        canonical = CANONICAL.get(name) or LEGACY.get(name)
        if canonical is not None and canonical not in out:
            out[canonical] = value
    return out


def text_of(value: Any) -> str | None:
    """A value as clean one-line text; None for the feeds' many spellings of "nothing"."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return None
    text = str(value)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = " ".join(html.unescape(text).split())
    return None if text.casefold() in EMPTY else text


def prose_of(value: Any) -> str | None:
    """A multi-paragraph text (HTML breaks become paragraphs); None where it is empty."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = _BREAK.sub("\n\n", str(value))
    text = html.unescape(_TAG.sub(" ", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    paragraphs = [p for p in paragraphs if p]
    joined = "\n\n".join(paragraphs)
    return None if not joined or joined.casefold() in EMPTY else joined


def date_of(value: Any) -> tuple[date | None, str | None]:
    """(the date, None), (None, why it is not one), or (None, None) when there is none."""
    text = text_of(value)
    if text is None:
        return None, None
    day = text[:10]
    try:
        found = date.fromisoformat(day)
    except ValueError:
        return None, _("'{value}' is not a date").format(value=text)
    if found.year < 1900 or found.year > 2100 or found == date(1970, 1, 1):
        return None, _("'{value}' is not a real date here (treated as missing)").format(value=text)
    return found, None


def as_markdown(text: str) -> str:
    """Prose as Markdown that renders back to exactly its words (escaped, never a heading or list)."""
    out = []
    for paragraph in text.split("\n\n"):
        escaped = paragraph.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        # Only what Markdown would read as markup is escaped, so the file reads as the office wrote it
        # ("Kota.", "perundang-undangan"), and still renders back to exactly its words.
        escaped = _MARKDOWN_INLINE.sub(r"\\\1", escaped)
        escaped = _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit()
                                                                   else m.group(2) + "\\"), escaped)
        escaped = _SECTION_START.sub(lambda m: f"{m.group(1)}{m.group(2)}&#58;", escaped)  # not a section label
        out.append(escaped)
    return "\n\n".join(out)


def tipe_of(jenis: str | None) -> str:
    upper = (jenis or "").upper()
    for tipe, words in TYPE_WORDS:
        if any(upper.startswith(w) or f" {w}" in f" {upper}" for w in words):
            return tipe
    return "peraturan"


def jenis_name(jenis: str, listed: tuple[tuple[str, str], ...]) -> str:
    """The site's spelling of a jenis (its list, case aside), else the feed's, with ALL CAPS
    softened (UNDANG-UNDANG -> Undang-Undang, KEPUTUSAN KPU -> Keputusan KPU)."""
    for name, _short in listed:
        if name.casefold() == jenis.casefold():
            return name
    if jenis != jenis.upper():
        return jenis
    return " ".join(w if w in ACRONYMS else "-".join(p.capitalize() for p in w.split("-")) for w in jenis.split())


def product_id_for(id_data: str, values: dict[str, Any], tipe: str) -> str:
    if ID_PATTERN.fullmatch(id_data) and re.search(r"[a-z]", id_data):
        return id_data
    known = {k: v for k, v in values.items() if v != PENDING}
    prefix = formatting.slugify(str(known.get("singkatan_jenis") or known.get("jenis") or tipe), fallback=tipe)
    nomor = formatting.slugify(str(known.get("nomor") or ""), fallback="")
    own = formatting.slugify(id_data, fallback="")
    parts = [prefix, nomor, str(values["tahun"]), own]
    return "-".join(p for p in parts if p)[:100].strip("-")


def _subjects(value: Any) -> list[str]:
    """Subjects, split only where feeds really separate them (a semicolon, a line, a list): never on
    commas, which real subjects hold ("Ira Willis Kesumadoty Yusuf, SE.,MM Sebagai Bunda Literasi").
    The old member template gives one subject a row; merge_rows gathers them into a list."""
    if isinstance(value, list):
        items = [text_of(v) for v in value]
    else:
        items = [text_of(part) for part in re.split(r"[;\n|]", str(value))] if text_of(value) else []
    found: list[str] = []
    for item in items:
        if item and item not in found:
            found.append(item)
    return found


def _listed(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (text_of(v) for v in items) if t]


def isbn_of(value: Any) -> str | None:
    """An ISBN as its digits and hyphens ("ISBN 978-602-5562-23-5" -> "978-602-5562-23-5")."""
    text = text_of(value)
    if text is None:
        return None
    text = re.sub(r"^\s*ISBN(-1[03])?\s*:?\s*", "", text, flags=re.IGNORECASE).strip()
    return text or None


def _status(value: Any) -> str | None:
    text = (text_of(value) or "").casefold()
    if text in ("berlaku", "masih berlaku", "1"):
        return "Berlaku"
    if text in ("tidak berlaku", "tidak-berlaku", "dicabut", "0"):
        return "Tidak Berlaku"
    return None


def map_record(index: int, raw: Any, listed: tuple[tuple[str, str], ...]) -> Mapped | Refused:
    """One feed record as a product of this tool, or why it cannot be one."""
    if not isinstance(raw, dict):
        return Refused(index, "", [_("the record is not an object")])
    r = folded(raw)
    id_data = text_of(r.get("idData")) or ""
    reasons: list[str] = []
    notes: list[str] = []
    if not id_data:
        reasons.append(_("it has no idData, which keeps a second import from duplicating it"))
    judul = text_of(r.get("judul"))
    if judul is None:
        reasons.append(_("it has no judul"))
    feed_jenis = text_of(r.get("jenis"))
    tipe = tipe_of(feed_jenis)
    if feed_jenis is None and any(text_of(r.get(k)) for k in ("penerbit", "isbn", "deskripsiFisik")):
        tipe = "monografi"    # a book catalogued without a jenis: its book-only fields say what it is
    values: dict[str, Any] = {"judul": judul}
    if feed_jenis and not (tipe != "peraturan" and feed_jenis.upper() in TYPE_ONLY):
        values["jenis"] = jenis_name(feed_jenis, listed)
    listed_short = dict(listed).get(str(values.get("jenis")))
    short = text_of(r.get("singkatanJenis"))
    if short and listed_short is None:
        values["singkatan_jenis"] = short
    values["nomor"] = text_of(r.get("noPeraturan"))
    enacted, why = date_of(r.get("tanggal_penetapan"))
    if why:
        notes.append(f"tanggal_penetapan: {why}")
    promulgated, why = date_of(r.get("tanggal_pengundangan"))
    if why:
        notes.append(f"tanggal_pengundangan: {why}")
    if enacted is None and promulgated is not None:
        # The old member template has no tanggal_penetapan: the date it has is the product's date.
        enacted = promulgated
    year_text = text_of(r.get("tahun_pengundangan"))
    tahun = enacted.year if enacted else (int(year_text) if year_text and re.fullmatch(r"\d{4}", year_text) else None)
    if tahun is None and promulgated is not None:
        tahun = promulgated.year
    if tahun is None or not 1900 <= tahun <= 2100:
        reasons.append(_("it has no year: neither tanggal_penetapan nor tahun_pengundangan gives one"))
    values["tahun"] = tahun
    place = text_of(r.get("tempatTerbit"))
    if tipe == "putusan":
        values["tanggal_dibacakan"] = enacted
        values["pengadilan"] = place
    else:
        values["tanggal_penetapan"] = enacted
        if promulgated is not None and promulgated != enacted:
            values["tanggal_pengundangan"] = promulgated
        if tipe == "peraturan":
            values["tempat_penetapan"] = place
        else:
            values["tempat_terbit"] = place
    for key, target, tipes in (("penerbit", "penerbit", ("monografi", "artikel")),
                               ("deskripsiFisik", "deskripsi_fisik", ("monografi",)),
                               ("isbn", "isbn", ("monografi",)), ("noPanggil", "nomor_panggil", ("monografi",)),
                               ("nomorIndukBuku", "nomor_induk_buku", ("monografi",))):
        value = isbn_of(r.get(key)) if key == "isbn" else text_of(r.get(key))
        if value is None:
            continue
        if tipe in tipes:
            values[target] = value
        else:
            notes.append(_("{key} '{value}' does not apply to a {tipe}: left out").format(key=key, value=value, tipe=tipe))
    values["sumber"] = text_of(r.get("sumber"))
    values["subjek"] = _subjects(r.get("subjek"))
    values["status"] = _status(r.get("status"))
    if r.get("status") is not None and values["status"] is None and text_of(r.get("status")):
        notes.append(_("status '{value}' is neither Berlaku nor Tidak Berlaku: left out").format(value=text_of(r.get("status"))))
    for key, target in (("bahasa", "bahasa"), ("bidangHukum", "bidang_hukum"), ("teuBadan", "teu_badan"), ("lokasi", "lokasi")):
        value = r.get(key)
        if isinstance(value, list):   # merged rows: several authors
            names = [n for n in (text_of(v) for v in value) if n]
            values[target] = "; ".join(names) if names else None
        else:
            values[target] = text_of(value)
    if values.get("teu_badan") is None:
        # Unknown stays unknown: left out, the site's instansi would be credited (a book by someone else
        # attributed to the office). "-" is the feed's own word for "none", and reads back the same.
        values["teu_badan"] = "-"
    # What publication needs and the record lacks: a date or the status cannot be guessed (refused);
    # a text is written as PENDING, so that the product imports and `check` names it until it is filled.
    needed = {"peraturan": ("jenis", "nomor"), "putusan": ("nomor", "pengadilan"),
              "monografi": ("penerbit", "tempat_terbit"), "artikel": ("sumber", "tempat_terbit")}[tipe]
    for key in needed:
        if not values.get(key):
            values[key] = PENDING
            notes.append(_("{key} is missing: written as {pending}, to be filled in before the sign-offs").format(
                key=key, pending=PENDING))
    if tipe == "peraturan":
        if not values.get("status"):
            reasons.append(_("a peraturan needs status, and the record has none"))
        if values.get("tanggal_penetapan") is None:
            reasons.append(_("a peraturan needs tanggal_penetapan, and the record has no real one"))
    elif tipe == "putusan" and not values.get("tanggal_dibacakan"):
        reasons.append(_("a putusan needs tanggal_dibacakan, and the record has none"))
    if reasons:
        return Refused(index, id_data, reasons)
    abstrak = prose_of(r.get("abstrak"))
    abstract_file = None
    if abstrak is not None and (FILE_NAME.match(abstrak) or re.match(r"^https?://\S+$", abstrak)):
        abstract_file = abstrak if FILE_NAME.match(abstrak) else None
        abstrak = None
    abstract_url = text_of(r.get("urlAbstrak"))
    if abstract_url is not None and not FILE_NAME.match(abstract_url.rsplit("/", 1)[-1]):
        abstract_url = None
    names, urls = _listed(r.get("fileDownload")), _listed(r.get("urlDownload"))
    file_name: str | None = names[0] if names else None
    file_url: str | None = urls[0] if urls else None
    if len(names) > 1 or len(urls) > 1:
        notes.append(_("{count} attachments in the feed; the first is the main text, add the others as berkas: {others}").format(
            count=max(len(names), len(urls)), others=", ".join((names or urls)[1:])))
    # Continuity (issue 20): the id the national portal lists it under, and its old addresses.
    values["id_jdihn"] = id_data if ID_JDIHN.fullmatch(id_data) else None
    values["alamat_lama"] = [u for u in (text_of(r.get("urlDetailPeraturan")), file_url) if u and old_path(u)]
    values = {k: v for k, v in values.items() if v not in (None, [], "")}
    named = {**values, "singkatan_jenis": values.get("singkatan_jenis") or listed_short}   # the id as jdih new gives it
    return Mapped(index, id_data, product_id_for(id_data, named, tipe), tipe, values,
                  as_markdown(abstrak) if abstrak else "", file_name, file_url, notes, abstract_file, abstract_url)
