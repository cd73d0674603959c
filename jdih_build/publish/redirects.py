"""The old site's addresses, forwarded to the new pages (issue 20).

An imported product carries its addresses on the old site (`alamat_lama`, checked by
load/continuity.py). For every published product the build writes them in the forms hosts read:
- `_redirects` (Netlify, Cloudflare Pages): `old  new  301`; a query (`/dokumen/view?id=469`) in
  Netlify's form (`/dokumen/view id=469`), which Cloudflare Pages ignores: the 404 page covers it;
- `.htaccess` (Apache): `Redirect 301` for a path, a RewriteCond on the exact query otherwise;
- `alamat-lama.map` (nginx): `"old" new;` lines for a `map $request_uri` block (docs/hosting.md);
- `alamat-lama.json`: old address -> new path, which the 404 page reads to forward a visitor.
An old address whose last part names a file of the product's kind (`.pdf`) leads to its main file,
any other to its page. Only published products appear (a withheld one leaves no trace), and two
products that claim one old address both lose it (the build warns): a redirect is never a guess.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from urllib.parse import urlsplit

from jdih_build.load.continuity import old_path
from jdih_build.model import SiteConfig
from jdih_build.publish.catalogue import Catalogue, Entry
from jdih_build.publish.render import Output

REDIRECT_FILES = ("_redirects", ".htaccess", "alamat-lama.map", "alamat-lama.json")


def _target(entry: Entry, url: str, base: str) -> str:
    name = posixpath.basename(urlsplit(url).path)
    main = entry.files[0].attachment if entry.files else None
    extension = posixpath.splitext(name)[1].lower()
    if main is not None and extension and extension == posixpath.splitext(main.output_name)[1].lower():
        return f"{base}{entry.url}{main.url_name}"
    return f"{base}{entry.url}"


def redirect_map(catalogue: Catalogue, config: SiteConfig) -> tuple[dict[str, str], list[str]]:
    """old path (with its query) -> new path, and the old addresses claimed twice (left out)."""
    base = urlsplit(config.base_url).path or "/"
    claims: dict[str, set[str]] = defaultdict(set)
    for entry in catalogue.entries:
        if entry.draft:
            continue
        for url in entry.product.alamat_lama:
            path = old_path(url)
            target = _target(entry, url, base)
            if path is not None and path.partition("?")[0] != target:   # never a loop to itself
                claims[path].add(target)
    found = {path: next(iter(targets)) for path, targets in sorted(claims.items()) if len(targets) == 1}
    return found, sorted(path for path, targets in claims.items() if len(targets) > 1)


def _netlify(path: str, target: str) -> str:
    route, _sep, query = path.partition("?")
    params = " ".join(query.split("&")) if query else ""
    return f"{route}{' ' + params if params else ''}  {target}  301"


def _apache(path: str, target: str) -> list[str]:
    route, _sep, query = path.partition("?")
    if not query:
        return [f"Redirect 301 {route} {target}"]
    return [f"RewriteCond %{{QUERY_STRING}} ^{re.escape(query)}$",
            f"RewriteRule ^{re.escape(route.lstrip('/'))}$ {target}? [R=301,L]"]


def redirect_outputs(catalogue: Catalogue, config: SiteConfig) -> list[Output]:
    found, _twice = redirect_map(catalogue, config)
    if not found:
        return []
    netlify = "".join(_netlify(p, t) + "\n" for p, t in found.items())
    apache = ["# jdih build: the old site's addresses (alamat_lama of the products)", "RewriteEngine On"]
    for path, target in found.items():
        apache += _apache(path, target)
    nginx = "".join(f'"{path}" {target};\n' for path, target in found.items())
    return [Output("_redirects", netlify.encode("utf-8")),
            Output(".htaccess", ("\n".join(apache) + "\n").encode("utf-8")),
            Output("alamat-lama.map", nginx.encode("utf-8")),
            Output("alamat-lama.json", json.dumps(found, ensure_ascii=False, indent=1).encode("utf-8"))]
