"""schema.org data (JSON-LD) of a product page: Legislation for a peraturan, Book for a monografi,
ScholarlyArticle/Article for an artikel, CreativeWork for a putusan."""

from __future__ import annotations

import json

from markupsafe import Markup

from jdih_build.load.filetypes import attachment_media_type
from jdih_build.model import SiteConfig
from jdih_build.publish.catalogue import Entry

SCHEMA_RELATION = {"mencabut": "legislationRepeals", "mengubah": "legislationChanges",
                   "melaksanakan": "legislationApplies"}
# schema.org @type per tipe_dokumen; an artikel in a named periodical is a ScholarlyArticle.
SCHEMA_TYPE = {"peraturan": "Legislation", "monografi": "Book", "artikel": "Article", "putusan": "CreativeWork"}
LANGUAGE_CODE = {"indonesia": "id", "inggris": "en", "belanda": "nl", "jerman": "de", "perancis": "fr",
                 "prancis": "fr", "jepang": "ja", "arab": "ar", "melayu": "ms", "spanyol": "es"}


def agent(name: str) -> dict[str, str]:
    """A T.E.U. heading as a schema.org agent: personal names are written inverted with a comma
    ('Alfian, M. Aflan'), corporate headings with full stops ('Indonesia. Mahkamah Agung')."""
    return {"@type": "Person" if "," in name else "Organization", "name": name}


def jsonld(entry: Entry, config: SiteConfig) -> Markup:
    """schema.org data for the product page, safe to put inside <script>: Legislation for a peraturan,
    Book for a monografi, ScholarlyArticle/Article for an artikel, CreativeWork for a putusan."""
    p = entry.product
    x = p.extra_fields
    url = config.base_url + entry.url
    kind = SCHEMA_TYPE[p.tipe_dokumen]
    if p.tipe_dokumen == "artikel" and x.get("nama_terbitan"):
        kind = "ScholarlyArticle"
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": url,
        "url": url,
        "name": p.judul,
        "inLanguage": LANGUAGE_CODE.get(p.bahasa.casefold(), p.bahasa),
    }
    if p.jenis:
        data["genre"] = p.jenis
    if p.tipe_dokumen == "peraturan":
        # "UU 7 Tahun 2017": the number alone is not an identifier (every year restarts it)
        year = "" if p.nomor and "tahun" in p.nomor.lower() else f"Tahun {p.tahun}"
        data["legislationIdentifier"] = " ".join(v for v in (p.singkatan_jenis or p.jenis, p.nomor, year) if v) or p.id
        data["legislationType"] = p.jenis
        if p.tanggal_penetapan:
            data["legislationDate"] = p.tanggal_penetapan.isoformat()
        if p.tanggal_pengundangan:
            data["datePublished"] = p.tanggal_pengundangan.isoformat()
        if p.status:
            data["legislationLegalForce"] = ("https://schema.org/InForce" if p.status == "Berlaku"
                                             else "https://schema.org/NotInForce")
        if p.teu_badan:
            data["legislationPassedBy"] = {"@type": "Organization", "name": p.teu_badan}
        # Where it applies is the state's jurisdiction (a regional law's region is not modelled yet);
        # where it was enacted is only where it was made.
        data["legislationJurisdiction"] = {"@type": "Country", "name": "Indonesia", "identifier": "ID"}
        if p.tempat_penetapan:
            data["locationCreated"] = {"@type": "Place", "name": p.tempat_penetapan}
        for relation, prop in SCHEMA_RELATION.items():
            targets = [config.base_url + f"produk/{r.target.id}/" if r.target else r.url
                       for r in entry.relations if r.kind == relation and (r.target or r.url)]
            if targets:
                data[prop] = [{"@id": t} for t in targets]
    elif p.tipe_dokumen == "putusan":
        data["identifier"] = p.nomor
        if x.get("tanggal_dibacakan"):
            data["dateCreated"] = x["tanggal_dibacakan"].isoformat()
        if x.get("pengadilan"):
            data["creator"] = {"@type": "GovernmentOrganization", "name": x["pengadilan"]}
        if p.status:
            data["creativeWorkStatus"] = p.status
    else:
        data["datePublished"] = str(p.tahun)
        if p.teu_badan:
            data["author"] = agent(p.teu_badan)
        if x.get("penerbit"):
            data["publisher"] = {"@type": "Organization", "name": x["penerbit"]}
        if x.get("tempat_terbit"):
            data["locationCreated"] = {"@type": "Place", "name": x["tempat_terbit"]}
        if p.tipe_dokumen == "monografi":
            if x.get("isbn"):
                data["isbn"] = x["isbn"]
            if x.get("edisi"):
                data["bookEdition"] = x["edisi"]
            if x.get("judul_seri"):
                data["isPartOf"] = {"@type": "BookSeries", "name": x["judul_seri"]}
            if x.get("nomor_panggil"):
                data["identifier"] = {"@type": "PropertyValue", "propertyID": "Nomor Panggil", "value": x["nomor_panggil"]}
        elif x.get("nama_terbitan"):
            periodical: dict[str, object] = {"@type": "Periodical", "name": x["nama_terbitan"]}
            if x.get("volume"):
                periodical = {"@type": "PublicationVolume", "volumeNumber": x["volume"], "isPartOf": periodical}
            data["isPartOf"] = periodical
            if x.get("halaman"):
                data["pagination"] = x["halaman"]
    if p.subjek:
        data["keywords"] = list(p.subjek)
    if entry.abstract.plain_text:
        data["abstract"] = entry.abstract.plain_text
    if entry.files:
        data["encoding"] = [{"@type": "MediaObject", "contentUrl": url + f.attachment.url_name,
                             "encodingFormat": attachment_media_type(f.attachment.output_name),
                             "contentSize": f"{f.attachment.size} B"} for f in entry.files]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
