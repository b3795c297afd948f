"""Diagnostics: the errors and warnings found in ML source before it runs, with their severity.

Layer 1 (language): imports the standard library, `mlpy.source` and `mlpy.errors`.

`mlpy.check` keeps returning a list of errors (its type never changes); warnings, which never
stop a program, travel beside them as `Diagnostic` values with a `Severity`. Today the only
warning is an unknown escape such as ``"\\d"``, kept as written (LANGUAGE.md §1.5).

While a program is parsed, the literal decoders (which run as Lark callbacks, deep inside the
parser) report to the `Collector` of the current context instead of raising, so one bad
literal never stops the parser from finding the errors after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from mlpy.errors import MLError, MLSyntaxError
from mlpy.source import Span

__all__ = ["MAX_WARNINGS", "Collector", "Diagnostic", "Severity", "collecting", "current_collector"]

#: warnings kept per program (a generated file with a million ``\d`` would otherwise cost a
#: position computation each, and nobody reads the millionth)
MAX_WARNINGS = 100


class Severity(StrEnum):
    """How bad a diagnostic is: an error stops the program from running, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about ML source: what, how bad, and where."""

    severity: Severity
    #: the ML error type for an error (``"SyntaxError"``...), ``"Warning"`` for a warning
    kind: str
    message: str
    span: Span | None = None

    @property
    def line(self) -> int | None:
        """The 1-based ML line, or None."""
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        """The 1-based ML column, or None."""
        return self.span.column if self.span else None

    @classmethod
    def of_error(cls, error: MLError) -> Diagnostic:
        """The diagnostic for an error found before running."""
        return cls(Severity.ERROR, error.error_type, error.message, error.span)

    def format(self) -> str:
        """One line, as errors print: ``Warning at line 1, column 7: unknown escape ...``."""
        where = f" at line {self.span.line}, column {self.span.column}" if self.span else ""
        return f"{self.kind}{where}: {self.message}"


@dataclass
class Collector:
    """What the literal decoders found while one program was parsed."""

    errors: list[MLSyntaxError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    def error(self, error: MLSyntaxError) -> None:
        """Record an error in a literal (the parse goes on)."""
        self.errors.append(error)

    def wants_warning(self) -> bool:
        """False once `MAX_WARNINGS` are kept (the caller then skips working out a position)."""
        return len(self.warnings) < MAX_WARNINGS

    def warning(self, message: str, span: Span) -> None:
        """Record a warning."""
        if self.wants_warning():
            self.warnings.append(Diagnostic(Severity.WARNING, "Warning", message, span))


_current: ContextVar[Collector | None] = ContextVar("mlpy_diagnostics", default=None)


@contextmanager
def collecting() -> Iterator[Collector]:
    """Collect the literal errors and warnings of the parse run inside this block."""
    collector = Collector()
    token = _current.set(collector)
    try:
        yield collector
    finally:
        _current.reset(token)


def current_collector() -> Collector | None:
    """The collector of the parse in progress, or None outside `collecting`."""
    return _current.get()
