"""Problems as values: a Diagnostic names a place (path:line) and says what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

    def __reduce__(self):
        return type(self), (self.diagnostics,)


class ConfigError(DigestError):
    """digest.yaml is missing a value, has a wrong one, or an unknown key."""


class TemplateError(DigestError):
    """A template failed to load or render."""


class OutputError(DigestError):
    """The output directory cannot be written or is not ours to replace."""
