#!/usr/bin/env python3
"""Write the small sample PDFs of the example catalogue under content/.

Each product of the sample site gets one short PDF 1.4 beside its .md file: a heading
"CONTOH DOKUMEN - BUKAN SALINAN RESMI" and a page or two summarising the instrument in
Indonesian (title, number, dates, a few provisions paraphrased). They stand in for the real
texts, which are not redistributed here.

Standard library only. The output is deterministic: no timestamps, no random IDs, uncompressed
content streams, Helvetica (a standard Type 1 font, not embedded) with WinAnsiEncoding, and
Latin-1 text. Run from anywhere:

    python scripts/make_sample_pdfs.py            # writes into <repo>/content
    python scripts/make_sample_pdfs.py --root DIR # writes into DIR/content

After changing a PDF (or a product's .md), re-sign the sample with scripts/sample_signoffs.py.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

# -- page geometry (A4, points) ------------------------------------------------------------------
PAGE_W, PAGE_H = 595, 842
MARGIN_L, MARGIN_R = 56, 56
MARGIN_TOP, MARGIN_BOTTOM = 60, 64
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R

BANNER = "CONTOH DOKUMEN - BUKAN SALINAN RESMI"

# Advance widths of Helvetica (1/1000 em) for the printable ASCII range, from the standard font
# metrics; used only to wrap lines. Anything else counts as 556.
_W = {
    " ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191, "(": 333,
    ")": 333, "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278, ":": 278, ";": 278,
    "<": 584, "=": 584, ">": 584, "?": 556, "@": 1015, "[": 278, "\\": 278, "]": 278, "^": 469,
    "_": 556, "`": 333, "{": 334, "|": 260, "}": 334, "~": 584,
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722, "I": 278,
    "J": 500, "K": 667, "L": 556, "M": 833, "N": 722, "O": 778, "P": 667, "Q": 778, "R": 722,
    "S": 667, "T": 611, "U": 722, "V": 667, "W": 944, "X": 667, "Y": 667, "Z": 611,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556, "i": 222,
    "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556, "q": 556, "r": 333,
    "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500, "y": 500, "z": 500,
}


def text_width(text: str, size: float) -> float:
    return sum(_W.get(ch, 556) for ch in text) * size / 1000.0


def wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the line stays whole on its own line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi/Latin-1, with (, ) and \\ escaped."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise SystemExit(f"make_sample_pdfs: text is not Latin-1: {text!r} ({exc})") from None
    out = bytearray(b"(")
    for byte in raw:
        if byte in (0x28, 0x29, 0x5C):  # ( ) \
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte > 0x7E:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


# -- document model ------------------------------------------------------------------------------
@dataclass
class Block:
    kind: str  # title, heading, para, item, small, table, pagebreak, space
    text: str = ""
    rows: list[tuple[str, ...]] = field(default_factory=list)


def T(text: str) -> Block:
    return Block("title", text)


def H(text: str) -> Block:
    return Block("heading", text)


def P(text: str) -> Block:
    return Block("para", text)


def I(text: str) -> Block:  # noqa: E743 - a list item
    return Block("item", text)


def S(text: str) -> Block:
    return Block("small", text)


BREAK = Block("pagebreak")
GAP = Block("space")

# Column layout of a step table: (header, x offset from the left margin, width).
TABLE_COLS = (("No", 0, 22), ("Kegiatan", 26, 262), ("Pelaksana", 294, 126), ("Mutu baku", 424, 59))


class Layout:
    """Places blocks on pages and produces one content stream per page."""

    def __init__(self) -> None:
        self.pages: list[list[bytes]] = []
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_H - MARGIN_TOP
        self.text(MARGIN_L, self.y, 13, BANNER)
        self.y -= 8
        self.rule(self.y)
        self.y -= 20

    def ensure(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def text(self, x: float, y: float, size: float, line: str) -> None:
        self.pages[-1].append(b"BT /F1 %s Tf %s %s Td %s Tj ET" % (_num(size), _num(x), _num(y), pdf_string(line)))

    def rule(self, y: float, x0: float = MARGIN_L, x1: float = PAGE_W - MARGIN_R) -> None:
        self.pages[-1].append(b"0.5 w %s %s m %s %s l S" % (_num(x0), _num(y), _num(x1), _num(y)))

    def lines(self, lines: list[str], size: float, x: float, leading: float) -> None:
        for line in lines:
            self.ensure(leading)
            self.text(x, self.y, size, line)
            self.y -= leading

    def add(self, block: Block) -> None:
        if block.kind == "pagebreak":
            self.new_page()
        elif block.kind == "space":
            self.y -= 8
        elif block.kind == "title":
            for line in wrap(block.text, 12, TEXT_W):
                self.ensure(16)
                self.text(MARGIN_L + (TEXT_W - text_width(line, 12)) / 2, self.y, 12, line)
                self.y -= 16
        elif block.kind == "heading":
            self.y -= 4
            self.ensure(30)
            self.lines(wrap(block.text, 11, TEXT_W), 11, MARGIN_L, 15)
            self.y -= 2
        elif block.kind == "para":
            self.lines(wrap(block.text, 10, TEXT_W), 10, MARGIN_L, 13.5)
            self.y -= 5
        elif block.kind == "item":
            lines = wrap(block.text, 10, TEXT_W - 14)
            self.ensure(13.5)
            self.text(MARGIN_L + 2, self.y, 10, "-")
            self.lines(lines, 10, MARGIN_L + 14, 13.5)
            self.y -= 3
        elif block.kind == "small":
            self.lines(wrap(block.text, 8.5, TEXT_W), 8.5, MARGIN_L, 11)
            self.y -= 4
        elif block.kind == "table":
            self.table(block.rows)
        else:
            raise ValueError(block.kind)

    def table(self, rows: list[tuple[str, ...]]) -> None:
        size, leading = 9, 11.5

        def header() -> None:
            self.ensure(2 * leading)
            self.rule(self.y + leading - 2)
            for title, dx, _ in TABLE_COLS:
                self.text(MARGIN_L + dx, self.y, size, title)
            self.y -= 4
            self.rule(self.y)
            self.y -= leading

        header()
        for row in rows:
            cells = [wrap(cell, size, width) for cell, (_, _, width) in zip(row, TABLE_COLS, strict=False)]
            height = max(len(c) for c in cells) * leading
            if self.y - height < MARGIN_BOTTOM:
                self.new_page()
                header()
            for cell, (_, dx, _) in zip(cells, TABLE_COLS, strict=False):
                for i, line in enumerate(cell):
                    self.text(MARGIN_L + dx, self.y - i * leading, size, line)
            self.y -= height
            self.y += leading - 4
            self.rule(self.y)
            self.y -= leading

    def finish(self) -> list[bytes]:
        total = len(self.pages)
        streams = []
        for number, ops in enumerate(self.pages, 1):
            footer = f"Halaman {number} dari {total}"
            ops = ops + [b"BT /F1 8 Tf %s %s Td %s Tj ET" % (
                _num(PAGE_W - MARGIN_R - text_width(footer, 8)), _num(MARGIN_BOTTOM - 24), pdf_string(footer))]
            streams.append(b"\n".join(ops) + b"\n")
        return streams


def _num(value: float) -> bytes:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode("ascii")


def build_pdf(title: str, blocks: list[Block]) -> bytes:
    layout = Layout()
    for block in blocks:
        layout.add(block)
    streams = layout.finish()

    # Object numbers: 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
    n_pages = len(streams)
    page_ids = [5 + 2 * i for i in range(n_pages)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), n_pages),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Title %s /Producer (scripts/make_sample_pdfs.py) >>" % pdf_string(title),
    }
    for page_id, stream in zip(page_ids, streams, strict=False):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (PAGE_W, PAGE_H, page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_at = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
    return bytes(out)


# -- the sample documents -------------------------------------------------------------------------
NOTE = ("Ringkasan untuk situs contoh JDIH KPU Kota Payakumbuh. Isi di bawah ini diringkas dan "
        "diparafrasekan, bukan kutipan; untuk keperluan hukum gunakan naskah resmi.")

SOP_STEPS = [
    ("1", "Membuat konsep usulan pengunggahan Produk Hukum KPU Payakumbuh",
     "Sub Bagian Pengusul", "60 menit"),
    ("2", "Menyerahkan softcopy konsep tersebut kepada pengelola website JDIH",
     "Sub Bagian Pengusul", "5 menit"),
    ("3", "Mencetak konsep yang telah dibuat dalam bentuk hardcopy untuk diteruskan kepada web admin",
     "Tim Teknis (Pelaksana Redaksi)", "5 menit"),
    ("4", "Mengoreksi konsep yang diajukan oleh Pengelola JDIH dan memvalidasi",
     "Web Admin", "30 menit"),
    ("5", "Meneruskan hardcopy konsep kepada administrator untuk memperoleh validasi",
     "Administrator", "30 menit"),
    ("6", "Setelah mendapatkan validasi web admin dan administrator, hardcopy konsep usulan "
          "pengunggahan produk hukum KPU Payakumbuh kembali ke Pengelola JDIH",
     "Tim Teknis (Pelaksana Redaksi)", "5 menit"),
    ("7", "Meneruskan hardcopy kepada penanggung jawab untuk dikoreksi dan divalidasi",
     "Penanggung Jawab", "30 menit"),
    ("8", "Pengaraf memvalidasi akhir hardcopy konsep usulan pengunggahan produk hukum "
          "KPU Kota Payakumbuh",
     "Pengarah", "30 menit"),
    ("9", "Setelah mendapatkan validasi akhir, hardcopy konsep usulan pengunggahan produk hukum "
          "KPU Kota Payakumbuh kembali ke pengelola website",
     "Tim Teknis (Pelaksana Redaksi)", "5 menit"),
    ("10", "Mengunggah Produk Hukum KPU Kota Payakumbuh", "Web Admin", "5 menit"),
]

DOCUMENTS: dict[str, tuple[str, list[Block]]] = {
    "sop/2023/sop-dokumentasi-produk-hukum.pdf": (
        "SOP Dokumentasi dan Informasi Produk Hukum (contoh)",
        [
            S(NOTE),
            GAP,
            T("KOMISI PEMILIHAN UMUM KOTA PAYAKUMBUH"),
            T("STANDAR OPERASIONAL PROSEDUR"),
            T("DOKUMENTASI DAN INFORMASI PRODUK HUKUM"),
            T("NOMOR 494/ORT.06-SOP/1376/4/2023"),
            GAP,
            H("Identitas SOP"),
            I("Satuan kerja: Sekretariat Komisi Pemilihan Umum Kota Payakumbuh, Jl. RKY. Rasuna Said, "
              "Tiakar, Balai Nan Tuo, Kecamatan Payakumbuh Timur, Kota Payakumbuh 26231."),
            I("Tanggal pembuatan: 16 Oktober 2023. Tanggal revisi: -. Tanggal efektif: 25 Oktober 2023."),
            I("Disahkan oleh Sekretaris KPU Kota Payakumbuh, Beni Mustika, NIP 19830329 200902 1 002."),
            H("Dasar hukum (sebagaimana tercantum dalam SOP)"),
            I("Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum."),
            I("Keputusan Presiden Nomor 33 Tahun 2012 tentang Jaringan Dokumentasi dan Informasi Hukum "
              "Nasional (instrumen yang dimaksud adalah Peraturan Presiden Nomor 33 Tahun 2012)."),
            I("Peraturan Menteri Hukum dan HAM Nomor 2 Tahun 2013 tentang Standarisasi Pengelolaan Teknis "
              "Dokumentasi dan Informasi Hukum."),
            I("Keputusan Komisi Pemilihan Umum Nomor 134/Kpts/KPU/Tahun 2016 tentang Jaringan Dokumentasi "
              "dan Informasi Hukum Komisi Pemilihan Umum."),
            H("Kualifikasi pelaksana"),
            P("Pelaksana mampu menggunakan komputer, memahami tugas dan mekanisme pengelolaan website, "
              "mampu mengelola website JDIH, dan mampu mengunggah informasi serta produk hukum ke website "
              "JDIH."),
            H("Keterkaitan, peralatan, peringatan, pencatatan"),
            P("SOP ini terkait dengan SOP Pembuatan Produk Hukum. Peralatan yang diperlukan: jaringan "
              "internet, modem, WIFI dan router board, komputer server, komputer administrasi, printer dan "
              "scanner, UPS, kamera, laptop, voice recorder, dan alat tulis. Bila SOP tidak dilaksanakan, "
              "produk hukum tidak terpublikasikan. Hasil kegiatan disimpan sebagai arsip softcopy maupun "
              "hardcopy."),
            BREAK,
            H("Prosedur: kegiatan, pelaksana, dan mutu baku waktu"),
            Block("table", rows=SOP_STEPS),
            GAP,
            P("Empat langkah merupakan validasi: koreksi dan validasi oleh web admin (langkah 4), validasi "
              "administrator (langkah 5), koreksi dan validasi penanggung jawab (langkah 7), dan validasi "
              "akhir oleh pengaraf, yaitu pengarah (langkah 8). Produk hukum diunggah (langkah 10) hanya "
              "setelah keempatnya diperoleh."),
            H("Pengesahan"),
            I("SOP dibuat untuk dilaksanakan setiap bagian sesuai struktur organisasi yang telah ditetapkan."),
            I("Dalam keadaan kahar, perubahan atau revisi dapat dilakukan selama SOP dilaksanakan, tetapi "
              "tidak berlaku bagi tahapan yang sudah selesai."),
            I("Perubahan ruang lingkup dan penanggung jawab kegiatan membatalkan SOP ini seluruhnya."),
            I("SOP berlaku pada saat ditandatangani. Disahkan di Payakumbuh pada tanggal 25 Oktober 2023 oleh "
              "Sekretaris Komisi Pemilihan Umum Kota Payakumbuh, Beni Mustika."),
        ],
    ),
    "undang-undang/2017/uu-7-2017.pdf": (
        "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (contoh)",
        [
            S(NOTE),
            GAP,
            T("UNDANG-UNDANG REPUBLIK INDONESIA"),
            T("NOMOR 7 TAHUN 2017"),
            T("TENTANG"),
            T("PEMILIHAN UMUM"),
            GAP,
            I("Disahkan di Jakarta pada tanggal 15 Agustus 2017 oleh Presiden Joko Widodo."),
            I("Diundangkan di Jakarta pada tanggal 16 Agustus 2017; Lembaran Negara Republik Indonesia "
              "Tahun 2017 Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor 6109."),
            H("Pertimbangan"),
            P("Pemilihan umum menjamin tersalurnya suara rakyat secara langsung, umum, bebas, rahasia, jujur, "
              "dan adil. Pengaturan pemilu Presiden dan Wakil Presiden, pemilu anggota DPR, DPD, dan DPRD, "
              "serta penyelenggara pemilu yang semula terpisah dalam tiga undang-undang disatukan dalam satu "
              "undang-undang, termasuk untuk pemilu serentak."),
            H("Sistematika"),
            P("Buku Kesatu Ketentuan Umum; Buku Kedua Penyelenggara Pemilu (KPU, Bawaslu, DKPP); Buku Ketiga "
              "Pelaksanaan Pemilu; Buku Keempat Pelanggaran Pemilu, Sengketa Proses Pemilu, dan Perselisihan "
              "Hasil Pemilu; Buku Kelima Tindak Pidana Pemilu; Buku Keenam Penutup. Seluruhnya 573 pasal."),
            BREAK,
            H("Beberapa ketentuan (parafrase)"),
            I("Pasal 1: memuat arti istilah yang dipakai, antara lain pemilu sebagai sarana kedaulatan rakyat "
              "untuk memilih anggota DPR, DPD, Presiden dan Wakil Presiden, serta anggota DPRD."),
            I("Pasal 2: pemilu dilaksanakan berdasarkan asas langsung, umum, bebas, rahasia, jujur, dan adil."),
            I("Pasal 3: penyelenggara pemilu bekerja menurut prinsip antara lain mandiri, jujur, adil, "
              "berkepastian hukum, tertib, terbuka, proporsional, profesional, akuntabel, efektif, dan efisien."),
            I("Buku Kedua: KPU bersifat nasional, tetap, dan mandiri; KPU Provinsi dan KPU Kabupaten/Kota "
              "beserta badan ad hoc di bawahnya melaksanakan tahapan pemilu di wilayah masing-masing."),
            I("Pasal 167: pemilu diselenggarakan lima tahun sekali, dan pemungutan suara dilakukan serentak "
              "pada hari libur atau hari yang diliburkan secara nasional."),
            I("Pasal 571: mencabut UU Nomor 42 Tahun 2008, UU Nomor 15 Tahun 2011, UU Nomor 8 Tahun 2012, serta "
              "sebagian ketentuan UU Nomor 11 Tahun 2006 tentang Pemerintahan Aceh."),
            I("Pasal 573: undang-undang mulai berlaku pada tanggal diundangkan."),
        ],
    ),
    "peraturan-presiden/2012/perpres-33-2012.pdf": (
        "Peraturan Presiden Nomor 33 Tahun 2012 tentang JDIHN (contoh)",
        [
            S(NOTE),
            GAP,
            T("PERATURAN PRESIDEN REPUBLIK INDONESIA"),
            T("NOMOR 33 TAHUN 2012"),
            T("TENTANG"),
            T("JARINGAN DOKUMENTASI DAN INFORMASI HUKUM NASIONAL"),
            GAP,
            I("Ditetapkan di Jakarta oleh Presiden Susilo Bambang Yudhoyono; Lembaran Negara Republik "
              "Indonesia Tahun 2012 Nomor 82."),
            I("Menggantikan Keputusan Presiden Nomor 91 Tahun 1999 tentang Jaringan Dokumentasi dan Informasi "
              "Hukum Nasional."),
            H("Pertimbangan"),
            P("Dokumen hukum perlu dikelola secara tertib, terpadu, dan berkesinambungan agar pelayanan "
              "informasi hukum kepada masyarakat lengkap, akurat, mudah, dan cepat. Pengaturan jaringan "
              "sebelumnya dipandang tidak lagi sesuai dengan perkembangan dan kebutuhan."),
            BREAK,
            H("Beberapa ketentuan (parafrase)"),
            I("Pasal 1: JDIHN adalah wadah untuk mendayagunakan dokumen hukum bersama-sama dan sarana "
              "pelayanan informasi hukum; dokumen hukum mencakup peraturan perundang-undangan dan produk hukum "
              "lain seperti putusan pengadilan, yurisprudensi, monografi, artikel majalah hukum, dan naskah "
              "akademis; pengelolaan meliputi pengumpulan, pengolahan, penyimpanan, pelestarian, dan "
              "pendayagunaan."),
            I("Tujuan: pengelolaan dokumentasi dan informasi hukum yang terpadu dan terintegrasi, ketersediaan "
              "informasi hukum yang lengkap dan akurat, serta kerja sama antaranggota jaringan."),
            I("Susunan: Pusat JDIHN diselenggarakan oleh kementerian di bidang hukum (Badan Pembinaan Hukum "
              "Nasional); anggota JDIHN antara lain biro dan bagian hukum kementerian dan lembaga, sekretariat "
              "lembaga negara, pemerintah daerah, sekretariat DPRD, dan perguruan tinggi."),
            I("Pembinaan: menteri membina, mengembangkan, dan memantau pengelolaan oleh anggota jaringan; "
              "biaya dibebankan pada anggaran masing-masing instansi."),
            I("Penutup: Keputusan Presiden Nomor 91 Tahun 1999 dicabut; peraturan presiden berlaku sejak "
              "diundangkan."),
        ],
    ),
    "peraturan-menteri/2013/permenkumham-2-2013.pdf": (
        "Permenkumham Nomor 2 Tahun 2013 tentang Standardisasi Pengelolaan Teknis DIH (contoh)",
        [
            S(NOTE),
            GAP,
            T("PERATURAN MENTERI HUKUM DAN HAK ASASI MANUSIA REPUBLIK INDONESIA"),
            T("NOMOR 2 TAHUN 2013"),
            T("TENTANG"),
            T("STANDARDISASI PENGELOLAAN TEKNIS DOKUMENTASI DAN INFORMASI HUKUM"),
            GAP,
            I("Ditetapkan di Jakarta oleh Menteri Hukum dan Hak Asasi Manusia, Amir Syamsuddin; Berita Negara "
              "Republik Indonesia Tahun 2013 Nomor 218."),
            I("Status: telah dicabut dan diganti dengan Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 8 "
              "Tahun 2019 tentang Standar Pengelolaan Dokumen dan Informasi Hukum."),
            H("Pertimbangan"),
            P("Anggota JDIHN membutuhkan standar yang sama dalam mengelola dokumen hukum agar informasi yang "
              "dihasilkan seragam, dapat dipertukarkan, dan terintegrasi dalam jaringan nasional sebagaimana "
              "dikehendaki Peraturan Presiden Nomor 33 Tahun 2012."),
            BREAK,
            H("Ruang lingkup standardisasi (parafrase)"),
            I("Pengadaan bahan dokumen hukum dan daftar inventarisasi (nomor urut, jenis, nomor, tanggal "
              "penetapan, tentang, sumber, status)."),
            I("Katalog peraturan perundang-undangan dan instrumen hukum lainnya: badan atau pejabat "
              "pembentuk, tajuk seragam, jenis, nomor dan tahun, judul, tempat dan tanggal penetapan, "
              "sumber teks, serta status."),
            I("Abstrak peraturan: uraian ringkas tentang alasan pembentukan, dasar hukum, dan materi pokok "
              "yang diatur."),
            I("Katalog monografi hukum, indeks majalah hukum, dan indeks kliping koran."),
            I("Pelayanan informasi hukum dan website JDIHN."),
            I("Pemantauan dan evaluasi pengelolaan oleh anggota jaringan."),
            I("Rincian teknis setiap standar dimuat dalam lampiran peraturan menteri."),
        ],
    ),
    "keputusan-kpu/2016/kpt-kpu-134-2016.pdf": (
        "Keputusan KPU Nomor 134/Kpts/KPU/Tahun 2016 tentang JDIH KPU (contoh)",
        [
            S(NOTE),
            GAP,
            T("KEPUTUSAN KOMISI PEMILIHAN UMUM"),
            T("NOMOR 134/Kpts/KPU/TAHUN 2016"),
            T("TENTANG"),
            T("JARINGAN DOKUMENTASI DAN INFORMASI HUKUM KOMISI PEMILIHAN UMUM"),
            GAP,
            I("Ditetapkan di Jakarta oleh Komisi Pemilihan Umum. Keputusan ini tidak diundangkan dalam "
              "Berita Negara."),
            H("Pertimbangan"),
            P("KPU sebagai anggota JDIHN perlu membentuk jaringan dokumentasi dan informasi hukum di "
              "lingkungannya agar produk hukum KPU, KPU Provinsi, dan KPU Kabupaten/Kota terkumpul, terolah, "
              "dan dapat diakses publik secara cepat dan akurat."),
            BREAK,
            H("Pokok-pokok keputusan (parafrase; susunan diktum naskah resmi dapat berbeda)"),
            I("Membentuk Jaringan Dokumentasi dan Informasi Hukum Komisi Pemilihan Umum (JDIH KPU)."),
            I("KPU berkedudukan sebagai pusat jaringan; KPU Provinsi dan KPU Kabupaten/Kota sebagai anggota "
              "jaringan di wilayah masing-masing."),
            I("Pusat dan anggota jaringan mengumpulkan, mengolah, menyimpan, dan menyebarluaskan produk hukum "
              "melalui website JDIH KPU, serta memperbarui status produk hukum."),
            I("Pengelolaan dilaksanakan oleh tim yang ditetapkan dengan keputusan pada masing-masing satuan "
              "kerja; pelaksanaannya dilaporkan secara berkala."),
            I("Keputusan berlaku pada tanggal ditetapkan."),
        ],
    ),
    "keputusan/2024/kpt-kpu-payakumbuh-pengelola-jdih-2024.pdf": (
        "Keputusan KPU Kota Payakumbuh tentang Tim Pengelola JDIH Tahun 2024 (contoh)",
        [
            S("Dokumen rekaan untuk menguji alur persetujuan situs contoh. Nomor, tanggal, dan isi bukan "
              "data resmi KPU Kota Payakumbuh."),
            GAP,
            T("KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA PAYAKUMBUH"),
            T("NOMOR 3 TAHUN 2024"),
            T("TENTANG"),
            T("TIM PENGELOLA JARINGAN DOKUMENTASI DAN INFORMASI HUKUM KOMISI PEMILIHAN UMUM KOTA PAYAKUMBUH "
              "TAHUN 2024"),
            GAP,
            H("Menimbang"),
            P("Website JDIH KPU Kota Payakumbuh perlu dikelola secara tertib sesuai Standar Operasional "
              "Prosedur Dokumentasi dan Informasi Produk Hukum, sehingga perlu ditetapkan tim pengelola "
              "untuk tahun 2024."),
            H("Mengingat"),
            I("Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum."),
            I("Peraturan Presiden Nomor 33 Tahun 2012 tentang Jaringan Dokumentasi dan Informasi Hukum "
              "Nasional."),
            I("Keputusan Komisi Pemilihan Umum Nomor 134/Kpts/KPU/Tahun 2016 tentang Jaringan Dokumentasi "
              "dan Informasi Hukum Komisi Pemilihan Umum."),
            BREAK,
            H("Memutuskan (ringkasan)"),
            I("KESATU: menetapkan Tim Pengelola JDIH KPU Kota Payakumbuh Tahun 2024 dengan susunan dalam "
              "lampiran."),
            I("KEDUA: susunan tim terdiri atas pengarah (Sekretaris), penanggung jawab (Kepala Subbagian "
              "yang membidangi hukum), administrator, web admin, dan tim teknis (pelaksana redaksi)."),
            I("KETIGA: tim mengumpulkan dan memvalidasi produk hukum, lalu mengunggahnya ke website JDIH "
              "menurut langkah-langkah SOP, dan melaporkan pelaksanaan tugasnya setiap triwulan."),
            I("KEEMPAT: biaya pelaksanaan dibebankan pada anggaran Sekretariat KPU Kota Payakumbuh."),
            I("KELIMA: keputusan berlaku sejak tanggal ditetapkan sampai dengan 31 Desember 2024."),
            GAP,
            P("Ditetapkan di Payakumbuh pada tanggal 8 Januari 2024."),
        ],
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="site folder holding content/ (default: this repository)")
    args = parser.parse_args(argv)
    content = args.root / "content"
    for rel, (title, blocks) in DOCUMENTS.items():
        target = content / rel
        if not target.with_suffix(".md").is_file():
            print(f"make_sample_pdfs: skipping {rel}: no {target.with_suffix('.md').name} beside it", file=sys.stderr)
            continue
        data = build_pdf(title, blocks)
        if target.is_file() and target.read_bytes() == data:
            print(f"unchanged {target.relative_to(args.root)}")
            continue
        target.write_bytes(data)
        print(f"wrote     {target.relative_to(args.root)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
