"""Where the build cache lives (issue 18, H1): never where the repository can put it.

The cache is an input of the build (what it holds can land in the site), so it must not be a folder
that someone who can push controls. By default it lies outside the working tree, in the user's cache
folder (`$XDG_CACHE_HOME/jdih-build`, else `~/.cache/jdih-build`), one folder per site keyed by the
site's absolute path; CI caches that folder between runs. A `--cache` that lies in or around
content/, approvals/, templates/ or the output, or that holds files git tracks, is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from jdih_build.i18n import _
from jdih_build.load.git_history import GitHistory
from jdih_build.load.problems import Problem


def cache_home(environ: Mapping[str, str] = os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache") / "jdih-build"


def default_cache_dir(site: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The site's own cache folder in the user's cache folder: named after the site folder (for
    people) and keyed by its absolute path (so two sites never share one)."""
    resolved = site.resolve()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", resolved.name).strip("-.")[:40] or "situs"
    return cache_home(environ) / f"{name}-{hashlib.sha256(str(resolved).encode('utf-8', 'surrogateescape')).hexdigest()[:16]}"


def cache_problem(cache_dir: Path, root: Path, out: Path) -> Problem | None:
    """Why `cache_dir` cannot be the cache of the site at `root` building into `out`, or None."""
    cache, root, out = cache_dir.resolve(), root.resolve(), out.resolve()
    fix = _("leave --cache out (the default lies outside the site: {default}), or pass a folder outside "
            "the repository").format(default=default_cache_dir(root))
    for inside in (out, root / "content", root / "approvals", root / "templates"):
        if cache == inside or cache.is_relative_to(inside) or inside.is_relative_to(cache):
            return Problem(str(cache_dir), None, _("the cache folder cannot lie in or around {inside}").format(inside=inside), fix)
    if cache.is_relative_to(root):
        with GitHistory(root) as history:
            tracked = history.tracked(cache)
        if tracked is None:
            return Problem(str(cache_dir), None, _("cannot tell whether git tracks the cache folder ({reason})").format(
                reason=history.problem or "?"), fix)
        if tracked:
            return Problem(str(cache_dir), None, _("git tracks files in the cache folder ({paths}): whoever can push "
                                                   "could put pages in the site through it").format(paths=", ".join(tracked)),
                           _("remove them from git (git rm -r --cached {folder}) and {fix}").format(
                               folder=cache.relative_to(root).as_posix() or ".", fix=fix))
    return None
