#!/usr/bin/env bash
# Installs digest with its test dependencies into the virtual environment .venv (as
# scripts/install.sh makes it, with the versions of constraints.txt), Debian's Chromium,
# Korean fonts, Java and npm for the browser tests and the Nu checker, then runs the linter,
# the type check and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

debian_packages=()
command -v chromium >/dev/null || debian_packages+=(chromium)
command -v java >/dev/null || debian_packages+=(default-jre-headless)  # the Nu HTML checker
command -v npm >/dev/null || debian_packages+=(npm)  # installs the Nu checker (vnu-jar)
[ -d /usr/share/fonts/opentype/noto ] || debian_packages+=(fonts-noto-cjk)
apt_install "${debian_packages[@]}"

make_venv
pip_install -e '.[test]'
export VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH"  # the tools the tests run
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || npm install --no-audit --no-fund --silent
python -m ruff check digest tests benchmarks
python -m mypy digest  # settings in pyproject.toml: every function typed (disallow_untyped_defs)
python -m pytest -q "$@"
