"""Loading sign-off records from `approvals/<product-id>/*.yaml` (CONTRACT 4).

A record that cannot be read or breaks the format is invalid input (the build fails). Whether a
well-formed record actually counts is the gate's business (`gate.py`), not this module's.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jdih_build.cache.store import Table
from jdih_build.i18n import _
from jdih_build.load.codec import SignOffFields, decode_signoff, encode_signoff, signoff_fields
from jdih_build.load.fields import Fields
from jdih_build.load.policy import POLICY_FILES, parse_yaml, read_input
from jdih_build.load.problems import Problem, Problems
from jdih_build.load.safe_read import MAX_SIGNATURE_BYTES, MAX_SIGNOFF_BYTES
from jdih_build.load.strict_yaml import Scalar, YMap
from jdih_build.model import DECISIONS, SignOff
from jdih_build.parallel import fork_map, in_background

RECORD_KEYS = ("produk", "langkah", "peran", "oleh", "keputusan", "waktu", "berkas", "catatan")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
POLICY_SIGNATURES = tuple(f"{name}.sig" for name in POLICY_FILES)


def signoff_key(raw: bytes) -> str:
    return "signoff-" + hashlib.sha256(raw).hexdigest()


RecordParts = tuple[bytes, "bytes | None", "SignOffFields | None", str]
"""(the record's bytes, its signature's bytes, its fields in SIGNOFF_FIELDS order, its cache key):
a SignOff but its path and folder."""


def read_signoff(path: Path, folder: str, problems: Problems, known: Mapping[str, Any] | None = None,
                 learned: dict[str, Any] | None = None, has_signature: bool | None = None) -> SignOff | None:
    """The record in `path`, or None with its problems. `known` holds what earlier builds parsed
    from the same bytes (the cache); what had to be parsed now is added to `learned`. The signature
    beside it is always read afresh."""
    parts = read_parts(str(path), problems, known, learned, has_signature)
    if parts is None:
        return None
    raw, signature, fields, _ = parts
    assert fields is not None
    return SignOff(path, folder, *fields, raw=raw, signature=signature)


def read_parts(path: str, problems: Problems, known: Mapping[str, Any] | None = None,
               learned: dict[str, Any] | None = None, has_signature: bool | None = None,
               keep_known: bool = False) -> RecordParts | None:
    """The record's bytes, its signature's, its fields (in SIGNOFF_FIELDS order) and its cache key.
    With `keep_known`, the fields of bytes `known` holds are left out (None): the process the parts
    are sent to decodes them itself, which costs less than pickling them.
    `path` is a string: 40,000 records are read on every build, and pathlib costs more than the read."""
    before = len(problems)
    raw = read_input(path, problems, "the sign-off", MAX_SIGNOFF_BYTES)
    if raw is None:
        return None
    key = signoff_key(raw)
    cached = known.get(key) if known is not None else None
    fields: SignOffFields | None = None
    if cached is None or not keep_known:   # else left to the process the parts go to
        fields = decode_signoff(cached) if cached is not None else None
        if fields is None:
            if (fresh := _fresh_fields(path, raw, problems)) is None:
                return None
            fields, learned_value = fresh
            if learned is not None:
                learned[key] = learned_value
    signature = None
    if has_signature is None:
        has_signature = os.path.lexists(f"{path}.sig")
    if has_signature:
        signature = read_input(f"{path}.sig", problems, _("the signature"), MAX_SIGNATURE_BYTES)
    if len(problems) > before:
        return None
    return raw, signature, fields, key


def _fresh_fields(path: str, raw: bytes, problems: Problems) -> tuple[SignOffFields, list[Any]] | None:
    """The record's fields parsed from its bytes, and their form for the cache; None with problems."""
    parsed = parse_record(Path(path), raw, problems)
    return None if parsed is None else (signoff_fields(parsed), encode_signoff(parsed))


def parse_record(path: Path, raw: bytes, problems: Problems) -> dict[str, Any] | None:
    """The record's fields, checked; None with the problems when it breaks the format."""
    before = len(problems)
    tree = parse_yaml(path, raw, problems, "the sign-off")   # the very bytes a signature covers
    if tree is None:
        return None
    if not isinstance(tree, YMap):
        problems.add(path, 1, _("a sign-off must be a mapping of `key: value` lines"), _("see docs/format-berkas.md, section 3"))
        return None
    f = Fields(tree, path, problems, _("the sign-off"))
    f.check_known(RECORD_KEYS)
    produk = f.text("produk", required=True)
    langkah = f.integer("langkah", required=True, low=1, high=999)
    peran = f.text("peran", required=True)
    oleh = f.text("oleh", required=True)
    keputusan = f.choice("keputusan", DECISIONS, required=True)
    waktu = f.timestamp("waktu", required=True)
    catatan = f.text("catatan")
    berkas: list[tuple[str, str]] = []
    if f.require("berkas"):
        node = tree["berkas"]
        if not isinstance(node, YMap) or not node:
            f.error("berkas", _("'berkas' must map each file name to its sha256"),
                    _("list `file-name: <64 hex digits>` lines (jdih approve writes them)"))
        else:
            for name, value in node.items():
                line = node.key_lines[name]
                if not isinstance(value, Scalar) or not SHA256_PATTERN.fullmatch(value.text):
                    problems.add(path, line, _("the hash of '{name}' is not 64 lower-case hex digits").format(name=name),
                                 _("write the file's sha256 (sha256sum FILE), or re-run jdih approve"))
                else:
                    berkas.append((name, value.text))
    if len(problems) > before or produk is None or langkah is None or peran is None or oleh is None \
            or keputusan is None or waktu is None:
        return None
    return {"produk": produk, "langkah": langkah, "peran": peran, "oleh": oleh, "keputusan": keputusan,
            "waktu": waktu, "berkas": tuple(sorted(berkas)), "catatan": catatan}


FileRead = tuple[str, str, "RecordParts | None", dict[str, Any]]
"""(path, folder, what was read or None, what was parsed anew for the cache): one file in approvals/."""

Lembar = tuple[str, str]
"""(path, product id): a signed lembar persetujuan PDF, read by load/lembar_signoffs.py."""


def is_lembar(name: str, kind: str) -> bool:
    return kind == "file" and name.endswith(".pdf") and not name.startswith(".")


CHILD_SHARE = 0.7   # of the sign-off folders, read by the child when the cache holds their parse


def start_loading_signoffs(root: Path, problems: Problems, workers: int = 1,
                           cache: Table | None = None) -> Callable[[], tuple[list[SignOff], list[Lembar]]]:
    """Start reading every sign-off, in a forked child when there are workers > 1, while
    the caller goes on (with the products); the function returned waits and gives the records, and the
    lembar PDFs the same listing found (verified elsewhere: load/lembar_signoffs.py).

    The folders are listed once, here, and split: with the cache warm the child reads CHILD_SHARE of
    them and the parent the rest once its products are loaded (each side then waits least). Only
    plain values travel back (bytes, strings, keys: cheap to pickle); the SignOff objects are made
    here. Measured at 10,000 products with everything cached: the child's part 0.6 s, the parent's
    0.3 s plus 0.3 s making the records."""
    cache = cache if cache is not None else Table({})
    known = cache.entries_view()
    root_dir = problems.root
    folders = list_approvals(root, problems)
    elsewhere = workers > 1
    cut = len(folders) if not (elsewhere and known) else int(len(folders) * CHILD_SHARE)
    pending = in_background(lambda: read_signoff_files(folders[:cut], root_dir, known, workers, elsewhere), elsewhere)

    def records() -> tuple[list[SignOff], list[Lembar]]:
        rest = read_signoff_files(folders[cut:], root_dir, known, 1) if cut < len(folders) else ([], [], [])
        made: list[SignOff | None] = []
        lembar: list[Lembar] = []
        for found, files, pdfs in (pending(), rest):
            problems.items.extend(found)
            made += [_signoff_of(path, folder, parts, fresh, cache, problems) for path, folder, parts, fresh in files]
            lembar += pdfs
        return [record for record in made if record is not None], lembar

    return records


def list_approvals(root: Path, problems: Problems) -> list[tuple[str, str]]:
    """The sign-off folders in approvals/, as (path, product id) in name order; what else lies there
    is a problem (a sign-off outside a folder is never dropped silently)."""
    approvals = root / "approvals"
    if not approvals.is_dir() or approvals.is_symlink():
        problems.add(approvals, None, _("no approvals/ folder"), _("create approvals/ with sop.yaml and petugas.yaml"))
        return []
    folders: list[tuple[str, str]] = []
    with os.scandir(approvals) as listing:
        top = sorted(listing, key=lambda e: e.name)
    for entry in top:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.add(Path(entry.path), None, _("symbolic links are refused in approvals/"), _("replace the link with the real file or folder"))
        elif entry.is_dir(follow_symlinks=False):
            folders.append((entry.path, entry.name))
        elif entry.name not in POLICY_FILES and entry.name.lower().endswith((".yaml", ".yml", ".yaml.sig")) \
                and entry.name not in POLICY_SIGNATURES and entry.name != "ganti-nama.yaml":
            problems.add(Path(entry.path), None, _("a sign-off must lie in approvals/<product-id>/, not in approvals/ itself"),
                         _("move it into the folder named after its product"))
    return folders


def _signoff_of(path: str, folder: str, parts: RecordParts | None, fresh: dict[str, Any], cache: Table,
                problems: Problems) -> SignOff | None:
    """The record one file was read into; what it parsed anew goes into the cache, what it took from
    there is marked as used."""
    for key, value in fresh.items():
        cache.put(key, value)
    if parts is None:
        return None
    raw, signature, fields, key = parts
    if fields is None:   # read where the cache held it: decoded here (cheaper than pickling the fields)
        fields = decode_signoff(cache.get(key))
        if fields is None:   # a damaged entry: parse the bytes after all
            if (fresh_fields := _fresh_fields(path, raw, problems)) is None:
                return None
            fields = fresh_fields[0]
            cache.put(key, fresh_fields[1])
    elif not fresh:
        cache.get(key)   # keep the entry it came from (a dict lookup)
    return SignOff(Path(path), folder, *fields, raw=raw, signature=signature)


def read_signoff_files(folders: Sequence[tuple[str, str]], root_dir: Path, known: Mapping[str, Any], workers: int,
                       keep_known: bool = False) -> tuple[list[Problem], list[FileRead], list[Lembar]]:
    """Every file in these sign-off folders, read (and parsed where `known` lacks its bytes), with
    the problems found, and the lembar PDFs among them (listed once, here: not a second walk of
    approvals/); plain values only, so that it can run in another process."""
    problems = Problems(root_dir)
    # One scandir per folder: the entry types come with the listing, so 40,000 records cost no stat each.
    files: list[tuple[str, str, str, frozenset[str]]] = []
    lembar: list[Lembar] = []
    for folder_path, folder in folders:
        try:
            with os.scandir(folder_path) as inner:
                members = sorted(inner, key=lambda e: e.name)
        except OSError as exc:   # removed or made unreadable since it was listed: never skipped silently
            problems.add(Path(folder_path), None, _("cannot read the sign-off folder: {exc_strerror_or_exc}").format(exc_strerror_or_exc=exc.strerror or exc),
                         _("check the folder's permissions; if it was just removed or renamed, build again"))
            continue
        names = frozenset(m.name for m in members)
        for member in members:
            kind = "link" if member.is_symlink() else "dir" if member.is_dir(follow_symlinks=False) else "file"
            if is_lembar(member.name, kind):
                lembar.append((member.path, folder))
            else:
                files.append((member.path, folder, kind, names))

    read: list[FileRead] = []
    if known or workers <= 1:
        # Reading what the cache already parsed is not worth more processes: each must send its records back.
        for path, folder, kind, names in files:
            fresh: dict[str, Any] = {}
            read.append((path, folder, _folder_entry(path, folder, kind, names, problems, known, fresh, keep_known), fresh))
        return problems.items, read, lembar

    def read_one(item: tuple[str, str, str, frozenset[str]]) -> tuple[RecordParts | None, list[Problem], dict[str, Any]]:
        found = Problems(root_dir)   # per file, so that it can be read in another process
        fresh: dict[str, Any] = {}
        return _folder_entry(*item, found, known, fresh), found.items, fresh

    for (path, folder, _name, _known), (parts, found, fresh) in zip(files, fork_map(read_one, files, workers), strict=True):
        problems.items.extend(found)
        read.append((path, folder, parts, fresh))
    return problems.items, read, lembar


def _folder_entry(where: str, folder: str, kind: str, siblings: frozenset[str], problems: Problems,
                  known: Mapping[str, Any], learned: dict[str, Any], keep_known: bool = False) -> RecordParts | None:
    """Every file in a sign-off folder is a record, a record's signature, or an error: a rejection
    saved as `09-x.YAML` or `.09-x.yaml` must never be dropped silently while the product publishes."""
    name = os.path.basename(where)
    if kind == "file" and name.endswith(".yaml") and not name.startswith("."):
        return read_parts(where, problems, known, learned, name + ".sig" in siblings, keep_known)
    path = Path(where)
    if kind == "link":
        problems.add(path, None, _("symbolic links are refused in approvals/"), _("replace the link with the real file"))
    elif kind == "dir":
        problems.add(path, None, _("a folder inside a product's sign-off folder"), _("keep only the sign-off files there"))
    elif name.startswith("."):
        problems.add(path, None, _("a hidden file in a sign-off folder"), _("remove it, or rename it <NN>-<peran>.yaml if it is a sign-off"))
    elif name.endswith(".yaml.sig"):
        if name[: -len(".sig")] not in siblings:
            problems.add(path, None, _("a signature without its sign-off file"), _("remove it, or restore the .yaml it signs"))
    elif name.lower().endswith((".yaml", ".yml")):
        stem = name.rsplit(".", 1)[0]
        problems.add(path, None, _("sign-off files end in .yaml (lower case)"), _("rename it to {stem}.yaml").format(stem=stem))
    else:
        problems.add(path, None, _("not a sign-off: every file here must be <NN>-<peran>.yaml, its .sig, or a signed lembar <NN>-<peran>.pdf"),
                     _("remove it, or move it out of approvals/"))
    return None
