"""Which files may be published as attachments, how they are named, and the media types served.

One allow-list, used by the build (content loading), `jdih serve` and `jdih new`. A blocklist of
"active" types can never be complete (`.xht`, `.xpdl`, `.es` ... each ran script on the site's
origin in a review), so only the document types an office actually publishes are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# The document types a JDIH office publishes. Nothing a browser would run as a page or a script
# (HTML, XHTML, SVG, XML, JavaScript...) is on this list, whatever the host's MIME table says.
ATTACHMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".rtf": "application/rtf",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".zip": "application/zip",
    ".7z": "application/x-7z-compressed",
    ".rar": "application/vnd.rar",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
}

# The site's own files (pages, assets, feeds, the Pagefind bundle), for `jdih serve`.
SITE_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
}
UNKNOWN_TYPE = "application/octet-stream"

# One path component of an attachment: letters, digits, '.', '_' and '-', starting with a letter or
# digit. Such a name needs no escaping in a URL, HTML, JSON, YAML or a shell, and cannot be a scheme.
SAFE_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,149}")


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def is_allowed_attachment(name: str) -> bool:
    return suffix(name) in ATTACHMENT_TYPES


def allowed_list() -> str:
    return ", ".join(sorted({s.lstrip(".") for s in ATTACHMENT_TYPES}))


def safe_name(name: str) -> str:
    """A name in the safe character set close to `name`, to suggest in a fix: 'SK 12/2024 (final).PDF'
    gives 'SK-12-2024-final.pdf'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    dot = ascii_name.rfind(".")
    stem, ext = (ascii_name[:dot], ascii_name[dot:].lower()) if dot > 0 else (ascii_name, "")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "berkas"
    ext = re.sub(r"[^a-z0-9.]+", "", ext)
    if ext and ext not in ATTACHMENT_TYPES:
        ext = ".pdf"
    return (stem + ext)[:150]


def is_safe_component(part: str) -> bool:
    return bool(SAFE_COMPONENT.fullmatch(part)) and not part.endswith(".")


def url_name(name: str) -> str:
    """A file name as a relative URL path segment: percent-encoded even where the loader already held
    it to the safe set (defence in depth), so it can never be read as a scheme like `javascript:`."""
    return quote(name, safe="")


def attachment_media_type(name: str) -> str:
    return ATTACHMENT_TYPES.get(suffix(name), UNKNOWN_TYPE)


def site_media_type(name: str) -> str:
    return SITE_TYPES.get(suffix(name), UNKNOWN_TYPE)
