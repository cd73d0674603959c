"""Issue 19, as a new office does it: the tool is a wheel, the site is the office's own.

Builds the wheel, installs it into a fresh virtual environment with no access to this repository
(through the site's own Makefile and its pinned dependency), runs `jdih init`, adds a product, signs
every step with passphrase keys under the Indonesian default, builds, and then upgrades the pin to a
newer wheel. Slow (two wheels, one environment): about a minute with a warm pip cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import MINIMAL_PDF, REPO

PASSPHRASE = "kata sandi kantor"
SIGNERS = [(4, "Wulan Web", "web_admin"), (5, "Andi Admin", "administrator"),
           (7, "Putri Penanggung", "penanggung_jawab"), (8, "Gani Pengarah", "pengarah")]
TIMES: dict[str, float] = {}


def wheel(tmp: Path, version: str) -> Path:
    """A wheel of this checkout at `version`, built from a copy (nothing is written into the repository)."""
    source = tmp / f"src-{version}"
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, source / name)
    for folder in ("jdih_build", "templates", "docs"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "screenshots"))
    text = (source / "pyproject.toml").read_text(encoding="utf-8")
    (source / "pyproject.toml").write_text(text.replace('\nversion = "0.2.0"', f'\nversion = "{version}"', 1), encoding="utf-8")
    dist = tmp / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return next(dist.glob(f"jdih_build-{version}-*.whl"))


def run(command: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, input=stdin)
    TIMES[" ".join(command[:3])] = round(time.monotonic() - started, 1)
    return done


def office_env(tmp: Path) -> dict[str, str]:
    """An office's shell: Indonesian (the default), the wheels as the only source of jdih-build."""
    keep = ("PATH", "HOME", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_CACHE_DIR", "TMPDIR",
            "XDG_CACHE_HOME", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(PIP_FIND_LINKS=str(tmp / "dist"), PIP_DISABLE_PIP_VERSION_CHECK="1", LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    return env


def keygen(folder: Path, name: str) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", name, "-f", str(key)], check=True)
    return key, key.with_suffix(".pub").read_text(encoding="ascii").strip()


@pytest.mark.slow
def test_a_new_office_from_init_to_an_upgraded_pin(tmp_path: Path) -> None:
    wheel(tmp_path, "0.2.0")
    env = office_env(tmp_path)
    office = tmp_path / "kantor"
    office.mkdir()

    # 1. The tool in a fresh environment, outside this repository: jdih init.
    venv = office / "alat"
    assert run([sys.executable, "-m", "venv", str(venv)], office, env).returncode == 0
    done = run([str(venv / "bin" / "pip"), "install", "-q", "jdih-build==0.2.0"], office, env)
    assert done.returncode == 0, done.stderr
    done = run([str(venv / "bin" / "jdih"), "init", "jdih-kpu-agam", "--yes", "--judul-situs", "JDIH KPU Kabupaten Agam",
                "--base-url", "https://jdih.kpu-agam.example.go.id", "--instansi", "Agam (Kabupaten). Komisi Pemilihan Umum",
                "--tempat", "Lubuk Basung", "--kantor", "KPU Kabupaten Agam"], office, env)
    assert done.returncode == 0, done.stderr
    site = office / "jdih-kpu-agam"
    assert "jdih-build==0.2.0" in (site / "pyproject.toml").read_text()
    for name in ("approvals/sop.yaml", "approvals/petugas.yaml", "content", ".gitignore", "Makefile", "README.md",
                 ".github/workflows/jdih.yml", "docs/panduan-editor.md", "docs/pemutakhiran.md", "docs/format-berkas.md"):
        assert (site / name).exists(), name
    assert "KPU Kabupaten Agam" in (site / "approvals/sop.yaml").read_text()
    assert "pytest" not in (site / ".github/workflows/jdih.yml").read_text()     # never the tool's tests
    assert not (site / "templates").exists()                                    # the theme comes from the wheel

    # 2. The site's own environment, from its pin (make pasang), then the roster with passphrase keys.
    done = run(["make", "pasang"], site, env)
    assert done.returncode == 0, done.stdout + done.stderr
    jdih = str(site / ".venv" / "bin" / "jdih")
    where = run([str(site / ".venv" / "bin" / "python"), "-c", "import jdih_build; print(jdih_build.__file__)"], site, env)
    assert str(REPO) not in where.stdout and str(site / ".venv") in where.stdout
    roster = []
    keys = {}
    for number, (_step, name, peran) in enumerate(SIGNERS):
        keys[name], line = keygen(tmp_path / "kunci", name.split()[0].lower())
        roster.append(f'- nama: {name}\n  nip: "19900101201501100{number}"\n  peran: [{peran}]\n  aktif_sejak: 2024-01-01\n'
                      f"  kunci_publik: {line}\n")
    (site / "approvals" / "petugas.yaml").write_text("".join(roster), encoding="utf-8")
    sop = site / "approvals" / "sop.yaml"
    sop.write_text(sop.read_text().replace("tanda_tangan: opsional", "tanda_tangan: wajib"), encoding="utf-8")

    # 3. A product, signed by every validasi step with its passphrase (Indonesian: the default).
    folder = site / "content" / "keputusan" / "2024"
    folder.mkdir(parents=True)
    (folder / "kpt-1-2024.md").write_text(
        "---\njudul: Keputusan Nomor 1 Tahun 2024 tentang Pengelola JDIH\njenis: Keputusan\nnomor: \"1\"\ntahun: 2024\n"
        "tanggal_penetapan: 2024-01-08\nstatus: Berlaku\nberkas:\n  - kpt-1-2024.pdf\n---\n\nABSTRAK:\n\n- Menetapkan "
        "pengelola JDIH.\n", encoding="utf-8")
    (folder / "kpt-1-2024.pdf").write_bytes(MINIMAL_PDF)
    signing = {**env, "JDIH_KEY_PASSPHRASE": PASSPHRASE}
    for offset, (step, name, _peran) in enumerate(SIGNERS):
        done = run([jdih, "approve", "kpt-1-2024", "--step", str(step), "--by", name, "--key", str(keys[name]),
                    "--at", f"2024-01-09T{9 + offset:02d}:00:00+07:00"], site, signing)
        assert done.returncode == 0, done.stderr
    done = run(["make", "build"], site, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 produk diterbitkan" in done.stdout, done.stdout
    assert (site / "output" / "produk" / "kpt-1-2024" / "index.html").is_file()
    assert (site / "output" / "assets" / "style.css").is_file()                 # the packaged theme's assets

    # 4. An office override of one template.
    (site / "templates").mkdir()
    theme = Path(where.stdout.strip()).parent / "tema"
    own = (theme / "404.html").read_text(encoding="utf-8").replace("<h1>Halaman tidak ditemukan</h1>",
                                                                   "<h1>Halaman tidak ditemukan</h1><p>milik kantor</p>")
    (site / "templates" / "404.html").write_text(own, encoding="utf-8")
    assert run(["make", "build"], site, env).returncode == 0
    assert "milik kantor" in (site / "output" / "404.html").read_text()

    # 5. The upgrade: a newer wheel, the pin raised; the old tool says so, then make pasang installs it.
    wheel(tmp_path, "0.2.1")
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text().replace("jdih-build==0.2.0", "jdih-build==0.2.1"), encoding="utf-8")
    stale = run([jdih, "build"], site, env)
    assert "jdih-build 0.2.1" in stale.stderr and "0.2.0" in stale.stderr, stale.stderr   # the clear message
    done = run(["make", "pasang"], site, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert run([jdih, "--version"], site, env).stdout.strip() == "jdih-build 0.2.1"
    done = run(["make", "build"], site, env)
    assert done.returncode == 0 and "pins" not in done.stderr, done.stderr
    print("timings (s):", TIMES)
