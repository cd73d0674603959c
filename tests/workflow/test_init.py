"""Issue 19: `jdih init` asks on a terminal, refuses a folder with files, writes everything or nothing."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from jdih_build import __version__
from jdih_build.load.site import load_site
from jdih_build.workflow.catalogue import init


def args(target: Path, **given: str | None) -> argparse.Namespace:
    names = ("judul_situs", "base_url", "instansi", "tempat", "kantor", "zona_waktu")
    return argparse.Namespace(dir=str(target), yes=False, **{n: given.get(n) for n in names})


def test_on_a_terminal_it_asks_and_asks_again_until_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["JDIH KPU Kota Solok", "bukan alamat", "https://jdih.kpu-solok.example.go.id",
                    "Solok (Kota). Komisi Pemilihan Umum", "Solok", "KPU Kota Solok", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert init.run(args(tmp_path / "situs")) == 0
    settings = tomllib.loads((tmp_path / "situs" / "pyproject.toml").read_text(encoding="utf-8"))
    assert settings["tool"]["jdih"]["base_url"] == "https://jdih.kpu-solok.example.go.id/"
    assert settings["tool"]["jdih"]["zona_waktu"] == "Asia/Jakarta"
    assert settings["project"]["dependencies"] == [f"jdih-build=={__version__}"]
    site, problems = load_site(tmp_path / "situs")
    # A new site is complete but for the people: the roster is the one thing the office must write.
    found = problems.sorted()
    assert site is None and len(found) == 4 and all("petugas.yaml" in p.fix for p in found), [str(p) for p in found]


def test_without_a_terminal_missing_settings_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert init.run(args(tmp_path / "situs", judul_situs="JDIH Uji")) == 2
    err = capsys.readouterr().err
    assert "--base-url" in err and "nothing was written" in err
    assert not (tmp_path / "situs").exists()


def test_a_folder_with_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "situs").mkdir()
    (tmp_path / "situs" / "catatan.txt").write_text("milik kantor\n")
    given = dict(judul_situs="JDIH Uji", base_url="https://jdih.uji.example/", instansi="Uji", tempat="Uji", kantor="KPU Uji")
    assert init.run(args(tmp_path / "situs", **given)) == 1
    assert sorted(p.name for p in (tmp_path / "situs").iterdir()) == ["catatan.txt"]


def test_a_new_sites_git_ignores_unsigned_lembar(tmp_path) -> None:
    """Issue 21: `jdih lembar` writes lembar-<id>-<NN>-<peran>.pdf in the site folder; only what
    `jdih terima` files belongs in git."""
    from jdih_build.workflow.catalogue.init_files import GITIGNORE

    assert "/lembar-*.pdf" in GITIGNORE.splitlines()
