"""`jdih new`: scaffold a legal product file (CONTRACT 2) from flags, or by asking on a terminal.

The file is written under `content/<jenis-slug>/<tahun>/<id>.md` with every string quoted (so YAML cannot
mistype `nomor: 012` or `status: no`), an abstract skeleton in the standard's ABSTRAK / CATATAN sections,
and the main-text PDF copied beside it. Before the file takes its name it is loaded with the same
validation as `jdih build`; a scaffold that would not validate is never left behind.

The pieces: `new_fields` (asking), `new_files` (writing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from jdih_build.console.reporting import problem_lines, rel
from jdih_build.gate.rules import key_option
from jdih_build.i18n import _
from jdih_build.load.policy import load_roster, load_sop
from jdih_build.load.problems import Problems
from jdih_build.load.settings import load_config
from jdih_build.model import TIPE_DOKUMEN
from jdih_build.workflow.catalogue.new_fields import (
    FIELDS,
    Asker,
    ask_optional,
    ask_until_valid,
    collect,
    parse_id,
)
from jdih_build.workflow.catalogue.new_files import (
    Plan,
    check_pdf,
    derive_id,
    existing_ids,
    id_refusal,
    product_folder,
    render_product,
    write_and_validate,
)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

# --------------------------------------------------------------------------------------------------
# The command


def first_step_hint(root: Path, product_id: str) -> str:
    """`jdih approve <id> --step N --by NAME` for the SOP's first validation step, as far as it can be told."""
    problems = Problems(root)
    sop = load_sop(root, problems)
    roster = load_roster(root, problems) or []
    if sop is None or not sop.validation_steps:
        return _("jdih approve {product_id} --step 4 --by NAME").format(product_id=product_id)
    step = sop.validation_steps[0]
    names = sorted(p.nama for p in roster if step.pelaksana in p.peran and p.active_on(date.today()))
    by = f"'{names[0]}'" if names else "NAME"
    return _("jdih approve {product_id} --step {step_no} --by {by}{key}   (a {step_pelaksana})").format(
        product_id=product_id, step_no=step.no, by=by, step_pelaksana=step.pelaksana, key=key_option(sop))


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _pdf_answer(answer: str) -> tuple[object, str | None]:
    path = Path(answer.strip()).expanduser()
    reason = check_pdf(path)
    return (None, reason) if reason is not None else (path, None)


def new(args: argparse.Namespace, interactive: bool, ask: Asker) -> int:
    root = Path(args.site).resolve()
    content = root / "content"
    problems = Problems(root)
    config = load_config(root, problems)
    if config is None:
        for line in problem_lines(problems.sorted()):
            _err(line)
        _err(_("new refused: {root} is not a usable site folder (see above); nothing was written").format(root=root))
        return EXIT_REFUSED
    if not content.is_dir():
        _err(_("error: {rel_content_root}: no content/ folder - create it, or pass --site with the site's folder").format(rel_content_root=rel(content, root)))
        return EXIT_REFUSED

    pdf = Path(args.pdf) if args.pdf else None
    usage: list[str] = []
    if pdf is not None and (reason := check_pdf(pdf)) is not None:
        _err(_("error: --pdf: {reason}").format(reason=reason))   # before anything is asked: the rest would be typed in vain
        _err(_("jdih new: nothing was written (see jdih new --help)"))
        return EXIT_USAGE
    if pdf is None and interactive:
        answer = ask_optional(_("PDF of the main text (its path)"), _pdf_answer, None, ask)
        pdf = Path(str(answer)) if answer is not None else None
    given_id: str | None = None
    if args.id is not None:
        value, reason = parse_id(args.id)
        if reason is not None:
            usage.append(f"--id: {reason}")
        given_id = str(value) if value is not None else None
    collected = collect(args, interactive, ask, config.jenis)
    usage += collected.invalid
    if collected.missing:
        usage.append(_("missing required option(s) for tipe_dokumen ") + collected.tipe + ": "
                     + ", ".join(collected.missing) + _(" (or run jdih new on a terminal to be asked)"))
    if usage:
        for line in usage:
            _err(_("error: {line}").format(line=line))
        _err(_("jdih new: nothing was written (see jdih new --help)"))
        return EXIT_USAGE

    tipe, values = collected.tipe, collected.values
    ids = existing_ids(content)
    product_id = given_id or derive_id(tipe, values)
    folder = product_folder(content, tipe, values)
    reason = id_refusal(product_id, folder / f"{product_id}.md", ids, root, args.force)
    if reason is not None and given_id is None and interactive:
        _err(f"  {reason}")
        while reason is not None:
            product_id = str(ask_until_valid(_("id (lower-case letters, digits, '-')"), parse_id, None, ask))
            reason = id_refusal(product_id, folder / f"{product_id}.md", ids, root, args.force)
            if reason is not None:
                _err(f"  {reason}")
    if reason is not None:
        _err(_("error: {reason}").format(reason=reason))
        _err(_("new refused: nothing was written"))
        return EXIT_REFUSED

    md = folder / f"{product_id}.md"
    pdf_target = folder / f"{product_id}.pdf" if pdf is not None else None
    taken = [p for p in (md, pdf_target) if p is not None and (p.exists() or p.is_symlink())]
    if pdf is not None and pdf_target is not None and pdf.resolve() == pdf_target.resolve():
        taken = [p for p in taken if p != pdf_target]
    if taken and not args.force:
        for path in taken:
            _err(_("error: {rel_path_root} already exists - choose another --id, or pass --force to overwrite it").format(rel_path_root=rel(path, root)))
        _err(_("new refused: nothing was written"))
        return EXIT_REFUSED

    plan = Plan(root, md, product_id, render_product(product_id, tipe, values, pdf_target.name if pdf_target else None),
                pdf, pdf_target)
    try:
        found = write_and_validate(plan, config)
    except OSError as exc:
        _err(_("error: {rel_md_root}: cannot write the product: {exc_strerror_or_exc} - check that content/ is "
               "writable").format(rel_md_root=rel(md, root), exc_strerror_or_exc=exc.strerror or exc))
        return EXIT_REFUSED
    if found:
        for line in problem_lines(found.sorted()):
            _err(line)
        _err(_("error: the scaffold for {product_id} does not validate, so it was not written - fix the values "
               "above (or report a bug in jdih new)").format(product_id=product_id))
        return EXIT_REFUSED

    print(_("wrote {path}").format(path=rel(md, root)))
    if pdf_target is not None:
        print(_("wrote {path}").format(path=rel(pdf_target, root)))
    print(_("next: write the abstract (ABSTRAK / CATATAN) in {rel_md_root}, check the fields, then the SOP "
            "sign-offs:").format(rel_md_root=rel(md, root)))
    print(f"  {first_step_hint(root, product_id)}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    try:
        return new(args, interactive, input)
    except EOFError:
        _err(_("\nnew: the input ended before every field was given; nothing was written"))
        return EXIT_USAGE


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser(
        "new", help=_("scaffold a legal product file under content/"),
        description=_("Write content/<jenis>/<tahun>/<id>.md with valid front matter and an ABSTRAK / CATATAN "
                      "skeleton, and copy --pdf beside it as <id>.pdf. On a terminal, the required fields not given "
                      "as options are asked for; otherwise they must all be given (exit 2 lists the missing ones). "
                      "The id defaults to <singkatan>-<nomor>-<tahun>. Never overwrites a file (unless --force) and "
                      "never reuses an id. Defaults: --tipe peraturan, --status Berlaku, --tahun the year of "
                      "--tanggal-penetapan."))
    site_option(p)
    p.add_argument("--tipe", metavar="TIPE", help=_("tipe_dokumen: {join_tipe_dokumen} (default peraturan)").format(join_tipe_dokumen=', '.join(TIPE_DOKUMEN)))
    for spec in FIELDS:
        for_types = "" if spec.tipes == TIPE_DOKUMEN else _(" ({types} only)").format(types=', '.join(spec.tipes))
        if spec.repeat:
            p.add_argument(spec.flag, action="append", default=[], metavar="TEXT", help=_(spec.explain) + for_types)
        else:
            p.add_argument(spec.flag, metavar=spec.key.upper(), help=_(spec.explain) + for_types)
    p.add_argument("--pdf", metavar="FILE", help=_("the main text: copied beside the product as <id>.pdf and listed in berkas"))
    p.add_argument("--id", metavar="ID", help=_("the product id (default: derived, e.g. kpt-12-2024)"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing file of this product"))
    p.set_defaults(run=run)
