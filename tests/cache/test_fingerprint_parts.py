"""The page fingerprints cover every field of what a page reads: a model class that gains a field
fails here until cache/fingerprint.py says how the field is covered."""

from __future__ import annotations

import dataclasses

from jdih_build.cache.fingerprint import ENTRY_PARTS
from jdih_build.gate.rules import StepResult, Verdict
from jdih_build.model import Attachment, SignOff
from jdih_build.publish.catalogue import Entry, FileEntry, RelationLink
from jdih_build.publish.pdf_info import PdfInfo


def test_every_field_of_an_entry_is_fingerprinted() -> None:
    for cls in (Entry, Verdict, StepResult, RelationLink, FileEntry, Attachment, PdfInfo, SignOff):
        assert tuple(f.name for f in dataclasses.fields(cls)) == ENTRY_PARTS[cls.__name__], cls.__name__
