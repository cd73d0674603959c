"""Issue 10: the CLI speaks Indonesian through gettext; LANGUAGE/LC_ALL/LC_MESSAGES/LANG decide as
usual, and where they name none (unset, C, POSIX) the site's `bahasa` does."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from jdih_build import i18n

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import compile_messages  # noqa: E402


@pytest.mark.parametrize("environ, wanted", [
    ({}, None),
    ({"LANG": "C.UTF-8"}, None),
    ({"LC_ALL": "POSIX"}, None),
    ({"LANGUAGE": "en"}, ["en"]),
    ({"LANGUAGE": "id:en", "LANG": "C.UTF-8"}, ["id", "en"]),
    ({"LC_ALL": "id_ID.UTF-8"}, ["id_ID"]),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "id_ID.UTF-8"}, ["en_US"]),
    ({"LANG": "en_GB.UTF-8"}, ["en_GB"]),
])
def test_the_environment_names_the_language_as_usual(environ: dict[str, str], wanted: list[str] | None) -> None:
    assert i18n.named_by_environment(environ) == wanted


@pytest.mark.parametrize("bahasa, language", [(None, "id"), ("Indonesia", "id"), ("Inggris", "en"), ("English", "en")])
def test_the_sites_bahasa_decides_otherwise(tmp_path: Path, bahasa: str | None, language: str) -> None:
    line = f'bahasa = "{bahasa}"\n' if bahasa else ""
    (tmp_path / "pyproject.toml").write_text(f'[tool.jdih]\njudul_situs = "x"\n{line}', encoding="utf-8")
    assert i18n.site_language(tmp_path) == language
    assert i18n.site_language(tmp_path / "nowhere") == "id"


def jdih(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in i18n.ENVIRONMENT}
    env.update(environ)
    return subprocess.run([sys.executable, "-m", "jdih_build", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False)


def test_the_shipped_site_speaks_indonesian_on_a_bare_machine() -> None:
    done = jdih("check", LANG="C.UTF-8")
    assert done.returncode == 0, done.stderr
    assert "check: masukan sah; 5 produk diterbitkan, 1 ditahan" in done.stdout
    assert "ditahan: kpt-kpu-payakumbuh-pengelola-jdih-2024" in done.stderr
    assert "belum disetujui oleh pengarah" in done.stderr   # not "has no sign-off by a pengarah"


def test_language_en_gives_english() -> None:
    done = jdih("check", LANGUAGE="en", LANG="C.UTF-8")
    assert "check: input is valid; 5 products published, 1 withheld" in done.stdout


def test_help_and_argparse_words_are_indonesian() -> None:
    done = jdih("build", "--help", LANG="C")
    assert done.stdout.startswith("penggunaan: jdih build")
    assert "tampilkan bantuan ini lalu keluar" in done.stdout and "tempat menulis situs" in done.stdout
    wrong = jdih("build", "--tidak-ada", LANG="C")
    assert wrong.returncode == 2 and "galat: argumen tidak dikenal: --tidak-ada" in wrong.stderr


def test_the_catalogue_translates_every_message_and_is_compiled() -> None:
    catalog = compile_messages.read()
    assert compile_messages.untranslated(catalog) == []
    assert compile_messages.MO.read_bytes() == compile_messages.compiled(catalog), \
        "jdih.mo is stale: run python scripts/compile_messages.py"


def fields(text: str) -> list[str]:
    """The str.format fields of a message, and its %-fields (argparse's). A message shown without
    .format() may hold a lone brace ("close the list with ]"): then its braces must match."""
    try:
        names = sorted(f"{name}!{conversion}:{spec}" for _, name, spec, conversion in string.Formatter().parse(text)
                       if name is not None)
    except ValueError:
        names = sorted(re.findall(r"[{}]", text))
    return names + sorted(re.findall(r"%(?:\(\w+\))?[sdr]", text))


def test_every_translation_keeps_the_placeholders() -> None:
    """A renamed or missing field would raise when the message is shown: a traceback in Indonesian only."""
    wrong = []
    for message in compile_messages.read():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(fields(s) != fields(ids[-1]) for s in strings):
            wrong.append(ids[0])
    assert wrong == []


def test_no_code_decides_from_the_words_of_a_message() -> None:
    """Messages are translated; a decision taken on their words breaks in the other language (the
    passphrase prompt never showed in Indonesian). Decide on an exception's type or an attribute."""
    import re

    package = Path(__file__).resolve().parents[2] / "jdih_build"
    pattern = re.compile(r"""["'][^"']+["']\s+(not\s+)?in\s+(str\(\w+\)|\w+\.message\b|p\.message\b)""")
    offenders = [f"{path.relative_to(package)}:{number}: {line.strip()}"
                 for path in sorted(package.rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) or re.search(r"\bin\s+\w+\.message\s+for\b", line)]
    assert offenders == []


def test_every_document_a_message_names_ships_with_the_tool() -> None:
    """Messages point users to documents they have: docs/ ships in the wheel and `jdih init` copies the
    guides into the site (never the CONTRACT, which no user has)."""
    import re

    from jdih_build.workflow.catalogue.init import GUIDES

    repo = Path(__file__).resolve().parents[2]
    text = "\n".join(p.read_text(encoding="utf-8") for p in (repo / "jdih_build").rglob("*.py"))
    named = set(re.findall(r"docs/([a-z-]+\.md)", text))
    assert named and named <= set(GUIDES), named - set(GUIDES)
    assert all((repo / "docs" / name).is_file() for name in GUIDES)
    messages = [m for m in re.findall(r'_\("([^"]*)"', text) if "CONTRACT" in m]
    assert messages == []


def test_no_half_english_message_in_indonesian(kit) -> None:
    """Issue 19: words composed into a message are translated too ("the roster tidak ada" was one)."""
    from jdih_build.load.site import load_site

    (kit.root / "approvals" / "petugas.yaml").write_text("# kosong\n", encoding="utf-8")
    md = kit.add_product("kpt-1")
    md.write_text(md.read_text(encoding="utf-8").replace("tahun: 2024", "tahun: [2024]"), encoding="utf-8")
    i18n.choose(None, {"LANGUAGE": "id"})
    try:
        _site, problems = load_site(kit.root)
        text = "\n".join(str(p) for p in problems.sorted())
    finally:
        i18n.choose(None, {"LANGUAGE": "en"})
    assert "daftar petugas" in text and "the roster" not in text, text
    assert "bilangan bulat" in text and "a whole number" not in text and "a list" not in text, text
