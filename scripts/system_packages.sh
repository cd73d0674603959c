#!/usr/bin/env bash
# The Debian packages `make test` needs: chromium (browser tests), openssh-client (ssh-keygen
# cross-checks), nodejs/npm (axe-core), git (approved revisions), tesseract-ocr with its Indonesian
# data (OCR of scanned PDFs), fonts, Java (the W3C Nu HTML checker), GNU time (the benchmarks run at a tiny size). Installs what is missing where it can (root with
# apt-get); otherwise stops with the one command to run.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v git >/dev/null 2>&1 || need+=(git)   # an edited product's approved revision is read from git history
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)   # OCR of scanned PDFs (publish/ocr.py)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)   # the W3C Nu HTML checker (tests/browser/test_html_validity.py)
command -v /usr/bin/time >/dev/null 2>&1 || need+=(time)   # GNU time: the benchmarks' peak memory (benchmarks/bench_build.py, tests/bench/)
[ -e /usr/share/tesseract-ocr/5/tessdata/ind.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/ind.traineddata ] \
  || need+=(tesseract-ocr-ind)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "make test needs these Debian packages: ${need[*]}" >&2
echo "install them with:  sudo apt-get install --no-install-recommends ${need[*]}" >&2
exit 1
