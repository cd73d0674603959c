"""The office's TTE trust anchors: `approvals/tte-akar.pem`, or JDIH_TTE_AKAR from outside the repo.

The file lies beside the roster and, with root keys, carries a root signature like the SOP and the
roster (`jdih sign-policy` signs it): whoever can push could otherwise add their own CA. The variable,
where set, replaces the file (a CI variable: outside the repository, like JDIH_ROOT_KEYS); set but
blank, or naming a file inside the site, it is refused (fail-closed, as for the root keys).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from jdih_build.i18n import _
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import InputFileError, read_regular
from jdih_build.load.trust import inside
from jdih_build.tte.anchors import MAX_ANCHOR_BYTES, AnchorError, Anchors, parse_anchors

TTE_ANCHORS_ENV = "JDIH_TTE_AKAR"
ANCHORS_FILE = "tte-akar.pem"


def read_anchors_file(root: Path, problems: Problems) -> bytes | None:
    """The bytes of approvals/tte-akar.pem, None when there is none (a problem when unreadable)."""
    path = root / "approvals" / ANCHORS_FILE
    if not os.path.lexists(path):
        return None
    try:
        return read_regular(path, MAX_ANCHOR_BYTES)
    except (InputFileError, OSError) as exc:
        problems.add(path, None, _("cannot read the TTE trust anchors: {exc}").format(exc=exc),
                     _("make it a regular file holding the CA certificates as PEM text (docs/tte.md)"))
        return None


def tte_anchors(root: Path, file_bytes: bytes | None, problems: Problems,
                environ: Mapping[str, str] = os.environ) -> tuple[Anchors | None, bytes]:
    """The anchors in force and their PEM bytes; (None, b"") when the office has none."""
    value = environ.get(TTE_ANCHORS_ENV)
    where = root / "approvals" / ANCHORS_FILE
    fix = _("set {variable} to the PSrE's CA certificates (PEM text) or the path of a file outside the site "
            "holding them; unset it where approvals/tte-akar.pem is used").format(variable=TTE_ANCHORS_ENV)
    if value is not None:
        if not value.strip():
            problems.add(where, None, _("{variable} is set but empty (a CI secret or variable that is missing?)").format(
                variable=TTE_ANCHORS_ENV), fix)
            return None, b""
        if "-----BEGIN" in value:
            pem, origin = value.encode("utf-8"), TTE_ANCHORS_ENV
        else:
            path = Path(value.strip()).expanduser()
            origin = f"{TTE_ANCHORS_ENV} file {path}"
            if inside(path, root):
                problems.add(where, None, _("{variable} names {path}, a file inside the site: whoever can push could "
                                            "change it").format(variable=TTE_ANCHORS_ENV, path=path), fix)
                return None, b""
            try:
                pem = read_regular(path, MAX_ANCHOR_BYTES)
            except (InputFileError, OSError) as exc:
                problems.add(where, None, _("{variable} names {path}, which cannot be read: {exc}").format(
                    variable=TTE_ANCHORS_ENV, path=path, exc=exc), fix)
                return None, b""
    elif file_bytes is not None:
        pem, origin = file_bytes, f"approvals/{ANCHORS_FILE}"
    else:
        return None, b""
    try:
        return parse_anchors(pem, origin), pem
    except AnchorError as exc:
        problems.add(where, None, str(exc), _("keep only the certification authority's certificates, as PEM text (docs/tte.md)"))
        return None, b""
