"""Loading sign-off records from `approvals/<product-id>/*.yaml` (CONTRACT 4).

A record that cannot be read or breaks the format is invalid input (the build fails). Whether a
well-formed record actually counts is the gate's business (`gate.py`), not this module's.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jdih_build.cache.store import Table
from jdih_build.load.codec import decode_signoff, encode_signoff
from jdih_build.load.fields import Fields
from jdih_build.load.policy import POLICY_FILES, parse_yaml, read_input
from jdih_build.load.problems import Problem, Problems
from jdih_build.load.safe_read import MAX_SIGNATURE_BYTES, MAX_SIGNOFF_BYTES
from jdih_build.load.strict_yaml import Scalar, YMap
from jdih_build.model import DECISIONS, SignOff
from jdih_build.parallel import fork_map

RECORD_KEYS = ("produk", "langkah", "peran", "oleh", "keputusan", "waktu", "berkas", "catatan")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
POLICY_SIGNATURES = tuple(f"{name}.sig" for name in POLICY_FILES)


def signoff_key(raw: bytes) -> str:
    return "signoff-" + hashlib.sha256(raw).hexdigest()


RecordParts = tuple[bytes, "bytes | None", dict[str, Any]]
"""(the record's bytes, its signature's bytes, its parsed fields): a SignOff but its path and folder."""


def read_signoff(path: Path, folder: str, problems: Problems, known: Mapping[str, Any] | None = None,
                 learned: dict[str, Any] | None = None, has_signature: bool | None = None) -> SignOff | None:
    """The record in `path`, or None with its problems. `known` holds what earlier builds parsed
    from the same bytes (the cache); what had to be parsed now is added to `learned`. The signature
    beside it is always read afresh."""
    parts = read_parts(path, problems, known, learned, has_signature)
    if parts is None:
        return None
    raw, signature, fields = parts
    return SignOff(path=path, folder=folder, raw=raw, signature=signature, **fields)


def read_parts(path: Path, problems: Problems, known: Mapping[str, Any] | None = None,
               learned: dict[str, Any] | None = None, has_signature: bool | None = None) -> RecordParts | None:
    before = len(problems)
    raw = read_input(path, problems, "the sign-off", MAX_SIGNOFF_BYTES)
    if raw is None:
        return None
    key = signoff_key(raw)
    cached = known.get(key) if known is not None else None
    fields = decode_signoff(cached) if cached is not None else None
    if fields is None:
        fields = _parse(path, raw, problems)
        if fields is None:
            return None
        if learned is not None:
            learned[key] = encode_signoff(fields)
    signature = None
    if has_signature is None:
        has_signature = os.path.lexists(f"{path}.sig")
    if has_signature:
        signature = read_input(path.with_name(path.name + ".sig"), problems, "the signature", MAX_SIGNATURE_BYTES)
    if len(problems) > before:
        return None
    return raw, signature, fields


def _parse(path: Path, raw: bytes, problems: Problems) -> dict[str, Any] | None:
    """The record's fields, checked; None with the problems when it breaks the format."""
    before = len(problems)
    tree = parse_yaml(path, raw, problems, "the sign-off")   # the very bytes a signature covers
    if tree is None:
        return None
    if not isinstance(tree, YMap):
        problems.add(path, 1, "a sign-off must be a mapping of `key: value` lines", "see CONTRACT section 4")
        return None
    f = Fields(tree, path, problems, "the sign-off")
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
            f.error("berkas", "'berkas' must map each file name to its sha256",
                    "list `file-name: <64 hex digits>` lines (jdih approve writes them)")
        else:
            for name, value in node.items():
                line = node.key_lines[name]
                if not isinstance(value, Scalar) or not SHA256_PATTERN.fullmatch(value.text):
                    problems.add(path, line, f"the hash of '{name}' is not 64 lower-case hex digits",
                                 "write the file's sha256 (sha256sum FILE), or re-run jdih approve")
                else:
                    berkas.append((name, value.text))
    if len(problems) > before or produk is None or langkah is None or peran is None or oleh is None \
            or keputusan is None or waktu is None:
        return None
    return {"produk": produk, "langkah": langkah, "peran": peran, "oleh": oleh, "keputusan": keputusan,
            "waktu": waktu, "berkas": tuple(sorted(berkas)), "catatan": catatan}


def load_signoffs(root: Path, problems: Problems, workers: int = 1, cache: Table | None = None) -> list[SignOff]:
    approvals = root / "approvals"
    if not approvals.is_dir() or approvals.is_symlink():
        problems.add(approvals, None, "no approvals/ folder", "create approvals/ with sop.yaml and petugas.yaml")
        return []
    # One scandir per folder: the entry types come with the listing, so 40,000 records cost no stat each.
    files: list[tuple[Path, str, str, frozenset[str]]] = []
    with os.scandir(approvals) as listing:
        top = sorted(listing, key=lambda e: e.name)
    for entry in top:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.add(path, None, "symbolic links are refused in approvals/", "replace the link with the real file or folder")
            continue
        if not entry.is_dir(follow_symlinks=False):
            if entry.name not in POLICY_FILES and entry.name.lower().endswith((".yaml", ".yml", ".yaml.sig")) \
                    and entry.name not in POLICY_SIGNATURES:
                problems.add(path, None, "a sign-off must lie in approvals/<product-id>/, not in approvals/ itself",
                             "move it into the folder named after its product")
            continue
        with os.scandir(entry.path) as inner:
            members = sorted(inner, key=lambda e: e.name)
        names = frozenset(m.name for m in members)
        for member in members:
            kind = "link" if member.is_symlink() else "dir" if member.is_dir(follow_symlinks=False) else "file"
            files.append((path / member.name, entry.name, kind, names))

    cache = cache if cache is not None else Table({})
    known = cache.entries_view()

    def read_one(item: tuple[Path, str, str, frozenset[str]]) -> tuple[RecordParts | None, list[Problem], dict[str, Any]]:
        found = Problems(problems.root)   # per file, so that it can be read in another process
        fresh: dict[str, Any] = {}
        return _folder_entry(*item, found, known, fresh), found.items, fresh

    # Parsing is worth spreading over processes; reading what the cache already parsed is not (measured:
    # 40,000 records take 2.3 s here, 3.3 s over two workers). Workers send back bytes and plain fields.
    records: list[SignOff] = []
    results = fork_map(read_one, files, workers if not known else 1)
    for (path, folder, _, _), (parts, found, fresh) in zip(files, results, strict=True):
        problems.items.extend(found)
        for key, value in fresh.items():
            cache.put(key, value)
        if parts is not None:
            raw, signature, fields = parts
            records.append(SignOff(path=path, folder=folder, raw=raw, signature=signature, **fields))
            if not fresh:
                cache.get(signoff_key(raw))   # keep the entry it came from (a dict lookup)
    return records


def _folder_entry(path: Path, folder: str, kind: str, siblings: frozenset[str], problems: Problems,
                  known: Mapping[str, Any], learned: dict[str, Any]) -> RecordParts | None:
    """Every file in a sign-off folder is a record, a record's signature, or an error: a rejection
    saved as `09-x.YAML` or `.09-x.yaml` must never be dropped silently while the product publishes."""
    name = path.name
    if kind == "link":
        problems.add(path, None, "symbolic links are refused in approvals/", "replace the link with the real file")
    elif kind == "dir":
        problems.add(path, None, "a folder inside a product's sign-off folder", "keep only the sign-off files there")
    elif name.startswith("."):
        problems.add(path, None, "a hidden file in a sign-off folder", "remove it, or rename it <NN>-<peran>.yaml if it is a sign-off")
    elif name.endswith(".yaml"):
        return read_parts(path, problems, known, learned, has_signature=name + ".sig" in siblings)
    elif name.endswith(".yaml.sig"):
        if name[: -len(".sig")] not in siblings:
            problems.add(path, None, "a signature without its sign-off file", "remove it, or restore the .yaml it signs")
    elif name.lower().endswith((".yaml", ".yml")):
        stem = name.rsplit(".", 1)[0]
        problems.add(path, None, "sign-off files end in .yaml (lower case)", f"rename it to {stem}.yaml")
    else:
        problems.add(path, None, "not a sign-off: every file here must be <NN>-<peran>.yaml or its .sig",
                     "remove it, or move it out of approvals/")
    return None
