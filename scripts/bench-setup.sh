#!/usr/bin/env bash
# Installs what the side-by-side benchmark (benchmarks/compare.py) runs beside digest:
# Hugo from Debian's packages and Pelican (with Markdown) from PyPI. digest itself is not needed
# from here: `python3 -m pip install .` installs it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hugo >/dev/null && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends hugo >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check 'pelican[markdown]==4.12.*'
hugo version
pelican --version
