"""Problems as values: a Diagnostic names a place (path:line) and says what is wrong."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    message: str
    location: Location | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        tag = "" if self.is_error else "warning: "
        return f"{prefix}{tag}{self.message}"


def error(message: str, path: str | None = None, line: int | None = None) -> Diagnostic:
    """Message and optional place -> an error Diagnostic."""
    location = Location(path=path, line=line) if path else None
    return Diagnostic(message=message, location=location)


def warning(message: str, path: str | None = None, line: int | None = None) -> Diagnostic:
    """Message and optional place -> a warning Diagnostic."""
    location = Location(path=path, line=line) if path else None
    return Diagnostic(message=message, location=location, severity=Severity.WARNING)


class DigestError(Exception):
    """A failure that stops a command, carrying every diagnostic that explains it."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[DigestError], tuple[tuple[Diagnostic, ...]]]:
        return type(self), (self.diagnostics,)


class ConfigError(DigestError):
    """digest.yaml is missing a value, has a wrong one, or an unknown key."""


class TemplateError(DigestError):
    """A template failed to load or render."""


class OutputError(DigestError):
    """The output directory cannot be written or is not ours to replace."""


def one_line(exc: Exception, project: Path) -> str:
    """An exception no check foresaw -> one line: the file (and line) it names or was raised
    in, when it is one of the project's, then its type and message."""
    said = exc.strerror if isinstance(exc, OSError) and exc.filename and exc.strerror else exc
    message = " ".join(f"{type(exc).__name__}: {said}".split())
    where = _place(exc, project.resolve())
    return f"{where}: {message}" if where else message


def _place(exc: Exception, project: Path) -> str | None:
    mark = getattr(exc, "problem_mark", None)  # PyYAML's errors
    if mark is not None and not str(getattr(mark, "name", None) or "<").startswith("<"):
        return f"{_shown(mark.name, project)}:{mark.line + 1}"
    filename = getattr(exc, "filename", None)  # OSError, SyntaxError, Jinja's errors
    if isinstance(filename, str | os.PathLike) and str(filename):
        line = getattr(exc, "lineno", None)
        return _shown(filename, project) + (f":{line}" if isinstance(line, int) else "")
    own = (project / "templates", project / "content")  # not the repo holding a demo project
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(Path(frame.filename).is_relative_to(folder) for folder in own):
            return f"{_shown(frame.filename, project)}:{frame.lineno}"
    return None


def _shown(filename: str | os.PathLike[str], project: Path) -> str:
    try:
        return Path(filename).resolve().relative_to(project).as_posix()
    except (ValueError, OSError):
        return str(filename)


def missing_package(exc: ModuleNotFoundError) -> str:
    """A package digest depends on that cannot be imported -> what to do, in one line."""
    name = (exc.name or str(exc)).split(".")[0]
    return (f"digest cannot run: the package {name!r} it needs is not installed; install digest "
            "again (pipx install --force digest-site, or bash scripts/install.sh in a clone)")
