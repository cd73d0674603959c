"""Loading sign-off records from `approvals/<product-id>/*.yaml` (CONTRACT 4).

A record that cannot be read or breaks the format is invalid input (the build fails). Whether a
well-formed record actually counts is the gate's business (`gate.py`), not this module's.
"""

from __future__ import annotations

import re
from pathlib import Path

from .fields import Fields
from .model import DECISIONS, SignOff
from .policy import read_yaml
from .problems import Problems
from .strict_yaml import Scalar, YMap

RECORD_KEYS = ("produk", "langkah", "peran", "oleh", "keputusan", "waktu", "berkas", "catatan")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
POLICY_FILES = ("sop.yaml", "petugas.yaml")
MAX_SIGNATURE_BYTES = 64 * 1024


def read_signoff(path: Path, folder: str, problems: Problems) -> SignOff | None:
    before = len(problems)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(path, None, f"cannot read the sign-off: {exc.strerror}", "check the file's permissions")
        return None
    tree = read_yaml(path, problems, "the sign-off")
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
    signature = None
    sig_path = path.with_name(path.name + ".sig")
    if sig_path.exists() or sig_path.is_symlink():
        if sig_path.is_symlink() or not sig_path.is_file():
            problems.add(sig_path, None, "the signature is not a regular file", "replace it with the real .sig file")
        else:
            signature = sig_path.read_bytes()
            if len(signature) > MAX_SIGNATURE_BYTES:
                problems.add(sig_path, None, "the signature file is too large to be an SSH signature",
                             "sign again with jdih approve --key or ssh-keygen -Y sign -n jdih-approval")
    if len(problems) > before:
        return None
    return SignOff(path=path, folder=folder, produk=produk, langkah=langkah, peran=peran, oleh=oleh,
                   keputusan=keputusan, waktu=waktu, berkas=tuple(sorted(berkas)), catatan=catatan,
                   raw=raw, signature=signature)


def load_signoffs(root: Path, problems: Problems) -> list[SignOff]:
    approvals = root / "approvals"
    if not approvals.is_dir() or approvals.is_symlink():
        problems.add(approvals, None, "no approvals/ folder", "create approvals/ with sop.yaml and petugas.yaml")
        return []
    records: list[SignOff] = []
    for entry in sorted(approvals.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.add(entry, None, "symbolic links are refused in approvals/", "replace the link with the real file or folder")
            continue
        if entry.is_file():
            if entry.name not in POLICY_FILES and entry.suffix in (".yaml", ".yml"):
                problems.add(entry, None, "a sign-off must lie in approvals/<product-id>/, not in approvals/ itself",
                             "move it into the folder named after its product")
            continue
        for path in sorted(entry.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_symlink():
                problems.add(path, None, "symbolic links are refused in approvals/", "replace the link with the real file")
            elif path.suffix == ".yml":
                problems.add(path, None, "sign-off files end in .yaml", f"rename it to {path.stem}.yaml")
            elif path.is_dir():
                problems.add(path, None, "a folder inside a product's sign-off folder", "keep only the sign-off files there")
            elif path.suffix == ".yaml":
                record = read_signoff(path, entry.name, problems)
                if record is not None:
                    records.append(record)
            elif path.name.endswith(".yaml.sig"):
                if not path.with_name(path.name[: -len(".sig")]).exists():
                    problems.add(path, None, "a signature without its sign-off file", "remove it, or restore the .yaml it signs")
    return records
