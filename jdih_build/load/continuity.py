"""Continuity with an old JDIH (issue 20): the id the national portal knows a product by, and the
addresses it had on the old site, so that the feed keeps the one and the old addresses reach the new
pages (publish/redirects.py).

Both are written by `jdih import` into the product file, which is signed with the product: a redirect
is as approved as the page it leads to. The addresses go into server configuration (.htaccess,
_redirects, an nginx map), so only plain http(s) addresses are accepted: no spaces, quotes, control
characters or anything a configuration line could read as syntax.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from jdih_build.i18n import _
from jdih_build.load.fields import Fields

ID_JDIHN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# What a path and query may hold in an old address (RFC 3986 unreserved, sub-delims that are safe in
# every configuration form written, and percent-escapes).
SAFE_PATH = re.compile(r"/[A-Za-z0-9._~%/+-]*")
SAFE_QUERY = re.compile(r"[A-Za-z0-9._~%=&+-]*")
MAX_ADDRESSES = 10


def old_path(url: str) -> str | None:
    """The path (and query) of an old address, as the configurations match it; None when unsafe."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        return None
    path = parts.path or "/"
    if not SAFE_PATH.fullmatch(path) or not SAFE_QUERY.fullmatch(parts.query) or path == "/":
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def read_continuity(f: Fields) -> tuple[str | None, tuple[str, ...]]:
    """`id_jdihn` and `alamat_lama` of a product's front matter, problems recorded in `f`."""
    id_jdihn = f.text("id_jdihn")
    if id_jdihn is not None and not ID_JDIHN.fullmatch(id_jdihn):
        f.error("id_jdihn", _("id_jdihn '{value}' is not an idData (letters, digits, '.', '_' and '-', at most 64)").format(
            value=id_jdihn), _("write the old site's idData as it was, e.g. id_jdihn: \"469\""))
        id_jdihn = None
    addresses = f.text_list("alamat_lama") or []
    good: list[str] = []
    for url in addresses:
        if old_path(url) is None:
            f.error("alamat_lama", _("alamat_lama '{url}' is not a plain http(s) address of a page or file").format(url=url),
                    _("write the old address as it was served, e.g. https://jdih.lama.go.id/dokumen/view?id=469; "
                      "no spaces or quotes"))
        elif url not in good:
            good.append(url)
    if len(good) > MAX_ADDRESSES:
        f.error("alamat_lama", _("more than {count} old addresses").format(count=MAX_ADDRESSES),
                _("keep the page's and the main file's addresses"))
        good = good[:MAX_ADDRESSES]
    return id_jdihn, tuple(good)
