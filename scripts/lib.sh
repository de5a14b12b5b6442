# Shared by the scripts here (sourced, not run): Debian packages and the project's virtual
# environment. Debian's own Python refuses `pip install` outside a virtual environment
# (externally-managed-environment), so everything goes into .venv at the top of the repository.

PYTHON="${PYTHON:-python3}"
VENV=".venv"

# apt_install PACKAGE...: install Debian packages (with sudo when not root); where there is no
# apt-get, say what is missing and go on (the tests that need it skip with a reason).
apt_install() {
  [ $# -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null; then
    echo "not installed, and no apt-get to install them: $*" >&2
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" \
    >/dev/null
}

# make_venv: create .venv with $PYTHON (once; a half-made one is made again), installing
# Debian's python3-venv first when $PYTHON has no venv or ensurepip module.
make_venv() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$VENV"
  "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  "$PYTHON" -m venv "$VENV"
}

# pip_install ARG...: pip in .venv, with the pinned versions of constraints.txt.
pip_install() {
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c constraints.txt "$@"
}
