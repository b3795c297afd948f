"""mlpy: run untrusted ML scripts inside a Python service, safely.

The public API. ``import mlpy`` never imports the HTTP server (``mlpy.server``).

    >>> import mlpy
    >>> mlpy.run("result = x + y;", {"x": 1, "y": 2}).value
    3
"""

from __future__ import annotations

from mlpy.api import check, diagnostics, run, transpile
from mlpy.compiler.program import Program, compile_ml
from mlpy.errors import (
    MLCheckErrors,
    MLError,
    MLLimitError,
    MLRuntimeError,
    MLSecurityError,
    MLSyntaxError,
    MLTimeoutError,
)
from mlpy.executor import AsyncMLExecutor
from mlpy.language.diagnostics import Diagnostic, Severity
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult

__version__ = "0.1.0"

__all__ = [
    "AsyncMLExecutor",
    "Diagnostic",
    "Limits",
    "MLCheckErrors",
    "MLError",
    "MLLimitError",
    "MLResult",
    "MLRuntimeError",
    "MLSecurityError",
    "MLSyntaxError",
    "MLTimeoutError",
    "Program",
    "Severity",
    "__version__",
    "check",
    "compile_ml",
    "diagnostics",
    "run",
    "transpile",
]
