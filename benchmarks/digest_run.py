"""How the benchmarks start digest: a process per command, run from a checkout of this
repository (this one unless told otherwise) rather than from whatever copy `python -m digest`
would find, with its modules compiled to bytecode first, as an installed package's are.

Where PYTHONDONTWRITEBYTECODE is set (it is on the project's machine), Python would otherwise
compile every module of digest from source in every process: some 40 ms in a one-edit build,
more the more modules digest has, which would measure the module count, not the build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def digest_command(*arguments: str) -> list[str]:
    """The command line of one digest process."""
    return [sys.executable, "-m", "digest", *arguments]


def digest_env(checkout: Path = REPO) -> dict[str, str]:
    """The environment of a digest process that runs `checkout`'s digest."""
    return dict(os.environ, PYTHONPATH=str(checkout))


def compile_checkout(checkout: Path = REPO) -> None:
    """Compile `checkout`'s digest modules to bytecode, as installing a package does."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "digest")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
