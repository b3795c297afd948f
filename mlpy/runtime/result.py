"""`MLResult`: what running a program gives back, from `mlpy.run` and `AsyncMLExecutor` alike.

Layer 3 (runtime): imports the standard library and `mlpy.errors`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlpy.errors import ErrorKind, MLCheckErrors, MLError

__all__ = ["MLResult"]


@dataclass(frozen=True, slots=True)
class MLResult:
    """The outcome of one call.

    ``value`` is the program's ``result`` as plain Python values (None on failure); ``error`` is
    one line such as ``TypeError at line 3, column 9: cannot add number and array``. Times are
    in seconds. ``queue_time`` is the time a call waited for a worker (it counts toward its
    timeout). ``errors`` lists every error of a failure as dicts with ``error_type``,
    ``message``, ``line``, ``column`` and ``stack``: several when the program was refused
    before running (syntax, check or strict-mode errors, §9), one otherwise, none on success.
    ``stack`` is the ML call stack of a runtime error, outermost call first, as dicts with
    ``function``, ``line``, ``column`` and ``omitted`` (`mlpy.errors.StackFrame`); empty for
    errors found before running.

    A result is immutable: whoever builds it (the runner, the executor) fills in every field.
    Compare outcomes with `kind` (an `ErrorKind`), not with ``error_type`` strings.
    """

    success: bool
    value: Any = None
    error: str | None = None
    error_type: str | None = None
    error_line: int | None = None
    error_column: int | None = None
    stdout: str = ""
    execution_time: float = 0.0
    transpile_time: float = 0.0
    queue_time: float = 0.0
    steps: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def failure(cls, error: MLError, **fields: Any) -> MLResult:
        """A failed result for ``error``; for `MLCheckErrors`, ``error`` names every position."""
        every = list(error.errors) if isinstance(error, MLCheckErrors) else [error]
        return cls(
            success=False,
            error=_describe(every),
            error_type=error.error_type,
            error_line=error.line,
            error_column=error.column,
            errors=[
                {
                    "error_type": e.error_type,
                    "message": e.message,
                    "line": e.line,
                    "column": e.column,
                    "stack": [asdict(frame) for frame in e.stack],
                }
                for e in every
            ],
            **fields,
        )

    @property
    def kind(self) -> ErrorKind | None:
        """The `ErrorKind` of a failure (``ERROR`` for a thrown value's own type); None on success."""
        return None if self.success or self.error_type is None else ErrorKind.of(self.error_type)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return asdict(self)


def _describe(errors: list[MLError]) -> str:
    """The first error in full, then where the others are (``(3 errors; the others at ...)``)."""
    first = errors[0].format()
    if len(errors) == 1:
        return first
    where = "; ".join(
        f"line {e.line}, column {e.column}" if e.line is not None else "no position" for e in errors[1:]
    )
    return f"{first} ({len(errors)} errors; the others at {where})"
