"""Site settings from `[tool.jdih]` in the site's pyproject.toml (CONTRACT 1)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jdih_build.i18n import _
from jdih_build.load.problems import Problems
from jdih_build.load.safe_read import MAX_SETTINGS_BYTES, InputFileError, read_regular
from jdih_build.load.strict_yaml import CONTROL_CHARACTERS
from jdih_build.model import SiteConfig

KEYS = ("judul_situs", "base_url", "instansi", "tempat", "alamat", "telepon", "bahasa", "zona_waktu")
ZONE_EXAMPLES = "Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
REQUIRED = ("judul_situs", "base_url")  # instansi/tempat only supply defaults


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(f"{key}") and "=" in line and line.split("=", 1)[0].strip() == key:
            return number
    return None


def normalise_base_url(url: str) -> str | None:
    """An absolute http(s) URL ending in '/', or None when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return url.strip() if url.strip().endswith("/") else url.strip() + "/"


def load_config(root: Path, problems: Problems, base_url_override: str | None = None) -> SiteConfig | None:
    path = root / "pyproject.toml"
    try:
        text = read_regular(path, MAX_SETTINGS_BYTES).decode("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        problems.add(path, None, _("no pyproject.toml in the site folder"),
                     _("run jdih in the site's folder, or pass --site DIR"))
        return None
    except InputFileError as exc:
        problems.add(path, None, _("cannot read pyproject.toml: {exc_message}").format(exc_message=exc.message), exc.fix)
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        problems.add(path, None, _("cannot read pyproject.toml: {exc}").format(exc=exc), _("fix the TOML syntax"))
        return None
    section = data.get("tool", {}).get("jdih")
    if not isinstance(section, dict):
        problems.add(path, None, _("no [tool.jdih] section"), _("add [tool.jdih] with judul_situs, base_url, instansi, tempat"))
        return None
    before = len(problems)
    jenis = _jenis_list(section.get("jenis"), path, text, problems)
    ocr = section.get("ocr")
    if ocr is not None and not isinstance(ocr, bool):
        problems.add(path, _line_of(text, "ocr"), _("[tool.jdih] ocr must be true or false"),
                     _("write ocr = true (recognise scanned pages) or ocr = false; leave it out to use OCR where "
                       "Tesseract is installed"))
        ocr = None
    budget = section.get("ocr_batas_menit", 10.0)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0 <= budget <= 24 * 60:
        problems.add(path, _line_of(text, "ocr_batas_menit"), _("[tool.jdih] ocr_batas_menit must be a number of minutes "
                                                                 "from 0 to 1440"),
                     _("write e.g. ocr_batas_menit = 10 (the OCR time one build may spend; later builds read the "
                       "pages left over)"))
        budget = 10.0
    for key in section:
        if key in ("jenis", "ocr", "ocr_batas_menit"):
            continue
        if key not in KEYS:
            problems.add(path, _line_of(text, key), _("unknown key '{key}' in [tool.jdih]").format(key=key),
                         _("remove it; allowed keys: {join_keys}").format(join_keys=', '.join((*KEYS, "ocr", "ocr_batas_menit", "jenis"))))
    values: dict[str, str] = {}
    for key in KEYS:
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.add(path, _line_of(text, key), _("[tool.jdih] {key} must be non-empty text").format(key=key), _("write {key} = \"...\"").format(key=key))
            continue
        if CONTROL_CHARACTERS.search(value):
            problems.add(path, _line_of(text, key), _("[tool.jdih] {key} holds a control character").format(key=key),
                         _("remove it (an escape such as \\u001b writes one)"))
            continue
        values[key] = value.strip()

    override = base_url_override or os.environ.get("JDIH_BASE_URL") or None
    if override:
        values["base_url"] = override
    if "base_url" in values:
        normalised = normalise_base_url(values["base_url"])
        if normalised is None:
            origin = "--base-url / JDIH_BASE_URL" if override else "[tool.jdih] base_url"
            problems.add(path, None if override else _line_of(text, "base_url"),
                         _("{origin} '{values_base_url}' is not an absolute http(s) URL").format(origin=origin, values_base_url=values['base_url']),
                         _("write e.g. https://jdih.example.go.id/"))
            values.pop("base_url")
        else:
            values["base_url"] = normalised
    if "zona_waktu" in values and not known_zone(values["zona_waktu"]):
        problems.add(path, _line_of(text, "zona_waktu"), _("[tool.jdih] zona_waktu '{values_zona_waktu}' is not a time zone this computer knows").format(
            values_zona_waktu=values['zona_waktu']), _("write an IANA name, e.g. {zone_examples}").format(zone_examples=ZONE_EXAMPLES))
        values.pop("zona_waktu")
    for key in REQUIRED:
        if key not in values and key not in section and not (key == "base_url" and override):
            problems.add(path, None, _("[tool.jdih] lacks '{key}'").format(key=key), _("add {key} = \"...\" under [tool.jdih]").format(key=key))
    if len(problems) > before:
        return None
    return SiteConfig(
        judul_situs=values["judul_situs"],
        base_url=values["base_url"],
        instansi=values.get("instansi"),
        tempat=values.get("tempat"),
        alamat=values.get("alamat"),
        telepon=values.get("telepon"),
        bahasa=values.get("bahasa", "Indonesia"),
        zona_waktu=values.get("zona_waktu", "Asia/Jakarta"),
        jenis=jenis,
        ocr=ocr,
        ocr_batas_menit=float(budget),
    )


def _jenis_list(table: object, path: Path, text: str, problems: Problems) -> tuple[tuple[str, str], ...]:
    """[tool.jdih.jenis]: "Keputusan" = "Kpt", one line per jenis the site publishes (a controlled list:
    a product's jenis must be one of them, and its singkatan_jenis comes from here)."""
    if table is None:
        return ()
    headers = [n for n, row in enumerate(text.splitlines(), 1) if row.strip().replace(" ", "") == "[tool.jdih.jenis]"]
    line = headers[0] if headers else _line_of(text, "jenis")
    if not isinstance(table, dict) or not table:
        problems.add(path, line, _("[tool.jdih.jenis] must be a table of jenis and their singkatan_jenis"),
                     _("write it as [tool.jdih.jenis] with lines such as \"Keputusan\" = \"Kpt\""))
        return ()
    found: list[tuple[str, str]] = []
    folded: dict[str, str] = {}
    for name, short in table.items():
        where = _line_of(text, f'"{name}"') or line
        if not isinstance(short, str) or not short.strip() or not name.strip() or \
                CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(short):
            problems.add(path, where, _("[tool.jdih.jenis] '{name}' needs its singkatan_jenis as text").format(name=name),
                         _("write \"{name}\" = \"Kpt\" (the abbreviation)").format(name=name))
            continue
        if name.strip().casefold() in folded:
            problems.add(path, where, _("[tool.jdih.jenis] lists '{name}' and '{value}', which differ only in case").format(
                name=name, value=folded[name.strip().casefold()]), _("keep one of them"))
            continue
        folded[name.strip().casefold()] = name
        found.append((name.strip(), short.strip()))
    return tuple(found)


def known_zone(name: str) -> bool:
    """An IANA zone name that zoneinfo can load (from the system's tzdata or the tzdata package)."""
    if name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
