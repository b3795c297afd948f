"""The §5.1 builtin functions: the only globals an ML program starts with.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

`BUILTINS` maps each §5.1 name to a `Builtin`; nothing else is in it. Every builtin checks
its argument count (a wrong count is a `MLTypeError` like ``len() takes 1 argument but 2 were
given``) and raises ML errors only.

Choices where the spec is silent:

* ``int(s)`` parses a decimal text exactly (``int("12345678901234567890.9")`` keeps every
  digit); ``int(s, base)`` follows Python. A text longer than ``max_int_digits`` characters
  is a `MLLimitError`. Booleans count as integers wherever a number is expected.
* ``round(x)`` of a non-finite float, and ``float(i)`` of an integer too large for a float,
  are `MLValueError`.
* ``min``/``max`` of one array or range give its extreme; of one other value, that value
  (``min(42)`` is 42, §5.1); ``sum`` adds numbers only.
* ``progress(percent, message)``: a boolean percent is a `MLTypeError` (it is not a number
  here), as is a message that is neither a string nor null; a message longer than
  `PROGRESS_MESSAGE_CHARS` is cut to that length, never refused.
* ``enumerate``, ``zip``, ``reversed``, ``sorted``, ``all`` and ``any`` accept arrays,
  strings (characters), objects (keys) and ranges; ranges are handled without walking them
  where possible and are otherwise materialised within ``max_array``.
* ``format(v, spec)`` accepts Python's format-spec mini-language (checked by a regex; width
  and precision capped by ``max_string``); an empty spec gives ``str(v)``; a boolean is
  formatted as ``true``/``false`` unless the spec asks for a numeric type.
* ``next(it)`` on an exhausted iterator without a default is a `MLValueError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from mlpy.errors import MLLimitError, MLTypeError, MLValueError
from mlpy.runtime.format import (
    check_deadline,
    float_to_str,
    int_to_str,
    limit_reached,
    quote_brief,
    repr_value,
    to_str,
)
from mlpy.runtime.member import (
    MLIterator,
    get_member,
    has_member,
    iterate,
    range_length,
)
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import FAST_SIZE, check_array, check_string, gt, is_number, lt
from mlpy.runtime.progress import report
from mlpy.runtime.sorting import MISSING, sort_options, sort_values
from mlpy.runtime.state import current
from mlpy.runtime.values import Builtin, call_value, is_callable, typeof

__all__ = ["BUILTINS"]

_MISSING: Any = object()


def _print(*values: Any) -> None:
    state = current()
    # Security: each value's text may be up to max_string long, and one print may name the
    # same large value many times: stop as soon as the line cannot fit in the output left,
    # instead of building all of it first.
    room = state.limits.max_output - state.output_size
    parts: list[str] = []
    size = 0
    for v in values:
        parts.append(to_str(v))
        size += len(parts[-1]) + 1
        if size > room:
            break  # the write below fills the output up to the cap and raises
    try:
        state.write(" ".join(parts) + "\n")
    except MLLimitError as exc:  # make the output cap sticky too (see `limit_reached`)
        state.cancel(exc)
        raise


def _str(value: Any = "") -> str:
    return to_str(value)


def _bool(value: Any = False) -> bool:
    return bool(value)


def _typeof(value: Any) -> str:
    return typeof(value)


def _isinstance(value: Any, type_name: Any) -> bool:
    if type(type_name) is not str:
        raise MLTypeError(f"isinstance() expects a type name string, got {typeof(type_name)}")
    return typeof(value) == type_name


def _callable(value: Any) -> bool:
    return is_callable(value)


def _repr(value: Any) -> str:
    return repr_value(value)


def _call(fn: Any, *args: Any) -> Any:
    return call_value(fn, *args)


# -- numbers -------------------------------------------------------------------------------


def _int(value: Any, base: Any = _MISSING) -> int:
    if base is not _MISSING:
        return _int_with_base(value, base)
    t = type(value)
    if t is int or t is bool:
        return int(value)
    if t is float:
        if not math.isfinite(value):
            raise MLValueError(f"int() cannot convert {float_to_str(value)} to an integer")
        return int(value)
    if t is str:
        return _parse_int(value)
    raise MLTypeError(f"int() cannot convert {typeof(value)} to an integer")


def _check_text_digits(text: str) -> None:
    state = current()
    if len(text) > state.limits.max_int_digits:
        limit_reached("max_int_digits", "integer text with more digits", state)


def _parse_int(text: str) -> int:
    s = text.strip()
    _check_text_digits(s)
    try:
        return int(s)
    except ValueError:
        pass
    try:
        number = Decimal(s)
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise MLValueError(f"int() cannot convert {quote_brief(text)} to an integer")
    if number.adjusted() >= current().limits.max_int_digits:
        limit_reached("max_int_digits", "integer with more digits")
    return int(number)


def _int_with_base(value: Any, base: Any) -> int:
    if type(value) is not str:
        raise MLTypeError(f"int() with a base expects a string, got {typeof(value)}")
    if type(base) is not int or not (base == 0 or 2 <= base <= 36):
        raise MLValueError("int() base must be 0 or an integer from 2 to 36")
    _check_text_digits(value.strip())
    try:
        return int(value, base)
    except ValueError:
        raise MLValueError(
            f"int() cannot convert {quote_brief(value)} to an integer in base {base}"
        ) from None


def _float(value: Any = 0.0) -> float:
    t = type(value)
    try:
        if t is float or t is int or t is bool:
            return float(value)
        if t is str:
            return float(value)
    except OverflowError:
        raise MLValueError("float() cannot convert an integer this large") from None
    except ValueError:
        raise MLValueError(f"float() cannot convert {quote_brief(value)} to a number") from None
    raise MLTypeError(f"float() cannot convert {typeof(value)} to a number")


def _need_number(fname: str, value: Any) -> Any:
    if not is_number(value):
        raise MLTypeError(f"{fname}() expects a number, got {typeof(value)}")
    return int(value) if type(value) is bool else value


def _need_int(fname: str, value: Any) -> int:
    if type(value) is not int and type(value) is not bool:
        raise MLTypeError(f"{fname}() expects an integer, got {typeof(value)}")
    return int(value)


def _abs(x: Any) -> Any:
    return abs(_need_number("abs", x))


def _round(x: Any, ndigits: Any = None) -> Any:
    x = _need_number("round", x)
    if ndigits is None:
        if type(x) is float and not math.isfinite(x):
            raise MLValueError(f"round() cannot round {float_to_str(x)} to an integer")
        return round(x)
    places = _need_int("round", ndigits)
    if type(x) is int and places < 0:
        places = max(places, -(x.bit_length() // 3 + 2))  # 10**k > |x| rounds to 0
    try:
        return float(round(x, places))
    except OverflowError:
        raise MLValueError("round(): the result is too large for a float") from None


def _chr(code: Any) -> str:
    i = _need_int("chr", code)
    if not 0 <= i <= 0x10FFFF:
        raise MLValueError("chr() argument must be between 0 and 1114111")
    return chr(i)


def _ord(char: Any) -> int:
    if type(char) is not str or len(char) != 1:
        raise MLTypeError(f"ord() expects a string of one character, got {typeof(char)}")
    return ord(char)


def _radix(fname: str, value: Any, convert: Callable[[int], str]) -> str:
    i = _need_int(fname, value)
    if i.bit_length() > FAST_SIZE:
        check_string(i.bit_length() + 3)
    return convert(i)


def _hex(value: Any) -> str:
    return _radix("hex", value, hex)


def _bin(value: Any) -> str:
    return _radix("bin", value, bin)


def _oct(value: Any) -> str:
    return _radix("oct", value, oct)


# -- sequences -----------------------------------------------------------------------------


def _sequence(fname: str, value: Any) -> Sequence[Any]:
    """An indexable view of an iterable ML value: list, string, range, or an object's keys."""
    t = type(value)
    if t is list or t is str or t is dict:
        if len(value) > FAST_SIZE:
            check_deadline()  # the callers walk it: see `check_deadline`
        return list(value) if t is dict else value
    if t is range:
        return value  # type: ignore[no-any-return]
    raise MLTypeError(f"{fname}() expects an array, string, object or range, got {typeof(value)}")


def _materialize(fname: str, value: Any) -> list[Any]:
    """A new list of the elements of ``value`` (a range within ``max_array``)."""
    items = _sequence(fname, value)
    if type(items) is range:
        check_array(range_length(items))
    return list(items)


def _len(value: Any) -> int:
    t = type(value)
    if t is str or t is list or t is dict:
        return len(value)
    if t is range:
        return range_length(value)
    raise MLTypeError(f"len() expects a string, array, object or range, got {typeof(value)}")


def _range(first: Any, stop: Any = _MISSING, step: Any = _MISSING) -> range:
    args = [a for a in (first, stop, step) if a is not _MISSING]
    bounds = [_need_int("range", a) for a in args]
    if len(bounds) == 3 and bounds[2] == 0:
        raise MLValueError("range() step cannot be zero")
    return range(*bounds)


def _enumerate(values: Any, start: Any = 0) -> list[list[Any]]:
    first = _need_int("enumerate", start)
    return [[first + i, v] for i, v in enumerate(_materialize("enumerate", values))]


def _zip(*values: Any) -> list[list[Any]]:
    seqs = [_sequence("zip", v) for v in values]
    if not seqs:
        return []
    count = min(range_length(s) if type(s) is range else len(s) for s in seqs)
    if count > FAST_SIZE:
        check_array(count)
    return [[s[i] for s in seqs] for i in range(count)]


def _reversed(values: Any) -> list[Any]:
    items = _materialize("reversed", values)
    items.reverse()
    return items


def _sorted(values: Any, key: Any = MISSING, reverse: Any = MISSING) -> list[Any]:
    order_by, descending = sort_options("sorted()", key, reverse)
    items = _materialize("sorted", values)
    sort_values(items, descending, order_by)
    return items


def _keys(obj: Any) -> list[str]:
    if type(obj) is not dict:
        raise MLTypeError(f"keys() expects an object, got {typeof(obj)}")
    if len(obj) > FAST_SIZE:
        check_deadline()
    return list(obj)


def _values(obj: Any) -> list[Any]:
    if type(obj) is not dict:
        raise MLTypeError(f"values() expects an object, got {typeof(obj)}")
    if len(obj) > FAST_SIZE:
        check_deadline()
    return list(obj.values())


def _extreme(fname: str, args: tuple[Any, ...], better: Callable[[Any, Any], bool]) -> Any:
    """min/max: of several values, or of the elements of one array or range."""
    if not args:
        raise MLTypeError(f"{fname}() takes at least 1 argument but 0 were given")
    items: Sequence[Any] = args
    if len(args) == 1:
        only = args[0]
        if type(only) is range:
            return _range_extreme(fname, only)
        if type(only) is not list:
            return only
        items = only
        if len(items) > FAST_SIZE:
            check_deadline()
    if not items:
        return None
    best = items[0]
    for i in range(1, len(items)):
        if better(items[i], best):
            best = items[i]
    return best


def _range_extreme(fname: str, r: range) -> Any:
    if range_length(r) == 0:
        return None
    low, high = (r[0], r[-1]) if r.step > 0 else (r[-1], r[0])
    return low if fname == "min" else high


def _min(*args: Any) -> Any:
    return _extreme("min", args, lt)


def _max(*args: Any) -> Any:
    return _extreme("max", args, gt)


#: characters of a ``progress`` message passed on (longer ones are cut)
PROGRESS_MESSAGE_CHARS = 200


def _progress(percent: Any, message: Any = None) -> None:
    """§5.1 ``progress(percent, message = null)``: validate, then hand to the call's sink.

    Cost: O(1) plus the sink's own (a no-op outside a job); the message is cut before it is
    passed on, so a sink never sees more than `PROGRESS_MESSAGE_CHARS` characters.
    """
    kind = type(percent)
    if kind is not int and kind is not float:
        raise MLTypeError(f"progress() expects a number percent, got {typeof(percent)}")
    if not 0 <= percent <= 100:  # NaN fails this too
        shown = float_to_str(percent) if kind is float else _brief_int(percent)
        raise MLValueError(f"progress() percent must be from 0 to 100, got {shown}")
    if message is not None:
        if type(message) is not str:
            raise MLTypeError(f"progress() expects a string message or null, got {typeof(message)}")
        if len(message) > PROGRESS_MESSAGE_CHARS:
            message = message[:PROGRESS_MESSAGE_CHARS]
    report(float(percent), message)


def _brief_int(value: int) -> str:
    return str(value) if value.bit_length() <= 64 else "a very large integer"


def _sum(values: Any, start: Any = 0) -> Any:
    total = _need_number("sum", start)
    if type(values) is range:
        n = range_length(values)
        return total + (n * (values[0] + values[-1]) // 2 if n else 0)
    if type(values) is not list:
        raise MLTypeError(f"sum() expects an array or range, got {typeof(values)}")
    if len(values) > FAST_SIZE:
        check_deadline()
    for v in values:
        if not is_number(v):
            raise MLTypeError(f"sum() can only add numbers, got {typeof(v)}")
    try:
        return sum(values, total)
    except OverflowError:
        raise MLValueError("sum(): integer too large to convert to a float") from None


def _all(values: Any) -> bool:
    if type(values) is range:
        return 0 not in values
    return all(_sequence("all", values))


def _any(values: Any) -> bool:
    if type(values) is range:
        n = range_length(values)
        return n > 1 or (n == 1 and values[0] != 0)
    return any(_sequence("any", values))


# -- iterators and reflection --------------------------------------------------------------


def _iter(value: Any) -> MLIterator:
    if type(value) is MLIterator:
        return value
    return MLIterator(iter(iterate(value)))


def _next(iterator: Any, default: Any = _MISSING) -> Any:
    if type(iterator) is not MLIterator:
        raise MLTypeError(f"next() expects an iterator from iter(), got {typeof(iterator)}")
    try:
        return next(iterator.iterator)
    except StopIteration:
        if default is _MISSING:
            raise MLValueError("next(): the iterator is exhausted") from None
        return default


def _member_name(fname: str, name: Any) -> str:
    if type(name) is not str:
        raise MLTypeError(f"{fname}() expects a member name string, got {typeof(name)}")
    return name


def _getattr(value: Any, name: Any, default: Any = None) -> Any:
    name = _member_name("getattr", name)
    return get_member(value, name) if has_member(value, name) else default


def _hasattr(value: Any, name: Any) -> bool:
    return has_member(value, _member_name("hasattr", name))


# -- format --------------------------------------------------------------------------------

#: Python's format-spec mini-language: [[fill]align][sign][z][#][0][width][grouping][.prec][type]
_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>[0-9]*)[,_]?"
    r"(?:\.(?P<precision>[0-9]+))?(?P<type>[bcdeEfFgGnosxX%])?",
    re.DOTALL,
)
_NUMERIC_TYPES = frozenset("bcdeEfFgGnoxX%")


def _check_spec_number(digits: str | None) -> None:
    if digits and (len(digits) > 18 or int(digits) > current().limits.max_string):
        limit_reached("max_string", "format width or precision")


def _format_target(value: Any, kind: str | None) -> Any:
    """The Python value to hand to ``format`` for ML ``value``."""
    t = type(value)
    numeric = kind in _NUMERIC_TYPES
    if t is bool:
        return int(value) if numeric else to_str(value)
    if t is int and kind in (None, "d", "n") and value.bit_length() > 64:
        int_to_str(value)  # raises when the integer has too many digits to show
    if t is int or t is float or t is str:
        return value
    return to_str(value)


def _format(value: Any, spec: Any = "") -> str:
    if type(spec) is not str:
        raise MLTypeError(f"format() expects a spec string, got {typeof(spec)}")
    if not spec:
        return to_str(value)
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise MLValueError(f"format(): invalid format spec {quote_brief(spec)}")
    _check_spec_number(match["width"])
    _check_spec_number(match["precision"])
    target = _format_target(value, match["type"])
    try:
        text = format(target, spec)
    except (ValueError, TypeError, OverflowError):
        raise MLValueError(
            f"format(): spec {quote_brief(spec)} does not apply to a {typeof(value)}"
        ) from None
    if len(text) > FAST_SIZE:
        check_string(len(text))
    return text


# -- the table -----------------------------------------------------------------------------

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "print": _print,
    "str": _str,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "typeof": _typeof,
    "isinstance": _isinstance,
    "len": _len,
    "range": _range,
    "enumerate": _enumerate,
    "zip": _zip,
    "reversed": _reversed,
    "sorted": _sorted,
    "keys": _keys,
    "values": _values,
    "abs": _abs,
    "min": _min,
    "max": _max,
    "round": _round,
    "sum": _sum,
    "all": _all,
    "any": _any,
    "chr": _chr,
    "ord": _ord,
    "hex": _hex,
    "bin": _bin,
    "oct": _oct,
    "repr": _repr,
    "format": _format,
    "callable": _callable,
    "iter": _iter,
    "next": _next,
    "getattr": _getattr,
    "hasattr": _hasattr,
    "call": _call,
    "progress": _progress,
}

#: every §5.1 builtin by ML name; shared by all calls and never changed
BUILTINS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"{name}()"), name) for name, fn in _FUNCTIONS.items()
}
