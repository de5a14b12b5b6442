#!/usr/bin/env bash
# Installs digest into the virtual environment .venv (made with ${PYTHON:-python3}; Debian's
# python3-venv is installed when that Python lacks venv), with the versions of constraints.txt,
# then builds the demo in content/ into site/. Then: `.venv/bin/digest`, or
# `source .venv/bin/activate` and `digest`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

make_venv
pip_install .
"$VENV/bin/digest" build
