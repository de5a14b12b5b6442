#!/usr/bin/env bash
# Writes constraints.txt again: the versions that digest and its test tools resolve to today,
# in a fresh virtual environment (made with ${PYTHON:-python3}) and without the old pins.
# pyproject.toml keeps its ranges; this file pins what the install and test scripts install.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
VENV="$scratch/venv"
make_venv
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
{
  echo "# Every package scripts/install.sh and scripts/test.sh install, pinned (pip install -c)."
  echo "# Made by \`bash scripts/refresh-constraints.sh\` with Python" \
    "$("$VENV/bin/python" -c 'import platform; print(platform.python_version())')."
  "$VENV/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "wrote constraints.txt ($(grep -c '==' constraints.txt) packages)"
