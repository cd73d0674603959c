"""Small pure helpers for what the public reads: Indonesian dates and sizes, slugs, role labels."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, tzinfo

from jdih_build.model import TteSignature

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def tanggal(value: date | datetime | None) -> str:
    """25 Oktober 2023"""
    if value is None:
        return "-"
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def zone_label(value: datetime) -> str:
    """The zone a moment is written in, as an Indonesian reader names it: WIB, WITA, WIT (the zone's
    own abbreviation where it has one), else its UTC offset (UTC+07:00)."""
    name = value.tzname() or ""
    if name.isalpha() and name.isupper():
        return name
    offset = value.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def waktu(value: datetime, zone: tzinfo | None = None) -> str:
    """25 Oktober 2023 09.30 WIB: on the office's clock (`zone`, the site's zona_waktu), else on the
    record's own, with its offset."""
    if zone is not None:
        value = value.astimezone(zone)
    return f"{tanggal(value)} {value:%H.%M} {zone_label(value)}"


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


_TEU = re.compile(r"^(?P<place>[^().]+) \((?P<kind>Kota|Kab\.|Kabupaten|Prov\.|Provinsi)\)\. (?P<body>.+)$")
_TEU_KIND = {"Kota": "Kota", "Kab.": "Kabupaten", "Kabupaten": "Kabupaten", "Prov.": "Provinsi", "Provinsi": "Provinsi"}


def nama_instansi(teu: str | None) -> str:
    """The office's name as prose: the catalogue's T.E.U. form 'Payakumbuh (Kota). Komisi Pemilihan
    Umum' reads 'Komisi Pemilihan Umum Kota Payakumbuh'; 'Indonesia. Mahkamah Agung' reads 'Mahkamah
    Agung'. Anything else is shown as written."""
    if not teu:
        return ""
    match = _TEU.match(teu.strip())
    if match:
        return f"{match['body']} {_TEU_KIND[match['kind']]} {match['place'].strip()}"
    if teu.startswith("Indonesia. "):
        return teu.removeprefix("Indonesia. ")
    return teu


def tte_label(tte: TteSignature) -> str:
    """How the public reads a sign-off made with TTE (in Indonesian, as the site is)."""
    return f"ditandatangani secara elektronik (TTE), sertifikat dari {tte.issuer}"


def peran_label(role: str) -> str:
    """'penanggung_jawab' -> 'Penanggung Jawab'."""
    return " ".join(word.capitalize() for word in role.split("_"))
