"""Diagnostics as values: every stage returns them, the CLI prints and counts them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a spec node lives: the file as the user named it, a JSON pointer, and a line if known."""

    file: str
    pointer: str = ""
    line: int | None = None
    col: int | None = None

    def render(self) -> str:
        if self.line is None:
            return f"{self.file}:{self.pointer or '#'}"
        return f"{self.file}:{self.line}:{self.col or 1}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location

    def render(self) -> str:
        where = self.location.render()
        pointer = self.location.pointer
        suffix = f" (at {pointer})" if pointer and self.location.line is not None else ""
        return f"{where}: {self.severity.value}[{self.code}]: {self.message}{suffix}"

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File, line, column, code, message, then the pointer: diagnostics without a line (a file
        libyaml cannot compose) still print in one order, not the order of a set."""
        loc = self.location
        return (loc.file, loc.line or 0, loc.col or 0, self.code, self.message, loc.pointer or "")


class SpecError(Exception):
    """Unusable input (missing file, bad YAML, unresolved $ref): the run stops with exit 2."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic

    def __reduce__(self) -> tuple[type[SpecError], tuple[Diagnostic], dict[str, object]]:
        # Pickled from a worker process (forkmap) with its diagnostic, and its notes (a traceback).
        return SpecError, (self.diagnostic,), self.__dict__


def error(code: str, message: str, location: Location) -> SpecError:
    return SpecError(Diagnostic(Severity.ERROR, code, message, location))


def sorted_diagnostics(diags: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
    return sorted(set(diags), key=Diagnostic.sort_key)
