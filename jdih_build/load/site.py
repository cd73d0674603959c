"""Load a whole site repository: config, products, SOP, roster and sign-offs, all problems at once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jdih_build.cache.store import BuildCache
from jdih_build.i18n import N_, _
from jdih_build.load.content import load_products
from jdih_build.load.lembar_signoffs import load_lembar_signoffs
from jdih_build.load.policy import load_policy, read_policy_files
from jdih_build.load.problems import Problem, Problems
from jdih_build.load.renames import load_renames
from jdih_build.load.settings import load_config
from jdih_build.load.signoffs import start_loading_signoffs
from jdih_build.load.trust import (
    ROOT_KEYS_ENV,
    RootKeyError,
    check_policy_signatures,
    root_keys,
)
from jdih_build.load.tte_trust import ANCHORS_FILE, read_anchors_file, tte_anchors
from jdih_build.model import Site, SiteConfig


def check_templates(templates: Path, problems: Problems) -> None:
    """Templates and assets are read by Jinja and copied as they are: no links (they could pull in
    /etc/passwd), nothing but regular files (a FIFO would hang the build)."""
    if not templates.exists():
        return
    if templates.is_symlink():
        problems.add(templates, None, _("templates/ is a symbolic link"), _("replace the link with the real folder"))
        return
    for folder, dirs, files in os.walk(templates, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                problems.add(path, None, _("a symbolic link in templates/"), _("replace the link with the real file"))
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.add(path, None, _("not a regular file (a FIFO or device)"), _("replace it with an ordinary file"))
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]


NOT_A_SITE_FIX = N_("run jdih in the site's folder (the one holding pyproject.toml, content/ and approvals/), or pass --site DIR")


def not_a_site(root: Path) -> str | None:
    """Why `root` is no site folder at all, or None."""
    if not root.exists():
        return _("the site folder does not exist")
    if not root.is_dir():
        return _("the site folder is not a folder")
    if not any((root / part).exists() for part in ("pyproject.toml", "content", "approvals")):
        return _("not a jdih site folder: it has no pyproject.toml, content/ or approvals/")
    return None


def load_site(root: Path, base_url: str | None = None, workers: int = 1,
              cache: BuildCache | None = None) -> tuple[Site | None, Problems]:
    """The loaded site, or None with the problems that make it unusable (invalid input). With a
    cache, files whose bytes were parsed before are not parsed again (every file is still read)."""
    cache = cache or BuildCache(None)
    root = root.resolve()
    problems = Problems(root)
    if (reason := not_a_site(root)) is not None:   # one clear problem, not one per missing part
        problems.items.append(Problem(str(root), None, reason, _(NOT_A_SITE_FIX)))
        return None, problems
    config = load_config(root, problems, base_url)
    approvals = root / "approvals"
    policy = read_policy_files(root, problems)
    anchors_file = read_anchors_file(root, problems)
    signed = {**policy, ANCHORS_FILE: anchors_file} if anchors_file is not None else policy
    try:
        keys = root_keys(site=root)
    except RootKeyError as exc:
        problems.add(approvals / "sop.yaml", None, _("the root keys cannot be used: {exc}").format(exc=exc),
                     _("set {root_keys_env} to the root public key line(s), or to the path of a file outside the "
                       "site holding them; unset it (do not leave it empty) where no root keys are used").format(root_keys_env=ROOT_KEYS_ENV))
    else:
        if keys is not None:
            check_policy_signatures(approvals, signed, keys, problems)
    sop, roster = load_policy(root, policy, problems)   # parsed from the very bytes whose signature was checked
    # Products and sign-offs are read even when the settings are broken, to report everything.
    fallback = SiteConfig(judul_situs="", base_url="http://localhost/", instansi=None, tempat=None)
    # The sign-offs are read in another process meanwhile (when there are two cores).
    signoffs_read = start_loading_signoffs(root, problems, workers, cache.table("signoffs"))
    try:
        products = load_products(root, config or fallback, problems, workers, cache.table("products"))
        check_templates(root / "templates", problems)
    finally:
        signoffs, lembar = signoffs_read()   # always waited for: no child is left behind
    if sop is not None:   # TTE lembar: verified against the office's anchors, under the SOP's revocation rule
        anchors, anchors_pem = tte_anchors(root, anchors_file, problems)
        signoffs += load_lembar_signoffs(lembar, sop, anchors, anchors_pem, problems, workers)
    renames = load_renames(root, problems)
    if problems or config is None or sop is None or roster is None:
        return None, problems
    site = Site(root=root, config=config, products=tuple(products), sop=sop, roster=tuple(roster),
                signoffs=tuple(signoffs), templates_dir=root / "templates", renames=renames)
    return site, problems
