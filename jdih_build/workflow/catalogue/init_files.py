"""The files `jdih init` writes for an office's own site (issue 19), as text. Everything an office reads
is in Indonesian; the tool is a dependency pinned in the site's pyproject.toml, never a copy."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

JENIS = {"Undang-Undang": "UU", "Peraturan Pemerintah": "PP", "Peraturan Presiden": "Perpres",
         "Peraturan Menteri": "Permen", "Peraturan KPU": "PKPU", "Keputusan KPU": "Kpt", "Keputusan": "Kpt",
         "Surat Edaran": "SE", "Instruksi": "Ins", "Standar Operasional Prosedur": "SOP"}


@dataclass(frozen=True)
class Settings:
    judul_situs: str
    base_url: str
    instansi: str
    tempat: str
    kantor: str              # the office's short name, as the SOP's steps say it ("KPU Kota Payakumbuh")
    zona_waktu: str = "Asia/Jakarta"


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a valid TOML basic string


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "situs"


def pyproject(settings: Settings, version: str) -> str:
    jenis = "".join(f"{toml_string(name)} = {toml_string(short)}\n" for name, short in JENIS.items())
    return f"""# Situs JDIH {settings.judul_situs}: dibuat oleh `jdih init` (jdih-build {version}).
#
# [project] hanya menyebut alat yang membangun situs ini, dengan versinya dikunci. Menaikkan versi di
# baris dependencies adalah seluruh pemutakhiran (docs/pemutakhiran.md). Situs ini bukan paket Python.
[project]
name = {toml_string("jdih-" + slug(settings.judul_situs))}
version = "0"
requires-python = ">=3.11"
dependencies = ["jdih-build=={version}"]

[tool.setuptools]
packages = []

# Pengaturan situs (docs/panduan-editor.md bagian 0).
[tool.jdih]
judul_situs = {toml_string(settings.judul_situs)}
base_url = {toml_string(settings.base_url)}
instansi = {toml_string(settings.instansi)}
tempat = {toml_string(settings.tempat)}
bahasa = "Indonesia"
zona_waktu = {toml_string(settings.zona_waktu)}

# Jenis yang diterbitkan situs ini, masing-masing dengan singkatan_jenis-nya.
[tool.jdih.jenis]
{jenis}"""


def sop(settings: Settings) -> str:
    text = resources.files("jdih_build.workflow.catalogue").joinpath("sop-contoh.yaml").read_text(encoding="utf-8")
    plain = re.sub(r"[:#\"'{}\[\]]", " ", settings.kantor).strip() or "kantor ini"
    return (text.replace("{judul_situs}", settings.judul_situs.replace("\n", " "))
                .replace("{instansi}", json.dumps(settings.instansi, ensure_ascii=False))
                .replace("{pengesah}", json.dumps("(nama pengesah SOP)", ensure_ascii=False))
                .replace("{kantor}", plain))


ROSTER = """\
# Daftar petugas yang boleh menandatangani langkah SOP (lihat approvals/sop.yaml).
# Formatnya: docs/format-berkas.md bagian 2. Hapus tanda # di depan contoh di bawah ini dan isi dengan
# data petugas kantor Anda; nama harus ditulis sama persis setiap kali dipakai.
#
# Peran: sub_bagian_pengusul, tim_teknis, web_admin, administrator, penanggung_jawab, pengarah.
# Dengan pemisahan_tugas (sop.yaml), satu orang hanya menandatangani satu langkah validasi per produk.
#
# - nama: Nama Lengkap Pengarah
#   nip: "198001012005011001"          # 18 angka, dengan tanda kutip
#   jabatan: Sekretaris
#   peran: [pengarah]
#   aktif_sejak: 2024-01-01
#   kunci_publik: ssh-ed25519 AAAA...   # bila tanda tangan dipakai (docs/kunci-tanda-tangan.md)
#
# - nama: Nama Lengkap Web Admin
#   nip: "199001012015011002"
#   jabatan: Pengelola JDIH
#   peran: [web_admin]
#   aktif_sejak: 2024-01-01
[]
"""

GITIGNORE = """\
# Hasil pembangunan dan lingkungan Python: tidak pernah masuk git.
/output/
/laporan/
/.venv/
__pycache__/
# Lembar persetujuan yang dibuat jdih lembar dan belum ditandatangani: yang disimpan hanya hasil jdih terima.
/lembar-*.pdf
"""

MAKEFILE = """\
# Perintah situs JDIH. `make pasang` sekali, lalu `make build`, `make check`, `make status`, `make serve`.
# jdih-build dipasang dari versi yang dikunci di pyproject.toml (docs/pemutakhiran.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: pasang build check status serve laporan

$(VENV)/.terpasang: pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/pip install --quiet --upgrade pip
\t$(BIN)/pip install --quiet $$($(PYTHON) -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
\t@touch $@

pasang: $(VENV)/.terpasang

build: pasang
\t$(BIN)/jdih build

check: pasang
\t$(BIN)/jdih check

status: pasang
\t$(BIN)/jdih status

serve: pasang
\t$(BIN)/jdih serve

laporan: pasang
\t$(BIN)/jdih report
"""

WORKFLOW = """\
# Membangun dan menerbitkan situs JDIH ini.
# - Pada setiap push ke main: `jdih build` lalu terbit ke GitHub Pages. Hanya produk yang sudah
#   disetujui setiap langkah validasi SOP-nya yang terbit; sisanya ditahan dan disebut di log.
# - Pada setiap pull request: `jdih check` (tidak menerbitkan apa pun).
# Tidak pernah menjalankan uji milik jdih-build: situs ini memakainya sebagai alat dengan versi terkunci.
name: jdih

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: jdih-${{ github.ref }}
  cancel-in-progress: false

jobs:
  periksa:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Pasang jdih-build (versi di pyproject.toml)
        run: make pasang
      - name: jdih check
        env:
          ROOT_KEYS_VARIABLE: ${{ vars.JDIH_ROOT_KEYS }}
          TTE_ANCHORS_VARIABLE: ${{ vars.JDIH_TTE_AKAR }}
        run: |
          if [ -n "$ROOT_KEYS_VARIABLE" ]; then export JDIH_ROOT_KEYS="$ROOT_KEYS_VARIABLE"; fi
          if [ -n "$TTE_ANCHORS_VARIABLE" ]; then export JDIH_TTE_AKAR="$TTE_ANCHORS_VARIABLE"; fi
          .venv/bin/jdih check

  bangun:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.terbit.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          fetch-depth: 0      # seluruh riwayat: produk yang sedang diubah tetap terbit pada revisi yang disetujui
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Pasang Tesseract (OCR pindaian)
        run: sudo apt-get update -qq && sudo apt-get install -y -qq tesseract-ocr tesseract-ocr-ind
      - name: Pasang jdih-build (versi di pyproject.toml)
        run: make pasang
      - id: pages
        uses: actions/configure-pages@v5
      - name: Cache pembangunan (di luar repositori)
        uses: actions/cache@v4
        with:
          path: ~/.cache/jdih-build
          key: jdih-cache-${{ github.run_id }}
          restore-keys: jdih-cache-
      - name: jdih build
        env:
          PAGES_BASE_URL: ${{ steps.pages.outputs.base_url }}
          ROOT_KEYS_VARIABLE: ${{ vars.JDIH_ROOT_KEYS }}
          TTE_ANCHORS_VARIABLE: ${{ vars.JDIH_TTE_AKAR }}
        run: |
          export JDIH_BASE_URL="${PAGES_BASE_URL%/}/"
          if [ -n "$ROOT_KEYS_VARIABLE" ]; then export JDIH_ROOT_KEYS="$ROOT_KEYS_VARIABLE"; fi
          if [ -n "$TTE_ANCHORS_VARIABLE" ]; then export JDIH_TTE_AKAR="$TTE_ANCHORS_VARIABLE"; fi
          export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
          .venv/bin/jdih build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output
      - id: terbit
        uses: actions/deploy-pages@v4
"""


def readme(settings: Settings, version: str) -> str:
    return f"""# Situs JDIH {settings.judul_situs}

Situs ini dibangun dengan [jdih-build](https://pypi.org/project/jdih-build/) {version}: setiap produk
hukum di `content/` baru terbit setelah setiap langkah validasi SOP di `approvals/sop.yaml`
menyetujui berkasnya yang persis.

## Isi folder

| folder / berkas | isinya |
|---|---|
| `pyproject.toml` | pengaturan situs (`[tool.jdih]`) dan versi jdih-build yang dipakai |
| `content/` | produk hukum: satu berkas `.md` per produk, dengan PDF-nya di sampingnya |
| `approvals/sop.yaml` | langkah SOP (contoh SOP 494 untuk disesuaikan) |
| `approvals/petugas.yaml` | petugas yang boleh menandatangani, dengan perannya |
| `approvals/<id-produk>/` | catatan persetujuan tiap langkah, ditulis oleh `jdih approve` |
| `templates/` | (tidak wajib) ganti satu templat atau aset tema bawaan dengan menaruh berkas bernama sama di sini |
| `docs/` | panduan: `panduan-editor.md`, `kunci-tanda-tangan.md`, `format-berkas.md`, `pemutakhiran.md` |
| `.github/workflows/jdih.yml` | membangun dan menerbitkan pada setiap push ke main; `jdih check` pada pull request |

## Langkah pertama

    make pasang                 # sekali: memasang jdih-build versi yang dikunci ke .venv/
    (isi approvals/petugas.yaml dan sesuaikan approvals/sop.yaml)
    .venv/bin/jdih new          # produk pertama
    .venv/bin/jdih approve ID --step 4 --by "Nama Petugas"
    make check                  # memeriksa semuanya tanpa menulis apa pun
    make build                  # menulis situs ke output/
    make serve                  # pratinjau di http://127.0.0.1:8000/

Panduan lengkap, dari `jdih init` sampai situs terbit: `docs/panduan-editor.md`.
Memutakhirkan jdih-build: `docs/pemutakhiran.md`.
"""
