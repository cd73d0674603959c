"""Renamed products (issue 19): `approvals/ganti-nama.yaml`, written by `jdih rename OLD NEW`.

When the administrator rejects a product's number, its id (which comes from the number) changes. The
records signed under the old id stay where they are, in `approvals/OLD/`, as history: they never count
for the new id (they name OLD), the build does not report their folder as orphaned, and `jdih status`
shows them under the product's new id. The file is a list:

    - lama: kpt-12-2024          # the old id
      baru: kpt-13-2024          # the new id
      waktu: 2024-03-01T10:00:00+07:00
      catatan: nomor ditolak administrator (sudah dipakai)
"""

from __future__ import annotations

from pathlib import Path

from jdih_build.i18n import _
from jdih_build.load.fields import Fields
from jdih_build.load.policy import read_yaml
from jdih_build.load.problems import Problems
from jdih_build.load.strict_yaml import YMap, YSeq
from jdih_build.model import Rename

RENAMES_FILE = "ganti-nama.yaml"
KEYS = ("lama", "baru", "waktu", "catatan")


def load_renames(root: Path, problems: Problems) -> tuple[Rename, ...]:
    path = root / "approvals" / RENAMES_FILE
    if not path.exists():
        return ()
    tree = read_yaml(path, problems, _("the list of renamed products"))
    if tree is None:
        return ()
    if not isinstance(tree, YSeq) or not all(isinstance(item, YMap) for item in tree):
        problems.add(path, 1, _("the list of renamed products must be a list (`- lama: ...`)"),
                     _("let jdih rename write it (docs/panduan-editor.md, section 2.7)"))
        return ()
    found: list[Rename] = []
    before = len(problems)
    for item in tree:
        f = Fields(item, path, problems, _("a rename"))
        f.check_known(KEYS)
        old, new, when = f.text("lama", required=True), f.text("baru", required=True), f.timestamp("waktu", required=True)
        if old is not None and new is not None and old == new:
            f.error("baru", _("the new id is the old one"), _("remove the entry"))
        if old is not None and new is not None and when is not None:
            found.append(Rename(old, new, when, f.text("catatan")))
    olds = [r.lama for r in found]
    for rename in found:
        if olds.count(rename.lama) > 1:
            problems.add(path, None, _("{old} is renamed twice").format(old=rename.lama), _("keep one entry for it"))
            break
    return tuple(found) if len(problems) == before else ()
