"""The §5.2 allow-list: the only methods strings, arrays and objects have.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

`STRING_METHODS`, `ARRAY_METHODS` and `OBJECT_METHODS` map a method name to a plain function
taking the receiver first. Every entry checks its argument count and types and raises
`MLTypeError` naming the method, so any caller (`BoundMethod`, ``getattr``) may call it
directly. ``length`` is not a method: `mlpy.runtime.member` handles it.

`UNCHECKED_METHODS` holds the same functions without the argument-count wrapper, for the hot
path `member.call_method`, which detects a wrong count itself (`binding_failed`) at no cost
when the count is right.

Choices where the spec is silent:

* Array ``index``, ``count``, ``contains``/``includes`` and ``remove`` compare with ML ``==``.
* ``join`` converts non-string elements with ``str()`` (§5.3); an array's ``join`` separator
  defaults to ``","`` as in JavaScript; ``"sep".join(array)`` works as in Python.
* ``padStart``/``padEnd`` follow JavaScript (a multi-character pad is repeated and cut);
  ``center``/``ljust``/``rjust`` follow Python (the fill is exactly one character).
* ``find``, ``rfind``, ``index`` and ``count`` on strings take optional ``start``/``end``.
* ``map filter reduce find some every`` walk a snapshot of the array taken when they start.
* Object ``set`` and ``delete`` return ``null``; ``delete`` of a missing key is a `MLKeyError`.
* Object keys are strings; a number key is its §5.3 string form (`object_key`, §2.5), in
  ``get``/``has``/``set``/``delete`` as in indexing; any other key type is a `MLTypeError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLIndexError, MLKeyError, MLTypeError, MLValueError
from mlpy.runtime.format import check_deadline, quote_brief, to_str
from mlpy.runtime.operators import FAST_SIZE, check_array, check_string, eq
from mlpy.runtime.sorting import MISSING, sort_options, sort_values
from mlpy.runtime.values import call_value, typeof

__all__ = [
    "ARRAY_METHODS",
    "index_of_value",
    "OBJECT_METHODS",
    "STRING_METHODS",
    "UNCHECKED_METHODS",
    "arity_checked",
    "arity_message",
    "binding_failed",
    "method_arity_error",
    "object_key",
    "sort_values",
]

Method = Callable[..., Any]

#: string methods (§5.2), name → function(receiver, *args)
STRING_METHODS: dict[str, Method] = {}
#: array methods (§5.2), name → function(receiver, *args)
ARRAY_METHODS: dict[str, Method] = {}
#: object methods (§5.2), name → function(receiver, *args)
OBJECT_METHODS: dict[str, Method] = {}

#: the same functions without the argument-count wrapper: receiver type → name → function
UNCHECKED_METHODS: dict[type, dict[str, Method]] = {str: {}, list: {}, dict: {}}

_MISSING: Any = object()


# -- argument checking ---------------------------------------------------------------------


def arity_message(label: str, low: int, high: int | None, given: int) -> str:
    """``label takes 1 to 2 arguments but 3 were given``."""
    if high == low:
        want = f"{low} argument{'s' * (low != 1)}"
    elif high is None:
        want = f"at least {low} argument{'s' * (low != 1)}"
    elif low == 0:
        want = f"at most {high} argument{'s' * (high != 1)}"
    else:
        want = f"{low} to {high} arguments"
    return f"{label} takes {want} but {given} {'was' if given == 1 else 'were'} given"


def _arity(fn: Callable[..., Any], skip: int) -> tuple[int, int | None]:
    """(required, most) positional arguments of ``fn`` after the first ``skip``."""
    params = list(inspect.signature(fn).parameters.values())[skip:]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        high = None
    else:
        high = len(params)
    low = sum(1 for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty)
    return low, high


def binding_failed(exc: TypeError) -> bool:
    """True if ``exc`` was raised by the call just made in the catching frame itself (the
    arguments did not fit the signature), not from inside the function called."""
    tb = exc.__traceback__
    return tb is not None and tb.tb_next is None


def arity_checked(fn: Callable[..., Any], label: str, *, receiver: bool = False) -> Method:
    """``fn`` wrapped so a wrong argument count is a `MLTypeError` naming ``label``.

    A function taking only ``*args`` (after the receiver) checks its arguments itself and is
    returned unwrapped.
    """
    low, high = _arity(fn, 1 if receiver else 0)
    if low == 0 and high is None:
        return fn

    def checked(*args: Any) -> Any:
        try:
            return fn(*args)
        except TypeError as exc:
            if binding_failed(exc):
                given = len(args) - receiver
                raise MLTypeError(arity_message(label, low, high, given)) from None
            raise

    return checked


def method_arity_error(fn: Callable[..., Any], owner: str, name: str, given: int) -> MLTypeError:
    """The error for calling method ``name`` of an ``owner`` value with ``given`` arguments."""
    try:
        low, high = _arity(fn, 1)
    except (TypeError, ValueError):  # no signature to read
        return MLTypeError(f"{owner} method {name}() got the wrong number of arguments")
    return MLTypeError(arity_message(f"{owner} method {name}()", low, high, given))


def _deadline_checked(fn: Method) -> Method:
    """``fn`` checking the deadline first when its receiver is large (see `check_deadline`;
    `mlpy.runtime.member.call_method` does the same for the unchecked methods)."""

    def method(obj: Any, *args: Any) -> Any:
        if len(obj) > FAST_SIZE:
            check_deadline()
        return fn(obj, *args)

    return method


def _register(receiver: type, owner: str) -> Callable[[str], Callable[[Method], Method]]:
    tables: dict[type, dict[str, Method]] = {
        str: STRING_METHODS,
        list: ARRAY_METHODS,
        dict: OBJECT_METHODS,
    }
    table = tables[receiver]

    def method(name: str) -> Callable[[Method], Method]:
        def add(fn: Method) -> Method:
            table[name] = _deadline_checked(arity_checked(fn, f"{owner} method {name}()", receiver=True))
            UNCHECKED_METHODS[receiver][name] = fn
            return fn

        return add

    return method


_string = _register(str, "string")
_array = _register(list, "array")
_object = _register(dict, "object")


def _need_str(method: str, value: Any, what: str = "argument") -> str:
    if type(value) is not str:
        raise MLTypeError(f"{method}() expects a string {what}, got {typeof(value)}")
    return value


def _need_int(method: str, value: Any, what: str = "argument") -> int:
    if type(value) is not int and type(value) is not bool:
        raise MLTypeError(f"{method}() expects an integer {what}, got {typeof(value)}")
    return int(value)


def _opt_int(method: str, value: Any, what: str) -> int | None:
    return None if value is None else _need_int(method, value, what)


def object_key(key: Any, what: str = "object key") -> str:
    """The object key that ML value ``key`` names (§2.5): a string as it is, a number as its
    §5.3 string form (``1`` and ``"1"`` are the same key, ``2.5`` is ``"2.5"``), as JavaScript.

    The one place this rule lives: indexing, assignment and the object methods call it.
    Cost: O(1) for a string; a number's text is bounded by ``max_int_digits``.

    Raises:
        MLTypeError: any other type, booleans included (``what`` names the key in the message).
        MLLimitError: an integer key with more than ``max_int_digits`` digits.
    """
    t = type(key)
    if t is str:
        return key  # type: ignore[no-any-return]
    if t is int or t is float:
        return to_str(key)
    raise MLTypeError(f"{what} must be a string or a number, not {typeof(key)}")


def _need_key(method: str, key: Any) -> str:
    return object_key(key, f"{method}() key")


def _sized(text: str) -> str:
    """``text`` after checking it against ``max_string`` (for methods that may grow text)."""
    if len(text) > FAST_SIZE:
        check_string(len(text))
    return text


# -- strings -------------------------------------------------------------------------------


def _case_change(change: Callable[[str], str]) -> Method:
    def method(s: str) -> str:
        return _sized(change(s))  # may grow: "ß".upper() is "SS"

    return method


def _test(test: Callable[[str], bool]) -> Method:
    def method(s: str) -> bool:
        return test(s)

    return method


for _name, _change in (
    ("upper", str.upper),
    ("lower", str.lower),
    ("title", str.title),
    ("capitalize", str.capitalize),
):
    _string(_name)(_case_change(_change))

for _name, _check in (
    ("isdigit", str.isdigit),
    ("isalpha", str.isalpha),
    ("isalnum", str.isalnum),
    ("isspace", str.isspace),
    ("islower", str.islower),
    ("isupper", str.isupper),
):
    _string(_name)(_test(_check))


def _chars_arg(method: str, chars: Any) -> str | None:
    return None if chars is None else _need_str(method, chars, "of characters")


@_string("strip")
def _strip(s: str, chars: Any = None) -> str:
    return s.strip(_chars_arg("strip", chars))


@_string("lstrip")
def _lstrip(s: str, chars: Any = None) -> str:
    return s.lstrip(_chars_arg("lstrip", chars))


@_string("rstrip")
def _rstrip(s: str, chars: Any = None) -> str:
    return s.rstrip(_chars_arg("rstrip", chars))


@_string("split")
def _split(s: str, sep: Any = None, maxsplit: Any = -1) -> list[str]:
    limit = _need_int("split", maxsplit, "maxsplit")
    if not -1 <= limit <= len(s):  # Python refuses counts beyond a C ssize_t, with its own words
        limit = -1
    if sep is None:
        parts = s.split(None, limit)
    else:
        sep = _need_str("split", sep, "separator")
        if not sep:
            raise MLValueError("split() separator cannot be empty")
        if len(s) > FAST_SIZE:
            pieces = s.count(sep) + 1
            check_array(pieces if limit < 0 else min(pieces, limit + 1))
        parts = s.split(sep, limit)
    if len(parts) > FAST_SIZE:
        check_array(len(parts))
    return parts


def _join(method: str, sep: str, values: Any) -> str:
    if type(values) is not list:
        raise MLTypeError(f"{method}() expects an array, got {typeof(values)}")
    # Security: the size is checked while the parts are converted, not after: the array may
    # hold the same large value many times, each formatted up to max_string characters.
    total = len(sep) * max(len(values) - 1, 0)
    if total > FAST_SIZE:
        check_string(total)
    parts = []
    for v in values:
        part = v if type(v) is str else to_str(v)
        total += len(part)
        if total > FAST_SIZE:
            check_string(total)
        parts.append(part)
    return sep.join(parts)


@_string("join")
def _str_join(sep: str, values: Any) -> str:
    return _join("join", sep, values)


@_string("replace")
def _replace(s: str, old: Any, new: Any) -> str:
    old = _need_str("replace", old)
    new = _need_str("replace", new)
    size = len(s) + s.count(old) * (len(new) - len(old))
    if size > FAST_SIZE:
        check_string(size)
    return s.replace(old, new)


@_string("startswith")
def _startswith(s: str, prefix: Any) -> bool:
    return s.startswith(_need_str("startswith", prefix))


@_string("endswith")
def _endswith(s: str, suffix: Any) -> bool:
    return s.endswith(_need_str("endswith", suffix))


def _bounds(method: str, start: Any, end: Any) -> tuple[int | None, int | None]:
    return _opt_int(method, start, "start"), _opt_int(method, end, "end")


@_string("find")
def _find(s: str, sub: Any, start: Any = None, end: Any = None) -> int:
    return s.find(_need_str("find", sub), *_bounds("find", start, end))


@_string("rfind")
def _rfind(s: str, sub: Any, start: Any = None, end: Any = None) -> int:
    return s.rfind(_need_str("rfind", sub), *_bounds("rfind", start, end))


@_string("index")
def _str_index(s: str, sub: Any, start: Any = None, end: Any = None) -> int:
    found = s.find(_need_str("index", sub), *_bounds("index", start, end))
    if found < 0:
        raise MLValueError(f"index(): substring {quote_brief(sub)} not found")
    return found


@_string("count")
def _str_count(s: str, sub: Any, start: Any = None, end: Any = None) -> int:
    return s.count(_need_str("count", sub), *_bounds("count", start, end))


@_string("contains")
def _str_contains(s: str, sub: Any) -> bool:
    return _need_str("contains", sub) in s


def _width(method: str, s: str, width: Any) -> int:
    size = _need_int(method, width, "width")
    if size > len(s) and size > FAST_SIZE:
        check_string(size)
    return max(size, 0)  # a huge negative width would be Python's own C-size error


def _fill(method: str, fill: Any) -> str:
    if type(fill) is not str or len(fill) != 1:
        raise MLTypeError(f"{method}() fill must be a string of exactly one character")
    return fill


@_string("center")
def _center(s: str, width: Any, fill: Any = " ") -> str:
    return s.center(_width("center", s, width), _fill("center", fill))


@_string("ljust")
def _ljust(s: str, width: Any, fill: Any = " ") -> str:
    return s.ljust(_width("ljust", s, width), _fill("ljust", fill))


@_string("rjust")
def _rjust(s: str, width: Any, fill: Any = " ") -> str:
    return s.rjust(_width("rjust", s, width), _fill("rjust", fill))


def _padding(method: str, s: str, width: Any, pad: Any) -> str:
    need = _width(method, s, width) - len(s)
    text = _need_str(method, pad, "pad")
    if need <= 0 or not text:
        return ""
    return (text * (need // len(text) + 1))[:need]


@_string("padStart")
def _pad_start(s: str, width: Any, pad: Any = " ") -> str:
    return _padding("padStart", s, width, pad) + s


@_string("padEnd")
def _pad_end(s: str, width: Any, pad: Any = " ") -> str:
    return s + _padding("padEnd", s, width, pad)


@_string("slice")
def _str_slice(s: str, start: Any, end: Any = None) -> str:
    first, last = _bounds("slice", start, end)
    return s[first:last]


# -- arrays --------------------------------------------------------------------------------


def _grow(arr: list[Any], by: int = 1) -> None:
    if len(arr) + by > FAST_SIZE:
        check_array(len(arr) + by)


@_array("push")
@_array("append")
def _push(arr: list[Any], value: Any) -> None:
    if len(arr) >= FAST_SIZE:
        check_array(len(arr) + 1)
    arr.append(value)


@_array("pop")
def _pop(arr: list[Any], index: Any = -1) -> Any:
    if not arr:
        raise MLIndexError("pop from an empty array")
    i = _need_int("pop", index, "index")
    if not -len(arr) <= i < len(arr):
        raise MLIndexError(f"pop index {i} out of range (length {len(arr)})")
    return arr.pop(i)


@_array("insert")
def _insert(arr: list[Any], index: Any, value: Any) -> None:
    i = _need_int("insert", index, "index")
    _grow(arr)
    arr.insert(max(-len(arr) - 1, min(i, len(arr))), value)  # Python clamps, except past a C size


def _is_flat(x: Any) -> bool:
    """True when Python's own ``==`` on ``x`` agrees with ML ``==`` against any element."""
    t = type(x)
    return t is int or t is str or t is bool or x is None or (t is float and x == x)


def index_of_value(arr: list[Any], x: Any) -> int:
    """Index of the first element ``== x`` (ML equality, §3.5), or -1."""
    if _is_flat(x):
        try:
            return arr.index(x)
        except ValueError:
            return -1
    for i, element in enumerate(arr):
        if eq(element, x):
            return i
    return -1


@_array("remove")
def _remove(arr: list[Any], value: Any) -> None:
    i = index_of_value(arr, value)
    if i < 0:
        raise MLValueError("remove(): value not found in the array")
    del arr[i]


@_array("clear")
def _clear(arr: list[Any]) -> None:
    arr.clear()


@_array("index")
def _arr_index(arr: list[Any], value: Any) -> int:
    i = index_of_value(arr, value)
    if i < 0:
        raise MLValueError("index(): value not found in the array")
    return i


@_array("count")
def _arr_count(arr: list[Any], value: Any) -> int:
    if _is_flat(value):
        return arr.count(value)
    return sum(1 for element in arr if eq(element, value))


@_array("includes")
@_array("contains")
def _arr_contains(arr: list[Any], value: Any) -> bool:
    return index_of_value(arr, value) >= 0


@_array("reverse")
def _reverse(arr: list[Any]) -> None:
    arr.reverse()


@_array("sort")
def _sort(arr: list[Any], key: Any = MISSING, reverse: Any = MISSING) -> None:
    order_by, descending = sort_options("sort()", key, reverse)
    sort_values(arr, descending, order_by)


@_array("slice")
def _arr_slice(arr: list[Any], start: Any, end: Any = None) -> list[Any]:
    first, last = _bounds("slice", start, end)
    return arr[first:last]


@_array("copy")
def _arr_copy(arr: list[Any]) -> list[Any]:
    return arr.copy()


@_array("join")
def _arr_join(arr: list[Any], sep: Any = ",") -> str:
    return _join("join", _need_str("join", sep, "separator"), arr)


@_array("map")
def _map(arr: list[Any], fn: Any) -> list[Any]:
    return [call_value(fn, x) for x in arr.copy()]


@_array("filter")
def _filter(arr: list[Any], fn: Any) -> list[Any]:
    return [x for x in arr.copy() if call_value(fn, x)]


@_array("reduce")
def _reduce(arr: list[Any], fn: Any, start: Any = _MISSING) -> Any:
    items = arr.copy()
    if start is _MISSING:
        if not items:
            raise MLTypeError("reduce() of an empty array with no start value")
        start = items.pop(0)
    acc = start
    for x in items:
        acc = call_value(fn, acc, x)
    return acc


@_array("find")
def _arr_find(arr: list[Any], fn: Any) -> Any:
    for x in arr.copy():
        if call_value(fn, x):
            return x
    return None


@_array("some")
def _some(arr: list[Any], fn: Any) -> bool:
    return any(call_value(fn, x) for x in arr.copy())


@_array("every")
def _every(arr: list[Any], fn: Any) -> bool:
    return all(call_value(fn, x) for x in arr.copy())


# -- objects -------------------------------------------------------------------------------


@_object("keys")
def _keys(obj: dict[str, Any]) -> list[str]:
    return list(obj)


@_object("values")
def _values(obj: dict[str, Any]) -> list[Any]:
    return list(obj.values())


@_object("items")
def _items(obj: dict[str, Any]) -> list[list[Any]]:
    return [[k, v] for k, v in obj.items()]


@_object("get")
def _get(obj: dict[str, Any], key: Any, default: Any = None) -> Any:
    return obj.get(_need_key("get", key), default)


@_object("has")
def _has(obj: dict[str, Any], key: Any) -> bool:
    return _need_key("has", key) in obj


@_object("set")
def _set(obj: dict[str, Any], key: Any, value: Any) -> None:
    key = _need_key("set", key)
    if key not in obj and len(obj) >= FAST_SIZE:
        check_array(len(obj) + 1)
    obj[key] = value


@_object("delete")
def _delete(obj: dict[str, Any], key: Any) -> None:
    key = _need_key("delete", key)
    if key not in obj:
        raise MLKeyError(f"delete(): key {quote_brief(key)} not found")
    del obj[key]


@_object("update")
def _update(obj: dict[str, Any], other: Any) -> None:
    if type(other) is not dict:
        raise MLTypeError(f"update() expects an object, got {typeof(other)}")
    if len(obj) + len(other) > FAST_SIZE:
        check_array(len(obj) + sum(1 for k in other if k not in obj))
    obj.update(other)


@_object("copy")
def _obj_copy(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.copy()
