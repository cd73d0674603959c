"""Machine-readable outputs: the JDIHN feed (CONTRACT 7), Atom, sitemap, robots.txt, the JSON API.

All pure: catalogue + settings in, bytes out. Dates come from the content (sign-off times, enactment
dates), never from the wall clock, so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from jdih_build.load.filetypes import attachment_media_type
from jdih_build.model import SiteConfig
from jdih_build.publish.abstract import plain
from jdih_build.publish.catalogue import FACETS, Catalogue, Entry

ATOM_LIMIT = 50

# The JDIHN member template's keys, in its order (CONTRACT 7; jdih-standard.md 1.2).
JDIHN_KEYS = (
    "idData", "tahun_pengundangan", "tanggal_penetapan", "tanggal_pengundangan", "jenis", "noPeraturan", "judul",
    "noPanggil", "singkatanJenis", "tempatTerbit", "penerbit", "deskripsiFisik", "sumber", "subjek", "isbn",
    "status", "bahasa", "bidangHukum", "teuBadan", "nomorIndukBuku", "abstrak", "last_updated", "urlAbstrak",
    "urlDetailPeraturan", "fileDownload", "urlDownload", "operasi", "display",
)
NOT_APPLICABLE = "-"   # BPHN's template: fields that do not apply are "dikosongkan atau diisi '-'"


def absolute(config: SiteConfig, path: str) -> str:
    return config.base_url + path


def jdihn_record(entry: Entry, config: SiteConfig) -> dict[str, str]:
    """One feed record; every value a string, never null.

    Decisions where the standard is loose (documented per type in docs/fields.md):
    - a product that is enacted but not promulgated (a keputusan) repeats its tanggal_penetapan and
      year as tanggal/tahun_pengundangan, as JDIH members do; a putusan uses its tanggal_dibacakan;
    - `abstrak` carries the abstract's plain text, `urlAbstrak` the abstract on the product page;
    - `last_updated` is the time of the last required sign-off, written as the feed's samples do.
    """
    p = entry.product
    x = p.extra_fields
    enacted = p.tanggal_penetapan or x.get("tanggal_dibacakan")
    promulgated = p.tanggal_pengundangan or enacted
    page = absolute(config, entry.url)
    main = entry.files[0].attachment if entry.files else None
    place = p.tempat_penetapan if p.tipe_dokumen == "peraturan" else (x.get("tempat_terbit") or x.get("pengadilan"))
    record = {
        "idData": p.id_jdihn or p.id,   # an imported product keeps the id the national portal knows
        "tahun_pengundangan": str(promulgated.year if promulgated else p.tahun),
        "tanggal_penetapan": enacted.isoformat() if enacted else "",
        "tanggal_pengundangan": promulgated.isoformat() if promulgated else "",
        "jenis": entry.jenis_label,
        "noPeraturan": p.nomor or NOT_APPLICABLE,
        "judul": p.judul,
        "noPanggil": x.get("nomor_panggil") or NOT_APPLICABLE,
        "singkatanJenis": p.singkatan_jenis or NOT_APPLICABLE,
        "tempatTerbit": place or NOT_APPLICABLE,
        "penerbit": x.get("penerbit") or NOT_APPLICABLE,
        "deskripsiFisik": x.get("deskripsi_fisik") or NOT_APPLICABLE,
        "sumber": p.sumber or NOT_APPLICABLE,
        "subjek": ", ".join(p.subjek),
        "isbn": x.get("isbn") or NOT_APPLICABLE,
        "status": p.status or NOT_APPLICABLE,
        "bahasa": p.bahasa,
        "bidangHukum": p.bidang_hukum or NOT_APPLICABLE,
        "teuBadan": p.teu_badan or NOT_APPLICABLE,
        "nomorIndukBuku": x.get("nomor_induk_buku") or NOT_APPLICABLE,
        "abstrak": entry.abstract.plain_text or NOT_APPLICABLE,
        "last_updated": entry.last_updated.strftime("%Y-%m-%d %H:%M:%S"),
        "urlAbstrak": page + "#abstrak",
        "urlDetailPeraturan": page,
        "fileDownload": main.output_name if main else NOT_APPLICABLE,
        "urlDownload": absolute(config, f"{entry.url}{main.url_name}") if main else NOT_APPLICABLE,
        "operasi": "4",
        "display": "1",
    }
    assert tuple(record) == JDIHN_KEYS
    return record


Fragment = Callable[[str, Entry, Callable[[Entry], bytes]], bytes]
"""(feed name, entry, make) -> the entry's JSON text in that feed, as UTF-8: `make` it, or take it
from a cache. Bytes, not str: a feed of 10,000 entries is 35 MB, and reused entries are cut out of
the last build's file without decoding it."""


def _made(_name: str, entry: Entry, make: Callable[[Entry], bytes]) -> bytes:
    return make(entry)


def _nested(value: object, depth: int) -> bytes:
    """`value` as json.dumps(..., indent=1) writes it `depth` levels deep inside a larger document:
    a feed is then the join of its entries' texts, each made (or cached) on its own."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return "\n".join(" " * depth + line for line in text.split("\n")).encode("utf-8")


ENTRY_SEPARATOR = b",\n"   # between two entries' texts in a feed (feed_reuse relies on it)


def _array(parts: list[bytes], depth: int) -> bytes:
    return b"[\n" + ENTRY_SEPARATOR.join(parts) + b"\n" + b" " * depth + b"]" if parts else b"[]"


def jdihn_feed(catalogue: Catalogue, config: SiteConfig, fragment: Fragment = _made) -> bytes:
    """feed/document.json: one record per product, ordered by id; the bytes json.dumps(records,
    indent=1) would give, built from one text per record."""
    entries = sorted(catalogue.entries, key=lambda e: e.id)
    parts = [fragment("jdihn", e, lambda e: _nested(jdihn_record(e, config), 1)) for e in entries]
    return _array(parts, 0) + b"\n"


def api_catalogue(catalogue: Catalogue, config: SiteConfig, fragment: Fragment = _made) -> bytes:
    """api/produk.json: the whole published catalogue for developers, with typed values."""
    parts = [fragment("api", e, lambda e: _nested(api_item(e, config), 2)) for e in catalogue.entries]
    head = json.dumps({"judul_situs": config.judul_situs, "jumlah": len(parts)}, ensure_ascii=False, indent=1)
    return (head[:-2] + ',\n "produk": ').encode("utf-8") + _array(parts, 1) + b"\n}\n"


def api_item(entry: Entry, config: SiteConfig) -> dict[str, object]:
    """One product in api/produk.json."""
    p = entry.product
    return {
        "id": p.id,
        "url": absolute(config, entry.url),
        "tipe_dokumen": p.tipe_dokumen,
        "judul": p.judul,
        "jenis": p.jenis,
        "singkatan_jenis": p.singkatan_jenis,
        "nomor": p.nomor,
        "tahun": p.tahun,
        "teu_badan": p.teu_badan,
        "tempat_penetapan": p.tempat_penetapan,
        "tanggal_penetapan": p.tanggal_penetapan.isoformat() if p.tanggal_penetapan else None,
        "tanggal_pengundangan": p.tanggal_pengundangan.isoformat() if p.tanggal_pengundangan else None,
        "sumber": p.sumber,
        "subjek": list(p.subjek),
        "status": p.status,
        "bahasa": p.bahasa,
        "bidang_hukum": p.bidang_hukum,
        "lokasi": p.lokasi,
        "penandatangan": p.penandatangan,
        "pemrakarsa": p.pemrakarsa,
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in p.extra},
        "abstrak": entry.abstract.plain_text,
        "relasi": [{"jenis": r.kind, "target": r.target.id, "catatan": r.catatan} if r.target is not None else
                   {"jenis": r.kind, "rujukan": r.rujukan, "url": r.url, "catatan": r.catatan} for r in entry.relations],
        "berkas": [{"nama": f.attachment.output_name, "url": absolute(config, entry.url + f.attachment.url_name),
                    "ukuran": f.attachment.size, "halaman": f.info.pages, "sha256": f.attachment.sha256}
                   for f in entry.files],
        "persetujuan": [{"langkah": s.step.no, "peran": s.step.pelaksana, "oleh": s.record.oleh,
                         "waktu": s.record.waktu.isoformat()} for s in entry.verdict.steps if s.record],
        "terakhir_diperbarui": entry.last_updated.isoformat(),
    }


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat()


def fallback_time(source_date_epoch: str | None) -> datetime:
    """For a feed with no entries: SOURCE_DATE_EPOCH, else the epoch (never the wall clock)."""
    seconds = int(source_date_epoch) if source_date_epoch and source_date_epoch.isdigit() else 0
    return datetime.fromtimestamp(seconds, tz=UTC)


SUMMARY_CHARACTERS = 600


def atom_summary(entry: Entry) -> str:
    """The abstract proper (its ABSTRAK section; the heading block above it is the catalogue's, already in
    the title), cut at a word with an ellipsis."""
    text = plain(entry.abstract.abstrak_html) or entry.abstract.plain_text
    if len(text) <= SUMMARY_CHARACTERS:
        return text
    cut = text[:SUMMARY_CHARACTERS + 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + " …"


def atom(catalogue: Catalogue, config: SiteConfig, source_date_epoch: str | None) -> bytes:
    latest = sorted(catalogue.entries, key=lambda e: (e.last_updated, e.id), reverse=True)[:ATOM_LIMIT]
    updated = max((e.last_updated for e in latest), default=fallback_time(source_date_epoch))
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">',
             f"  <title>{escape(config.judul_situs)}</title>",
             f"  <id>{escape(config.base_url)}</id>",
             f"  <link rel=\"alternate\" href={quoteattr(config.base_url)}/>",
             f"  <link rel=\"self\" href={quoteattr(absolute(config, 'atom.xml'))}/>",
             f"  <updated>{_rfc3339(updated)}</updated>",
             f"  <author><name>{escape(config.instansi or config.judul_situs)}</name></author>"]
    for entry in latest:
        url = absolute(config, entry.url)
        summary = atom_summary(entry)
        lines += ["  <entry>",
                  f"    <title>{escape(entry.product.judul)}</title>",
                  f"    <id>{escape(url)}</id>",
                  f"    <link rel=\"alternate\" href={quoteattr(url)}/>",
                  *(f"    <link rel=\"enclosure\" type=\"{attachment_media_type(f.attachment.output_name)}\" "
                    f"length=\"{f.attachment.size}\" href={quoteattr(url + f.attachment.url_name)}/>" for f in entry.files[:1]),
                  f"    <updated>{_rfc3339(entry.last_updated)}</updated>",
                  f"    <category term={quoteattr(entry.jenis_label)}/>",
                  f"    <summary>{escape(summary)}</summary>" if summary else "    <summary/>",
                  "  </entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap(catalogue: Catalogue, config: SiteConfig, extra_pages: list[str]) -> bytes:
    urls: list[tuple[str, str | None]] = [("", None)]
    urls += [(page, None) for page in extra_pages]
    urls += [(e.url, e.last_updated.date().isoformat()) for e in sorted(catalogue.entries, key=lambda e: e.id)]
    for facet in FACETS:
        urls.append((f"{facet}/", None))
        urls += [(f"{facet}/{g.slug}/", max(e.last_updated for e in g.entries).date().isoformat())
                 for g in catalogue.groups[facet]]
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in urls:
        lines.append(f"  <url><loc>{escape(absolute(config, path))}</loc>"
                     + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {absolute(config, 'sitemap.xml')}\n".encode()
