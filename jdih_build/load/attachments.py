"""A product's attachments (its `berkas`): each name checked, each file found below content/ without
a link on the way, and hashed through the fd it is read from (the gate binds these hashes)."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections import Counter
from pathlib import Path

from jdih_build.i18n import _
from jdih_build.load.filetypes import allowed_list, is_allowed_attachment, is_safe_component, safe_name
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import InputFileError, hash_regular
from jdih_build.model import Attachment


def unsafe_name(name: str) -> str | None:
    """Why a file name of a product or attachment is refused, or None. Names are keys of sign-offs and
    parts of public URLs: held to letters, digits, '.', '_' and '-', they need no escaping anywhere."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        return _("is not valid UTF-8")
    if not is_safe_component(name):
        return _("may use only letters, digits, '.', '_' and '-' (no spaces), and start with a letter or digit")
    return None


def resolve_attachment(md: Path, entry: str, content_dir: Path) -> tuple[Attachment | None, str | None]:
    """Resolve one `berkas` entry; (attachment, None) or (None, reason)."""
    if "\\" in entry or "\x00" in entry or entry.startswith("/") or re.match(r"^[A-Za-z]:", entry):
        return None, _("attachment path '{entry}' must be relative, with '/' separators").format(entry=entry)
    name = posixpath.normpath(entry)
    if name.endswith(".md"):
        return None, _("attachment '{entry}' is a .md file, which is itself a product").format(entry=entry)
    for part in name.split("/"):
        if part != ".." and (reason := unsafe_name(part)) is not None:
            return None, _("attachment name '{entry}' {reason}; rename the file, e.g. to {safe_name_part}").format(
                entry=entry, reason=reason, safe_name_part=safe_name(part))
    if not is_allowed_attachment(name):
        return None, (_("attachment '{entry}' is not a document type a JDIH publishes (allowed: {allowed_list}); web "
                        "pages, scripts, SVG and XML would run on the public site: attach the document as PDF").format(entry=entry, allowed_list=allowed_list()))
    target = Path(os.path.normpath(md.parent / name))
    if not target.is_relative_to(content_dir):
        return None, _("attachment '{entry}' lies outside content/").format(entry=entry)
    # lstat every component below content/: a link anywhere on the way is refused.
    probe = content_dir
    for part in target.relative_to(content_dir).parts:
        probe = probe / part
        try:
            mode = probe.lstat().st_mode
        except FileNotFoundError:
            return None, _("attachment '{entry}' does not exist").format(entry=entry)
        except OSError as exc:
            return None, _("attachment '{entry}' cannot be read: {exc_strerror}").format(entry=entry, exc_strerror=exc.strerror)
        if stat.S_ISLNK(mode):
            return None, _("attachment '{entry}' goes through a symbolic link ({probe_name})").format(entry=entry, probe_name=probe.name)
    if not stat.S_ISREG(mode):
        return None, _("attachment '{entry}' is not a regular file").format(entry=entry)
    try:
        size, digest = hash_regular(target)   # no link, no FIFO: checked on the very fd that is read
    except InputFileError as exc:
        return None, _("attachment '{entry}': {exc_message}").format(entry=entry, exc_message=exc.message)
    except OSError as exc:
        return None, _("attachment '{entry}' cannot be read: {exc_strerror}").format(entry=entry, exc_strerror=exc.strerror)
    return Attachment(name=name, path=target, size=size, sha256=digest), None


def resolve_attachments(md: Path, content_dir: Path, entries: list[str], line: int, problems: Problems) -> list[Attachment]:
    berkas: list[Attachment] = []
    for entry in entries:
        attachment, reason = resolve_attachment(md, entry, content_dir)
        if attachment is None:
            problems.add(md, line, reason or "bad attachment",
                         _("fix the path (relative to this file, inside content/) or remove the entry"))
        else:
            berkas.append(attachment)
    counts = Counter(a.output_name for a in berkas)
    for name, count in counts.items():
        if count > 1:
            problems.add(md, line, _("two attachments are both named '{name}'").format(name=name),
                         _("rename one: a product's files are published side by side under produk/<id>/"))
    if max(Counter(a.name for a in berkas).values(), default=0) > 1:
        problems.add(md, line, _("the same attachment is listed twice"), _("list each file once"))
    return berkas
