"""The language the CLI speaks: gettext, with the Indonesian catalogue in `locale/id/`.

The language follows LANGUAGE, LC_ALL, LC_MESSAGES and LANG as usual (the first one set decides).
Where they name none (unset, `C`, `POSIX`: a CI runner, a bare container) the site's `bahasa` decides,
so that the shipped site speaks Indonesian and `LANGUAGE=en` gives English. Messages are written in
English in the code (the msgids) and looked up when they are shown, so every module can import `_`
before the language is chosen.

The catalogue's source is `locale/id/LC_MESSAGES/jdih.po`; `jdih.mo` beside it is compiled from it by
`scripts/compile_messages.py` (a test fails when the two differ).
"""

from __future__ import annotations

import gettext
import os
import tomllib
from pathlib import Path

DOMAIN = "jdih"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# The site's `bahasa` (the standard's own names) to a gettext language.
BAHASA = {"indonesia": "id", "bahasa indonesia": "id", "id": "id", "inggris": "en", "english": "en", "en": "en"}
DEFAULT = "id"

_translation: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the CLI's language."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined (a table); `_()` translates it where shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


def named_by_environment(environ: dict[str, str] | os._Environ[str] = os.environ) -> list[str] | None:
    """The languages the environment asks for; None where it names none (unset, C, POSIX)."""
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if not value:
            continue
        wanted = [part.split(".")[0].split("@")[0] for part in value.split(":") if part] if name == "LANGUAGE" \
            else [value.split(".")[0].split("@")[0]]
        wanted = [w for w in wanted if w not in ("C", "POSIX", "")]
        return wanted or None
    return None


def site_language(site: Path | None) -> str:
    """The site's `bahasa` as a gettext language (Indonesian unless it says otherwise)."""
    if site is None:
        return DEFAULT
    try:
        with open(site / "pyproject.toml", "rb") as handle:
            settings = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return DEFAULT
    section = settings.get("tool", {}).get("jdih", {})
    bahasa = section.get("bahasa") if isinstance(section, dict) else None
    return BAHASA.get(bahasa.strip().casefold(), DEFAULT) if isinstance(bahasa, str) else DEFAULT


def choose(site: Path | None, environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """Set the CLI's language for this process (and argparse's, which uses the gettext default
    domain); returns the language chosen."""
    global _translation
    named = named_by_environment(environ)
    languages = named or [site_language(site)]
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)
    # argparse looks its own words ("usage:", "options") up in the default domain, with the
    # environment's languages: point both at ours.
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    if named is None and environ is os.environ:   # for argparse's lookups (and a child's)
        os.environ["LANGUAGE"] = languages[0]
    return languages[0]
