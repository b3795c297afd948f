"""The names generated Python code uses to talk to the runtime: the only place they are defined.

Layer 2 (compiler): imports only the standard library.

Every runtime name starts with `PREFIX` (``__ml_``). An ML identifier can never start with two
underscores (§1.3, a `SecurityError`), so no ML name can spell one of these. ML names that are
Python keywords (``class``, ``None``...) are *mangled* to ``__ml_k_<name>`` in one place,
`py_name`, and turned back by `ml_name` for messages.
"""

from __future__ import annotations

import keyword

__all__ = [
    "ABI_NAMES",
    "PREFIX",
    "ml_name",
    "py_name",
]

PREFIX = "__ml_"
_KW_PREFIX = PREFIX + "k_"
_PY_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"__builtins__"}

# Budget: the step counter lives in the call's globals and is decremented inline.
STEPS = PREFIX + "n"  #: remaining steps of the current chunk (int, global)
LOCAL_STEPS = PREFIX + "c"  #: a function's own countdown, borrowed from STEPS (int, local)
TICK = PREFIX + "tick"  #: slow path: refill the chunk, check deadline and cancel

# Guards: every dynamic operation whose meaning depends on types.
GETATTR = PREFIX + "getattr"
SETATTR = PREFIX + "setattr"
GETITEM = PREFIX + "getitem"
SETITEM = PREFIX + "setitem"
SLICE = PREFIX + "slice"
CALL = PREFIX + "call"
CALL_METHOD = PREFIX + "callmethod"
ITER = PREFIX + "iter"
ADD = PREFIX + "add"
MUL = PREFIX + "mul"
MOD = PREFIX + "mod"
POW = PREFIX + "pow"
EQ = PREFIX + "eq"
NE = PREFIX + "ne"
LT = PREFIX + "lt"
LE = PREFIX + "le"
GT = PREFIX + "gt"
GE = PREFIX + "ge"
UNPACK = PREFIX + "unpack"
UNPACK_KEYS = PREFIX + "unpack_keys"
THROW = PREFIX + "throw"
CATCHABLE = PREFIX + "catchable"
ERROR_VALUE = PREFIX + "error_value"
MODULE = PREFIX + "module"

# Names codegen invents: temporaries, arrow functions, the caught exception.
TEMP = PREFIX + "t"
ARROW = PREFIX + "arrow"
EXC = PREFIX + "e"

#: every runtime name the generated code may load (temporaries and arrows are prefixed too)
ABI_NAMES = frozenset(
    {
        STEPS,
        LOCAL_STEPS,
        TICK,
        GETATTR,
        SETATTR,
        GETITEM,
        SETITEM,
        SLICE,
        CALL,
        CALL_METHOD,
        ITER,
        ADD,
        MUL,
        MOD,
        POW,
        EQ,
        NE,
        LT,
        LE,
        GT,
        GE,
        UNPACK,
        UNPACK_KEYS,
        THROW,
        CATCHABLE,
        ERROR_VALUE,
        MODULE,
    }
)


def py_name(name: str) -> str:
    """The Python identifier for ML identifier ``name``."""
    return _KW_PREFIX + name if name in _PY_RESERVED else name


def ml_name(name: str) -> str:
    """The ML identifier for a Python identifier made by `py_name` (others unchanged)."""
    return name[len(_KW_PREFIX) :] if name.startswith(_KW_PREFIX) else name
