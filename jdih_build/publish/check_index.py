"""The index behind `cek/` ("Cek keaslian dokumen", issue 11): every published file by its sha256, so that
anyone can check, in the browser and without a server, that a PDF is the one the office approved.

The page computes the chosen file's sha256 with Web Crypto (nothing is uploaded), reads
`cek/indeks/indeks.json` (how many leading hex digits name a shard) and fetches one shard,
`cek/indeks/<those digits>.json`. The digits grow with the catalogue, so that a shard holds at most a
few hundred entries: 1 (16 shards) up to 1,000 files, 2 (256) up to 64,000, then 3 (4,096). Every
shard is written, empty ones too: a lookup that finds nothing is an answer, not a 404. Only published products are in it: a withheld product's
file is "not found", as a forged one is. Each entry says what the page shows: the product, the file,
and who validated each SOP step and when.
"""

from __future__ import annotations

import json
from collections import defaultdict

from jdih_build.model import SiteConfig
from jdih_build.publish.catalogue import Catalogue
from jdih_build.publish.formatting import peran_label, tte_label, waktu
from jdih_build.publish.render import Output

FOLDER = "cek/indeks"


def prefix_length(files: int) -> int:
    """Hex digits of the sha256 that name a shard, for a catalogue of `files` published files."""
    return 1 if files <= 1_000 else 2 if files <= 64_000 else 3


def check_entries(catalogue: Catalogue, config: SiteConfig) -> dict[str, list[dict[str, object]]]:
    """sha256 -> the published files with those bytes (a file may be attached to two products)."""
    found: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in catalogue.entries:
        if entry.draft:
            continue
        p = entry.product
        validated = [{"langkah": s.step.no, "kegiatan": s.step.kegiatan, "peran": peran_label(s.step.pelaksana),
                      "oleh": s.record.oleh, "waktu": waktu(s.record.waktu, config.zone),
                      **({"tte": tte_label(s.record.tte)} if s.record.tte is not None else {})}
                     for s in entry.verdict.steps if s.record is not None]
        for file in entry.files:
            found[file.attachment.sha256].append({
                "id": p.id, "judul": p.judul, "jenis": entry.jenis_label, "nomor": p.nomor or "", "tahun": p.tahun,
                "status": p.status or "", "url": entry.url, "berkas": file.attachment.output_name,
                "ukuran": file.attachment.size, "validasi": validated,
                # Why it is no longer in force, shown first on cek/ (derived from the revoking product).
                "keterangan": "; ".join(f"{link.label} {link.target.judul if link.target else link.rujukan or ''}".strip()
                                        for link in entry.relations if link.kind == "dicabut"),
            })
    return found


def check_index(catalogue: Catalogue, config: SiteConfig) -> list[Output]:
    """The shards, each a JSON object sha256 -> entries, sorted (the same catalogue gives the same
    bytes), and indeks.json, which says how long a shard's name is."""
    entries = check_entries(catalogue, config)
    length = prefix_length(len(entries))
    shards: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(dict)
    for sha, found in entries.items():
        shards[sha[:length]][sha] = sorted(found, key=lambda e: (str(e["id"]), str(e["berkas"])))
    outputs = [Output(f"{FOLDER}/indeks.json", (json.dumps({"awalan": length}) + "\n").encode("ascii"))]
    for number in range(16 ** length):
        prefix = f"{number:0{length}x}"
        text = json.dumps(dict(sorted(shards.get(prefix, {}).items())), ensure_ascii=False, separators=(",", ":"))
        outputs.append(Output(f"{FOLDER}/{prefix}.json", (text + "\n").encode("utf-8")))
    return outputs
