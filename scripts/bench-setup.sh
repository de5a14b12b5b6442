#!/usr/bin/env bash
# Installs what the side-by-side benchmark (benchmarks/compare.py) runs beside digest:
# Hugo from Debian's packages and Pelican (with Markdown) from PyPI. Pelican gets a virtual
# environment of its own, .venv-pelican: it pins Pygments below the version digest's
# constraints.txt pins, so the two cannot share .venv. Its command is linked into .venv/bin
# (which scripts/install.sh makes, with digest in it). Then: `source .venv/bin/activate`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

command -v hugo >/dev/null || apt_install hugo
make_venv
[ -x .venv-pelican/bin/pelican ] || {
  "$PYTHON" -m venv .venv-pelican
  .venv-pelican/bin/python -m pip install --quiet --disable-pip-version-check \
    'pelican[markdown]==4.12.0'
}
ln -sf "$PWD/.venv-pelican/bin/pelican" "$VENV/bin/pelican"
hugo version
"$VENV/bin/pelican" --version
