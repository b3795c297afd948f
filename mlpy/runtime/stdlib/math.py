"""The ML ``math`` module (LANGUAGE.md §6.1): constants and numeric functions.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Names and results follow the reference ML standard library, except that every error raises
(the reference returns sentinels such as ``sqrt(-1) == 0`` or ``ln(0) == -999``):

* ``sqrt ln log log2 log10 asin acos`` outside their domain, ``log(x, 1)``, a float overflow
  (``exp(1000)``, ``pow(10.0, 400)``) and a non-finite value given to ``floor ceil round trunc``
  are `MLValueError`; ``pow(0, -1)`` is a `MLZeroDivisionError`.
* ``pow`` of two integers is exact, and ``factorial`` exact, but both check ``max_int_bits``
  *before* computing (a `MLLimitError`); so does ``lcm`` (its result has at most the bits of
  both operands). ``gcd``, ``lcm`` and ``sqrt`` cost more than linear time in their operands'
  size, so they refuse an operand larger than ``max_int_bits`` (`check_int_operands`).
* ``round(x)`` rounds halves towards positive infinity, as the reference documents and as
  JavaScript's ``Math.round`` does (``round(2.5) == 3``, ``round(-2.5) == -2``); the builtin
  ``round`` rounds halves to even.
* ``min``/``max`` take two or more numbers, or one array of numbers (the reference takes two).
* Booleans count as the integers 0 and 1, as everywhere in ML (§3.5).
* ``floor ceil round trunc`` return integers; the trigonometric and logarithmic functions,
  ``sqrt``, ``exp``, ``degrees`` and ``radians`` return floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLTypeError, MLValueError, MLZeroDivisionError
from mlpy.runtime.format import float_to_str
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import check_int_bits, check_int_operands
from mlpy.runtime.state import CallState, current
from mlpy.runtime.values import Builtin, Module, typeof

__all__ = ["create"]

Number = int | float

#: bits of an integer above which it is shown as "(a very large integer)" in messages
_SHOW_BITS = 64


# -- argument helpers ----------------------------------------------------------------------


def _show(x: Any) -> str:
    """A number as text for an error message (never a huge digit string)."""
    if type(x) is bool:
        return "true" if x else "false"
    if type(x) is int:
        return str(x) if x.bit_length() <= _SHOW_BITS else "(a very large integer)"
    if type(x) is float:
        return float_to_str(x)
    return typeof(x)


def _number(label: str, x: Any) -> Number:
    t = type(x)
    if t is int or t is float:
        return x  # type: ignore[no-any-return]
    if t is bool:
        return int(x)
    raise MLTypeError(f"{label}: expects a number, got {typeof(x)}")


def _integer(label: str, x: Any) -> int:
    t = type(x)
    if t is int or t is bool:
        return int(x)
    raise MLTypeError(f"{label}: expects an integer, got {typeof(x)}")


def _float(label: str, x: Any) -> float:
    n = _number(label, x)
    try:
        return float(n)
    except OverflowError:
        raise MLValueError(f"{label}: {_show(n)} is too large for a float") from None


def _finite(label: str, x: Any) -> Number:
    """A number that is not infinite or NaN (for the functions that return integers)."""
    n = _number(label, x)
    if type(n) is float and not math.isfinite(n):
        raise MLValueError(f"{label}: cannot convert {_show(n)} to an integer")
    return n


def _float_call(label: str, fn: Callable[..., float], *args: float) -> float:
    """``fn(*args)`` with Python's math errors turned into ML errors naming ``label``."""
    try:
        return fn(*args)
    except OverflowError:
        raise MLValueError(f"{label}: the result is too large for a float") from None
    except ValueError:
        shown = ", ".join(_show(a) for a in args)
        raise MLValueError(f"{label}: {shown} is outside the domain of the function") from None


# -- functions -----------------------------------------------------------------------------


def _sqrt(x: Any) -> float:
    v = _number("math.sqrt", x)
    if v < 0:
        raise MLValueError(f"math.sqrt: cannot take the square root of a negative number ({_show(v)})")
    if type(v) is int:
        if v.bit_length() > 1000:
            check_int_operands(v)
            return _float_call("math.sqrt", float, math.isqrt(v))
        return math.sqrt(v)
    return _float_call("math.sqrt", math.sqrt, v)


def _abs(x: Any) -> Number:
    return abs(_number("math.abs", x))


def _unary(name: str, fn: Callable[[float], float]) -> Callable[[Any], float]:
    label = f"math.{name}"

    def call(x: Any) -> float:
        return _float_call(label, fn, _float(label, x))

    call.__name__ = name
    return call


def _asin(x: Any) -> float:
    v = _float("math.asin", x)
    if not -1.0 <= v <= 1.0:
        raise MLValueError(f"math.asin: the argument must be between -1 and 1, got {_show(x)}")
    return math.asin(v)


def _acos(x: Any) -> float:
    v = _float("math.acos", x)
    if not -1.0 <= v <= 1.0:
        raise MLValueError(f"math.acos: the argument must be between -1 and 1, got {_show(x)}")
    return math.acos(v)


def _atan2(y: Any, x: Any) -> float:
    return math.atan2(_float("math.atan2", y), _float("math.atan2", x))


def _positive(label: str, x: Any) -> Number:
    """A number > 0 for a logarithm (integers are kept exact: ``log`` handles any size)."""
    v = _number(label, x)
    if v <= 0:
        raise MLValueError(f"{label}: the logarithm of {_show(v)} is undefined (it must be positive)")
    return v


def _ln(x: Any) -> float:
    return math.log(_positive("math.ln", x))


def _log(x: Any, base: Any = 10) -> float:
    v = _positive("math.log", x)
    b = _number("math.log", base)
    if b <= 0 or b == 1:
        raise MLValueError(f"math.log: the base must be positive and not 1, got {_show(b)}")
    if b == 10:
        return math.log10(v)  # exact for powers of ten, unlike log(v) / log(10)
    if b == 2:
        return math.log2(v)
    return _float_call("math.log", math.log, v, b)


def _log2(x: Any) -> float:
    return math.log2(_positive("math.log2", x))


def _log10(x: Any) -> float:
    return math.log10(_positive("math.log10", x))


def _pow(x: Any, y: Any) -> Number:
    a = _number("math.pow", x)
    b = _number("math.pow", y)
    if type(a) is int and type(b) is int:
        if b >= 0:
            return _int_pow(a, b)
        if a == 0:
            raise MLZeroDivisionError("math.pow: 0 cannot be raised to a negative power")
        try:
            return float(a) ** b
        except OverflowError:
            raise MLValueError("math.pow: the result is too large for a float") from None
    fa = _float("math.pow", a)
    fb = _float("math.pow", b)
    if fa == 0.0 and fb < 0.0:
        raise MLZeroDivisionError("math.pow: 0 cannot be raised to a negative power")
    try:
        return math.pow(fa, fb)
    except OverflowError:
        raise MLValueError("math.pow: the result is too large for a float") from None
    except ValueError:
        raise MLValueError(
            f"math.pow: {_show(a)} raised to the power {_show(b)} is not a real number"
        ) from None


def _int_pow(a: int, b: int) -> int:
    """``a ** b`` for integers, ``b >= 0``, refused before computing if it exceeds max_int_bits."""
    if -1 <= a <= 1:
        return int(a**b) if a != -1 else (1 if b % 2 == 0 else -1)
    state = current()
    smallest = (abs(a).bit_length() - 1) * b + 1  # the result has at least this many bits
    if smallest > state.limits.max_int_bits:
        raise state.limit_error("max_int_bits", f"math.pow: integer result of about {smallest} bits")
    return int(a**b)


def _factorial(n: Any) -> int:
    k = _integer("math.factorial", n)
    if k < 0:
        raise MLValueError(f"math.factorial: not defined for negative numbers ({_show(k)})")
    state = current()
    limit = state.limits.max_int_bits
    if k > 20:
        bits = math.lgamma(k + 1) / math.log(2) if k.bit_length() <= 60 else math.inf
        if bits > limit:
            raise state.limit_error("max_int_bits", f"math.factorial({_show(k)}) with about {bits:.0f} bits")
    return math.factorial(k)


def _gcd(a: Any, b: Any) -> int:
    x, y = _integer("math.gcd", a), _integer("math.gcd", b)
    check_int_operands(x, y)
    return math.gcd(x, y)


def _lcm(a: Any, b: Any) -> int:
    x, y = _integer("math.lcm", a), _integer("math.lcm", b)
    check_int_operands(x, y)
    bits = x.bit_length() + y.bit_length()  # lcm(x, y) <= |x * y|
    if bits > 64:
        check_int_bits(bits)
    return math.lcm(x, y)


def _numbers(label: str, values: tuple[Any, ...]) -> list[Number]:
    items: Any = values
    if len(values) == 1 and type(values[0]) is list:
        items = values[0]
    if not items:
        raise MLValueError(f"{label}: expects at least one number")
    return [_number(label, v) for v in items]


def _min(*values: Any) -> Number:
    return min(_numbers("math.min", values))


def _max(*values: Any) -> Number:
    return max(_numbers("math.max", values))


def _floor(x: Any) -> int:
    return math.floor(_finite("math.floor", x))


def _ceil(x: Any) -> int:
    return math.ceil(_finite("math.ceil", x))


def _trunc(x: Any) -> int:
    return math.trunc(_finite("math.trunc", x))


def _round(x: Any) -> int:
    v = _finite("math.round", x)
    if type(v) is int:
        return v
    low = math.floor(v)
    return low + 1 if v - low >= 0.5 else low


def _sign(x: Any) -> int:
    v = _number("math.sign", x)
    if v != v:
        raise MLValueError("math.sign: NaN has no sign")
    return 1 if v > 0 else -1 if v < 0 else 0


def _degrees(x: Any) -> float:
    return _float_call("math.degrees", math.degrees, _float("math.degrees", x))


def _radians(x: Any) -> float:
    return math.radians(_float("math.radians", x))


def _hypot(*values: Any) -> float:
    if not values:
        raise MLTypeError("math.hypot() takes at least 1 argument but 0 were given")
    return math.hypot(*(_float("math.hypot", v) for v in values))


def _isnan(x: Any) -> bool:
    v = _number("math.isnan", x)
    return type(v) is float and math.isnan(v)


def _isinf(x: Any) -> bool:
    v = _number("math.isinf", x)
    return type(v) is float and math.isinf(v)


def _clamp(x: Any, low: Any, high: Any) -> Number:
    v = _number("math.clamp", x)
    lo = _number("math.clamp", low)
    hi = _number("math.clamp", high)
    if lo > hi:
        raise MLValueError(f"math.clamp: the lower bound {_show(lo)} is above the upper bound {_show(hi)}")
    return lo if v < lo else hi if v > hi else v


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": _sqrt,
    "abs": _abs,
    "sin": _unary("sin", math.sin),
    "cos": _unary("cos", math.cos),
    "tan": _unary("tan", math.tan),
    "asin": _asin,
    "acos": _acos,
    "atan": _unary("atan", math.atan),
    "atan2": _atan2,
    "ln": _ln,
    "log": _log,
    "log2": _log2,
    "log10": _log10,
    "exp": _unary("exp", math.exp),
    "pow": _pow,
    "floor": _floor,
    "ceil": _ceil,
    "round": _round,
    "trunc": _trunc,
    "sign": _sign,
    "factorial": _factorial,
    "gcd": _gcd,
    "lcm": _lcm,
    "min": _min,
    "max": _max,
    "degrees": _degrees,
    "radians": _radians,
    "degToRad": _radians,
    "radToDeg": _degrees,
    "hypot": _hypot,
    "isnan": _isnan,
    "isinf": _isinf,
    "clamp": _clamp,
}

_CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}

#: the functions are stateless, so their wrappers are built once and shared by every call
_MEMBERS: dict[str, Any] = {
    **{name: Builtin(arity_checked(fn, f"math.{name}()"), f"math.{name}") for name, fn in _FUNCTIONS.items()},
    **_CONSTANTS,
}


def create(state: CallState) -> Module:
    """The ``math`` module for one call."""
    return Module("math", dict(_MEMBERS))
