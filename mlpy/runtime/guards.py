"""The runtime names generated code calls, bound to their implementations: `GUARDS`.

Layer 3 (runtime): imports `mlpy.compiler.abi`, `mlpy.errors` and `mlpy.runtime`.

Every name here is one of `mlpy.compiler.abi`; codegen emits calls to them and nothing else.
The table is shared by every call (the functions are stateless; per-call state is found through
`mlpy.runtime.state.current`).
"""

from __future__ import annotations

from typing import Any

from mlpy.compiler import abi
from mlpy.errors import (
    MLError,
    MLRuntimeError,
    MLThrown,
)
from mlpy.runtime import member, operators
from mlpy.runtime.format import to_str
from mlpy.runtime.state import current
from mlpy.runtime.stdlib import load
from mlpy.runtime.traceback import translate
from mlpy.runtime.values import Module, call_value

__all__ = ["CATCHABLE", "GUARDS", "error_value", "throw"]

#: what ML's ``except`` catches (§2.7): ML runtime errors and the Python errors that native
#: operators raise for ML reasons. Never limits, timeouts, security errors or internal errors.
CATCHABLE: tuple[type[BaseException], ...] = (
    MLRuntimeError,
    ZeroDivisionError,
    TypeError,
    ValueError,
    IndexError,
    KeyError,
    NameError,
    OverflowError,
)


#: error types that report what the host or the sandbox did: a thrown object cannot claim one
#: (``throw {type: "Overloaded"}`` must not make the service answer 503), so it becomes "Error"
RESERVED_TYPES = frozenset(
    {"Overloaded", "Cancelled", "TimeoutError", "LimitError", "SecurityError", "SyntaxError"}
)


def throw(value: Any) -> MLThrown:
    """The exception for ``throw value;`` (§2.7)."""
    if type(value) is dict:
        kind = value.get("type")
        if kind in RESERVED_TYPES:
            kind = None
        message = value.get("message", "")
        return MLThrown(
            value,
            message if isinstance(message, str) else to_str(message),
            kind if isinstance(kind, str) and kind else "Error",
        )
    return MLThrown(value, to_str(value))


def error_value(exc: BaseException) -> dict[str, Any]:
    """The object ``except (err)`` binds: at least ``message`` and ``type`` (§2.7)."""
    if isinstance(exc, MLThrown):
        if type(exc.value) is dict:
            out = dict(exc.value)
            out["message"] = exc.message
            out["type"] = exc.error_type
            return out
        return {"message": exc.message, "type": "Error", "value": exc.value}
    error: MLError = translate(exc)
    out = {"message": error.message, "type": error.error_type}
    if error.span is not None:
        out["line"] = error.span.line
        out["column"] = error.span.column
    return out


def import_module(name: str) -> Module:
    """The value ``import name;`` binds, built for this call."""
    return load(name, current())


GUARDS: dict[str, Any] = {
    abi.GETATTR: member.get_member,
    abi.SETATTR: member.set_member,
    abi.GETITEM: member.get_item,
    abi.SETITEM: member.set_item,
    abi.SLICE: member.get_slice,
    abi.CALL: call_value,
    abi.CALL_METHOD: member.call_method,
    abi.ITER: member.iterate,
    abi.UNPACK: member.unpack,
    abi.UNPACK_KEYS: member.unpack_keys,
    abi.ADD: operators.add,
    abi.MUL: operators.mul,
    abi.MOD: operators.mod,
    abi.POW: operators.power,
    abi.EQ: operators.eq,
    abi.NE: operators.ne,
    abi.LT: operators.lt,
    abi.LE: operators.le,
    abi.GT: operators.gt,
    abi.GE: operators.ge,
    abi.THROW: throw,
    abi.CATCHABLE: CATCHABLE,
    abi.ERROR_VALUE: error_value,
    abi.MODULE: import_module,
}
