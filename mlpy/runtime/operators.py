"""Guards for the ML operators whose meaning depends on the operand types (§3.3-§3.5, §8).

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Generated code calls ``add mul mod eq ne lt le gt ge`` for ``+ * % == != < <= > >=``; ``-``,
``/``, ``//`` and unary ``-`` are emitted as native Python, whose semantics already match.

Choices where the spec is silent:

* Booleans are numbers, as in Python: ``true + 1 == 2`` and also ``true * "ab" == "ab"`` (a
  boolean is a valid repetition count); a float count (``2.0 * "ab"``) is a `MLTypeError`.
* ``[x] * n`` repeats references, as Python does (``[[]] * 2`` holds the same inner array twice).
* Arithmetic mixing a float with an integer too large for a float is a `MLValueError`.
* Containers identical to each other are equal without a walk (as Python does), so an array
  that contains the float ``NaN`` equals itself.
* Ordering of arrays is Python's: the first pair of elements that differ (by ``==``) decides,
  else the shorter array is smaller.

Size caps (§8) are checked *before* anything is allocated, but only for results larger than
`FAST_SIZE` characters, elements or bits: the common small case never looks up the call's
state. A host limit below `FAST_SIZE` is therefore only enforced from `FAST_SIZE` upwards by
these guards (the caps exist to stop memory blow-ups, which a 4 KB value is not).

Every limit error is raised through `limit_reached`, which makes it the call's sticky stop
reason (a script's ``finally { return; }`` cannot swallow it), and every slow-path size check
also checks the deadline (`check_deadline`), so a loop of large operations stops in time.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLTypeError, MLValueError, MLZeroDivisionError
from mlpy.runtime.format import check_deadline, limit_reached, to_str
from mlpy.runtime.state import current
from mlpy.runtime.values import BoundMethod, Opaque, typeof

__all__ = [
    "FAST_SIZE",
    "add",
    "check_array",
    "check_int_bits",
    "check_string",
    "eq",
    "ge",
    "gt",
    "is_number",
    "le",
    "lt",
    "mod",
    "mul",
    "ne",
    "power",
]

#: results up to this many characters, elements or bits skip the limit check in hot guards
FAST_SIZE = 4096

_NUMBER_TYPES = (int, float, bool)


def is_number(v: Any) -> bool:
    """True for ML numbers: integers, floats and booleans (§3.5)."""
    t = type(v)
    return t is int or t is float or t is bool


# -- size checks ---------------------------------------------------------------------------


def check_string(length: int) -> None:
    """Raise if a string of ``length`` characters would exceed ``max_string`` (or the call
    is past its deadline)."""
    state = current()
    if length > state.limits.max_string:
        limit_reached("max_string", f"string length {length}", state)
    check_deadline(state)


def check_array(length: int) -> None:
    """Raise if an array (or object) of ``length`` entries would exceed ``max_array`` (or the
    call is past its deadline)."""
    state = current()
    if length > state.limits.max_array:
        limit_reached("max_array", f"array length {length}", state)
    check_deadline(state)


def check_int_bits(bits: int) -> None:
    """Raise if an integer of ``bits`` bits would exceed ``max_int_bits`` (or the call is past
    its deadline)."""
    state = current()
    if bits > state.limits.max_int_bits:
        limit_reached("max_int_bits", f"integer size {bits} bits", state)
    check_deadline(state)


# -- arithmetic ----------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    """ML ``a + b`` (§3.4).

    Raises:
        MLTypeError: the operand types do not add (``cannot add number and array``).
        MLLimitError: the result would exceed ``max_string`` or ``max_array``.
    """
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        return a + b
    if ta is float and tb is float:
        return a + b
    if ta is str and tb is str:
        if len(a) + len(b) > FAST_SIZE:
            check_string(len(a) + len(b))
        return a + b
    return _add_slow(a, b, ta, tb)


def _add_slow(a: Any, b: Any, ta: type, tb: type) -> Any:
    if ta in _NUMBER_TYPES and tb in _NUMBER_TYPES:
        return _float_safe(operator.add, a, b)
    if ta is str or tb is str:
        text_a = a if ta is str else to_str(a)
        text_b = b if tb is str else to_str(b)
        if len(text_a) + len(text_b) > FAST_SIZE:
            check_string(len(text_a) + len(text_b))
        return text_a + text_b
    if ta is list and tb is list:
        if len(a) + len(b) > FAST_SIZE:
            check_array(len(a) + len(b))
        return a + b
    raise MLTypeError(f"cannot add {typeof(a)} and {typeof(b)}")


def mul(a: Any, b: Any) -> Any:
    """ML ``a * b``: numbers multiply; a string or array times an integer repeats (§3.4).

    Raises:
        MLTypeError: any other mix of types, or a non-integer repetition count.
        MLLimitError: the result would exceed ``max_int_bits``, ``max_string`` or ``max_array``.
    """
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        if a.bit_length() + b.bit_length() > FAST_SIZE:
            check_int_bits(a.bit_length() + b.bit_length())
        return a * b
    if ta is float and tb is float:
        return a * b
    return _mul_slow(a, b, ta, tb)


def _mul_slow(a: Any, b: Any, ta: type, tb: type) -> Any:
    if ta in _NUMBER_TYPES and tb in _NUMBER_TYPES:
        if ta is not float and tb is not float:
            return mul(int(a), int(b))  # a boolean takes part as 0 or 1
        return _float_safe(operator.mul, a, b)
    if ta is str or ta is list:
        return _repeat(a, b)
    if tb is str or tb is list:
        return _repeat(b, a)
    raise MLTypeError(f"cannot multiply {typeof(a)} and {typeof(b)}")


def _repeat(seq: Any, count: Any) -> Any:
    """``seq`` (a string or array) repeated ``count`` times; ``count < 1`` gives an empty one."""
    if type(count) is not int and type(count) is not bool:
        raise MLTypeError(f"cannot multiply {typeof(seq)} and {typeof(count)}: the count must be an integer")
    if count < 1 or not seq:
        return seq[:0]
    size = len(seq) * count
    if size > FAST_SIZE and type(seq) is str:
        check_string(size)
    elif size > FAST_SIZE:
        check_array(size)
    return seq * count


def mod(a: Any, b: Any) -> Any:
    """ML ``a % b`` on numbers; the result takes the sign of the divisor (§3.3).

    Raises:
        MLZeroDivisionError: ``b`` is zero ("modulo by zero").
        MLTypeError: an operand is not a number (strings are never Python-formatted).
    """
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int and b:
        return a % b
    if ta in _NUMBER_TYPES and tb in _NUMBER_TYPES:
        if not b:
            raise MLZeroDivisionError("modulo by zero")
        return _float_safe(operator.mod, a, b)
    raise MLTypeError(f"cannot take the modulo of {typeof(a)} and {typeof(b)}")


def _float_safe(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """Apply a numeric ``op``, turning Python's OverflowError into an ML error."""
    try:
        return op(a, b)
    except OverflowError:
        raise MLValueError("integer too large to convert to a float") from None


# -- equality ------------------------------------------------------------------------------


def eq(a: Any, b: Any) -> bool:
    """ML ``a == b``: deep structural equality, key order ignored, ``1 == 1.0`` (§3.5).

    Raises:
        MLLimitError: comparing walks deeper than ``max_nesting`` or visits more than
            ``max_visit`` values (a cyclic or huge DAG-shaped structure).
    """
    ta = type(a)
    if ta is type(b) and (ta is int or ta is str or ta is float or ta is bool):
        return a == b  # type: ignore[no-any-return]
    if a is None or b is None:
        return a is b
    return _eq_slow(a, b, None)


def ne(a: Any, b: Any) -> bool:
    """ML ``a != b``: the negation of `eq`."""
    ta = type(a)
    if ta is type(b) and (ta is int or ta is str or ta is float or ta is bool):
        return a != b  # type: ignore[no-any-return]
    if a is None or b is None:
        return a is not b
    return not _eq_slow(a, b, None)


class _Budget:
    """Visits left for one comparison, shared by every walk the comparison makes.

    ``equal`` remembers the pairs of containers already proven equal, so comparing two DAGs
    (``a = [a, a]`` doubled 40 times) costs the number of distinct pairs, not of paths.
    """

    __slots__ = ("visits", "max_nesting", "equal", "next_check")

    def __init__(self) -> None:
        limits = current().limits
        self.visits = limits.max_visit
        self.max_nesting = limits.max_nesting
        self.equal: set[tuple[int, int]] = set()
        #: the deadline is checked each time another `FAST_SIZE` values have been visited
        self.next_check = self.visits - FAST_SIZE

    def spend(self, count: int, depth: int) -> None:
        self.visits -= count
        if self.visits < 0:
            limit_reached("max_visit", "number of values compared")
        if depth > self.max_nesting:
            limit_reached("max_nesting", "nesting depth of the values compared")
        if self.visits < self.next_check:
            check_deadline()
            self.next_check = self.visits - FAST_SIZE


def _eq_slow(a: Any, b: Any, budget: _Budget | None) -> bool:
    ta = type(a)
    tb = type(b)
    if ta is list or ta is dict:
        return a is b or (ta is tb and _deep_eq(a, b, budget or _Budget()))
    return _eq_flat(a, b, ta, tb)


def _eq_flat(a: Any, b: Any, ta: type, tb: type) -> bool:
    """Equality of two values at least one of which is not an array or object."""
    if ta in _NUMBER_TYPES and tb in _NUMBER_TYPES:
        return a == b  # type: ignore[no-any-return]
    if ta is not tb:
        return False
    if ta is str or ta is range:
        return a == b  # type: ignore[no-any-return]
    if ta is BoundMethod:
        return a.fn is b.fn and a.receiver is b.receiver
    if isinstance(a, Opaque):
        return bool(a == b)
    return a is b


def _deep_eq(a: Any, b: Any, budget: _Budget) -> bool:
    """Walk two containers of the same type with an explicit stack.

    A pair is pushed again with depth 0 below its children: when it comes back up, all its
    children were equal (any difference returns at once), so the pair is proven equal.
    """
    stack: list[tuple[Any, Any, int]] = [(a, b, 1)]
    equal = budget.equal
    while stack:
        x, y, depth = stack.pop()
        if depth == 0:
            equal.add((id(x), id(y)))
            continue
        if len(x) != len(y):
            return False
        if (id(x), id(y)) in equal:
            continue
        budget.spend(len(x), depth)
        stack.append((x, y, 0))
        pairs = zip(x, y, strict=False) if type(x) is list else _dict_pairs(x, y)
        if pairs is None:
            return False
        for xi, yi in pairs:
            if xi is yi:
                continue
            t = type(xi)
            if t is list or t is dict:
                if type(yi) is not t:
                    return False
                stack.append((xi, yi, depth + 1))
            elif not _eq_flat(xi, yi, t, type(yi)):
                return False
    return True


def _dict_pairs(x: dict[str, Any], y: dict[str, Any]) -> list[tuple[Any, Any]] | None:
    """The value pairs of two objects by key, or None if their key sets differ."""
    pairs = []
    for key, value in x.items():
        if key not in y:
            return None
        pairs.append((value, y[key]))
    return pairs


# -- ordering ------------------------------------------------------------------------------


def lt(a: Any, b: Any) -> bool:
    """ML ``a < b`` (§3.5).

    Raises:
        MLTypeError: the operands are not both numbers, both strings or both arrays.
    """
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a < b  # type: ignore[no-any-return]
    if ta is str and tb is str:
        return a < b  # type: ignore[no-any-return]
    return _order(operator.lt, a, b)


def le(a: Any, b: Any) -> bool:
    """ML ``a <= b`` (§3.5); same types as `lt`."""
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a <= b  # type: ignore[no-any-return]
    if ta is str and tb is str:
        return a <= b  # type: ignore[no-any-return]
    return _order(operator.le, a, b)


def gt(a: Any, b: Any) -> bool:
    """ML ``a > b`` (§3.5); same types as `lt`."""
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a > b  # type: ignore[no-any-return]
    if ta is str and tb is str:
        return a > b  # type: ignore[no-any-return]
    return _order(operator.gt, a, b)


def ge(a: Any, b: Any) -> bool:
    """ML ``a >= b`` (§3.5); same types as `lt`."""
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a >= b  # type: ignore[no-any-return]
    if ta is str and tb is str:
        return a >= b  # type: ignore[no-any-return]
    return _order(operator.ge, a, b)


def _order(op: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    """Ordering for the slow cases: booleans, and arrays element by element (iteratively)."""
    budget: _Budget | None = None
    depth = 0
    while True:
        ta = type(a)
        tb = type(b)
        if ta in _NUMBER_TYPES and tb in _NUMBER_TYPES:
            return op(a, b)
        if ta is str and tb is str:
            return op(a, b)
        if ta is not list or tb is not list:
            raise MLTypeError(f"cannot compare {typeof(a)} and {typeof(b)}")
        depth += 1
        budget = budget or _Budget()
        budget.spend(0, depth)
        pair = _first_difference(a, b, budget)
        if pair is None:
            return op(len(a), len(b))
        a, b = pair


def _first_difference(a: list[Any], b: list[Any], budget: _Budget) -> tuple[Any, Any] | None:
    if len(a) > FAST_SIZE and len(b) > FAST_SIZE:
        check_deadline()
    for x, y in zip(a, b, strict=False):
        if x is not y and not _eq_slow(x, y, budget):
            return x, y
    return None


# -- power ---------------------------------------------------------------------------------


def power(a: Any, b: Any) -> Any:
    """ML ``a ** b``: Python's ``pow`` on numbers (§3), refused before it is computed when the
    integer result would exceed ``max_int_bits``.

    Cost: the size check is O(1) (``b * log2(|a|)`` is the result's size in bits), so an
    integer power computes at most ``max_int_bits`` bits, by squaring: about log2(b)
    multiplications of numbers no larger than the result.

    Raises:
        MLTypeError: an operand is not a number.
        MLZeroDivisionError: zero raised to a negative power.
        MLValueError: a negative number to a fractional power (no real result), or a result
            too large for a float.
        MLLimitError: the integer result would exceed ``max_int_bits``.
    """
    ta = type(a)
    tb = type(b)
    if ta not in _NUMBER_TYPES or tb not in _NUMBER_TYPES:
        raise MLTypeError(f"cannot raise {typeof(a)} to the power of {typeof(b)}")
    if ta is not float and tb is not float:
        base, exponent = int(a), int(b)  # a boolean takes part as 0 or 1
        if exponent >= 0:
            if base not in (-1, 0, 1) and exponent > 1:
                bits = math.floor(exponent * math.log2(abs(base))) + 1  # the result's bits
                if bits > FAST_SIZE:
                    check_int_bits(bits)
            return base**exponent
    if not a and b < 0:
        raise MLZeroDivisionError("zero cannot be raised to a negative power")
    if a < 0 and tb is float and math.isfinite(b) and not b.is_integer():
        raise MLValueError(f"a negative number cannot be raised to a fractional power ({to_str(b)})")
    try:
        result = a**b
    except OverflowError:
        raise MLValueError("the power is too large for a float") from None
    assert not isinstance(result, complex)
    return result
