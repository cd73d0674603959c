"""Rendering the public site: pure functions from the published catalogue to `Output`s (path + bytes).

Every page is its own unit with its own inputs, so that a later cache can key a page by the hashes
of what it reads; no page embeds a list of all products or of all browse values (navigation is
static), so adding a product re-renders only the pages that list it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from jdih_build.model import SiteConfig, Sop
from jdih_build.publish import formatting
from jdih_build.publish.catalogue import (
    FACET_LABEL,
    FACETS,
    TIPE_LABEL,
    Catalogue,
    Entry,
    Group,
)
from jdih_build.publish.jsonld import jsonld
from jdih_build.publish.naskah_page import CitationIndex, akn_bytes, citation_index, linker, naskah_of
from jdih_build.publish.statistics import statistics
from jdih_build.publish.vocabulary import vocabulary
from jdih_build.theme import template_dirs

PAGE_SIZE = 20
HOME_LATEST = 10
HOME_PUBLISHED = 5   # the newest published, beside the newest enacted


@dataclass(frozen=True)
class Output:
    path: str                  # POSIX path inside output/
    data: bytes | None = None
    source: Path | None = None  # copy this file byte for byte instead
    sha256: str | None = None   # with `source`: the digest the copied bytes must have (the approved one);
    #                             with `data`: its digest, when the maker already took it (feed_reuse)


class TemplateProblem(Exception):
    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(path, line, message)   # all three in args: it travels back from a worker process
        self.path, self.line, self.message = path, line, message

    def __str__(self) -> str:
        return self.message


def root_for(path: str) -> str:
    """The relative prefix from a page to the site root: links work under any sub-path and from file://."""
    return "../" * path.count("/")


def make_environment(templates_dir: Path, zone: tzinfo | None = None) -> jinja2.Environment:
    """The templates' environment: the site's own templates/ first, then the default theme
    (theme.py); times are shown on the office's clock (`zone`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(templates_dir)]),
        autoescape=True,                       # never off: every value from content is escaped
        undefined=jinja2.StrictUndefined,      # a typo in a template fails the build, not the page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,   # one environment per build: no stat of the template file per page
    )
    env.filters.update(tanggal=formatting.tanggal, waktu=functools.partial(formatting.waktu, zone=zone),
                       ukuran=formatting.ukuran,
                       peran_label=formatting.peran_label, tte_label=formatting.tte_label, slugify=formatting.slugify,
                       nama_instansi=formatting.nama_instansi)
    return env


class Renderer:
    def __init__(self, env: jinja2.Environment, config: SiteConfig, catalogue: Catalogue, sop: Sop,
                 search: bool = True) -> None:
        self.env = env
        self.config = config
        self.catalogue = catalogue
        self.sop = sop
        self.search = search   # False in the live preview, which builds no index

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
        # The catalogue's own order (the newest enacted first), and the newest published (the last sign-off).
        published = sorted(self.catalogue.entries, key=lambda e: (e.last_updated, e.id), reverse=True)[:HOME_PUBLISHED]
        return self.page("index.html", "index.html", latest=self.catalogue.entries[:HOME_LATEST], published=published,
                         total=len(self.catalogue.entries), facets=facets, facet_labels=FACET_LABEL,
                         drafts=sum(1 for e in self.catalogue.entries if e.draft))   # jdih serve --drafts only

    def product(self, entry: Entry) -> Iterator[Output]:
        naskah = naskah_of(entry)
        path = f"produk/{entry.id}/index.html"
        cite = linker(naskah, self.citations, root_for(path)) if naskah is not None else None
        yield self.page("produk.html", path, entry=entry, p=entry.product,
                        rows=catalogue_rows(entry), citation=citation(entry), jsonld=jsonld(entry, self.config),
                        sop_name=f"SOP {self.sop.nomor}", naskah=naskah, cite=cite)
        if naskah is not None and naskah.structured:
            yield Output(f"produk/{entry.id}/akn.xml", akn_bytes(entry, naskah))

    @functools.cached_property
    def citations(self) -> CitationIndex:
        """Which products a citation can link to (cache/fingerprint.py keys product pages by it too)."""
        return citation_index(e.product for e in self.catalogue.entries if not e.draft)

    def facet_index(self, facet: str) -> Output:
        return self.page("daftar-indeks.html", f"{facet}/index.html", facet=facet, facet_label=FACET_LABEL[facet],
                         groups=self.catalogue.groups[facet])

    def group_pages(self, group: Group) -> Iterator[Output]:
        for number in range(1, page_count(group) + 1):
            yield self.group_page(group, number)

    def group_page(self, group: Group, number: int) -> Output:
        """Page `number` of a browse group; it shows its own PAGE_SIZE entries and the group's size."""
        pages = page_count(group)
        base = f"{group.facet}/{group.slug}/"
        path = base + ("index.html" if number == 1 else f"halaman/{number}/index.html")
        root = root_for(path)
        link = lambda n: f"{root}{base}" if n == 1 else f"{root}{base}halaman/{n}/"
        return self.page("daftar.html", path, group=GroupHeading(group.facet, group.slug, group.label),
                         facet_label=FACET_LABEL[group.facet], entries=page_entries(group, number),
                         number=number, pages=pages, page_link=link, page_numbers=page_numbers(number, pages),
                         total=len(group.entries))

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


@dataclass(frozen=True)
class GroupHeading:
    """What a group's list page may know of the group: not its other pages' entries, so that a change
    to one entry re-renders one page of the list (fingerprint.Fingerprints.job)."""
    facet: str
    slug: str
    label: str


def page_count(group: Group) -> int:
    return max(1, -(-len(group.entries) // PAGE_SIZE))


def page_entries(group: Group, number: int) -> tuple[Entry, ...]:
    return group.entries[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]


PAGE_WINDOW = 2   # page links shown on each side of the current one


def page_numbers(number: int, pages: int) -> list[int | None]:
    """The page links of a list page: the first, the last and PAGE_WINDOW on each side of `number`,
    None for each gap (shown as an ellipsis). Not every page: a year of 10,000 products has 500
    pages, and linking all of them from each would make the lists cost the square of their size."""
    shown = sorted({1, pages, *range(max(1, number - PAGE_WINDOW), min(pages, number + PAGE_WINDOW) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) == 2:
            out.append(n - 1)    # a gap of one page: show it rather than an ellipsis
        elif out and n - (out[-1] or 0) > 2:
            out.append(None)
        out.append(n)
    return out


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


def _joined(*parts: object, sep: str = ", ") -> str:
    return sep.join(str(part) for part in parts if part not in (None, ""))


def _sentences(*parts: object) -> str:
    """Parts joined as sentences, without doubling a full stop a part already ends with."""
    return "".join(f"{str(part).rstrip('.')}. " for part in parts if part not in (None, "")).rstrip()


def _edisi(value: str | None) -> str | None:
    return value if not value or value.casefold().startswith("ed") else f"Edisi {value}"


def citation(entry: Entry) -> str:
    """A citation line in the form usual for the product's type, e.g.
    peraturan: 'Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (LN 2017/182)';
    monografi: 'T.E.U. (Tahun). Judul. Edisi. Tempat: Penerbit.';
    artikel:   'T.E.U. (Tahun). "Judul". Nama terbitan, Volume, hlm. Halaman.';
    putusan:   'Putusan <pengadilan> Nomor <nomor> tanggal <dibacakan>, Judul'."""
    p = entry.product
    x = p.extra_fields
    if p.tipe_dokumen == "monografi":
        return _sentences(f"{p.teu_badan} ({p.tahun})" if p.teu_badan else str(p.tahun), p.judul,
                          _edisi(x.get("edisi")), _joined(x.get("tempat_terbit"), x.get("penerbit"), sep=": "))
    if p.tipe_dokumen == "artikel":
        where = (_joined(x.get("nama_terbitan"), x.get("volume"), f"hlm. {x['halaman']}" if x.get("halaman") else None)
                 if x.get("nama_terbitan") else p.sumber)
        return _sentences(f"{p.teu_badan} ({p.tahun})" if p.teu_badan else str(p.tahun),
                          f"\u201c{p.judul.rstrip('.')}\u201d", where)
    if p.tipe_dokumen == "putusan":
        day = x.get("tanggal_dibacakan")
        head = _joined("Putusan", x.get("pengadilan"), f"Nomor {p.nomor}" if p.nomor else None,
                       f"tanggal {formatting.tanggal(day)}" if day else None, sep=" ")
        return f"{head}, {p.judul}"
    text = p.judul
    if p.nomor and p.nomor.casefold() not in text.casefold():
        text += f", Nomor {p.nomor}" + ("" if str(p.tahun) in p.nomor else f" Tahun {p.tahun}")
    if p.sumber:
        text += f" ({p.sumber})"
    return text


# schema.org properties of a peraturan for its own (not the derived) relations.
# One unit of rendering: ("home",), ("product", entry index), ("facet", facet), ("group", facet, group
# index, page number), ("cari",), ("cek",), ("statistik",), ("404",). Jobs are small values, so they can be split
# over processes.
PageJob = tuple[str | int, ...]


def page_jobs(catalogue: Catalogue) -> list[PageJob]:
    jobs: list[PageJob] = [("home",)]
    jobs += [("product", index) for index in range(len(catalogue.entries))]
    for facet in FACETS:
        jobs.append(("facet", facet))
        jobs += [("group", facet, index, number) for index, group in enumerate(catalogue.groups[facet])
                 for number in range(1, page_count(group) + 1)]
    jobs += [("cari",), ("cek",), ("statistik",), ("404",)]
    return jobs


def render_job(renderer: Renderer, job: PageJob) -> list[Output]:
    kind = job[0]
    if kind == "home":
        return [renderer.home()]
    if kind == "product":
        return list(renderer.product(renderer.catalogue.entries[int(job[1])]))
    if kind == "facet":
        return [renderer.facet_index(str(job[1]))]
    if kind == "group":
        return [renderer.group_page(renderer.catalogue.groups[str(job[1])][int(job[2])], int(job[3]))]
    if kind == "cari":
        pages = list(renderer.optional("cari.html", "cari/index.html", indeks=renderer.search))
        return pages + [Output("cari/kosakata.json", vocabulary(renderer.catalogue))] if pages else pages
    if kind == "cek":
        return list(renderer.optional("cek.html", "cek/index.html"))
    if kind == "statistik":
        return list(renderer.optional("statistik.html", "statistik/index.html", stats=statistics(renderer.catalogue)))
    return [renderer.not_found()]


def all_outputs(renderer: Renderer) -> Iterator[Output]:
    for job in page_jobs(renderer.catalogue):
        yield from render_job(renderer, job)
