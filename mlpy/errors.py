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
    ├── MLLimitError           a limit of §8 was hit ("LimitError"); never catchable
    │   ├── MLTimeoutError     the wall-clock deadline passed ("TimeoutError")
    │   └── MLCancelledError   the host stopped the call: caller gone, shutdown ("Cancelled")
    └── MLOverloadedError      refused before running: no room to queue it ("Overloaded")

`ErrorKind` names each class of error: ``MLResult.error_type`` takes its values from it (a
value thrown with its own type name, ``throw {type: "NotFound"}``, is of kind ``ERROR``), and
hosts compare kinds, never strings.

`MLCheckErrors` carries a list of errors found before running (syntax, check and security
errors together), because the check pass reports all of them at once.

A runtime error also carries the ML call stack where it happened (`MLError.stack`, a tuple of
`StackFrame`, outermost call first): function names and ML positions only, never Python
frames.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

from mlpy.source import Span

__all__ = [
    "ErrorKind",
    "MLCancelledError",
    "MLOverloadedError",
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


class ErrorKind(enum.StrEnum):
    """The class of a failed call's error; its values are the ``error_type`` strings users see."""

    ERROR = "Error"
    SYNTAX = "SyntaxError"
    SECURITY = "SecurityError"
    TYPE = "TypeError"
    VALUE = "ValueError"
    INDEX = "IndexError"
    KEY = "KeyError"
    NAME = "NameError"
    ZERO_DIVISION = "ZeroDivisionError"
    LIMIT = "LimitError"
    TIMEOUT = "TimeoutError"
    CANCELLED = "Cancelled"
    OVERLOADED = "Overloaded"

    @classmethod
    def of(cls, error_type: str) -> ErrorKind:
        """The kind an ``error_type`` string names; ``ERROR`` for a thrown value's own type name."""
        try:
            return cls(error_type)
        except ValueError:
            return cls.ERROR


class MLError(Exception):
    """Base of every mlpy error. ``type_name`` is the ML error type (``"TypeError"``...), the
    plain string value of an `ErrorKind` (scripts see it as ``e.type``, a plain ML string)."""

    type_name: ClassVar[str] = ErrorKind.ERROR.value
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

    @property
    def kind(self) -> ErrorKind:
        """The class of this error, always ``ErrorKind.of(self.error_type)``."""
        return ErrorKind(self.type_name)

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

    type_name = ErrorKind.SYNTAX.value


class MLSecurityError(MLError):
    """The program tried to reach something the sandbox does not allow."""

    type_name = ErrorKind.SECURITY.value


class MLRuntimeError(MLError):
    """An error while running that ML code may catch with ``except``."""

    type_name = ErrorKind.ERROR.value


class MLTypeError(MLRuntimeError):
    type_name = ErrorKind.TYPE.value


class MLValueError(MLRuntimeError):
    type_name = ErrorKind.VALUE.value


class MLIndexError(MLRuntimeError):
    type_name = ErrorKind.INDEX.value


class MLKeyError(MLRuntimeError):
    type_name = ErrorKind.KEY.value


class MLNameError(MLRuntimeError):
    type_name = ErrorKind.NAME.value


class MLZeroDivisionError(MLRuntimeError):
    type_name = ErrorKind.ZERO_DIVISION.value


class MLThrown(MLRuntimeError):
    """A value thrown with ``throw``; ``value`` is the ML value itself."""

    def __init__(self, value: Any, message: str, type_name: str = "Error") -> None:
        super().__init__(message)
        self.value = value
        self.thrown_type = type_name

    @property
    def error_type(self) -> str:
        return self.thrown_type

    @property
    def kind(self) -> ErrorKind:
        return ErrorKind.of(self.thrown_type)


class MLLimitError(MLError):
    """A limit of §8 was hit. ``limit`` names it (``max_steps``, ``max_string``...)."""

    type_name = ErrorKind.LIMIT.value

    def __init__(self, message: str, span: Span | None = None, *, limit: str = "") -> None:
        super().__init__(message, span)
        self.limit = limit


class MLTimeoutError(MLLimitError):
    """The call's wall-clock deadline passed."""

    type_name = ErrorKind.TIMEOUT.value

    @classmethod
    def after(cls, timeout: float, *, compiling: bool = False) -> MLTimeoutError:
        """The timeout error of a call whose ``timeout`` seconds are over: the one wording."""
        where = " (while compiling)" if compiling else ""
        return cls(f"Execution timeout after {float(timeout)} seconds{where}", limit="timeout")


class MLCancelledError(MLLimitError):
    """The host stopped the call: its caller stopped waiting, or the executor shut down."""

    type_name = ErrorKind.CANCELLED.value

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message, span, limit="cancelled")


class MLOverloadedError(MLError):
    """The call was refused before it ran: every worker busy and the queue full."""

    type_name = ErrorKind.OVERLOADED.value


class MLCheckErrors(MLError):
    """All the errors found before a program runs; ``errors`` is never empty."""

    def __init__(self, errors: list[MLError]) -> None:
        assert errors
        super().__init__(errors[0].message, errors[0].span)
        self.errors = errors

    @property
    def error_type(self) -> str:
        return self.errors[0].error_type

    @property
    def kind(self) -> ErrorKind:
        return self.errors[0].kind

    def format(self) -> str:
        first = self.errors[0].format()
        more = len(self.errors) - 1
        return first if not more else f"{first} (and {more} more error{'s' * (more > 1)})"
