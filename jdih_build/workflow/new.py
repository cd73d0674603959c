"""`jdih new`: scaffold a legal product file (CONTRACT 2) from flags, or by asking on a terminal.

The file is written under `content/<jenis-slug>/<tahun>/<id>.md` with every string quoted (so YAML cannot
mistype `nomor: 012` or `status: no`), an abstract skeleton in the standard's ABSTRAK / CATATAN sections,
and the main-text PDF copied beside it. Before the file takes its name it is loaded with the same
validation as `jdih build`; a scaffold that would not validate is never left behind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from jdih_build.workflow.approve import yaml_quote, yaml_scalar
from jdih_build.load.settings import load_config
from jdih_build.publish import formatting
from jdih_build.load.content import ID_PATTERN, REQUIRED_KEYS, find_product_files, read_product, split_front_matter
from jdih_build.model import STATUS_VALUES, TIPE_DOKUMEN, SiteConfig
from jdih_build.load.filetypes import allowed_list, is_allowed_attachment, suffix
from jdih_build.load.policy import load_roster, load_sop
from jdih_build.load.problems import Problems
from jdih_build.console.reporting import problem_lines, rel
from jdih_build.load.strict_yaml import Scalar, YamlError, YMap, parse

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
PDF_MAGIC = b"%PDF-"

Parsed = tuple[object, str | None]   # (value, None) or (None, the reason it is invalid)
Asker = Callable[[str], str]


# --------------------------------------------------------------------------------------------------
# Parsing one answer


def parse_text(answer: str) -> Parsed:
    value = answer.strip()
    if not value:
        return None, "it is empty"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return None, "it contains a line break or a control character; write one line"
    return value, None


def parse_year(answer: str) -> Parsed:
    text = answer.strip()
    if not re.fullmatch(r"[0-9]{4}", text) or not 1900 <= int(text) <= 2100:
        return None, f"'{text}' is not a year from 1900 to 2100"
    return int(text), None


def parse_day(answer: str) -> Parsed:
    text = answer.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None, f"'{text}' is not a date YYYY-MM-DD (e.g. 2024-03-01)"
    try:
        return date.fromisoformat(text), None
    except ValueError as exc:
        return None, f"'{text}' is not a real date ({exc})"


def parse_status(answer: str) -> Parsed:
    for option in STATUS_VALUES:
        if option.casefold() == answer.strip().casefold():
            return option, None
    return None, f"'{answer.strip()}' is not one of: {', '.join(STATUS_VALUES)}"


def parse_tipe(answer: str) -> Parsed:
    text = answer.strip().lower()
    if text in TIPE_DOKUMEN:
        return text, None
    return None, f"'{answer.strip()}' is not one of: {', '.join(TIPE_DOKUMEN)}"


def parse_id(answer: str) -> Parsed:
    text = answer.strip()
    if not ID_PATTERN.fullmatch(text):
        return None, f"'{text}' is not an id: use lower-case letters, digits and '-', at most 100 (e.g. kpt-12-2024)"
    return text, None


# --------------------------------------------------------------------------------------------------
# The fields `jdih new` fills in


@dataclass(frozen=True)
class FieldSpec:
    key: str                        # the front-matter key
    flag: str                       # the command-line option
    explain: str                    # shown in the prompt and in --help
    parse: Callable[[str], Parsed]
    tipes: tuple[str, ...] = TIPE_DOKUMEN   # the document types that have this key
    repeat: bool = False            # a list, the flag may be repeated

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    def required_for(self, tipe: str) -> bool:
        return self.key in ("judul", "tahun") or self.key in REQUIRED_KEYS[tipe]


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("judul", "--judul", "the full title", parse_text),
    FieldSpec("jenis", "--jenis", "the kind of product, e.g. Keputusan, Peraturan KPU, Surat Edaran", parse_text),
    FieldSpec("singkatan_jenis", "--singkatan-jenis", "its abbreviation, e.g. Kpt, PKPU, SE", parse_text),
    FieldSpec("nomor", "--nomor", "the number, kept as text (012 stays 012)", parse_text),
    FieldSpec("tanggal_penetapan", "--tanggal-penetapan", "the day it was enacted, YYYY-MM-DD", parse_day),
    FieldSpec("tanggal_dibacakan", "--tanggal-dibacakan", "the day the verdict was read, YYYY-MM-DD", parse_day,
              ("putusan",)),
    FieldSpec("tahun", "--tahun", "the year, 1900-2100", parse_year),
    FieldSpec("status", "--status", "Berlaku or Tidak Berlaku", parse_status),
    FieldSpec("pengadilan", "--pengadilan", "the court", parse_text, ("putusan",)),
    FieldSpec("penerbit", "--penerbit", "the publisher", parse_text, ("monografi", "artikel")),
    FieldSpec("tempat_terbit", "--tempat-terbit", "the place of publication", parse_text, ("monografi", "artikel")),
    FieldSpec("sumber", "--sumber", "the source, e.g. the gazette or the journal", parse_text),
    FieldSpec("bidang_hukum", "--bidang-hukum", "the field of law, e.g. Hukum Administrasi Negara", parse_text),
    FieldSpec("subjek", "--subjek", "a subject heading (repeat the option for more)", parse_text, repeat=True),
)


def field_default(key: str, values: dict[str, object], interactive: bool) -> str | None:
    """The value a field takes when it is not given: shown as the default on a terminal."""
    if key == "status":
        return "Berlaku"
    if key == "tahun":
        for day_key in ("tanggal_penetapan", "tanggal_dibacakan"):
            day = values.get(day_key)
            if isinstance(day, date):
                return str(day.year)
        return str(date.today().year) if interactive else None
    return None


def ask_until_valid(label: str, parse: Callable[[str], Parsed], default: str | None, ask: Asker) -> object:
    """Ask on the terminal until the answer is valid; an empty answer takes the default."""
    shown = f" [{default}]" if default is not None else ""
    while True:
        answer = ask(f"{label}{shown}: ").strip()
        if not answer and default is not None:
            answer = default
        if not answer:
            print("  this field is required; type a value", file=sys.stderr)
            continue
        value, reason = parse(answer)
        if reason is None:
            return value
        print(f"  invalid: {reason}", file=sys.stderr)


@dataclass(frozen=True)
class Collected:
    tipe: str
    values: dict[str, object]
    missing: tuple[str, ...]       # the flags of required fields that were not given
    invalid: tuple[str, ...]       # `--flag: reason` for given values that are invalid


def collect(args: argparse.Namespace, interactive: bool, ask: Asker) -> Collected:
    """The fields from the flags, asking on a terminal for the required ones that are missing."""
    invalid: list[str] = []
    missing: list[str] = []
    tipe = "peraturan"
    if args.tipe is not None:
        value, reason = parse_tipe(args.tipe)
        if reason is None:
            tipe = str(value)
        else:
            invalid.append(f"--tipe: {reason}")
    elif interactive:
        tipe = str(ask_until_valid("tipe_dokumen (the document type: " + ", ".join(TIPE_DOKUMEN) + ")",
                                   parse_tipe, "peraturan", ask))
    values: dict[str, object] = {}
    for spec in FIELDS:
        given = getattr(args, spec.dest)
        if given not in (None, []):
            if tipe not in spec.tipes:
                invalid.append(f"{spec.flag}: tipe_dokumen {tipe} has no '{spec.key}' "
                               f"(it is for {', '.join(spec.tipes)})")
                continue
            answers = given if spec.repeat else [given]
            parsed = [spec.parse(a) for a in answers]
            reasons = [r for _, r in parsed if r is not None]
            if reasons:
                invalid.append(f"{spec.flag}: {reasons[0]}")
            else:
                values[spec.key] = [v for v, _ in parsed] if spec.repeat else parsed[0][0]
            continue
        if tipe not in spec.tipes or not spec.required_for(tipe):
            continue
        default = field_default(spec.key, values, interactive)
        if interactive:
            values[spec.key] = ask_until_valid(f"{spec.key} ({spec.explain})", spec.parse, default, ask)
        elif default is not None:
            values[spec.key] = spec.parse(default)[0]
        else:
            missing.append(spec.flag)
    return Collected(tipe, values, tuple(missing), tuple(invalid))


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
        return (f"the id '{product_id}' is already used by {rel(owner, root)}; an id is never reused: "
                "give another one with --id")
    approvals = root / "approvals" / product_id
    if not force and approvals.is_dir() and any(p.name.endswith(".yaml") for p in approvals.iterdir()):
        return (f"approvals/{product_id}/ already holds sign-offs from an earlier product with this id; "
                "give another --id (or --force if they belong to this very product)")
    return None


# --------------------------------------------------------------------------------------------------
# The file


# The order of the keys in the written front matter.
FRONT_MATTER_ORDER = ("judul", "jenis", "singkatan_jenis", "nomor", "tahun", "tanggal_penetapan", "tanggal_dibacakan",
                      "status", "pengadilan", "penerbit", "tempat_terbit", "sumber", "bidang_hukum", "subjek")


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
    head: list[str] = [str(s) for s in values.get("subjek", [])]  # type: ignore[union-attr]
    head.append(str(values["tahun"]))
    if values.get("nomor"):
        short = str(values.get("singkatan_jenis") or values.get("jenis") or tipe).upper()
        head.append(f"{short} NO. {values['nomor']} TAHUN {values['tahun']}")
    head.append(str(values["judul"]).upper())
    if tipe == "peraturan":
        abstrak = ["- Pertimbangan: ...", "- Dasar hukum: ...", "- Isi: ..."]
    else:
        abstrak = ["- ..."]
    return "\n\n".join(head) + "\n\nABSTRAK:\n\n" + "\n".join(abstrak) + "\n\nCATATAN:\n\n- ...\n"


def render_product(product_id: str, tipe: str, values: dict[str, object], pdf_name: str | None) -> str:
    return "---\n" + front_matter(product_id, tipe, values, pdf_name) + "---\n\n" + abstract_skeleton(tipe, values)


def check_pdf(pdf: Path) -> str | None:
    if suffix(pdf.name) != ".pdf" or not is_allowed_attachment(pdf.name):
        return f"{pdf} is not a .pdf file (the main text is published as PDF; other attachments: {allowed_list()})"
    try:
        if not pdf.is_file():
            return f"{pdf} is not a file"
        with pdf.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        return f"{pdf} cannot be read: {exc.strerror or exc}"
    if PDF_MAGIC not in head:
        return f"{pdf} does not look like a PDF (no %PDF- header)"
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
    problems.add(plan.md, None, "the scaffold did not validate", "report this as a bug in jdih new")
    return problems


# --------------------------------------------------------------------------------------------------
# The command


def first_step_hint(root: Path, product_id: str) -> str:
    """`jdih approve <id> --step N --by NAME` for the SOP's first validation step, as far as it can be told."""
    problems = Problems(root)
    sop = load_sop(root, problems)
    roster = load_roster(root, problems) or []
    if sop is None or not sop.validation_steps:
        return f"jdih approve {product_id} --step 4 --by NAME"
    step = sop.validation_steps[0]
    names = sorted(p.nama for p in roster if step.pelaksana in p.peran and p.active_on(date.today()))
    by = f"'{names[0]}'" if names else "NAME"
    return f"jdih approve {product_id} --step {step.no} --by {by}   (a {step.pelaksana})"


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def new(args: argparse.Namespace, interactive: bool, ask: Asker) -> int:
    root = Path(args.site).resolve()
    content = root / "content"
    problems = Problems(root)
    config = load_config(root, problems)
    if config is None:
        for line in problem_lines(problems.sorted()):
            _err(line)
        _err(f"new refused: {root} is not a usable site folder (see above); nothing was written")
        return EXIT_REFUSED
    if not content.is_dir():
        _err(f"error: {rel(content, root)}: no content/ folder - create it, or pass --site with the site's folder")
        return EXIT_REFUSED

    pdf = Path(args.pdf) if args.pdf else None
    usage: list[str] = []
    if pdf is not None and (reason := check_pdf(pdf)) is not None:
        usage.append(f"--pdf: {reason}")
    given_id: str | None = None
    if args.id is not None:
        value, reason = parse_id(args.id)
        if reason is not None:
            usage.append(f"--id: {reason}")
        given_id = str(value) if value is not None else None
    collected = collect(args, interactive, ask)
    usage += collected.invalid
    if collected.missing:
        usage.append("missing required option(s) for tipe_dokumen " + collected.tipe + ": "
                     + ", ".join(collected.missing) + " (or run jdih new on a terminal to be asked)")
    if usage:
        for line in usage:
            _err(f"error: {line}")
        _err("jdih new: nothing was written (see jdih new --help)")
        return EXIT_USAGE

    tipe, values = collected.tipe, collected.values
    ids = existing_ids(content)
    product_id = given_id or derive_id(tipe, values)
    folder = product_folder(content, tipe, values)
    reason = id_refusal(product_id, folder / f"{product_id}.md", ids, root, args.force)
    if reason is not None and given_id is None and interactive:
        _err(f"  {reason}")
        while reason is not None:
            product_id = str(ask_until_valid("id (lower-case letters, digits, '-')", parse_id, None, ask))
            reason = id_refusal(product_id, folder / f"{product_id}.md", ids, root, args.force)
            if reason is not None:
                _err(f"  {reason}")
    if reason is not None:
        _err(f"error: {reason}")
        _err("new refused: nothing was written")
        return EXIT_REFUSED

    md = folder / f"{product_id}.md"
    pdf_target = folder / f"{product_id}.pdf" if pdf is not None else None
    taken = [p for p in (md, pdf_target) if p is not None and (p.exists() or p.is_symlink())]
    if pdf is not None and pdf_target is not None and pdf.resolve() == pdf_target.resolve():
        taken = [p for p in taken if p != pdf_target]
    if taken and not args.force:
        for path in taken:
            _err(f"error: {rel(path, root)} already exists - choose another --id, or pass --force to overwrite it")
        _err("new refused: nothing was written")
        return EXIT_REFUSED

    plan = Plan(root, md, product_id, render_product(product_id, tipe, values, pdf_target.name if pdf_target else None),
                pdf, pdf_target)
    try:
        found = write_and_validate(plan, config)
    except OSError as exc:
        _err(f"error: {rel(md, root)}: cannot write the product: {exc.strerror or exc} - check that content/ is writable")
        return EXIT_REFUSED
    if found:
        for line in problem_lines(found.sorted()):
            _err(line)
        _err(f"error: the scaffold for {product_id} does not validate, so it was not written - "
             "fix the values above (or report a bug in jdih new)")
        return EXIT_REFUSED

    print(f"wrote {rel(md, root)}")
    if pdf_target is not None:
        print(f"wrote {rel(pdf_target, root)}")
    print(f"next: write the abstract (ABSTRAK / CATATAN) in {rel(md, root)}, check the fields, then the SOP sign-offs:")
    print(f"  {first_step_hint(root, product_id)}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    try:
        return new(args, interactive, input)
    except EOFError:
        _err("\nnew: the input ended before every field was given; nothing was written")
        return EXIT_USAGE


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "new", help="scaffold a legal product file under content/",
        description="Write content/<jenis>/<tahun>/<id>.md with valid front matter and an ABSTRAK / CATATAN "
                    "skeleton, and copy --pdf beside it as <id>.pdf. On a terminal, the required fields not given "
                    "as options are asked for; otherwise they must all be given (exit 2 lists the missing ones). "
                    "The id defaults to <singkatan>-<nomor>-<tahun>. Never overwrites a file (unless --force) "
                    "and never reuses an id. Defaults: --tipe peraturan, --status Berlaku, --tahun the year of "
                    "--tanggal-penetapan.")
    site_option(p)
    p.add_argument("--tipe", metavar="TIPE", help=f"tipe_dokumen: {', '.join(TIPE_DOKUMEN)} (default peraturan)")
    for spec in FIELDS:
        for_types = "" if spec.tipes == TIPE_DOKUMEN else f" ({', '.join(spec.tipes)} only)"
        if spec.repeat:
            p.add_argument(spec.flag, action="append", default=[], metavar="TEXT", help=spec.explain + for_types)
        else:
            p.add_argument(spec.flag, metavar=spec.key.upper(), help=spec.explain + for_types)
    p.add_argument("--pdf", metavar="FILE", help="the main text: copied beside the product as <id>.pdf and listed in berkas")
    p.add_argument("--id", metavar="ID", help="the product id (default: derived, e.g. kpt-12-2024)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file of this product")
    p.set_defaults(run=run)
