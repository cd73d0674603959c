"""A sign-off's bytes and its file: YAML written by hand (the key order and the bytes are ours), the
record's name in approvals/<id>/, and writing it (and its .sig) without ever replacing a record."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jdih_build.workflow.atomic import write_atomic

# Plain YAML scalars that every reader takes as text: a lower-case word that is not a YAML keyword.
_PLAIN_SAFE = re.compile(r"[a-z][a-z0-9_-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


# --------------------------------------------------------------------------------------------------
# YAML emission (by hand, so that the key order and the bytes are ours)


def _printable(ch: str) -> bool:
    """YAML's printable set, minus the characters YAML treats as line breaks."""
    code = ord(ch)
    if ch in "\u0085\u2028\u2029\ufeff":
        return False
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def yaml_quote(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly `text` in any YAML reader."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def yaml_scalar(text: str) -> str:
    """Plain when plainly safe (ids, role names), double-quoted otherwise."""
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return yaml_quote(text)


def format_waktu(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def render_record(produk: str, langkah: int, peran: str, oleh: str, keputusan: str, waktu: datetime,
                  berkas: dict[str, str], catatan: str | None) -> bytes:
    """The sign-off's bytes, keys in the order of CONTRACT 4."""
    lines = [
        f"produk: {yaml_scalar(produk)}",
        f"langkah: {langkah}",
        f"peran: {yaml_scalar(peran)}",
        f"oleh: {yaml_quote(oleh)}",
        f"keputusan: {keputusan}",
        f"waktu: {format_waktu(waktu)}",
        "berkas:",
        *(f"  {yaml_quote(name)}: {yaml_quote(digest)}" for name, digest in sorted(berkas.items())),
    ]
    if catatan is not None:
        lines.append(f"catatan: {yaml_quote(catatan)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------
# Writing


def record_path(folder: Path, step_no: int, role: str) -> Path:
    """`<NN>-<peran>.yaml`, with `-2`, `-3`, ... where the name (or its .sig) is taken."""
    stem = f"{step_no:02d}-{role}"
    suffix = 1
    while True:
        name = f"{stem}.yaml" if suffix == 1 else f"{stem}-{suffix}.yaml"
        path = folder / name
        if not (path.exists() or path.is_symlink() or path.with_name(name + ".sig").exists()):
            return path
        suffix += 1


def write_new_file(path: Path, data: bytes) -> None:
    """Write atomically and never replace an existing file."""
    write_atomic(path, data, replace=False)


def write_record(path: Path, data: bytes, signature: bytes | None) -> list[Path]:
    """The .sig first, then the .yaml: a record never exists without its signature."""
    created_folder = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        if signature is not None:
            sig = path.with_name(path.name + ".sig")
            write_new_file(sig, signature)
            written.append(sig)
        write_new_file(path, data)
        written.insert(0, path)
    except BaseException:
        for done in written:
            done.unlink(missing_ok=True)
        if created_folder:
            try:
                path.parent.rmdir()
            except OSError:
                pass
        raise
    return written
