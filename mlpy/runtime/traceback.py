"""Turn any exception raised while an ML program runs into an `MLError` with the ML position.

Layer 3 (runtime): imports the standard library, `mlpy.errors`, `mlpy.source`,
`mlpy.compiler.abi` and `mlpy.runtime.values`.

Generated code carries ML positions on every Python node and is compiled with a filename that
starts ``<ml``, so the innermost ML frame of a traceback gives the line (``tb_lineno``) and the
column (``co_positions()`` at ``tb_lasti``). Python's own exceptions from native operators
(``[1] - 2``, ``1 / 0``, an unbound local) get ML messages here; a script author never sees a
Python traceback or a Python type name.
"""

from __future__ import annotations

import re
from types import TracebackType

from mlpy.compiler.abi import ml_name
from mlpy.errors import (
    MLError,
    MLLimitError,
    MLNameError,
    MLRuntimeError,
    MLTypeError,
    MLValueError,
    MLZeroDivisionError,
)
from mlpy.runtime.values import Opaque
from mlpy.source import Span

__all__ = ["ml_position", "translate"]

_PY_TYPES = {
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "str": "string",
    "list": "array",
    "dict": "object",
    "NoneType": "null",
    "function": "function",
    "Builtin": "function",
    "BoundMethod": "function",
    "range": "range",
    "tuple": "array",
}
_OP_WORDS = {
    "-": "subtract",
    "/": "divide",
    "//": "floor-divide",
    "+": "add",
    "*": "multiply",
    "%": "take the modulo of",
}
_UNSUPPORTED = re.compile(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'")
_UNARY = re.compile(r"bad operand type for unary (.): '(\w+)'")
_ORDERING = re.compile(r"'([<>]=?)' not supported between instances of '(\w+)' and '(\w+)'")
_NOT_CALLABLE = re.compile(r"'(\w+)' object is not callable")
_UNBOUND = re.compile(r"cannot access local variable '(\w+)'|local variable '(\w+)' referenced before")
_UNDEFINED = re.compile(r"name '(\w+)' is not defined")
_FREE = re.compile(r"cannot access free variable '(\w+)'")


def _ml_type(py_type: str) -> str:
    name = _PY_TYPES.get(py_type)
    if name is not None:
        return name
    return _opaque_type_names().get(py_type, "value")


def _opaque_type_names() -> dict[str, str]:
    """Python class name -> ML type name of every opaque value class (a rare path: errors only)."""
    names: dict[str, str] = {}
    pending: list[type[Opaque]] = [Opaque]
    while pending:
        cls = pending.pop()
        names[cls.__name__] = cls.type_name
        pending.extend(cls.__subclasses__())
    return names


def ml_position(tb: TracebackType | None) -> Span | None:
    """The ML span of the innermost generated-code frame of traceback ``tb``."""
    found: Span | None = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<ml"):
            line = tb.tb_lineno
            positions = list(code.co_positions())
            index = tb.tb_lasti // 2
            if 0 <= index < len(positions):
                start, end, col, end_col = positions[index]
                if start is not None and col is not None:
                    found = Span(start, col + 1, end or start, (end_col or col) + 1)
                    tb = tb.tb_next
                    continue
            found = Span.point(line, 1)
        tb = tb.tb_next
    return found


def translate(exc: BaseException) -> MLError:
    """The `MLError` a script author sees for ``exc``, positioned at its ML line and column."""
    error = _as_ml_error(exc)
    if error.span is None:
        error.span = ml_position(exc.__traceback__)
    return error


def _as_ml_error(exc: BaseException) -> MLError:
    if isinstance(exc, MLError):
        return exc
    msg = str(exc)
    if isinstance(exc, RecursionError):
        return MLLimitError("recursion too deep (max_depth)", limit="max_depth")
    if isinstance(exc, MemoryError):
        return MLLimitError("out of memory", limit="memory")
    if isinstance(exc, ZeroDivisionError):
        # Python says "integer division or modulo by zero" for `//`: that is a division
        modulo = "modulo" in msg and "division" not in msg
        return MLZeroDivisionError("modulo by zero" if modulo else "division by zero")
    if isinstance(exc, NameError):
        return _name_error(msg)
    if isinstance(exc, OverflowError):
        return MLValueError(f"number too large: {msg}")
    if isinstance(exc, TypeError):
        return MLTypeError(_type_message(msg))
    if isinstance(exc, RuntimeError | ValueError | IndexError | KeyError | ArithmeticError):
        return MLRuntimeError(msg)
    return MLRuntimeError(f"internal error ({type(exc).__name__})")


def _name_error(msg: str) -> MLNameError:
    if m := _UNBOUND.search(msg):
        name = ml_name(m.group(1) or m.group(2))
        return MLNameError(f"local variable '{name}' is read before it is assigned")
    if m := _FREE.search(msg):
        return MLNameError(f"variable '{ml_name(m.group(1))}' is read before it is assigned")
    if m := _UNDEFINED.search(msg):
        return MLNameError(f"name '{ml_name(m.group(1))}' is not defined")
    return MLNameError(msg)


def _type_message(msg: str) -> str:
    if m := _UNSUPPORTED.search(msg):
        op, a, b = m.groups()
        return f"cannot {_OP_WORDS.get(op.strip(), 'combine')} {_ml_type(a)} and {_ml_type(b)}"
    if m := _UNARY.search(msg):
        op, a = m.groups()
        return f"cannot apply unary {op} to {_ml_type(a)}"
    if m := _ORDERING.search(msg):
        _, a, b = m.groups()
        return f"cannot compare {_ml_type(a)} and {_ml_type(b)}"
    if m := _NOT_CALLABLE.search(msg):
        return f"{_ml_type(m.group(1))} is not callable"
    return msg
