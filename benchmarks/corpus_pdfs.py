"""The PDFs of the benchmark corpus, in the shapes a JDIH office uploads: born-digital PDFs with a text
layer (1 to 30 pages, most of them short, as keputusan are; peraturan run longer) and scans of the
signed paper (the same kind of text, printed, scanned at 200-300 dpi, slightly skewed, with speckle
noise and JPEG compression), whose known text scores a recogniser (character error rate).

Everything is drawn from a random generator seeded by the product's id: the same corpus, byte for
byte, whatever the size or the machine (Pillow and reportlab are pinned by the project; the fonts are
Debian's DejaVu, else Pillow's own).
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_POINTS = (595.28, 841.89)
WIDTH = 76
SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
# Pages of one PDF: many of 1-4 pages (keputusan, surat edaran), some of 5-12, a few long (peraturan).
PAGE_WEIGHTS = [(range(1, 5), 60), (range(5, 13), 30), (range(13, 31), 10)]
NAMES = ["Hendra Saputra", "Yulia Rahmi", "Beni Mustika", "Rina Marlina", "Syafrizal Chaniago", "Desi Anggraini",
         "Muhammad Iqbal Harahap", "Siti Nurhaliza Lubis", "Andi Pratama", "Wahyuni Sembiring", "I Made Suardana",
         "Fransiskus Letsoin", "Nurul Hidayah", "Teuku Rizal", "Ahmad Fauzan Nasution", "Yohana Kambu"]
PLACES = ["Kelurahan Ibuh", "Kelurahan Koto Nan Ampek", "Nagari Sungai Pua", "Desa Sukamaju", "Kelurahan Tamalanrea",
          "Desa Batu Ampar", "Kelurahan Kampung Baru", "Gampong Lampineung", "Desa Sidomulyo", "Kelurahan Oebobo"]
DUTIES = ["melaksanakan verifikasi administrasi dokumen persyaratan", "menyusun laporan pertanggungjawaban keuangan",
          "mengoordinasikan distribusi logistik ke tempat pemungutan suara", "memutakhirkan data pemilih secara berkala",
          "menyampaikan salinan berita acara kepada peserta", "mengumumkan hasil penetapan melalui laman resmi",
          "menerima dan meneliti keberatan dari masyarakat", "menyelenggarakan rapat pleno terbuka"]


@dataclass(frozen=True)
class MadePdf:
    name: str
    pages: int
    scan: bool
    text: str          # the text drawn, page after page ("\f" between pages): the ground truth of a scan


def page_count(rng: random.Random) -> int:
    pages, weight = zip(*PAGE_WEIGHTS, strict=True)
    return rng.choice(rng.choices(pages, weights=weight)[0])


def page_lines(product: dict, rng: random.Random, count: int, isi: list[str]) -> list[list[str]]:
    """The text of each page as lines of at most WIDTH characters (the width of the page in DejaVu Serif): the heading on the first, then pasal
    with ayat, duties naming people, places and sums, and the signature on the last."""
    lines: list[str] = [*_wrap(product["judul"].upper(), 56), f"NOMOR {product['nomor']}", ""]
    for line in product["body"].splitlines():
        if line.strip():
            lines += _wrap(line.lstrip("# -"), WIDTH)
    per_page = 46
    pasal = 1
    while len(lines) < per_page * count - 6:
        lines += ["", f"Pasal {pasal}"]
        for ayat in range(1, rng.randint(2, 4) + 1):
            sentence = " ".join(rng.sample(isi, 2))
            if rng.random() < 0.6:
                sentence += (f" {rng.choice(NAMES)} bertugas {rng.choice(DUTIES)} di {rng.choice(PLACES)} dengan "
                             f"anggaran Rp{rng.randint(1, 999)}.{rng.randint(0, 999):03d}.000,00.")
            lines += _wrap(f"({ayat}) {sentence}", WIDTH)
        pasal += 1
    lines = lines[:per_page * count - 6]
    lines += ["", f"Ditetapkan di {product['tempat_penetapan']}",
              f"pada tanggal {product['tanggal_penetapan'].isoformat()}", "KETUA,", "", rng.choice(NAMES).upper()]
    return [lines[n:n + per_page] for n in range(0, len(lines), per_page)][:count] or [lines]


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return out + ([line] if line else [])


def write_text_pdf(path: Path, pages: list[list[str]], title: str) -> None:
    """A born-digital PDF: Times, a real text layer, reproducible bytes (reportlab's invariant mode)."""
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=A4_POINTS, invariant=1, pageCompression=1)
    drawing.setTitle(title)
    for page in pages:
        text = drawing.beginText(56, A4_POINTS[1] - 64)
        text.setFont("Times-Roman", 11)
        text.setLeading(15.5)
        for line in page:
            text.textLine(line)
        drawing.drawText(text)
        drawing.showPage()
    drawing.save()


def write_scan_pdf(path: Path, pages: list[list[str]], rng: random.Random) -> int:
    """A scan of the printed pages: each page drawn at 200, 240 or 300 dpi, turned by up to 1.2 degrees,
    blurred a little, speckled, JPEG-compressed, one image per page. Returns the resolution."""
    dpi = rng.choice((200, 240, 300))
    size = (round(A4_POINTS[0] / 72 * dpi), round(A4_POINTS[1] / 72 * dpi))
    font = _font(round(11 / 72 * dpi))
    images = []
    for page in pages:
        image = Image.new("L", size, 255)
        draw = ImageDraw.Draw(image)
        x, y, leading = round(56 / 72 * dpi), round(64 / 72 * dpi), round(15.5 / 72 * dpi)
        for line in page:
            draw.text((x, y), line, fill=rng.randint(10, 50), font=font)
            y += leading
        image = image.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(0.5 * dpi / 300))
        images.append(_speckled(image, rng))
    stamp = time.gmtime(1704067200)   # 2024-01-01: no build time in the bytes
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=70,
                   creationDate=stamp, modDate=stamp, producer="scanner")
    path.write_bytes(buffer.getvalue())
    return dpi


def _speckled(image: Image.Image, rng: random.Random) -> Image.Image:
    """Dust and toner: about 0.05 % of the pixels turned dark, 0.05 % light, and a grey paper tone."""
    noise = Image.frombytes("L", image.size, rng.randbytes(image.size[0] * image.size[1]))
    dark = noise.point(lambda v: 255 if v < 1 else 0)          # about 1/256 of 1/8: thinned below
    light = noise.point(lambda v: 255 if v > 254 else 0)
    thin = Image.frombytes("L", image.size, rng.randbytes(image.size[0] * image.size[1])).point(lambda v: 255 if v < 32 else 0)
    image = image.point(lambda v: min(v, 242))                 # paper is never white
    image.paste(70, mask=Image.composite(dark, Image.new("L", image.size, 0), thin))
    image.paste(235, mask=Image.composite(light, Image.new("L", image.size, 0), thin))
    return image


def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if SERIF.is_file():
        return ImageFont.truetype(str(SERIF), pixels)
    return ImageFont.load_default(pixels)


def make_pdfs(product: dict, folder: Path, scan: bool, lampiran: bool, isi: list[str]) -> list[MadePdf]:
    """The product's main PDF (a scan when `scan`) and, with `lampiran`, a born-digital attachment."""
    rng = random.Random(f"pdf:{product['id']}")
    made = []
    pages = page_lines(product, rng, page_count(rng), isi)
    name = f"{product['id']}.pdf"
    if scan:
        write_scan_pdf(folder / name, pages, rng)
    else:
        write_text_pdf(folder / name, pages, product["judul"])
    made.append(MadePdf(name, len(pages), scan, "\f".join("\n".join(page) for page in pages)))
    if lampiran:
        extra = page_lines(product, rng, rng.randint(1, 6), isi)
        name = f"{product['id']}-lampiran.pdf"
        write_text_pdf(folder / name, extra, f"Lampiran {product['judul']}")
        made.append(MadePdf(name, len(extra), False, "\f".join("\n".join(page) for page in extra)))
    return made
