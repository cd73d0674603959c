"""The cache's codec of parsed fields: a decoded value is what the parse gave, in the order the model
takes it (sign-offs are made positionally, 40,000 per build)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from jdih_build.load.codec import SIGNOFF_FIELDS, decode_signoff, encode_signoff, signoff_fields
from jdih_build.model import SignOff


def test_signoff_fields_follow_the_model_order() -> None:
    names = tuple(f.name for f in dataclasses.fields(SignOff))
    assert names[2:2 + len(SIGNOFF_FIELDS)] == SIGNOFF_FIELDS


def test_a_signoff_round_trips_and_bad_values_are_misses() -> None:
    parsed = {"produk": "kpt-1-2024", "langkah": 2, "peran": "admin_web", "oleh": "Rina", "keputusan": "disetujui",
              "waktu": datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=7))),
              "berkas": (("kpt-1-2024.md", "a" * 64),), "catatan": None}
    assert decode_signoff(encode_signoff(parsed)) == signoff_fields(parsed)
    naive = encode_signoff({**parsed, "waktu": datetime(2024, 3, 1, 9, 30)})
    for bad in (None, {"produk": "x"}, [1, 2, 3], naive, encode_signoff(parsed)[:-1]):
        assert decode_signoff(bad) is None
