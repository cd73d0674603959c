"""Parsed product and sign-off fields as plain JSON values, for the build cache.

Only what the parse derived from a file's bytes is stored; paths, attachments and signatures are
always taken from this build. A stored value that does not decode cleanly is a cache miss (None).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jdih_build.model import Relation

_DATE_FIELDS = ("tanggal_penetapan", "tanggal_pengundangan")
_TUPLE_FIELDS = ("subjek", "alamat_lama")


def encode_product(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "abstrak":
            continue    # read again from the file's bytes at `abstrak_at`: no need to store it twice
        if key in _DATE_FIELDS:
            out[key] = value.isoformat() if value is not None else None
        elif key == "relasi":
            out[key] = [[r.jenis, r.target, r.catatan, r.line, r.rujukan, r.url] for r in value]
        elif key == "extra":
            out[key] = [[k, "date", v.isoformat()] if isinstance(v, date) else [k, type(v).__name__, v] for k, v in value]
        elif key in _TUPLE_FIELDS or key == "berkas_entries":
            out[key] = list(value)
        else:
            out[key] = value
    return out


def decode_product(data: Any) -> dict[str, Any] | None:
    try:
        fields = dict(data)
        for key in _DATE_FIELDS:
            fields[key] = date.fromisoformat(fields[key]) if fields[key] is not None else None
        fields["relasi"] = tuple(Relation(str(j), t, c, int(line), rujukan, url) for j, t, c, line, rujukan, url in fields["relasi"])
        extra: list[tuple[str, object]] = []
        for key, kind, value in fields["extra"]:
            if kind == "date":
                extra.append((key, date.fromisoformat(value)))
            elif kind in ("str", "bool", "int"):
                extra.append((key, value))
            else:
                return None
        fields["extra"] = tuple(extra)
        fields["subjek"] = tuple(fields["subjek"])
        fields["alamat_lama"] = tuple(fields["alamat_lama"])
        fields["berkas_entries"] = list(fields["berkas_entries"])
        if not isinstance(fields["abstrak_at"], int) or "abstrak" in fields:
            return None
        return fields
    except (TypeError, ValueError, KeyError):
        return None


SIGNOFF_FIELDS = ("produk", "langkah", "peran", "oleh", "keputusan", "waktu", "berkas", "catatan")
SignOffFields = tuple[str, int, str, str, str, datetime, tuple[tuple[str, str], ...], "str | None"]
"""A sign-off's parsed fields in SIGNOFF_FIELDS order: what SignOff takes after its path and folder."""


def signoff_fields(parsed: dict[str, Any]) -> SignOffFields:
    return (parsed["produk"], parsed["langkah"], parsed["peran"], parsed["oleh"], parsed["keputusan"],
            parsed["waktu"], parsed["berkas"], parsed["catatan"])


def encode_signoff(fields: dict[str, Any]) -> list[Any]:
    """A list in SIGNOFF_FIELDS order: 40,000 of them decode faster without the keys."""
    return [fields[name] if name not in ("waktu", "berkas") else
            fields["waktu"].isoformat() if name == "waktu" else [list(pair) for pair in fields["berkas"]]
            for name in SIGNOFF_FIELDS]


def decode_signoff(data: Any) -> SignOffFields | None:
    try:
        if not isinstance(data, list) or len(data) != len(SIGNOFF_FIELDS):
            return None
        produk, langkah, peran, oleh, keputusan, waktu, berkas, catatan = data
        when = datetime.fromisoformat(waktu)
        if when.tzinfo is None:
            return None
        return produk, langkah, peran, oleh, keputusan, when, tuple((str(n), str(s)) for n, s in berkas), catatan
    except (TypeError, ValueError):
        return None
