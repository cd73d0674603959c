"""`jdih import FEED --unduh`: fetch the main texts the feed links to (issue 20).

Each record's `urlDownload` is fetched into a folder of downloads (by default the site's own in the
user's cache folder, outside the repository) at the URL's path, where the import then finds it as it
finds a file in --files. Bounded: http and https only (redirects too), at most MAX_BYTES and
FILE_SECONDS per file, WORKERS at a time. Resumable: a file already downloaded whole is not fetched
again (a partial one never lands under its name: it is written to a temporary name and renamed when
complete). Every failure is listed, and a failure costs only its own file. What is downloaded is
input like any other: the import copies it beside the product, where the build hashes it and checks
its type, and the sign-offs bind its bytes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from jdih_build.i18n import _
from jdih_build.load.filetypes import is_allowed_attachment

MAX_BYTES = 200 * 1024 * 1024
FILE_SECONDS = 120.0
WORKERS = 4
CHUNK = 1 << 16


@dataclass(frozen=True)
class Fetched:
    url: str
    path: Path | None         # where it lies now (None: it failed)
    fresh: bool = False       # fetched by this run (False: it was there already)
    error: str | None = None


def local_path(folder: Path, url: str) -> Path | None:
    """Where `url` is kept below `folder`: its path, without the host; None for what is no file."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = PurePosixPath(unquote(parts.path).lstrip("/"))
    if not path.parts or ".." in path.parts or not is_allowed_attachment(path.name) or any("\x00" in part for part in path.parts):
        return None
    return folder.joinpath(*path.parts)


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: a feed's link must not reach a file: or ftp: address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, _("redirected to a non-http address"), headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnly)


def fetch_one(url: str, target: Path, max_bytes: int = MAX_BYTES, seconds: float = FILE_SECONDS) -> Fetched:
    if target.is_file():
        return Fetched(url, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            request = urllib.request.Request(url, headers={"User-Agent": "jdih-build import"})
            with _OPENER.open(request, timeout=min(30.0, seconds)) as response:
                size = 0
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ValueError(_("larger than {limit:,} bytes").format(limit=max_bytes))
                    if time.monotonic() > deadline:
                        raise TimeoutError(_("took longer than {seconds:g} s").format(seconds=seconds))
                    handle.write(chunk)
        os.replace(temporary, target)
        return Fetched(url, target, fresh=True)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        reason = getattr(exc, "reason", None) or exc
        return Fetched(url, None, error=str(reason))


def fetch_all(urls: list[str], folder: Path, workers: int = WORKERS, max_bytes: int | None = None,
              seconds: float | None = None) -> list[Fetched]:
    """Each URL fetched (or found already) below `folder`; the ones that are no file are skipped."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    seconds = FILE_SECONDS if seconds is None else seconds
    jobs = [(url, path) for url in dict.fromkeys(urls) if (path := local_path(folder, url)) is not None]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda job: fetch_one(job[0], job[1], max_bytes, seconds), jobs))
