"""`jdih import`, the feed as a whole: rows of one document merged into one record (issue 20)."""

from __future__ import annotations

from typing import Any

from jdih_build.workflow.catalogue.import_records import CANONICAL, folded, text_of

MERGED = ("subjek", "teuBadan", "fileDownload", "urlDownload")


def merge_rows(records: list[Any]) -> list[tuple[int, Any]]:
    """One record per idData. The old member template joins its tables, so one document comes as a
    row per attachment x subject x author: the rows are merged (subjects, authors and attachments
    gathered, in order, without repeats; for every other key the first real value). Each merged record
    keeps the index of its first row; records without an idData pass as they are."""
    merged: dict[str, tuple[int, dict[str, Any]]] = {}
    out: list[tuple[int, Any]] = []
    for index, raw in enumerate(records):
        if not isinstance(raw, dict):
            out.append((index, raw))
            continue
        key = text_of(folded(raw).get("idData"))
        if key is None:
            out.append((index, raw))
            continue
        if key not in merged:
            record = dict(raw)
            merged[key] = (index, record)
            out.append((index, record))
            continue
        record = merged[key][1]
        for name, value in raw.items():
            canonical = CANONICAL.get(str(name).lower().replace("_", ""), str(name))
            if canonical in MERGED:
                have = record.get(name)
                values = have if isinstance(have, list) else ([have] if text_of(have) else [])
                for item in value if isinstance(value, list) else [value]:
                    if text_of(item) and item not in values:
                        values.append(item)
                record[name] = values
            elif text_of(record.get(name)) is None and text_of(value) is not None:
                record[name] = value
    return out
