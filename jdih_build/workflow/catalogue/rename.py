"""`jdih rename OLD NEW [--nomor TEXT] [--catatan TEXT]`: a product's id changes (issue 19).

The id comes from the number; when the administrator rejects the number, the product needs a new id.
This moves the product file (and its attachments named after the id) to the new id, rewrites the
`id:`, `nomor:` and `berkas` lines that name it, and records the rename in approvals/ganti-nama.yaml.
The sign-offs under the old id stay in approvals/OLD/ untouched, as history: they never count for the
new id (their bytes and their id are the old ones), `jdih status` shows them under the new id, and the
SOP's steps start anew. Nothing is deleted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from jdih_build.console.clock import now
from jdih_build.console.reporting import load_or_report, rel
from jdih_build.gate.rules import key_option
from jdih_build.i18n import _
from jdih_build.load.content import ID_PATTERN
from jdih_build.load.renames import RENAMES_FILE
from jdih_build.model import Product, Site
from jdih_build.workflow.atomic import write_atomic

HEADER = ("# Produk yang berganti id (ditulis oleh jdih rename). Catatan persetujuan di approvals/<lama>/\n"
          "# tetap disimpan sebagai riwayat dan tidak pernah berlaku untuk id baru.\n")


def refusal(site: Site, old: str, new: str) -> str | None:
    ids = {p.id for p in site.products}
    if old not in ids:
        return _("no product has the id {old}").format(old=old)
    if not ID_PATTERN.fullmatch(new):
        return _("{new} is not a valid id (lower-case letters, digits and hyphens)").format(new=new)
    if new in ids or (site.root / "approvals" / new).exists():
        return _("{new} is already taken (a product, or a folder in approvals/)").format(new=new)
    if any(r.lama == new for r in site.renames):
        return _("{new} was a product's id before: give another").format(new=new)
    return None


def rewritten(text: str, product: Product, new: str, nomor: str | None) -> str:
    """The product file with the lines that name the old id (in its front matter) naming the new one."""
    head, sep, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    old = product.id
    lines = []
    for line in head.splitlines():
        if re.fullmatch(rf"id:\s*['\"]?{re.escape(old)}['\"]?\s*", line):
            line = f"id: {new}"
        elif nomor is not None and re.match(r"nomor:", line):
            line = f"nomor: {json.dumps(nomor, ensure_ascii=False)}"
        elif (found := re.fullmatch(rf"(\s*-\s*['\"]?){re.escape(old)}(\.[A-Za-z0-9]+['\"]?\s*)", line)) is not None:
            line = f"{found.group(1)}{new}{found.group(2)}"
        lines.append(line)
    return "\n".join(lines) + sep + body if sep else text


def append_rename(path: Path, old: str, new: str, moment: datetime, note: str | None) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    entry = f"- lama: {old}\n  baru: {new}\n  waktu: {moment.isoformat()}\n"
    if note:
        entry += f"  catatan: {json.dumps(note, ensure_ascii=False)}\n"
    write_atomic(path, (existing.rstrip("\n") + "\n" + entry).encode("utf-8"), replace=True)


def rename(site: Site, old: str, new: str, nomor: str | None, note: str | None, moment: datetime) -> list[str]:
    """Do it; returns the paths written (relative to the site)."""
    product = next(p for p in site.products if p.id == old)
    md = product.source
    text = md.read_text(encoding="utf-8")
    new_md = md.with_name(f"{new}.md") if md.stem == old else md
    moves = [(md.parent / a.name, md.parent / (new + a.name[len(old):])) for a in product.berkas if a.name.startswith(old + ".")]
    for _source, target in moves:
        if target.exists():
            raise FileExistsError(target)
    write_atomic(new_md, rewritten(text, product, new, nomor).encode("utf-8"), replace=new_md == md)
    for source, target in moves:
        source.rename(target)
    if new_md != md:
        md.unlink()
    append_rename(site.root / "approvals" / RENAMES_FILE, old, new, moment, note)
    return [rel(new_md, site.root)] + [rel(t, site.root) for _s, t in moves] + [f"approvals/{RENAMES_FILE}"]


def run(args: argparse.Namespace) -> int:
    root = Path(args.site).resolve()
    site = load_or_report(root, sys.stderr, _("rename refused: fix them first (jdih check lists them); nothing was changed"))
    if site is None:
        return 1
    problem = refusal(site, args.old, args.new)
    if problem is not None:
        print(_("error: {problem}; nothing was changed").format(problem=problem), file=sys.stderr)
        return 1
    try:
        written = rename(site, args.old, args.new, args.nomor, args.catatan, now().astimezone(site.config.zone))
    except OSError as exc:
        print(_("error: cannot rename: {reason}").format(reason=exc.strerror or exc), file=sys.stderr)
        return 1
    for path in written:
        print(_("wrote {path}").format(path=path))
    first = site.sop.validation_steps[0].no if site.sop.validation_steps else 1
    print(_("renamed {old} to {new}. Its sign-offs under {old} stay in approvals/{old}/ as history (jdih status {new} "
            "shows them); the SOP's steps start anew: jdih approve {new} --step {step} --by NAME{key}. Add the new "
            "files to git: git add -A").format(old=args.old, new=args.new, step=first, key=key_option(site.sop)))
    return 0


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser("rename", help=_("give a product a new id (its number was rejected)"),
                            description=_("Move a product to a new id: its file and the attachments named after the id, "
                                          "the id, nomor and berkas lines that name it; record it in "
                                          "approvals/ganti-nama.yaml. The sign-offs under the old id stay as history and "
                                          "never count for the new one; the SOP's steps start anew. Exit 0 renamed, 1 "
                                          "refused."))
    site_option(p)
    p.add_argument("old", metavar="OLD", help=_("the product's id now"))
    p.add_argument("new", metavar="NEW", help=_("its new id"))
    p.add_argument("--nomor", metavar="TEXT", help=_("the new number, written into the product's nomor"))
    p.add_argument("--catatan", metavar="TEXT", help=_("why (e.g. the administrator's reason), kept with the rename"))
    p.set_defaults(run=run)
