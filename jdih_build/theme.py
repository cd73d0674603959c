"""The default theme: the templates and assets every site is built with, unless it has its own.

In this repository the theme is the sample site's `templates/`; in the wheel it is packaged as
`jdih_build/tema/` (pyproject.toml maps the one to the other). A site overrides a template or an
asset by putting a file of the same name in its own `templates/`; every other file comes from here.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def default_theme() -> Path:
    packaged = _HERE / "tema"
    return packaged if packaged.is_dir() else _HERE.parent / "templates"


def template_dirs(site_templates: Path) -> tuple[Path, ...]:
    """Where templates are looked up, first match wins: the site's own folder, then the theme."""
    theme = default_theme()
    if site_templates.is_dir() and site_templates.resolve() != theme.resolve():
        return (site_templates, theme)
    return (theme,)


def asset_files(site_templates: Path) -> dict[str, Path]:
    """Every asset by its path under assets/: the theme's, with the site's own in their place."""
    found: dict[str, Path] = {}
    for folder in reversed(template_dirs(site_templates)):
        assets = folder / "assets"
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found[path.relative_to(assets).as_posix()] = path
    return dict(sorted(found.items()))
