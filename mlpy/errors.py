"""The errors a script author or a host can see.

Layer 0: imports only the standard library and `mlpy.source`.

Every error that reaches a script author is an `MLError` with an ML type name, a message
and, where there is one, the ML line and column. The tree::

    MLError
    ├── MLSyntaxError          found before the program runs ("SyntaxError")
    ├── MLSecurityError        refused before or while running ("SecurityError"), never catchable
    ├── MLRuntimeError         catchable by ML ``try/except`` (§2.7)
    │   ├── MLTypeError, MLValueError, MLIndexError, MLKeyError,
    │   │   MLNameError, MLZeroDivisionError
    │   └── MLThrown           a value thrown by ``throw`` ("Error" or the object's own type)
    └── MLLimitError           a limit of §8 was hit ("LimitError"); never catchable
        └── MLTimeoutError     the wall-clock deadline passed ("TimeoutError")

`MLCheckErrors` carries a list of errors found before running (syntax, check and security
errors together), because the check pass reports all of them at once.

A runtime error also carries the ML call stack where it happened (`MLError.stack`, a tuple of
`StackFrame`, outermost call first): function names and ML positions only, never Python
frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from mlpy.source import Span

__all__ = [
    "MLCheckErrors",
    "MLError",
    "MLIndexError",
    "MLKeyError",
    "MLLimitError",
    "MLNameError",
    "MLRuntimeError",
    "MLSecurityError",
    "MLSyntaxError",
    "MLThrown",
    "MLTimeoutError",
    "MLTypeError",
    "MLValueError",
    "MLZeroDivisionError",
    "StackFrame",
]


@dataclass(frozen=True, slots=True)
class StackFrame:
    """One ML call on the stack of a runtime error, and where it was when the error happened."""

    #: the ML function's name; ``"fn"`` for an arrow function, ``"<main>"`` for the top level
    function: str
    #: 1-based ML line and column: the error's position in the innermost frame, the position
    #: of the call to the next frame in every other
    line: int
    column: int
    #: calls left out just before this frame (a deep recursion is shown shortened)
    omitted: int = 0

    def format(self) -> str:
        """``inner at line 3, column 9`` (preceded by ``... 480 more calls ...`` if any)."""
        more = f"... {self.omitted} more call{'s' * (self.omitted > 1)} ...\n" if self.omitted else ""
        return f"{more}{self.function} at line {self.line}, column {self.column}"


class MLError(Exception):
    """Base of every mlpy error. ``type_name`` is the ML error type (``"TypeError"``...)."""

    type_name: ClassVar[str] = "Error"
    #: the ML call stack of a runtime error, outermost first (empty before running)
    stack: tuple[StackFrame, ...] = ()

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    @property
    def line(self) -> int | None:
        """The 1-based ML line, or None where the error has no position."""
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        """The 1-based ML column, or None where the error has no position."""
        return self.span.column if self.span else None

    @property
    def error_type(self) -> str:
        """The ML type name of this error as reported to users."""
        return self.type_name

    def with_span(self, span: Span | None) -> MLError:
        """Set the position if the error has none yet; returns self."""
        if self.span is None:
            self.span = span
        return self

    def format(self) -> str:
        """One line: ``TypeError at line 3, column 9: cannot add number and array``."""
        where = f" at line {self.span.line}, column {self.span.column}" if self.span else ""
        return f"{self.error_type}{where}: {self.message}"

    def format_stack(self) -> str:
        """The ML call stack, one frame a line, outermost first ("" when there is none)."""
        return "\n".join(frame.format() for frame in self.stack)

    def __str__(self) -> str:
        return self.format()


class MLSyntaxError(MLError):
    """The source is not a valid ML program (§1, §2, §10)."""

    type_name = "SyntaxError"


class MLSecurityError(MLError):
    """The program tried to reach something the sandbox does not allow."""

    type_name = "SecurityError"


class MLRuntimeError(MLError):
    """An error while running that ML code may catch with ``except``."""

    type_name = "Error"


class MLTypeError(MLRuntimeError):
    type_name = "TypeError"


class MLValueError(MLRuntimeError):
    type_name = "ValueError"


class MLIndexError(MLRuntimeError):
    type_name = "IndexError"


class MLKeyError(MLRuntimeError):
    type_name = "KeyError"


class MLNameError(MLRuntimeError):
    type_name = "NameError"


class MLZeroDivisionError(MLRuntimeError):
    type_name = "ZeroDivisionError"


class MLThrown(MLRuntimeError):
    """A value thrown with ``throw``; ``value`` is the ML value itself."""

    def __init__(self, value: Any, message: str, type_name: str = "Error") -> None:
        super().__init__(message)
        self.value = value
        self.thrown_type = type_name

    @property
    def error_type(self) -> str:
        return self.thrown_type


class MLLimitError(MLError):
    """A limit of §8 was hit. ``limit`` names it (``max_steps``, ``max_string``...)."""

    type_name = "LimitError"

    def __init__(self, message: str, span: Span | None = None, *, limit: str = "") -> None:
        super().__init__(message, span)
        self.limit = limit


class MLTimeoutError(MLLimitError):
    """The call's wall-clock deadline passed."""

    type_name = "TimeoutError"


class MLCheckErrors(MLError):
    """All the errors found before a program runs; ``errors`` is never empty."""

    def __init__(self, errors: list[MLError]) -> None:
        assert errors
        super().__init__(errors[0].message, errors[0].span)
        self.errors = errors

    @property
    def error_type(self) -> str:
        return self.errors[0].error_type

    def format(self) -> str:
        first = self.errors[0].format()
        more = len(self.errors) - 1
        return first if not more else f"{first} (and {more} more error{'s' * (more > 1)})"
