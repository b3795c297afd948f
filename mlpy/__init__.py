"""mlpy: run untrusted ML scripts inside a Python service, safely.

The public API. ``import mlpy`` never imports the HTTP server (``mlpy.server``), and loads the
front end (the parser, lark) only when a name that needs it is first used (`run`, `check`,
`transpile`, `compile_ml`, `AsyncMLExecutor`): the runtime stands without it, so importing
``mlpy.runtime`` (which imports this package first) never loads it.

    >>> import mlpy
    >>> mlpy.run("result = x + y;", {"x": 1, "y": 2}).value
    3

What host functions may raise for the script to see (§7.1) is here too: `MLValueError`,
`MLTypeError`, `MLThrown`... Outcomes are compared with `ErrorKind` (``result.kind``).
"""

from __future__ import annotations

import importlib
import typing

from mlpy.compiler.compiled import Program
from mlpy.errors import (
    ErrorKind,
    MLCancelledError,
    MLCheckErrors,
    MLError,
    MLIndexError,
    MLKeyError,
    MLLimitError,
    MLNameError,
    MLOverloadedError,
    MLRuntimeError,
    MLSecurityError,
    MLSyntaxError,
    MLThrown,
    MLTimeoutError,
    MLTypeError,
    MLValueError,
    MLZeroDivisionError,
)
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult

if typing.TYPE_CHECKING:
    from mlpy.api import check, diagnostics, run, transpile
    from mlpy.compiler.program import compile_ml
    from mlpy.executor import AsyncMLExecutor
    from mlpy.language.diagnostics import Diagnostic, Severity

__version__ = "0.1.0"

__all__ = [
    "AsyncMLExecutor",
    "Diagnostic",
    "ErrorKind",
    "Limits",
    "MLCancelledError",
    "MLCheckErrors",
    "MLError",
    "MLIndexError",
    "MLKeyError",
    "MLLimitError",
    "MLNameError",
    "MLOverloadedError",
    "MLResult",
    "MLRuntimeError",
    "MLSecurityError",
    "MLSyntaxError",
    "MLThrown",
    "MLTimeoutError",
    "MLTypeError",
    "MLValueError",
    "MLZeroDivisionError",
    "Program",
    "Severity",
    "__version__",
    "check",
    "compile_ml",
    "diagnostics",
    "run",
    "transpile",
]

#: names that load the front end, imported on first use: name -> module
_LAZY = {
    "AsyncMLExecutor": "mlpy.executor",
    "check": "mlpy.api",
    "compile_ml": "mlpy.compiler.program",
    "diagnostics": "mlpy.api",
    "Diagnostic": "mlpy.language.diagnostics",
    "Severity": "mlpy.language.diagnostics",
    "run": "mlpy.api",
    "transpile": "mlpy.api",
}


def __getattr__(name: str) -> typing.Any:
    """Import a front-end name of `_LAZY` on first use (PEP 562) and keep it."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mlpy' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
