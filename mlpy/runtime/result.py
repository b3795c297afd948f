"""`MLResult`: what running a program gives back, from `mlpy.run` and `AsyncMLExecutor` alike.

Layer 3 (runtime): imports the standard library and `mlpy.errors`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mlpy.errors import MLError

__all__ = ["MLResult"]


@dataclass(slots=True)
class MLResult:
    """The outcome of one call.

    ``value`` is the program's ``result`` as plain Python values (None on failure); ``error`` is
    one line such as ``TypeError at line 3, column 9: cannot add number and array``. Times are
    in seconds.
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

    @classmethod
    def failure(cls, error: MLError, **fields: Any) -> MLResult:
        """A failed result for ``error``."""
        return cls(
            success=False,
            error=error.format(),
            error_type=error.error_type,
            error_line=error.line,
            error_column=error.column,
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict."""
        return asdict(self)
