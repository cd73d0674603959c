"""The CLI's Indonesian catalogue: extract the messages from the code, and compile the .po to the .mo.

    python scripts/compile_messages.py            # compile jdih.po -> jdih.mo (what the CLI reads)
    python scripts/compile_messages.py --update   # first extract the code's messages into jdih.po
                                                  # (new ones get an empty msgstr to translate)
    python scripts/compile_messages.py --check    # exit 1 when jdih.mo is not jdih.po compiled, or a
                                                  # message of the code has no translation

Babel (a test dependency) does the extraction and compilation; the CLI itself needs only Python's
gettext and the compiled jdih.mo, which is committed so that an installed jdih needs no build step.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "jdih_build"
CATALOGUE = PACKAGE / "locale" / "id" / "LC_MESSAGES"
PO, MO = CATALOGUE / "jdih.po", CATALOGUE / "jdih.mo"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message the code marks, as a template."""
    template = Catalog(project="jdih-build", domain="jdih")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)):
        template.add(message, None, [(f"jdih_build/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="id", domain="jdih")


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """The code's messages that the catalogue lacks or leaves empty."""
    missing = []
    for message in extracted():
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="extract the code's messages into jdih.po first")
    parser.add_argument("--check", action="store_true", help="only check that jdih.mo and jdih.po are up to date")
    args = parser.parse_args(argv)
    catalog = read()
    if args.check:
        problems = [f"untranslated: {m!r}" for m in untranslated(catalog)]
        if not MO.is_file() or MO.read_bytes() != compiled(catalog):
            problems.append(f"{MO.relative_to(REPO)} is not {PO.relative_to(REPO)} compiled: run {Path(__file__).name}")
        print("\n".join(problems) or "the catalogue is complete and compiled")
        return 1 if problems else 0
    if args.update:
        catalog.update(extracted(), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with PO.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True)
        catalog = read()
    MO.write_bytes(compiled(catalog))
    print(f"wrote {MO.relative_to(REPO)} ({len(catalog)} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
