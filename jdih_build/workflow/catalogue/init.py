"""`jdih init DIR`: a new office's own site (issue 19).

Writes, in Indonesian: pyproject.toml ([tool.jdih], asked on a terminal or given by flags, and the
dependency on jdih-build pinned to this version), approvals/sop.yaml (SOP 494 as a template to adapt),
approvals/petugas.yaml (commented), an empty content/, .gitignore, the office's workflow (build and
deploy on main, `jdih check` on pull requests; never the tool's tests), a Makefile, a README and the
guides (docs/). Refuses a folder that already holds files; writes everything or nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from jdih_build import __version__
from jdih_build.i18n import _
from jdih_build.load.settings import known_zone, normalise_base_url
from jdih_build.workflow.catalogue import init_files
from jdih_build.workflow.catalogue.init_files import Settings

GUIDES = ("panduan-editor.md", "kunci-tanda-tangan.md", "format-berkas.md", "pemutakhiran.md", "fields.md", "hosting.md",
          "tte.md", "tte-web-admin.md", "tte-administrator.md", "tte-penanggung-jawab.md", "tte-pengarah.md", "ocr.md")


def guides_folder() -> Path | None:
    """The guides that ship with the tool: in the wheel (jdih_build/panduan), else this checkout's docs/."""
    packaged = resources.files("jdih_build").joinpath("panduan")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "docs"
    return checkout if checkout.is_dir() else None


def site_files(settings: Settings, version: str) -> dict[str, str]:
    return {
        "pyproject.toml": init_files.pyproject(settings, version),
        "approvals/sop.yaml": init_files.sop(settings),
        "approvals/petugas.yaml": init_files.ROSTER,
        "content/.gitkeep": "",
        ".gitignore": init_files.GITIGNORE,
        "Makefile": init_files.MAKEFILE,
        ".github/workflows/jdih.yml": init_files.WORKFLOW,
        "README.md": init_files.readme(settings, version),
    }


def ask(question: str, default: str | None, check: Callable[[str], str | None]) -> str:
    while True:
        shown = f" [{default}]" if default else ""
        answer = input(f"{question}{shown}: ").strip() or (default or "")
        problem = check(answer)
        if problem is None:
            return answer
        print(f"  {problem}", file=sys.stderr)


def _non_empty(value: str) -> str | None:
    return None if value.strip() else _("this field is required; type a value")


def _url(value: str) -> str | None:
    return None if normalise_base_url(value) else _("an absolute http(s) address, e.g. https://jdih.kpu-kota.go.id/")


def _zone(value: str) -> str | None:
    return None if known_zone(value) else _("an IANA time zone, e.g. Asia/Jakarta, Asia/Makassar or Asia/Jayapura")


FIELDS: tuple[tuple[str, str, Callable[[str], str | None]], ...] = (
    ("judul_situs", "judul situs (misalnya JDIH KPU Kota Payakumbuh)", _non_empty),
    ("base_url", "alamat situs (misalnya https://jdih.kpu-payakumbuh.go.id/)", _url),
    ("instansi", "instansi (T.E.U. badan, misalnya Payakumbuh (Kota). Komisi Pemilihan Umum)", _non_empty),
    ("tempat", "tempat penetapan (misalnya Payakumbuh)", _non_empty),
    ("kantor", "nama singkat kantor dalam langkah SOP (misalnya KPU Kota Payakumbuh)", _non_empty),
    ("zona_waktu", "zona waktu", _zone),
)


def gather(args: argparse.Namespace, interactive: bool) -> tuple[Settings | None, list[str]]:
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, question, check in FIELDS:
        given = getattr(args, name)
        default = "Asia/Jakarta" if name == "zona_waktu" else None
        if given is None and interactive:
            given = ask(question, default, check)
        given = given if given is not None else default
        if given is None:
            problems.append(_("--{flag} is missing").format(flag=name.replace("_", "-")))
            continue
        problem = check(given)
        if problem is not None:
            problems.append(f"--{name.replace('_', '-')}: {problem}")
            continue
        values[name] = given.strip()
    if problems:
        return None, problems
    values["base_url"] = normalise_base_url(values["base_url"]) or values["base_url"]
    return Settings(**values), []


def write_site(target: Path, settings: Settings, version: str) -> None:
    """Everything at once: built in a temporary folder beside the target, then moved into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, text in site_files(settings, version).items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        guides = guides_folder()
        if guides is not None:
            (staging / "docs").mkdir()
            for name in GUIDES:
                if (guides / name).is_file():
                    shutil.copyfile(guides / name, staging / "docs" / name)
        if target.exists():
            for item in staging.iterdir():
                item.rename(target / item.name)
            staging.rmdir()
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def run(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    if target.exists() and (not target.is_dir() or any(p.name != ".git" for p in target.iterdir())):
        print(_("error: {dir} already holds files; jdih init makes a new site in an empty or new folder").format(dir=target),
              file=sys.stderr)
        return 1
    interactive = sys.stdin.isatty() and not args.yes
    settings, problems = gather(args, interactive)
    if settings is None:
        for problem in problems:
            print(_("error: {problem}").format(problem=problem), file=sys.stderr)
        print(_("init: nothing was written; give the settings as flags (jdih init --help), or run it on a terminal "
                "to be asked"), file=sys.stderr)
        return 2
    try:
        write_site(target, settings, __version__)
    except OSError as exc:
        print(_("error: cannot write {dir}: {reason}; nothing was written").format(dir=target, reason=exc.strerror or exc),
              file=sys.stderr)
        return 1
    print(_("made the site {dir} (jdih-build {version}). Next: fill in approvals/petugas.yaml, adapt approvals/sop.yaml, "
            "then: cd {dir} && make pasang && .venv/bin/jdih new (docs/panduan-editor.md)").format(dir=target, version=__version__))
    return 0


def register(commands: argparse._SubParsersAction, site_option: Callable[[argparse.ArgumentParser], None]) -> None:
    p = commands.add_parser("init", help=_("make a new office's site in DIR"),
                            description=_("Write a new site: pyproject.toml with the settings and jdih-build pinned to this "
                                          "version, the SOP (SOP 494 as a template to adapt) and a commented roster, an empty "
                                          "content/, the workflow that builds and publishes it, a Makefile, a README and the "
                                          "guides. Asks for the settings on a terminal; otherwise give them as flags. Exit 0 "
                                          "made, 1 refused, 2 settings missing."))
    p.add_argument("dir", metavar="DIR", help=_("the new site's folder (new, or empty)"))
    p.add_argument("--judul-situs", dest="judul_situs", metavar="TEXT", help=_("the site's title"))
    p.add_argument("--base-url", dest="base_url", metavar="URL", help=_("the address the site is served from"))
    p.add_argument("--instansi", metavar="TEXT", help=_("the office, as the catalogue's corporate author"))
    p.add_argument("--tempat", metavar="TEXT", help=_("where the office enacts its products"))
    p.add_argument("--kantor", metavar="TEXT", help=_("the office's short name, as the SOP's steps say it"))
    p.add_argument("--zona-waktu", dest="zona_waktu", metavar="ZONE", help=_("the office's time zone (default Asia/Jakarta)"))
    p.add_argument("--yes", action="store_true", help=_("never ask: take the flags and the defaults"))
    p.set_defaults(run=run)
