"""What `jdih new` writes: the product's id and folder, its front matter and abstract skeleton, and the
PDF beside it, validated with the build's own loader before the file takes its name."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jdih_build.console.reporting import rel
from jdih_build.i18n import _
from jdih_build.load.content import (
    find_product_files,
    read_product,
    split_front_matter,
)
from jdih_build.load.filetypes import allowed_list, is_allowed_attachment, suffix
from jdih_build.load.problems import Problems
from jdih_build.load.strict_yaml import Scalar, YamlError, YMap, parse
from jdih_build.model import SiteConfig
from jdih_build.publish import formatting
from jdih_build.workflow.catalogue.new_fields import PDF_MAGIC
from jdih_build.workflow.signing.signoff_file import yaml_quote, yaml_scalar

# --------------------------------------------------------------------------------------------------
# Ids and paths


def slugify(text: str) -> str:
    """The site's own slugs (formatting.slugify), empty where nothing is left, so callers can fall back."""
    return formatting.slugify(text, fallback="")


def derive_id(tipe: str, values: dict[str, object]) -> str:
    """e.g. `kpt-12-2024` from singkatan_jenis, nomor and tahun; a slug of the title where there is no number."""
    tahun = str(values["tahun"])
    prefix = slugify(str(values.get("singkatan_jenis") or values.get("jenis") or ""))
    nomor = slugify(str(values.get("nomor") or ""))
    if nomor:
        parts = [prefix or tipe, nomor]
    else:
        words = slugify(str(values["judul"])).split("-")
        parts = [prefix] if prefix else []
        parts.append("-".join(words[:6]) or tipe)
    base = "-".join(p for p in parts if p)
    if not base.endswith(tahun):
        base = f"{base}-{tahun}"
    if len(base) > 100:
        base = base[: 100 - len(tahun) - 1].rstrip("-") + "-" + tahun
    return base


def product_folder(content: Path, tipe: str, values: dict[str, object]) -> Path:
    kind = slugify(str(values.get("jenis") or "")) or tipe
    return content / kind / str(values["tahun"])


def declared_id(md: Path) -> str:
    """The id a product file claims (front matter `id`, else the file's stem), read leniently."""
    try:
        parts = split_front_matter(md.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff"))
        tree = parse(parts[0], line_offset=1) if parts else None
    except (OSError, YamlError):
        tree = None
    node = tree.get("id") if isinstance(tree, YMap) else None
    if isinstance(node, Scalar) and not node.is_null and node.text.strip():
        return node.text.strip()
    return md.stem


def existing_ids(content: Path) -> dict[str, Path]:
    problems = Problems(content.parent)   # unreadable folders are the business of jdih check
    return {declared_id(md): md for md in find_product_files(content, problems)}


def id_refusal(product_id: str, target: Path, ids: dict[str, Path], root: Path, force: bool) -> str | None:
    """Why `product_id` cannot be given to a new file at `target`, or None."""
    owner = ids.get(product_id)
    if owner is not None and not (force and owner.resolve() == target.resolve()):
        return (_("the id '{product_id}' is already used by {rel_owner_root}; an id is never reused: give another "
                  "one with --id").format(product_id=product_id, rel_owner_root=rel(owner, root)))
    approvals = root / "approvals" / product_id
    if not force and approvals.is_dir() and any(p.name.endswith(".yaml") for p in approvals.iterdir()):
        return (_("approvals/{product_id}/ already holds sign-offs from an earlier product with this id; give "
                  "another --id (or --force if they belong to this very product)").format(product_id=product_id))
    return None


# --------------------------------------------------------------------------------------------------
# The file


# The order of the keys in a written front matter (jdih new writes some of them, jdih import more).
FRONT_MATTER_ORDER = ("judul", "jenis", "singkatan_jenis", "nomor", "tahun", "teu_badan", "tempat_penetapan",
                      "tanggal_penetapan", "tanggal_pengundangan", "tanggal_dibacakan", "status", "pengadilan",
                      "penerbit", "tempat_terbit", "deskripsi_fisik", "isbn", "nomor_panggil", "nomor_induk_buku",
                      "sumber", "bidang_hukum", "lokasi", "bahasa", "subjek", "id_jdihn", "alamat_lama")


def front_matter(product_id: str, tipe: str, values: dict[str, object], pdf_name: str | None) -> str:
    lines = [f"id: {yaml_scalar(product_id)}", f"tipe_dokumen: {tipe}"]
    for key in FRONT_MATTER_ORDER:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {yaml_quote(str(item))}" for item in value]
        elif isinstance(value, (int, date)):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {yaml_quote(str(value))}")
    if pdf_name is not None:
        lines += ["berkas:", f"  - {yaml_quote(pdf_name)}"]
    return "\n".join(lines) + "\n"


def abstract_skeleton(tipe: str, values: dict[str, object]) -> str:
    """The standard's abstract layout: subjects, year, short citation, title, then ABSTRAK and CATATAN."""
    subjek = values.get("subjek")
    head: list[str] = [str(s) for s in subjek] if isinstance(subjek, list) else []
    head.append(str(values["tahun"]))
    if values.get("nomor"):
        short = str(values.get("singkatan_jenis") or values.get("jenis") or tipe).upper()
        head.append(f"{short} NO. {values['nomor']} TAHUN {values['tahun']}")   # file content: the standard's form
    head.append(str(values["judul"]).upper())
    if tipe == "peraturan":
        abstrak = ["- Pertimbangan: ...", "- Dasar hukum: ...", "- Isi: ..."]
    else:
        abstrak = ["- ..."]
    return "\n\n".join(head) + "\n\nABSTRAK:\n\n" + "\n".join(abstrak) + "\n\nCATATAN:\n\n- ...\n"   # file content, never translated


def render_product(product_id: str, tipe: str, values: dict[str, object], pdf_name: str | None) -> str:
    return "---\n" + front_matter(product_id, tipe, values, pdf_name) + "---\n\n" + abstract_skeleton(tipe, values)


def check_pdf(pdf: Path) -> str | None:
    if suffix(pdf.name) != ".pdf" or not is_allowed_attachment(pdf.name):
        return _("{pdf} is not a .pdf file (the main text is published as PDF; other attachments: {allowed_list})").format(pdf=pdf, allowed_list=allowed_list())
    try:
        if not pdf.is_file():
            return _("{pdf} is not a file").format(pdf=pdf)
        with pdf.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        return _("{pdf} cannot be read: {exc_strerror_or_exc}").format(pdf=pdf, exc_strerror_or_exc=exc.strerror or exc)
    if PDF_MAGIC not in head:
        return _("{pdf} does not look like a PDF (no %PDF- header)").format(pdf=pdf)
    return None


def _temp_beside(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(name, 0o644)
    return Path(name)


@dataclass(frozen=True)
class Plan:
    root: Path
    md: Path
    product_id: str
    text: str
    pdf_source: Path | None
    pdf_target: Path | None


def write_and_validate(plan: Plan, config: SiteConfig) -> Problems:
    """Write the PDF, then the .md under a hidden name; validate it; only then give it its name."""
    plan.md.parent.mkdir(parents=True, exist_ok=True)
    content = plan.root / "content"
    temps: list[Path] = []
    pdf_written = False
    try:
        if plan.pdf_source is not None and plan.pdf_target is not None \
                and plan.pdf_source.resolve() != plan.pdf_target.resolve():
            temp_pdf = _temp_beside(plan.pdf_target)
            temps.append(temp_pdf)
            shutil.copyfile(plan.pdf_source, temp_pdf)
            os.replace(temp_pdf, plan.pdf_target)
            pdf_written = True
        temp_md = _temp_beside(plan.md)
        temps.append(temp_md)
        temp_md.write_text(plan.text, encoding="utf-8")
        problems = Problems(plan.root)
        product = read_product(temp_md, content, config, problems)
        if product is None or problems:
            if pdf_written and plan.pdf_target is not None:
                plan.pdf_target.unlink(missing_ok=True)
            return problems if problems else _unexplained(plan)
        os.replace(temp_md, plan.md)
        return problems
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def _unexplained(plan: Plan) -> Problems:
    problems = Problems(plan.root)
    problems.add(plan.md, None, _("the scaffold did not validate"), _("report this as a bug in jdih new"))
    return problems
