"""Small pure helpers for what the public reads: Indonesian dates and sizes, slugs, role labels."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def tanggal(value: date | datetime | None) -> str:
    """25 Oktober 2023"""
    if value is None:
        return "-"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def waktu(value: datetime) -> str:
    """25 Oktober 2023 09.30 (UTC+07:00): the record's own clock, with its offset."""
    offset = value.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{tanggal(value)} {value:%H.%M} ({zone})"


def ukuran(size: int) -> str:
    """A file size the Indonesian way: 12,3 KB."""
    if size < 1024:
        return f"{size} bita"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}".replace(".", ",")
    raise AssertionError("unreachable")


@functools.lru_cache(maxsize=1 << 16)   # pure; a catalogue asks for the same years and jenis 60,000 times
def slugify(text: str, fallback: str = "lainnya") -> str:
    """'Peraturan KPU' -> 'peraturan-kpu'; ASCII only, so that paths stay safe and stable."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-") or fallback


def peran_label(role: str) -> str:
    """'penanggung_jawab' -> 'Penanggung Jawab'."""
    return " ".join(word.capitalize() for word in role.split("_"))
