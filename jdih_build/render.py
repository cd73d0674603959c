"""Rendering the public site: pure functions from the published catalogue to `Output`s (path + bytes).

Every page is its own unit with its own inputs, so that a later cache can key a page by the hashes
of what it reads; no page embeds a list of all products or of all browse values (navigation is
static), so adding a product re-renders only the pages that list it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from . import formatting
from .catalogue import FACET_LABEL, FACETS, TIPE_LABEL, Catalogue, Entry, Group
from .model import SiteConfig, Sop

PAGE_SIZE = 20
HOME_LATEST = 10


@dataclass(frozen=True)
class Output:
    path: str                  # POSIX path inside output/
    data: bytes | None = None
    source: Path | None = None  # copy this file byte for byte instead


class TemplateProblem(Exception):
    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def root_for(path: str) -> str:
    """The relative prefix from a page to the site root: links work under any sub-path and from file://."""
    return "../" * path.count("/")


def make_environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,                       # never off: every value from content is escaped
        undefined=jinja2.StrictUndefined,      # a typo in a template fails the build, not the page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(tanggal=formatting.tanggal, waktu=formatting.waktu, ukuran=formatting.ukuran,
                       peran_label=formatting.peran_label, slugify=formatting.slugify)
    return env


class Renderer:
    def __init__(self, env: jinja2.Environment, config: SiteConfig, catalogue: Catalogue, sop: Sop) -> None:
        self.env = env
        self.config = config
        self.catalogue = catalogue
        self.sop = sop

    def page(self, template: str, path: str, root: str | None = None, **context) -> Output:
        try:
            html = self.env.get_template(template).render(
                site=self.config, root=root_for(path) if root is None else root, page_path=path, **context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"templates/{exc.name or template}", exc.lineno, f"template syntax error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"templates/{exc.name}", None, "template not found") from None
        except jinja2.UndefinedError as exc:
            raise TemplateProblem(f"templates/{template}", None, f"template uses an undefined value: {exc.message}") from None
        return Output(path, html.encode("utf-8"))

    # -- pages -------------------------------------------------------------------------------------
    def home(self) -> Output:
        facets = {f: self.catalogue.groups[f] for f in ("jenis", "tahun")}
        return self.page("index.html", "index.html", latest=self.catalogue.entries[:HOME_LATEST],
                         total=len(self.catalogue.entries), facets=facets, facet_labels=FACET_LABEL)

    def product(self, entry: Entry) -> Iterator[Output]:
        yield self.page("produk.html", f"produk/{entry.id}/index.html", entry=entry, p=entry.product,
                        rows=catalogue_rows(entry), citation=citation(entry), jsonld=jsonld(entry, self.config),
                        sop_name=f"SOP {self.sop.nomor}")
        for file in entry.files:
            yield Output(f"produk/{entry.id}/{file.attachment.output_name}", source=file.attachment.path)

    def facet_index(self, facet: str) -> Output:
        return self.page("daftar-indeks.html", f"{facet}/index.html", facet=facet, facet_label=FACET_LABEL[facet],
                         groups=self.catalogue.groups[facet])

    def group_pages(self, group: Group) -> Iterator[Output]:
        pages = max(1, -(-len(group.entries) // PAGE_SIZE))
        for number in range(1, pages + 1):
            base = f"{group.facet}/{group.slug}/"
            path = base + ("index.html" if number == 1 else f"halaman/{number}/index.html")
            root = root_for(path)
            link = lambda n: f"{root}{base}" if n == 1 else f"{root}{base}halaman/{n}/"  # noqa: E731
            yield self.page("daftar.html", path, group=group, facet_label=FACET_LABEL[group.facet],
                            entries=group.entries[(number - 1) * PAGE_SIZE: number * PAGE_SIZE],
                            number=number, pages=pages, page_link=link, total=len(group.entries))

    def not_found(self) -> Output:
        # Served for any missing path, so its links must be absolute from the site's base path.
        return self.page("404.html", "404.html", root=urlsplit(self.config.base_url).path)

    def optional(self, template: str, path: str, **context) -> Iterator[Output]:
        """Pages whose template a site may leave out (e.g. a site without search)."""
        try:
            self.env.get_template(template)
        except jinja2.TemplateNotFound:
            return
        yield self.page(template, path, catalogue=self.catalogue, **context)


def catalogue_rows(entry: Entry) -> list[tuple[str, str]]:
    """The catalogue fields with their standard Indonesian labels (Permenkumham 8/2019), in order."""
    p = entry.product
    x = p.extra_fields
    rows: list[tuple[str, object]] = [("Tipe Dokumen", TIPE_LABEL[p.tipe_dokumen]), ("Judul", p.judul),
                                      ("T.E.U. Badan/Pengarang", p.teu_badan)]
    if p.tipe_dokumen == "peraturan":
        rows += [("Nomor Peraturan", p.nomor), ("Jenis/Bentuk Peraturan", p.jenis),
                 ("Singkatan Jenis/Bentuk Peraturan", p.singkatan_jenis), ("Tahun", p.tahun),
                 ("Tempat Penetapan", p.tempat_penetapan),
                 ("Tanggal-Bulan-Tahun Penetapan", formatting.tanggal(p.tanggal_penetapan)),
                 ("Tanggal-Bulan-Tahun Pengundangan",
                  formatting.tanggal(p.tanggal_pengundangan) if p.tanggal_pengundangan else None)]
    elif p.tipe_dokumen == "putusan":
        rows += [("Nomor Putusan", p.nomor), ("Jenis Putusan", p.jenis), ("Tahun", p.tahun),
                 ("Lembaga Peradilan", x.get("pengadilan")), ("Jenis Peradilan", x.get("jenis_peradilan")),
                 ("Jenis Perkara", x.get("jenis_perkara")), ("Tingkat Proses", x.get("tingkat_proses")),
                 ("Tanggal Dibacakan", formatting.tanggal(x.get("tanggal_dibacakan"))),
                 ("Pemohon", x.get("pemohon")), ("Termohon", x.get("termohon")), ("Amar Putusan", x.get("amar")),
                 ("Berkekuatan Hukum Tetap",
                  {True: "Ya", False: "Tidak"}.get(x["berkekuatan_hukum_tetap"]) if "berkekuatan_hukum_tetap" in x else None)]
    else:
        rows += [("Jenis", p.jenis), ("Tahun Terbit", p.tahun), ("Tempat Terbit", x.get("tempat_terbit")),
                 ("Penerbit", x.get("penerbit")), ("Nama Terbitan", x.get("nama_terbitan")),
                 ("Volume", x.get("volume")), ("Halaman", x.get("halaman")), ("Edisi", x.get("edisi")),
                 ("Cetakan", x.get("cetakan")), ("Nomor Panggil", x.get("nomor_panggil")),
                 ("Deskripsi Fisik", x.get("deskripsi_fisik")), ("Klasifikasi", x.get("klasifikasi")),
                 ("ISBN", x.get("isbn")), ("Nomor Induk Buku", x.get("nomor_induk_buku")),
                 ("Judul Seri", x.get("judul_seri"))]
    rows += [("Sumber", p.sumber), ("Subjek", "; ".join(p.subjek) if p.subjek else None), ("Status", p.status),
             ("Bahasa", p.bahasa), ("Lokasi", p.lokasi), ("Bidang Hukum", p.bidang_hukum),
             ("Penandatangan", p.penandatangan), ("Pemrakarsa", p.pemrakarsa)]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def citation(entry: Entry) -> str:
    """A citation line, e.g. 'Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (LN 2017/182)'."""
    p = entry.product
    text = p.judul
    if p.sumber:
        text += f" ({p.sumber})"
    return text


SCHEMA_RELATION = {"mencabut": "legislationRepeals", "mengubah": "legislationChanges",
                   "melaksanakan": "legislationApplies", "dicabut": "isPartOf"}


def jsonld(entry: Entry, config: SiteConfig) -> Markup:
    """schema.org Legislation for the product page, safe to put inside <script>."""
    p = entry.product
    url = config.base_url + entry.url
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Legislation" if p.tipe_dokumen == "peraturan" else "CreativeWork",
        "@id": url,
        "url": url,
        "name": p.judul,
        "inLanguage": "id",
    }
    if p.tipe_dokumen == "peraturan":
        data["legislationIdentifier"] = " ".join(x for x in (p.singkatan_jenis or p.jenis, p.nomor) if x) or p.id
        data["legislationType"] = p.jenis
        if p.tanggal_penetapan:
            data["legislationDate"] = p.tanggal_penetapan.isoformat()
        if p.status:
            data["legislationLegalForce"] = ("https://schema.org/InForce" if p.status == "Berlaku"
                                             else "https://schema.org/NotInForce")
        if p.teu_badan:
            data["legislationPassedBy"] = {"@type": "Organization", "name": p.teu_badan}
        if p.tempat_penetapan:
            data["spatialCoverage"] = {"@type": "Place", "name": p.tempat_penetapan}
        for kind, prop in (("mencabut", "legislationRepeals"), ("mengubah", "legislationChanges"),
                           ("melaksanakan", "legislationApplies")):
            targets = [config.base_url + f"produk/{r.target.id}/" for r in entry.relations if r.kind == kind]
            if targets:
                data[prop] = [{"@id": t} for t in targets]
    else:
        data["datePublished"] = str(p.tahun)
        if p.teu_badan:
            data["author"] = {"@type": "Organization", "name": p.teu_badan}
    if p.subjek:
        data["keywords"] = list(p.subjek)
    if entry.files:
        data["encoding"] = [{"@type": "MediaObject", "contentUrl": url + f.attachment.output_name,
                             "contentSize": str(f.attachment.size)} for f in entry.files]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def all_outputs(renderer: Renderer) -> Iterator[Output]:
    catalogue = renderer.catalogue
    yield renderer.home()
    for entry in catalogue.entries:
        yield from renderer.product(entry)
    for facet in FACETS:
        yield renderer.facet_index(facet)
        for group in catalogue.groups[facet]:
            yield from renderer.group_pages(group)
    yield from renderer.optional("cari.html", "cari/index.html")
    yield from renderer.optional("statistik.html", "statistik/index.html")
    yield renderer.not_found()
