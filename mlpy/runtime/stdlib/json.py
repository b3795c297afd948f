"""The ML ``json`` module (LANGUAGE.md §6.1): parse, validate and serialise JSON, within limits.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Parsing never runs away: the text is refused above ``max_string`` characters, its nesting
depth is measured by a linear scan *before* Python's (recursive) JSON parser sees it and
refused above ``max_nesting`` (a `MLLimitError`, never a ``RecursionError``), integers with
more than ``max_int_digits`` digits are refused, and no container may exceed ``max_array``.
Serialising walks the value with an explicit stack, bounded by ``max_nesting``, ``max_visit``
and ``max_string``; a container met again (a DAG) reuses the text already produced for it,
and a cycle is a `MLValueError`.

Choices where the reference library differs or is silent:

* ``stringify`` is compact (``{"a":1,"b":[2]}``), as the reference documents; non-ASCII
  text is kept as it is (no ``\\u`` escapes), as in JavaScript.
* ``prettyPrint(value, indent=4)`` puts one entry per line, as Python's ``json.dumps``.
* ``NaN`` and ``Infinity`` are not JSON: ``parse`` refuses them and ``stringify`` of a
  non-finite float is a `MLValueError`. Functions and modules cannot be serialised
  (`MLTypeError`); an opaque value with a plain form (a date) is serialised as that form.
* ``safeParse(text, maxDepth=100)``: ``maxDepth`` counts nested containers (``[[1]]`` has
  depth 2) and is capped at 100 as in the reference; deeper text is a `MLValueError`.
* ``keys values get hasKey merge`` raise `MLTypeError` for a value that is not an object
  (the reference returns ``[]``, the default, ``false`` or ``{}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import accumulate
from typing import Any

from mlpy.errors import MLTypeError, MLValueError
from mlpy.runtime.format import float_to_str, int_to_str, quote
from mlpy.runtime.member import range_length
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import ALLOC_PARSED, charge_alloc, check_array, checked_int
from mlpy.runtime.state import CallState, current, shared_threshold
from mlpy.runtime.values import BoundMethod, Builtin, Module, Opaque, typeof

__all__ = ["create"]

#: sizes above which bulk allocations are charged (a shared threshold, see `shared_threshold`)
FAST_SIZE = shared_threshold(globals())

#: a JSON string literal, possibly unterminated; possessive, so scanning is linear
_STRING = re.compile(r'"(?:[^"\\]|\\[\s\S]?)*+"?')
#: everything that is not a bracket
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}
#: the reference caps safeParse's depth at 100
_SAFE_DEPTH_CAP = 100
_END: Any = object()


# -- parsing -------------------------------------------------------------------------------


def _need_text(label: str, text: Any) -> str:
    if type(text) is not str:
        raise MLTypeError(f"{label}: expects a string, got {typeof(text)}")
    state = current()
    if len(text) > state.limits.max_string:
        raise state.limit_error("max_string", f"{label}: input of {len(text)} characters")
    return text


def _nesting_depth(text: str) -> int:
    """The deepest nesting of brackets in ``text`` outside JSON strings (linear time)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(accumulate(map(_DELTA.__getitem__, brackets)))


def _reject_constant(name: str) -> Any:
    raise MLValueError(f"json.parse: {name} is not valid JSON")


def _int_literal(digits: str) -> int:
    state = current()
    if len(digits.lstrip("-")) > state.limits.max_int_digits:
        raise state.limit_error("max_int_digits", f"json: integer literal of {len(digits)} digits")
    try:
        return checked_int(int(digits))
    except ValueError:  # beyond Python's own digit limit, but allowed by the host's
        return checked_int(int(Decimal(digits)))


def _decode(label: str, text: str, max_depth: int | None = None) -> Any:
    """Parse ``text`` after checking its depth; ``max_depth`` is safeParse's own bound."""
    state = current()
    depth = _nesting_depth(text)
    if max_depth is not None and depth > max_depth:
        raise MLValueError(f"{label}: nesting depth {depth} exceeds the maximum depth {max_depth}")
    if depth > state.limits.max_nesting:
        raise state.limit_error("max_nesting", f"{label}: nesting depth {depth}")
    if len(text) > FAST_SIZE:
        charge_alloc(len(text) * ALLOC_PARSED, f"{label}: parsed document")
    try:
        value = json.loads(text, parse_int=_int_literal, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise MLValueError(f"{label}: invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise state.limit_error("max_nesting", f"{label}: nesting depth") from None
    if len(text) // 2 > state.limits.max_array:
        _check_sizes(value)
    return value


def _check_sizes(value: Any) -> None:
    """Check every container parsed against ``max_array`` (only needed for very long text)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if type(v) is list:
            check_array(len(v))
            stack.extend(x for x in v if type(x) is list or type(x) is dict)
        elif type(v) is dict:
            check_array(len(v))
            stack.extend(x for x in v.values() if type(x) is list or type(x) is dict)


def _parse(text: Any) -> Any:
    return _decode("json.parse", _need_text("json.parse", text))


def _safe_parse(text: Any, max_depth: Any = _SAFE_DEPTH_CAP) -> Any:
    if type(max_depth) is not int or max_depth < 0:
        raise MLTypeError(f"json.safeParse: maxDepth must be a non-negative integer, got {typeof(max_depth)}")
    limit = min(max_depth, _SAFE_DEPTH_CAP)
    return _decode("json.safeParse", _need_text("json.safeParse", text), limit)


def _validate(text: Any) -> bool:
    try:
        _decode("json.validate", _need_text("json.validate", text))
    except MLValueError:
        return False
    return True


# -- serialising ---------------------------------------------------------------------------


class _Frame:
    """One open container while encoding."""

    __slots__ = ("items", "is_object", "close", "key", "count", "level", "start")

    def __init__(self, items: Iterator[Any], is_object: bool, key: int, level: int, start: int) -> None:
        self.items = items
        self.is_object = is_object
        self.close = "}" if is_object else "]"
        self.key = key
        self.count = 0
        self.level = level
        self.start = start


class _Encoder:
    """Encodes one value as JSON text with an explicit stack."""

    __slots__ = ("label", "state", "indent", "parts", "size", "visits", "stack", "active", "done")

    def __init__(self, label: str, state: CallState, indent: int | None) -> None:
        self.label = label
        self.state = state
        self.indent = indent
        self.parts: list[str] = []
        self.size = 0
        self.visits = 0
        self.stack: list[_Frame] = []
        self.active: set[int] = set()
        #: finished containers: (id, level) → their text, or its (start, end) slice of parts
        self.done: dict[tuple[int, int], str | tuple[int, int]] = {}

    def run(self, value: Any) -> str:
        self.value(value, 0)
        while self.stack:
            self.step(self.stack[-1])
        return "".join(self.parts)

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.state.limits.max_string:
            raise self.state.limit_error("max_string", f"{self.label}: text produced")
        self.parts.append(text)

    def newline(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * (self.indent * level)

    def step(self, frame: _Frame) -> None:
        item = next(frame.items, _END)
        if item is _END:
            self.stack.pop()
            self.active.discard(frame.key)
            if frame.count:
                self.emit(self.newline(frame.level))
            self.emit(frame.close)
            self.done[(frame.key, frame.level)] = (frame.start, len(self.parts))
            return
        self.emit(("," if frame.count else "") + self.newline(frame.level + 1))
        frame.count += 1
        if frame.is_object:
            key, item = item
            self.emit(quote(key) + (":" if self.indent is None else ": "))
        self.value(item, frame.level + 1)

    def value(self, v: Any, level: int) -> None:
        self.visits += 1
        if self.visits > self.state.limits.max_visit:
            raise self.state.limit_error("max_visit", f"{self.label}: number of values")
        t = type(v)
        if t is str:
            self.emit(quote(v))
        elif t is list or t is dict:
            self.open(v, level)
        elif t is range:
            check_array(range_length(v))
            self.open(v, level)
        else:
            self.emit(self.scalar(v))

    def open(self, v: Any, level: int) -> None:
        key = id(v)
        done = self.done.get((key, level))
        if done is not None:
            if type(done) is tuple:
                done = "".join(self.parts[done[0] : done[1]])
                self.done[(key, level)] = done
            self.emit(done)  # type: ignore[arg-type]
            return
        if key in self.active:
            raise MLValueError(f"{self.label}: the value contains itself (a cycle) and cannot be serialised")
        if len(self.stack) >= self.state.limits.max_nesting:
            raise self.state.limit_error("max_nesting", f"{self.label}: nesting depth")
        is_object = type(v) is dict
        self.stack.append(
            _Frame(iter(v.items()) if is_object else iter(v), is_object, key, level, len(self.parts))
        )
        self.active.add(key)
        self.emit("{" if is_object else "[")

    def scalar(self, v: Any) -> str:
        t = type(v)
        if v is None:
            return "null"
        if t is bool:
            return "true" if v else "false"
        if t is int:
            return int_to_str(v)
        if t is float:
            if v != v or v in (float("inf"), float("-inf")):
                raise MLValueError(f"{self.label}: {float_to_str(v)} cannot be represented in JSON")
            return float_to_str(v)
        if isinstance(v, Opaque) and t is not Module:
            try:
                plain = v.ml_to_python()
            except MLTypeError:
                plain = _END
            if plain is None or type(plain) in (str, int, float, bool):
                return quote(plain) if type(plain) is str else self.scalar(plain)
        kind = "function" if t is Builtin or t is BoundMethod or callable(v) else typeof(v)
        raise MLTypeError(f"{self.label}: a {kind} cannot be serialised to JSON")


def _stringify(value: Any) -> str:
    return _Encoder("json.stringify", current(), None).run(value)


def _pretty_print(value: Any, indent: Any = 4) -> str:
    if type(indent) is not int or not 0 <= indent <= 16:
        raise MLValueError("json.prettyPrint: indent must be an integer from 0 to 16")
    return _Encoder("json.prettyPrint", current(), indent).run(value)


# -- helpers for objects -------------------------------------------------------------------


def _object(label: str, value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise MLTypeError(f"{label}: expects an object, got {typeof(value)}")
    return value


def _key(label: str, key: Any) -> str:
    if type(key) is not str:
        raise MLTypeError(f"{label}: expects a string key, got {typeof(key)}")
    return key


def _get(obj: Any, key: Any, default: Any = None) -> Any:
    return _object("json.get", obj).get(_key("json.get", key), default)


def _has_key(obj: Any, key: Any) -> bool:
    return _key("json.hasKey", key) in _object("json.hasKey", obj)


def _keys(obj: Any) -> list[str]:
    return list(_object("json.keys", obj))


def _values(obj: Any) -> list[Any]:
    return list(_object("json.values", obj).values())


def _merge(first: Any, second: Any) -> dict[str, Any]:
    a = _object("json.merge", first)
    b = _object("json.merge", second)
    if len(a) + len(b) > 4096:
        check_array(len(a) + len(b))
    return {**a, **b}


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "parse": _parse,
    "safeParse": _safe_parse,
    "validate": _validate,
    "stringify": _stringify,
    "prettyPrint": _pretty_print,
    "get": _get,
    "hasKey": _has_key,
    "keys": _keys,
    "values": _values,
    "merge": _merge,
    "isArray": lambda value: type(value) is list,
    "isObject": lambda value: type(value) is dict,
    "isString": lambda value: type(value) is str,
    "isNumber": _is_number,
    "isBoolean": lambda value: type(value) is bool,
    "isNull": lambda value: value is None,
}

_MEMBERS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"json.{name}()"), f"json.{name}") for name, fn in _FUNCTIONS.items()
}


def create(state: CallState) -> Module:
    """The ``json`` module for one call."""
    return Module("json", dict(_MEMBERS))
