#!/usr/bin/env bash
# Installs what the side-by-side benchmark (benchmarks/compare.py) runs beside digest:
# Hugo from Debian's packages and Pelican (with Markdown) from PyPI, into .venv (which
# scripts/install.sh makes, with digest in it). Then: `source .venv/bin/activate`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

command -v hugo >/dev/null || apt_install hugo
make_venv
pip_install 'pelican[markdown]==4.12.*'
hugo version
"$VENV/bin/pelican" --version
