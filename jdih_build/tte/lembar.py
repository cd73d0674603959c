"""The lembar persetujuan: a one-page A4 PDF a signer reads and signs with their TTE app.

The page shows, in Indonesian (it is an official document, whatever the CLI's language), the office,
the product, the SOP step and role, the signer, the decision, and every file with its sha256; the same
facts, as the bytes of a sign-off record (CONTRACT 4), are embedded in the PDF as
`lembar-persetujuan.yaml`, so the signature over the PDF covers them. The gate reads the record and
checks that the page shows it (tte/verify.py, load/lembar_signoffs.py). reportlab draws the page (it
wraps text with real font metrics); pypdf embeds the record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from jdih_build.tte.verify import RECORD_NAME

TITLE = "LEMBAR PERSETUJUAN PUBLIKASI PRODUK HUKUM"
DECISION_WORDS = {"disetujui": "DISETUJUI", "ditolak": "DITOLAK"}


@dataclass(frozen=True)
class LembarFacts:
    instansi: str
    sop: str                       # "494/ORT.06-SOP/1376/4/2023 - Standar ..."
    step_no: int
    kegiatan: str
    peran: str
    nama: str
    nip: str
    jabatan: str | None
    product_id: str
    jenis: str | None
    nomor: str | None
    tahun: int
    judul: str
    keputusan: str                 # disetujui | ditolak
    catatan: str | None
    berkas: tuple[tuple[str, str], ...]   # (file name, sha256)
    made_at: datetime
    record: bytes                  # the sign-off record's bytes, embedded as RECORD_NAME


def _latin(text: str) -> str:
    """The base-14 fonts speak cp1252: other characters are shown as '?' (the embedded record keeps them)."""
    return text.encode("cp1252", "replace").decode("cp1252")


def render_lembar(facts: LembarFacts) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    page.setTitle(f"Lembar persetujuan {facts.product_id} langkah {facts.step_no}")
    page.setAuthor(_latin(facts.instansi))
    page.setSubject("Lembar persetujuan SOP (jdih-build)")
    width, height = A4
    left, right = 56, width - 56
    y = height - 64

    def line(text: str, font: str = "Helvetica", size: float = 10, gap: float = 4, x: float = left) -> None:
        nonlocal y
        for part in simpleSplit(_latin(text), font, size, right - x) or [""]:
            page.setFont(font, size)
            page.drawString(x, y, part)
            y -= size + 2
        y -= gap

    def row(label: str, value: str) -> None:
        nonlocal y
        page.setFont("Helvetica", 9)
        page.drawString(left, y, _latin(label))
        line(value, "Helvetica-Bold", 10, 3, x=left + 130)

    line(facts.instansi.upper(), "Helvetica-Bold", 11, 2)
    line(TITLE, "Helvetica-Bold", 13, 2)
    line(f"SOP {facts.sop}", "Helvetica", 9, 12)
    row("Produk hukum", f"{facts.judul}")
    row("Jenis / nomor / tahun", " / ".join(x for x in (facts.jenis or "-", facts.nomor or "-", str(facts.tahun))))
    row("Id produk", facts.product_id)
    row("Langkah SOP", f"{facts.step_no}. {facts.kegiatan}")
    row("Peran", facts.peran)
    row("Penanda tangan", facts.nama)
    row("NIP", facts.nip)
    row("Jabatan", facts.jabatan or "-")
    y -= 4
    row("KEPUTUSAN", DECISION_WORDS[facts.keputusan])
    if facts.catatan:
        row("Catatan", facts.catatan)
    y -= 6
    line("Berkas yang disetujui, dengan sidik SHA-256 setiap berkas:", "Helvetica-Bold", 10, 4)
    for name, digest in facts.berkas:
        line(name, "Helvetica", 9, 0, x=left + 10)
        line(digest, "Courier", 8.5, 5, x=left + 10)
    y -= 4
    line(f"Lembar dibuat {facts.made_at.isoformat(timespec='seconds')}.", "Helvetica", 9, 10)
    for note in (
        "Sebelum menandatangani, periksa judul, nomor, langkah, peran dan keputusan di atas. Sidik SHA-256 "
        "mengikat persetujuan ini pada isi berkas yang persis sama: satu bita berubah, persetujuan gugur.",
        "Tandatangani lembar ini dengan tanda tangan elektronik tersertifikasi (TTE) di aplikasi yang biasa "
        "Anda pakai, tanpa mengubah isinya, lalu kirim kembali berkas PDF yang sudah ditandatangani kepada "
        "admin web JDIH.",
    ):
        line(note, "Helvetica-Oblique", 8.5, 4)
    page.showPage()
    page.save()
    return _with_record(buffer.getvalue(), facts.record)


def _with_record(pdf: bytes, record: bytes) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(RECORD_NAME, record)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
