"""Passphrase-protected keys work in every language (issue 19's blocker).

The cause was code that looked for the English word "passphrase" in a message that gettext had
already translated, so under the Indonesian default the prompt was never shown. These tests run the
real CLI in a child process under LANGUAGE=id: once with the passphrase in the environment, once at a
real terminal (a pty) where it must ask, and `jdih sign-policy` the same way.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_approve import make_key, make_site

from jdih_build import sshsig
from jdih_build.i18n import choose

PRODUCT = "kpt-1-2024"
AT = "2024-01-09T09:00:00+07:00"
PASSPHRASE = "kata sandi rahasia"


def indonesian_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.pop("JDIH_KEY_PASSPHRASE", None)
    env.update(LANGUAGE="id", **extra)
    return env


def cli(site: Path, *argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jdih_build", *argv, "--site", str(site)], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False)


def approve_argv(private: Path) -> list[str]:
    return ["approve", PRODUCT, "--step", "4", "--by", "Wina Web", "--at", AT, "--key", str(private)]


def test_the_library_says_passphrase_by_type_in_any_language(tmp_path: Path) -> None:
    private, _line = make_key(tmp_path, "wina", passphrase=PASSPHRASE)
    for language in ("id", "en"):
        choose(None, {"LANGUAGE": language})
        with pytest.raises(sshsig.PassphraseRequired):
            sshsig.load_private_key(private)
        with pytest.raises(sshsig.WrongPassphrase):
            sshsig.load_private_key(private, b"salah")
        assert sshsig.load_private_key(private, PASSPHRASE.encode()).public.algorithm == "ssh-ed25519"
    choose(None, {"LANGUAGE": "en"})


def test_approve_in_indonesian_takes_the_passphrase_from_the_environment(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "wina", passphrase=PASSPHRASE)
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    done = cli(site, *approve_argv(private), env=indonesian_env(JDIH_KEY_PASSPHRASE=PASSPHRASE))
    assert done.returncode == 0, done.stderr
    assert (site / "approvals" / PRODUCT / "04-web_admin.yaml.sig").is_file()


def test_approve_in_indonesian_without_a_terminal_says_how_in_indonesian(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "wina", passphrase=PASSPHRASE)
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    done = cli(site, *approve_argv(private), env=indonesian_env())
    assert done.returncode == 1
    assert "JDIH_KEY_PASSPHRASE" in done.stderr
    assert "frasa sandi" in done.stderr        # the refusal is the passphrase one, in Indonesian
    assert not (site / "approvals" / PRODUCT).exists()


def run_at_terminal(argv: list[str], env: dict[str, str], answer: str, timeout: float = 60) -> tuple[int, str]:
    """Run argv with a pty as its terminal; type `answer` when it asks; (exit code, screen)."""
    pid, fd = pty.fork()
    if pid == 0:   # the child: become the CLI
        os.execve(sys.executable, [sys.executable, *argv], env)
    screen = b""
    answered = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:     # EIO: the child closed the terminal, it is exiting
                    chunk = b""
                if not chunk:
                    _pid, status = os.waitpid(pid, 0)
                    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")
                screen += chunk
            if not answered and b"sandi" in screen.lower():
                os.write(fd, answer.encode() + b"\n")
                answered = True
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")
        os.kill(pid, 9)
        _pid, status = os.waitpid(pid, 0)
        return -1, screen.decode(errors="replace")
    finally:
        os.close(fd)


def test_approve_in_indonesian_asks_at_a_terminal(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "wina", passphrase=PASSPHRASE)
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    rc, screen = run_at_terminal(["-m", "jdih_build", *approve_argv(private), "--site", str(site)],
                                 indonesian_env(), PASSPHRASE)
    assert rc == 0, screen
    assert "Frasa sandi" in screen                   # asked, in Indonesian
    assert (site / "approvals" / PRODUCT / "04-web_admin.yaml.sig").is_file()


def test_a_wrong_passphrase_at_the_terminal_is_named(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "wina", passphrase=PASSPHRASE)
    site = make_site(tmp_path / "site", keys={"Wina Web": line})
    rc, screen = run_at_terminal(["-m", "jdih_build", *approve_argv(private), "--site", str(site)],
                                 indonesian_env(), "salah")
    assert rc == 1, screen
    assert "salah, atau kuncinya rusak" in screen
    assert "ketik frasa sandi" in screen
    assert not (site / "approvals" / PRODUCT).exists()


def test_sign_policy_in_indonesian_takes_the_passphrase(tmp_path: Path) -> None:
    private, line = make_key(tmp_path / "keys", "akar", passphrase=PASSPHRASE)
    site = make_site(tmp_path / "site")
    roots = tmp_path / "akar.pub"
    roots.write_text(line + "\n", encoding="ascii")
    done = cli(site, "sign-policy", "--key", str(private),
               env=indonesian_env(JDIH_KEY_PASSPHRASE=PASSPHRASE, JDIH_ROOT_KEYS=str(roots)))
    assert done.returncode == 0, done.stderr
    assert (site / "approvals" / "sop.yaml.sig").is_file()
    rc, screen = run_at_terminal(["-m", "jdih_build", "sign-policy", "--key", str(private), "--site", str(site)],
                                 indonesian_env(JDIH_ROOT_KEYS=str(roots)), PASSPHRASE)
    assert rc == 0, screen
