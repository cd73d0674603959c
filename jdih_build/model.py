"""The data model, defined once: a legal product, the SOP, the roster, a sign-off, the site.

Everything here is immutable and built only by the loaders (`content.py`, `policy.py`,
`signoffs.py`, `config.py`); the gate and the renderers read it and never change it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

TIPE_DOKUMEN = ("peraturan", "monografi", "artikel", "putusan")
STATUS_VALUES = ("Berlaku", "Tidak Berlaku")
RELATION_KINDS = ("mencabut", "mengubah", "melaksanakan")
# The inverse of each relation, derived at render time and never written by an editor.
RELATION_INVERSE = {"mencabut": "dicabut", "mengubah": "diubah", "melaksanakan": "dilaksanakan"}
DECISIONS = ("disetujui", "ditolak")
SIGNATURE_MODES = ("opsional", "wajib")
REVOCATION_MODES = ("opsional", "wajib")   # sop.yaml `cek_pencabutan`: must a TTE lembar carry revocation data?


@dataclass(frozen=True)
class Relation:
    jenis: str          # mencabut | mengubah | melaksanakan (also dicabut | diubah | dilaksanakan with `rujukan`)
    target: str | None  # a product id; None for a product outside this catalogue
    catatan: str | None
    line: int
    rujukan: str | None = None   # the outside product, cited as text (issue 11), e.g. "Permenkumham 8/2019"
    url: str | None = None       # and where it can be read, if anywhere


@dataclass(frozen=True)
class Attachment:
    """One file of a product (the main text PDF, a lampiran...)."""

    name: str           # as the sign-offs key it: a POSIX path relative to the .md's folder
    path: Path          # absolute path of the source file
    size: int
    sha256: str

    @property
    def output_name(self) -> str:
        return Path(self.name).name

    @property
    def url_name(self) -> str:
        """The published name as a URL path segment, percent-encoded."""
        return quote(self.output_name, safe="")   # the same as load.filetypes.url_name

    @property
    def href(self) -> str:
        """The link from the product page: always relative ('./name'), so never a scheme."""
        return "./" + self.url_name


@dataclass(frozen=True)
class Product:
    id: str
    source: Path                    # absolute path of the .md file
    source_name: str                # the .md's file name (its key in a sign-off's `berkas`)
    source_sha256: str
    tipe_dokumen: str
    judul: str
    tahun: int
    jenis: str | None
    singkatan_jenis: str | None
    nomor: str | None
    teu_badan: str | None
    tempat_penetapan: str | None
    tanggal_penetapan: date | None
    tanggal_pengundangan: date | None
    status: str | None
    bahasa: str
    sumber: str | None = None
    bidang_hukum: str | None = None
    lokasi: str | None = None
    penandatangan: str | None = None
    pemrakarsa: str | None = None
    subjek: tuple[str, ...] = ()
    relasi: tuple[Relation, ...] = ()
    berkas: tuple[Attachment, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()   # the type-specific fields (monografi, artikel, putusan)
    abstrak: str = ""                         # Markdown source of the abstract
    id_jdihn: str | None = None               # the idData an old JDIH gave it (jdih import): the feed keeps it
    alamat_lama: tuple[str, ...] = ()         # its addresses on the old site: redirected (publish/redirects.py)

    @property
    def file_hashes(self) -> dict[str, str]:
        """Exactly what a valid sign-off must list in `berkas` (CONTRACT 5.3)."""
        hashes = {self.source_name: self.source_sha256}
        hashes.update({a.name: a.sha256 for a in self.berkas})
        return hashes

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.extra)


@dataclass(frozen=True)
class Step:
    no: int
    kegiatan: str
    pelaksana: str          # the role (peran) that performs the step
    validasi: bool
    mutu_baku: int          # minutes
    kelengkapan: str | None = None
    output: str | None = None


@dataclass(frozen=True)
class Sop:
    nomor: str
    nama: str
    pemisahan_tugas: bool
    tanda_tangan: str       # opsional | wajib
    langkah: tuple[Step, ...]
    instansi: str | None = None
    tanggal_efektif: date | None = None
    disahkan_oleh: str | None = None
    cek_pencabutan: str | None = None   # opsional | wajib; unset: wajib exactly when tanda_tangan is

    @property
    def requires_revocation_data(self) -> bool:
        """Whether a TTE lembar without the certificate's revocation status is withheld."""
        return (self.cek_pencabutan or self.tanda_tangan) == "wajib"

    @property
    def validation_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.langkah if s.validasi)

    def step(self, no: int) -> Step | None:
        return next((s for s in self.langkah if s.no == no), None)


@dataclass(frozen=True)
class TteIdentity:
    """How the roster recognises a person's certificate (`tte:`): each part given must match."""

    nik: str | None = None
    email: str | None = None
    sidik_jari: str | None = None   # the certificate's SHA-256 fingerprint, lower-case hex


@dataclass(frozen=True)
class Person:
    nama: str
    nip: str
    jabatan: str | None
    peran: tuple[str, ...]
    kunci_publik: str | None = None
    aktif_sejak: date | None = None
    aktif_sampai: date | None = None
    tte: TteIdentity | None = None

    def active_on(self, day: date) -> bool:
        if self.aktif_sejak and day < self.aktif_sejak:
            return False
        if self.aktif_sampai and day > self.aktif_sampai:
            return False
        return True


@dataclass(frozen=True)
class TteSignature:
    """The certified electronic signature on a lembar persetujuan, as verified when it was loaded
    (load/lembar_signoffs.py). `problem` is None when the signature counts; else the reason's kind,
    with `reason` and `fix` in words."""

    problem: str | None
    reason: str = ""
    fix: str = ""
    signer: str = ""                 # the certificate's CN
    nik: str | None = None
    emails: tuple[str, ...] = ()
    fingerprint: str = ""
    issuer: str = ""                 # the issuing CA's CN
    signed_at: datetime | None = None
    time_source: str = ""            # "timestamp" (a trusted TSA) | "signer" (the signer's own clock)
    revocation_checked: bool = False

    def mismatch(self, identity: TteIdentity) -> list[str]:
        """The parts of the roster's identity the certificate does not bear."""
        wrong = []
        if identity.nik and identity.nik != self.nik:
            wrong.append("nik")
        if identity.email and identity.email.lower() not in self.emails:
            wrong.append("email")
        if identity.sidik_jari and identity.sidik_jari != self.fingerprint:
            wrong.append("sidik_jari")
        return wrong


@dataclass(frozen=True)
class SignOff:
    path: Path              # absolute path of the YAML record
    folder: str             # the approvals/<folder>/ it lies in
    produk: str
    langkah: int
    peran: str
    oleh: str
    keputusan: str          # disetujui | ditolak
    waktu: datetime         # timezone-aware
    berkas: tuple[tuple[str, str], ...]
    catatan: str | None
    raw: bytes = field(repr=False)   # the record's exact bytes: what a signature covers
    signature: bytes | None = field(default=None, repr=False)   # the `<file>.sig` beside it, if any
    tte: TteSignature | None = None   # a lembar PDF (`<NN>-<peran>.pdf`): its signature; the record is inside

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def berkas_map(self) -> dict[str, str]:
        return dict(self.berkas)


@dataclass(frozen=True)
class SiteConfig:
    judul_situs: str
    base_url: str           # absolute, ends with "/"
    instansi: str | None    # default teu_badan of every product
    tempat: str | None      # default tempat_penetapan
    alamat: str | None = None
    telepon: str | None = None
    bahasa: str = "Indonesia"
    zona_waktu: str = "Asia/Jakarta"   # IANA name: the office's clock (checked by load/settings.py)
    jenis: tuple[tuple[str, str], ...] = ()   # [tool.jdih.jenis]: the site's jenis and their singkatan_jenis
    ocr: bool | None = None                   # recognise scanned pages; None: where Tesseract is installed
    ocr_batas_menit: float = 10.0             # the OCR time one build may spend; the rest waits (ocr_stage.py)

    def singkatan_of(self, jenis: str) -> str | None:
        return dict(self.jenis).get(jenis)

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.zona_waktu)


@dataclass(frozen=True)
class Rename:
    """A product's id changed (its number was rejected): the records under the old id are history."""

    lama: str
    baru: str
    waktu: datetime
    catatan: str | None = None


@dataclass(frozen=True)
class Site:
    """Everything loaded from a site repository, valid or not yet gated."""

    root: Path
    config: SiteConfig
    products: tuple[Product, ...]
    sop: Sop
    roster: tuple[Person, ...]
    signoffs: tuple[SignOff, ...]
    templates_dir: Path = field(default=Path("templates"))
    renames: tuple[Rename, ...] = ()          # approvals/ganti-nama.yaml (load/renames.py)

    def history_of(self, product_id: str) -> list[tuple[Rename, list[SignOff]]]:
        """The records a product had under its earlier ids, newest rename first (one step back each)."""
        found = []
        current = product_id
        seen = {product_id}
        while (rename := next((r for r in self.renames if r.baru == current), None)) is not None and rename.lama not in seen:
            found.append((rename, sorted((s for s in self.signoffs if s.folder == rename.lama), key=lambda s: s.waktu)))
            seen.add(rename.lama)
            current = rename.lama
        return found

    def person(self, nama: str) -> Person | None:
        return next((p for p in self.roster if p.nama == nama), None)

    def product(self, product_id: str) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)
