"""The ML ``string`` module (LANGUAGE.md §6.1): safe templates, repetition and padding.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

``format(template, values)`` replaces each ``{field}`` of the template by a value, looked
up by key only, with a small parser written for it: Python's ``str.format`` is never used,
so no field can reach an attribute, an index or a conversion (``{a.__class__}`` and
``{0[0]}`` are just field names that are not keys). The rules:

* ``values`` is an object: ``{name}`` is the value of key ``name`` (the text between the
  braces, exactly); or an array: ``{0}``, ``{1}``... are its elements and ``{}`` the next one
  (the reference's positional style, ``format("{} + {}", [1, 2])``).
* ``{{`` and ``}}`` are a literal ``{`` and ``}``; a lone ``}`` or an unclosed ``{`` is a
  `MLValueError`.
* A missing key is a `MLKeyError`, an index out of range a `MLIndexError` (the reference
  returns the template unchanged); values are converted with ``str()`` (§5.3).

``repeat(text, count)`` and ``pad(text, width, fill=" ")`` (which centres, like lodash's
``pad``), ``padLeft`` and ``padRight`` check ``max_string`` before building anything. A
fill of several characters is repeated and cut to fit, as JavaScript's ``padStart`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLIndexError, MLKeyError, MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import charge_alloc, check_string
from mlpy.runtime.state import CallState, current, shared_threshold
from mlpy.runtime.values import Builtin, Module, typeof

__all__ = ["create"]

#: results up to this size are not checked against max_string (a shared threshold, exact for
#: every call's limits)
FAST_SIZE = shared_threshold(globals())


def _str(label: str, value: Any, what: str = "a string") -> str:
    if type(value) is not str:
        raise MLTypeError(f"{label}: expects {what}, got {typeof(value)}")
    return value


def _int(label: str, value: Any) -> int:
    if type(value) is int or type(value) is bool:
        return int(value)
    raise MLTypeError(f"{label}: expects an integer, got {typeof(value)}")


#: one token of a template: an escaped brace, a field, or a stray brace
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _format(template: Any, values: Any) -> str:
    text = _str("string.format", template, "a template string")
    if type(values) is not dict and type(values) is not list:
        raise MLTypeError(f"string.format: the values must be an object or an array, got {typeof(values)}")
    state = current()
    room = state.limits.max_string - len(text)  # what the values may add to the template's size
    parts: list[str] = []
    added = 0
    auto = 0  # the next index for "{}"
    pos = 0
    for m in _TOKEN.finditer(text):
        start = m.start()
        if start > pos:
            parts.append(text[pos:start])
        pos = m.end()
        token = m.group()
        if token == "{{":
            parts.append("{")
        elif token == "}}":
            parts.append("}")
        elif token == "{":
            raise MLValueError(f"string.format: '{{' at position {start} is not closed")
        elif token == "}":
            raise MLValueError(f"string.format: single '}}' at position {start} (write '}}}}' for a brace)")
        else:
            field = m.group(1)
            if field == "" and type(values) is list:
                field = str(auto)
                auto += 1
            shown = to_str(_lookup(values, field))
            added += len(shown)
            if added > room:
                raise state.limit_error("max_string", "string.format: text produced")
            parts.append(shown)
    parts.append(text[pos:])
    return "".join(parts)


def _lookup(values: dict[str, Any] | list[Any], field: str) -> Any:
    if isinstance(values, dict):
        if field not in values:
            raise MLKeyError(f"string.format: key {quote_brief(field)} not found in the values")
        return values[field]
    if not field.isascii() or not field.isdigit():
        raise MLKeyError(
            f"string.format: field {quote_brief(field)} is not an index (the values are an array)"
        )
    index = int(field)
    if index >= len(values):
        raise MLIndexError(f"string.format: index {field} out of range ({len(values)} values)")
    return values[index]


def _repeat(text: Any, count: Any) -> str:
    s = _str("string.repeat", text)
    n = _int("string.repeat", count)
    if n <= 0:
        return ""
    if len(s) * n > FAST_SIZE:
        check_string(len(s) * n)
        charge_alloc(len(s) * n, "string.repeat")
    return s * n


def _fill(label: str, fill: Any, length: int) -> str:
    """``length`` characters of ``fill`` repeated (and cut)."""
    f = _str(label, fill, "a fill string")
    if not f:
        raise MLValueError(f"{label}: the fill string cannot be empty")
    return (f * (length // len(f) + 1))[:length]


def _padding(label: str, text: Any, width: Any) -> tuple[str, int]:
    s = _str(label, text)
    w = _int(label, width)
    missing = w - len(s)
    if missing > FAST_SIZE:
        check_string(w)
    return s, max(missing, 0)


def _pad(text: Any, width: Any, fill: Any = " ") -> str:
    s, missing = _padding("string.pad", text, width)
    left = missing // 2
    return _fill("string.pad", fill, left) + s + _fill("string.pad", fill, missing - left)


def _pad_left(text: Any, width: Any, fill: Any = " ") -> str:
    s, missing = _padding("string.padLeft", text, width)
    return _fill("string.padLeft", fill, missing) + s


def _pad_right(text: Any, width: Any, fill: Any = " ") -> str:
    s, missing = _padding("string.padRight", text, width)
    return s + _fill("string.padRight", fill, missing)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "repeat": _repeat,
    "pad": _pad,
    "padLeft": _pad_left,
    "padRight": _pad_right,
}

_MEMBERS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"string.{name}()"), f"string.{name}") for name, fn in _FUNCTIONS.items()
}


def create(state: CallState) -> Module:
    """The ``string`` module for one call."""
    return Module("string", dict(_MEMBERS))
