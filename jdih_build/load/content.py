"""Loading legal products from `content/` (CONTRACT 2): strict front matter, every rule checked."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jdih_build.cache.store import Table, key_of
from jdih_build.i18n import _
from jdih_build.load.attachments import resolve_attachments, unsafe_name
from jdih_build.load.codec import decode_product, encode_product
from jdih_build.load.completeness import PENDING
from jdih_build.load.continuity import read_continuity
from jdih_build.load.fields import Fields
from jdih_build.load.filetypes import (
    safe_name,
)
from jdih_build.load.problems import Problem, Problems
from jdih_build.load.safe_read import (
    MAX_MARKDOWN_BYTES,
    InputFileError,
    read_regular,
)
from jdih_build.load.strict_yaml import CONTROL_CHARACTERS, YamlError, YMap, parse
from jdih_build.model import (
    RELATION_INVERSE,
    RELATION_KINDS,
    STATUS_VALUES,
    TIPE_DOKUMEN,
    Product,
    Relation,
    SiteConfig,
)
from jdih_build.parallel import fork_map

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
# Deeper lists or quotes than this in an abstract are no abstract, and would exhaust the Markdown
# converter's recursion (a RecursionError at render time that `check` would not see).
MAX_NESTING = 12

COMMON_KEYS = (
    "id", "tipe_dokumen", "judul", "jenis", "singkatan_jenis", "nomor", "tahun", "teu_badan",
    "tempat_penetapan", "tanggal_penetapan", "tanggal_pengundangan", "sumber", "bidang_hukum", "lokasi",
    "penandatangan", "pemrakarsa", "bahasa", "subjek", "status", "relasi", "berkas", "id_jdihn", "alamat_lama",
)
# The standard's own fields for the other document types (jdih-standard.md section 4).
EXTRA_TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "peraturan": (),
    "monografi": ("tempat_terbit", "penerbit", "edisi", "cetakan", "nomor_panggil", "deskripsi_fisik",
                  "klasifikasi", "isbn", "nomor_induk_buku", "judul_seri"),
    "artikel": ("tempat_terbit", "penerbit", "nama_terbitan", "volume", "halaman"),
    "putusan": ("pengadilan", "jenis_peradilan", "jenis_perkara", "pemohon", "termohon", "tingkat_proses", "amar"),
}
EXTRA_DATE_KEYS = {"putusan": ("tanggal_dibacakan",)}
EXTRA_BOOL_KEYS = {"putusan": ("berkekuatan_hukum_tetap",)}
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "peraturan": ("jenis", "nomor", "tanggal_penetapan", "status"),
    "monografi": ("penerbit", "tempat_terbit"),
    "artikel": ("sumber", "tempat_terbit"),
    "putusan": ("nomor", "pengadilan", "tanggal_dibacakan"),
}
TINGKAT_PROSES = ("Pertama", "Banding", "Kasasi", "Peninjauan Kembali")
ISBN_PATTERN = re.compile(r"(97[89][- ]?)?[0-9][- 0-9]{8,15}[0-9Xx]")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number of the body's first line), or None when there is none."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def find_product_files(content_dir: Path, problems: Problems) -> list[Path]:
    """Every `*.md` below content/, sorted; symlinks are refused, not followed (threat: file read)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                problems.add(base / name, None, _("symbolic link to a folder inside content/"),
                             _("replace the link with the real folder; links are refused so nothing outside is published"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink())
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(".md"):
                continue
            path = base / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.add(path, None, _("a product file is a symbolic link"), _("replace the link with the real file"))
            elif not stat.S_ISREG(mode):
                problems.add(path, None, _("a product file is not a regular file (a FIFO or device)"),
                             _("replace it with an ordinary .md file"))
            elif (reason := unsafe_name(name)) is not None:
                problems.add(path, None, _("the file name {reason}").format(
                    reason=reason), _("rename it, e.g. to {safe_name_name}").format(safe_name_name=safe_name(name)))
            else:
                found.append(path)
    return found


def nesting_depth(markdown_text: str) -> int:
    """How deep lists and block quotes nest, from indentation and '>' markers (a cheap upper bound)."""
    deepest = 0
    for line in markdown_text.splitlines():
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped) + line[: len(line) - len(stripped)].count("\t") * 3
        quotes = len(stripped) - len(stripped.lstrip("> "))
        deepest = max(deepest, indent // 2 + stripped[:quotes].count(">"))
    return deepest


def parse_key(sha256: str, name: str, config: SiteConfig) -> str:
    """The cache key of what `_parse` derives: the bytes (their sha256), the file name (the default
    id) and the settings that fill in defaults."""
    return key_of("product", sha256, name, config.instansi, config.tempat, config.bahasa, config.jenis)


def read_product(md: Path, content_dir: Path, config: SiteConfig, problems: Problems,
                 known: Mapping[str, Any] | None = None, learned: dict[str, Any] | None = None) -> Product | None:
    """The product in `md`, or None with its problems. `known` holds what earlier builds parsed from the
    same bytes (the cache); what this call had to parse is added to `learned`. Attachments are always
    found and hashed afresh: the gate relies on their hashes."""
    before = len(problems)
    try:
        raw = read_regular(md, MAX_MARKDOWN_BYTES)
    except InputFileError as exc:
        fix = _("keep the abstract short and put the full text in the PDF") if exc.too_large else exc.fix
        problems.add(md, None, exc.message, fix)
        return None
    except OSError as exc:
        problems.add(md, None, _("cannot read the file: {exc_strerror}").format(exc_strerror=exc.strerror), _("check the file's permissions"))
        return None
    digest = hashlib.sha256(raw).hexdigest()
    key = parse_key(digest, md.name, config)
    cached = known.get(key) if known is not None else None
    fields = decode_product(cached) if cached is not None else None
    if fields is None:
        fields = _parse(raw, md, config, problems)
        if fields is None:
            return None
        if len(problems) == before and learned is not None:
            learned[key] = encode_product(fields)
    at = fields.pop("abstrak_at")
    if "abstrak" not in fields:   # from the cache, which keeps only where the abstract starts
        fields["abstrak"] = raw.decode("utf-8").removeprefix("\ufeff")[at:].strip("\n")
    entries, line = fields.pop("berkas_entries"), fields.pop("berkas_line")
    berkas = resolve_attachments(md, content_dir, entries, line, problems)
    if len(problems) > before:
        return None
    return Product(source=md, source_name=md.name, source_sha256=digest,
                   berkas=tuple(berkas), **fields)


def _controlled_jenis(f: Fields, jenis: str, singkatan: str | None, config: SiteConfig) -> str | None:
    """The site's list decides: a jenis not on it is refused (with what was probably meant), and the
    singkatan_jenis is the list's (given, it must agree)."""
    listed = config.singkatan_of(jenis)
    names = [name for name, _ in config.jenis]
    if listed is None:
        close = [n for n in names if n.casefold() == jenis.casefold()] or \
            difflib.get_close_matches(jenis, names, n=3, cutoff=0.6)
        hint = _("did you mean ") + _(" or ").join(f"'{c}'" for c in close) + "? " if close else ""
        f.error("jenis", _("jenis '{jenis}' is not one of the site's jenis").format(jenis=jenis),
                _("{hint}use one listed under [tool.jdih.jenis] in pyproject.toml ({join_names}), or add it there").format(hint=hint, join_names=', '.join(names)))
        return singkatan
    if singkatan is not None and singkatan != listed:
        f.error("singkatan_jenis", _("singkatan_jenis '{singkatan}' is not the site's '{listed}' for jenis '{jenis}'").format(
            singkatan=singkatan, listed=listed, jenis=jenis),
                _("remove the line (it is filled from [tool.jdih.jenis]) or write `singkatan_jenis: {listed}`").format(listed=listed))
    return listed


def _parse(raw: bytes, md: Path, config: SiteConfig, problems: Problems) -> dict[str, Any] | None:
    """Everything a product file's bytes say, checked: the keyword arguments of `Product` but its
    source and attachments, plus `berkas_entries` and the line of `berkas`. None when unusable; only
    the attachment entries (to be checked with the other problems) when some other field is wrong."""
    before = len(problems)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(md, None, _("not UTF-8 text (byte {exc_start})").format(exc_start=exc.start), _("save the file as UTF-8"))
        return None
    text = text.removeprefix("\ufeff")
    if (bad := CONTROL_CHARACTERS.search(text)) is not None:
        line = text.count("\n", 0, bad.start()) + 1
        problems.add(md, line, _("the file holds the control character U+{ord_bad_group:04X}").format(ord_bad_group=ord(bad.group())),
                     _("remove it (it is invisible in most editors; retype the line)"))
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(md, 1, _("no YAML front matter"), _("start the file with a line '---', the fields, then a line '---'"))
        return None
    front, body, body_line = parts
    if nesting_depth(body) > MAX_NESTING:
        problems.add(md, body_line, _("the abstract nests lists or quotes more than {max_nesting} levels deep").format(max_nesting=MAX_NESTING),
                     _("flatten the lists: an abstract needs two or three levels at most"))
        return None
    try:
        tree = parse(front, line_offset=1)
    except YamlError as exc:
        problems.add(md, exc.line, exc.message, exc.fix)
        return None
    if not isinstance(tree, YMap):
        problems.add(md, 2, _("the front matter is not a set of `key: value` lines"), _("write one `key: value` per line"))
        return None

    f = Fields(tree, md, problems, _("the front matter"))
    tipe = f.choice("tipe_dokumen", TIPE_DOKUMEN, default="peraturan")
    if tipe is None:
        return None
    extra_text = EXTRA_TEXT_KEYS[tipe]
    extra_date = EXTRA_DATE_KEYS.get(tipe, ())
    extra_bool = EXTRA_BOOL_KEYS.get(tipe, ())
    f.check_known(COMMON_KEYS + extra_text + extra_date + extra_bool)
    for key in REQUIRED_KEYS[tipe]:
        f.require(key, _(" (required for tipe_dokumen {tipe})").format(tipe=tipe))

    product_id = f.text("id") or md.stem
    if not ID_PATTERN.fullmatch(product_id):
        f.error("id" if "id" in tree else None,
                _("id '{product_id}' does not match ^[a-z0-9][a-z0-9-]{{0,99}}$").format(product_id=product_id),
                _("use lower-case letters, digits and '-', e.g. `id: kpt-12-2023` (or rename the file)"))

    judul = f.text("judul", required=True)
    tahun = f.integer("tahun", required=True, low=1900, high=2100)
    values = {key: f.text(key) for key in ("jenis", "singkatan_jenis", "nomor", "teu_badan", "tempat_penetapan",
                                           "sumber", "bidang_hukum", "lokasi", "penandatangan", "pemrakarsa", "bahasa")}
    if config.jenis and values["jenis"] is not None and values["jenis"] != PENDING:   # PENDING: completeness.py
        values["singkatan_jenis"] = _controlled_jenis(f, values["jenis"], values["singkatan_jenis"], config)
    tanggal_penetapan = f.date("tanggal_penetapan")
    tanggal_pengundangan = f.date("tanggal_pengundangan")
    status = f.choice("status", STATUS_VALUES, case_insensitive=True)
    subjek = f.text_list("subjek")
    if tanggal_penetapan and tanggal_pengundangan and tanggal_pengundangan < tanggal_penetapan:
        f.error("tanggal_pengundangan", _("tanggal_pengundangan is before tanggal_penetapan"),
                _("a product is promulgated on or after the day it is enacted: check both dates"))

    extra: list[tuple[str, object]] = []
    for key in extra_text:
        value = f.text(key)
        if value is not None:
            extra.append((key, value))
    for key in extra_date:
        day = f.date(key)
        if day is not None:
            extra.append((key, day))
    for key in extra_bool:
        if key in tree:
            flag = f.boolean(key, default=False)
            if flag is not None:
                extra.append((key, flag))
    extras = dict(extra)
    if "tingkat_proses" in extras and extras["tingkat_proses"] not in TINGKAT_PROSES:
        f.error("tingkat_proses", _("tingkat_proses '{extras_tingkat_proses}' is not one of {join_tingkat_proses}").format(
            extras_tingkat_proses=extras['tingkat_proses'], join_tingkat_proses=', '.join(TINGKAT_PROSES)),
                _("use one of: {join_tingkat_proses}").format(join_tingkat_proses=', '.join(TINGKAT_PROSES)))
    if "isbn" in extras and not ISBN_PATTERN.fullmatch(str(extras["isbn"])):
        f.error("isbn", _("isbn '{extras_isbn}' is not an ISBN").format(extras_isbn=extras['isbn']), _("write the 10 or 13 digits, e.g. 978-602-1234-56-7"))

    relasi: list[Relation] = []
    for item in f.mapping_list("relasi") or []:
        r = Fields(item, md, problems, _("a relasi entry"))
        r.check_known(("jenis", "target", "catatan", "rujukan", "url"))
        rujukan = r.text("rujukan")
        # A product outside this catalogue is cited as text; its side cannot be derived, so either
        # direction may be written (dicabut: this product was revoked by it).
        kind = r.choice("jenis", RELATION_KINDS + tuple(RELATION_INVERSE.values()) if rujukan else RELATION_KINDS,
                        required=True)
        target = r.text("target", required=rujukan is None)
        catatan = r.text("catatan")
        url = r.text("url")
        if rujukan and target:
            r.error("rujukan", _("a relasi names either a target in this catalogue or a rujukan outside it, not both"),
                    _("keep `target:` for a product here, or `rujukan:` (and `url:`) for one elsewhere"))
        elif url is not None and (not rujukan or not re.fullmatch(r"https?://[^\s<>\"]+", url)):
            r.error("url", _("url must be an http(s) address, given with a rujukan"),
                    _("write e.g. `url: https://peraturan.go.id/...` beside `rujukan:`"))
        elif kind and (target or rujukan):
            relasi.append(Relation(kind, target, catatan, item.line, rujukan, url))

    id_jdihn, alamat_lama = read_continuity(f)
    entries = f.text_list("berkas") or []
    fields: dict[str, Any] = {"berkas_entries": entries, "berkas_line": f.line("berkas"),
                              "abstrak_at": len(text) - len(body)}   # where the abstract starts (not cached twice)
    if len(problems) > before or judul is None or tahun is None or subjek is None:
        return fields   # only the attachments, to be checked with the other problems
    fields.update(
        id=product_id,
        tipe_dokumen=tipe,
        judul=judul,
        tahun=tahun,
        jenis=values["jenis"],
        singkatan_jenis=values["singkatan_jenis"],
        nomor=values["nomor"],
        teu_badan=values["teu_badan"] or config.instansi,
        tempat_penetapan=values["tempat_penetapan"] or config.tempat,
        tanggal_penetapan=tanggal_penetapan,
        tanggal_pengundangan=tanggal_pengundangan,
        status=status,
        bahasa=values["bahasa"] or config.bahasa,
        sumber=values["sumber"],
        bidang_hukum=values["bidang_hukum"],
        lokasi=values["lokasi"],
        penandatangan=values["penandatangan"],
        pemrakarsa=values["pemrakarsa"],
        subjek=tuple(subjek),
        relasi=tuple(relasi),
        extra=tuple(extra),
        abstrak=body.strip("\n"),
        id_jdihn=id_jdihn,
        alamat_lama=alamat_lama,
    )
    return fields


def load_products(root: Path, config: SiteConfig, problems: Problems, workers: int = 1,
                  cache: Table | None = None) -> list[Product]:
    content_dir = root / "content"
    if not content_dir.is_dir() or content_dir.is_symlink():
        problems.add(content_dir, None, _("no content/ folder"), _("create content/ and put the products in it"))
        return []
    cache = cache if cache is not None else Table({})
    known = cache.entries_view()

    def read_one(md: Path) -> tuple[Product | None, list[Problem], dict[str, Any]]:
        found = Problems(problems.root)   # per file, so that it can be read in another process
        fresh: dict[str, Any] = {}        # what was parsed anew goes back to this process's cache
        return read_product(md, content_dir, config, found, known, fresh), found.items, fresh

    products: list[Product] = []

    def take(product: Product | None, fresh: dict[str, Any]) -> None:
        for key, value in fresh.items():
            cache.put(key, value)
        if product is not None:
            products.append(product)
            if not fresh:
                cache.get(parse_key(product.source_sha256, product.source_name, config))   # keep the entry it came from

    files = find_product_files(content_dir, problems)
    # Parse in worker processes; what the cache already parsed is read here (cheaper than sending back).
    if known or workers <= 1:
        for md in files:
            fresh: dict[str, Any] = {}
            take(read_product(md, content_dir, config, problems, known, fresh), fresh)
    else:
        for product, found, fresh in fork_map(read_one, files, workers):
            problems.items.extend(found)
            take(product, fresh)
    check_cross_references(products, problems)
    return sorted(products, key=lambda p: p.id)


def check_cross_references(products: list[Product], problems: Problems) -> None:
    """Rules between products: unique ids, relations pointing at real products."""
    by_id: dict[str, list[Product]] = {}
    for product in products:
        by_id.setdefault(product.id, []).append(product)
    for product_id, same in by_id.items():
        if len(same) > 1:
            names = ", ".join(problems.rel(p.source) for p in same)
            for p in same:
                problems.add(p.source, None, _("id '{product_id}' is used by more than one product ({names})").format(product_id=product_id, names=names),
                             _("give each product its own id (set `id:` or rename the file)"))
    for product in products:
        seen: set[tuple[str, str]] = set()
        for relation in product.relasi:
            if relation.target is None:
                continue   # a product outside this catalogue (rujukan)
            if relation.target == product.id:
                problems.add(product.source, relation.line, _("relasi {relation_jenis} points at the product itself").format(relation_jenis=relation.jenis),
                             _("name another product's id as target"))
            elif relation.target not in by_id:
                problems.add(product.source, relation.line, _("relasi target '{relation_target}' is not a product id").format(relation_target=relation.target),
                             _("use the id of a product in content/ (ids are the file names without .md unless set)"))
            if (relation.jenis, relation.target) in seen:
                problems.add(product.source, relation.line, _("relasi {relation_jenis} {relation_target} is listed twice").format(
                    relation_jenis=relation.jenis, relation_target=relation.target),
                             _("keep one"))
            seen.add((relation.jenis, relation.target))
