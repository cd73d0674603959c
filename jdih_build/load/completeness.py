"""Products that parse but are not finished: the abstract still holds `jdih new`'s placeholders, or a
peraturan has no main text. Not a rule of the gate (CONTRACT 5): `jdih check` refuses them, `jdih
approve` will not sign them, and `jdih build` warns (a draft in the repository must not stop the
deployment of everything else).

Decision: a monografi, artikel or putusan may truly have no file (a printed book, an article
catalogued from paper), so for those a missing file is a warning with the reason, never a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jdih_build.i18n import _
from jdih_build.model import Product

# What `jdih import` writes for a fact publication needs that the old catalogue did not have: the product
# imports, and stays unfinished until the office writes the real value (issue 20).
PENDING = "(belum diisi)"
# The lines `jdih new` writes into the abstract's skeleton (workflow/catalogue/new_files.abstract_skeleton).
_PLACEHOLDER = re.compile(r"^[ \t]*-[ \t]*(?:(?:Pertimbangan|Dasar hukum|Isi)[ \t]*:[ \t]*)?\.\.\.[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Unfinished:
    product: Product
    line: int | None
    message: str
    fix: str
    refused: bool          # False: a warning only


def _line_in_file(product: Product, offset_in_abstract: int) -> int | None:
    """The file's line of a position in the abstract (the abstract is the file's tail)."""
    try:
        text = product.source.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None
    at = text.rfind(product.abstrak)
    return text.count("\n", 0, at + offset_in_abstract) + 1 if at >= 0 else None


def unfinished(product: Product) -> list[Unfinished]:
    found: list[Unfinished] = []
    placeholder = _PLACEHOLDER.search(product.abstrak)
    if placeholder is not None:
        found.append(Unfinished(product, _line_in_file(product, placeholder.start()),
                                _("the abstract still holds the placeholder '...' that jdih new wrote"),
                                _("write the abstract (ABSTRAK: the considerations, the legal basis, the content; CATATAN: the "
                                  "notes), or delete the placeholder lines"), True))
    fields = {**{key: getattr(product, key) for key in ("jenis", "nomor", "sumber", "tempat_penetapan", "teu_badan")},
              **product.extra_fields}
    for key, value in fields.items():
        if value == PENDING:
            found.append(Unfinished(product, None, _("{key} is still {pending}: the old catalogue did not have it").format(
                key=key, pending=PENDING), _("write the real {key} in the product file").format(key=key), True))
    if not product.berkas:
        if product.tipe_dokumen == "peraturan":
            found.append(Unfinished(product, None, _("a peraturan without its main text: berkas lists no file"),
                                    _("add the PDF beside the .md and list it under `berkas:`"), True))
        else:
            found.append(Unfinished(product, None, _("no file: berkas is empty (a {product_tipe_dokumen} may have none, e.g. a printed copy only)").format(
                product_tipe_dokumen=product.tipe_dokumen), _("if there is a digital copy, list it under `berkas:`"), False))
    return found
