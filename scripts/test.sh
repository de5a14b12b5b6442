#!/usr/bin/env bash
# Installs digest with its test dependencies (Python packages, and Debian's Chromium and Korean
# fonts for the browser tests), then runs the linter and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=()
command -v chromium >/dev/null || debian_packages+=(chromium)
command -v java >/dev/null || debian_packages+=(default-jre-headless)  # the Nu HTML checker
[ -d /usr/share/fonts/opentype/noto ] || debian_packages+=(fonts-noto-cjk)
if [ ${#debian_packages[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${debian_packages[*]} for the browser tests"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${debian_packages[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || npm install --no-audit --no-fund --silent
python3 -m ruff check digest tests benchmarks
python3 -m pytest -q "$@"
