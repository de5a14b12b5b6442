#!/usr/bin/env bash
# Installs digest with its test dependencies, then runs the linter and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m ruff check digest tests benchmarks
python3 -m pytest -q "$@"
