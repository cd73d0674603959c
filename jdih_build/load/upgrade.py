"""What a site made by an older jdih-build must change (issue 19: raising the pinned version is the
whole upgrade, and where something else must change, the build says what, once, with the fix).

Each note is a fact about the site folder, checked without running anything: the version the site
pins, and leftovers of what earlier versions wrote. docs/pemutakhiran.md lists the same changes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from jdih_build import __version__
from jdih_build.i18n import _

PIN = re.compile(r"^\s*jdih-build\s*==\s*([0-9][0-9A-Za-z.+-]*)\s*$")


def pinned_version(root: Path) -> str | None:
    """The version of jdih-build the site's pyproject.toml pins (`jdih-build==X`), if it pins one."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    project = data.get("project")
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    for dependency in dependencies if isinstance(dependencies, list) else []:
        if isinstance(dependency, str) and (found := PIN.match(dependency)):
            return found.group(1)
    return None


def upgrade_notes(root: Path, running: str = __version__) -> list[str]:
    notes: list[str] = []
    pinned = pinned_version(root)
    if pinned is not None and running != "0.0.0" and pinned != running:
        notes.append(_("pyproject.toml pins jdih-build {pinned}, but {running} is running: install the pinned version "
                       "(make pasang), or raise the pin (docs/pemutakhiran.md)").format(pinned=pinned, running=running))
    if (root / ".jdih-cache").is_dir():
        notes.append(_(".jdih-cache: the build cache now lies outside the site (in ~/.cache/jdih-build); this folder is "
                       "no longer read: delete it (docs/pemutakhiran.md)"))
    workflows = root / ".github" / "workflows"
    for workflow in sorted(workflows.glob("*.y*ml")) if workflows.is_dir() else []:
        try:
            text = workflow.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        where = workflow.relative_to(root).as_posix()
        if re.search(r"path:\s*\.jdih-cache\b", text):
            notes.append(_("{where}: the workflow caches .jdih-cache, which is no longer used; cache ~/.cache/jdih-build "
                           "instead (docs/pemutakhiran.md)").format(where=where))
        if re.search(r"^\s*JDIH_ROOT_KEYS:\s*\$\{\{", text, re.MULTILINE):
            notes.append(_("{where}: JDIH_ROOT_KEYS is set from a variable that may be empty, and an empty value now "
                           "fails the build; pass it only when it is defined (docs/pemutakhiran.md)").format(where=where))
    return notes
