"""Turn any exception raised while an ML program runs into an `MLError` with the ML position.

Layer 3 (runtime): imports the standard library, `mlpy.errors`, `mlpy.source`,
`mlpy.compiler.abi` and `mlpy.runtime.values`.

Generated code carries ML positions on every Python node and is compiled with a filename that
starts ``<ml``, so the innermost ML frame of a traceback gives the line (``tb_lineno``) and the
column (``co_positions()`` at ``tb_lasti``). Python's own exceptions from native operators
(``[1] - 2``, ``1 / 0``, an unbound local) get ML messages here; a script author never sees a
Python traceback or a Python type name.

`translate` with ``with_stack=True`` also records the ML call stack (`MLError.stack`): one
`StackFrame` per generated-code frame of the traceback, named by its ML function, at the
position it was executing (the call, in every frame but the innermost). A deep recursion is
shortened to its outermost `STACK_HEAD` and innermost `STACK_TAIL` frames. The walk is
O(frames) (at most ``max_depth`` plus a few), done once per failed call, never per caught
error. A runaway recursion (``max_depth``) is reported at the call that went one level too
deep, not at the ``function`` it entered.
"""

from __future__ import annotations

import re
from types import TracebackType

from mlpy.compiler.abi import ARROW, ml_name
from mlpy.errors import (
    MLError,
    MLLimitError,
    MLNameError,
    MLRuntimeError,
    MLTypeError,
    MLValueError,
    MLZeroDivisionError,
    StackFrame,
)
from mlpy.runtime.values import Opaque
from mlpy.source import Span

__all__ = ["STACK_HEAD", "STACK_TAIL", "ml_position", "ml_stack", "translate"]

#: outermost frames kept when a long stack is shortened
STACK_HEAD = 3
#: innermost frames kept when a long stack is shortened
STACK_TAIL = 12

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


def _frame_span(tb: TracebackType) -> Span:
    """The ML span a generated-code frame of ``tb`` was executing."""
    code = tb.tb_frame.f_code
    positions = list(code.co_positions())
    index = tb.tb_lasti // 2
    if 0 <= index < len(positions):
        start, end, col, end_col = positions[index]
        if start is not None and col is not None:
            return Span(start, col + 1, end or start, (end_col or col) + 1)
    return Span.point(tb.tb_lineno, 1)


def _ml_frames(tb: TracebackType | None) -> list[TracebackType]:
    """The traceback entries of generated code (compiled with a ``<ml...>`` file name)."""
    found = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<ml"):
            found.append(tb)
        tb = tb.tb_next
    return found


def ml_position(tb: TracebackType | None) -> Span | None:
    """The ML span of the innermost generated-code frame of traceback ``tb``."""
    frames = _ml_frames(tb)
    return _frame_span(frames[-1]) if frames else None


def _function_name(py_name: str) -> str:
    if py_name == "<module>":
        return "<main>"
    if py_name.startswith(ARROW):
        return "fn"
    return ml_name(py_name)


def ml_stack(tb: TracebackType | None, *, at_call: bool = False) -> tuple[StackFrame, ...]:
    """The ML call stack of traceback ``tb``, outermost first, shortened if it is deep.

    ``at_call`` leaves out the innermost frame (a function stopped as it was entered: the
    stack then ends at the call that entered it).
    """
    frames = _ml_frames(tb)
    if at_call and len(frames) > 1:
        frames.pop()
    omitted = 0
    if len(frames) > STACK_HEAD + STACK_TAIL:
        omitted = len(frames) - STACK_HEAD - STACK_TAIL
        frames = frames[:STACK_HEAD] + frames[-STACK_TAIL:]
    stack = []
    for i, entry in enumerate(frames):
        span = _frame_span(entry)
        skipped = omitted if omitted and i == STACK_HEAD else 0
        name = _function_name(entry.tb_frame.f_code.co_name)
        stack.append(StackFrame(name, span.line, span.column, skipped))
    return tuple(stack)


def translate(exc: BaseException, *, with_stack: bool = False) -> MLError:
    """The `MLError` a script author sees for ``exc``, positioned at its ML line and column.

    ``with_stack`` also records the ML call stack on the error (for the call's final error).
    """
    error = _as_ml_error(exc)
    tb = exc.__traceback__
    runaway = _is_runaway_recursion(error)
    if error.span is None:
        error.span = _call_site(tb) if runaway else ml_position(tb)
    if with_stack and not error.stack:
        error.stack = ml_stack(tb, at_call=runaway)
    return error


def _is_runaway_recursion(error: MLError) -> bool:
    return isinstance(error, MLLimitError) and error.limit == "max_depth"


def _call_site(tb: TracebackType | None) -> Span | None:
    """Where the innermost ML function was called from (its caller's current position)."""
    frames = _ml_frames(tb)
    if len(frames) >= 2:
        return _frame_span(frames[-2])
    return _frame_span(frames[-1]) if frames else None


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
