"""The host boundary (LANGUAGE.md §7.1, §7.2): context values in, the result out.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

`from_host` deep-copies a context value into ML values. A bad value is the host's mistake, so
it raises plain Python `TypeError`/`ValueError` naming the key and the path inside it
(``context['x'][2]['y']: set is not a JSON-like value``). Subclasses of the accepted types
(an ``IntEnum``, an ``OrderedDict``) are accepted and copied as the plain type.

`to_host` copies an ML value back to plain Python (ranges become lists). A function or an
opaque module value that has no plain form is a `MLTypeError`; the walk is bounded by
``max_nesting`` (a cycle stops there) and ``max_visit``, as `MLLimitError`. It also measures
the JSON text the copy will become (``, `` and ``: `` separators, string escapes, each shared
reference counted every time it is written out) and refuses more than ``max_result``
characters *before* anything is encoded: ``s = "a" * 10000000; result = [s] * 100;`` is a
`MLLimitError`, not a gigabyte response.
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring
from types import FunctionType
from typing import Any

from mlpy.errors import MLLimitError, MLTypeError
from mlpy.runtime.format import float_to_str, limit_reached
from mlpy.runtime.limits import Limits
from mlpy.runtime.member import range_length
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.values import BoundMethod, Builtin, Opaque, typeof

__all__ = ["from_host", "is_identifier", "json_size", "to_host"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: a path inside a context value: (parent path, key or index), or the context key itself
_Path = tuple[Any, Any]


def is_identifier(name: Any) -> bool:
    """True if ``name`` is an ML identifier: ASCII ``[A-Za-z_][A-Za-z0-9_]*``, not ``__...``."""
    return type(name) is str and _IDENTIFIER.fullmatch(name) is not None and not name.startswith("__")


def _state() -> CallState:
    """The running call, or a default one when converting outside a call."""
    state = CURRENT.get(None)
    return state if state is not None else CallState(Limits())


# -- into ML -------------------------------------------------------------------------------


def _show_path(path: _Path | str) -> str:
    parts: list[str] = []
    node: Any = path
    while type(node) is tuple:
        node, step = node
        parts.append(f"[{step!r}]")
    parts.reverse()
    if len(parts) > 12:  # a very deep path: keep its two ends
        parts = [*parts[:6], "...", *parts[-6:]]
    return f"context[{node!r}]" + "".join(parts)


class _Slow(Exception):
    """The fast copy met something only the careful copy handles."""


class _Inbound:
    """One `from_host` conversion: its limits and the values it may still visit."""

    __slots__ = ("visits", "max_nesting", "done", "limits")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.visits = limits.max_visit
        self.max_nesting = limits.max_nesting
        #: id of a list, tuple or dict already copied → its copy (sharing is kept, as
        #: `copy.deepcopy` keeps it)
        self.done: dict[int, Any] = {}

    def copy(self, value: Any, path: Any, depth: int) -> Any:
        t = type(value)
        if value is None or t is bool or t is int or t is float or t is str:
            return value
        self.visits -= 1
        if self.visits < 0:
            raise ValueError(f"{_show_path(path)}: more than max_visit={self.limits.max_visit} values")
        if isinstance(value, int | float | str):
            return _plain_scalar(value)
        if not isinstance(value, list | tuple | dict):
            raise TypeError(f"{_show_path(path)}: {type(value).__name__} is not a JSON-like value")
        if id(value) in self.done:
            return self.done[id(value)]
        if depth >= self.max_nesting:
            raise ValueError(f"{_show_path(path)}: nested deeper than max_nesting={self.max_nesting}")
        if isinstance(value, dict):
            out: Any = self.copy_dict(value, path, depth)
        else:
            out = [self.copy(v, (path, i), depth + 1) for i, v in enumerate(value)]
        self.done[id(value)] = out
        return out

    def fast(self, value: Any, depth: int) -> Any:
        """`copy` for the common case: exact JSON types, no path kept; raises `_Slow` for
        anything else (tuples, subclasses, a bad type or key, a limit) so that `copy` can redo
        the work and report the precise path."""
        t = type(value)
        if t is str or t is int or t is float or t is bool or value is None:
            return value
        if t is not list and t is not dict:
            raise _Slow
        done = self.done.get(id(value))
        if done is not None:
            return done
        self.visits -= len(value) + 1
        if self.visits < 0 or depth >= self.max_nesting:
            raise _Slow
        fast = self.fast
        out: Any
        if t is list:
            out = [
                v
                if (type(v) is str or type(v) is int or type(v) is float or v is None or type(v) is bool)
                else fast(v, depth + 1)
                for v in value
            ]
        else:
            out = {}
            for k, v in value.items():
                if type(k) is not str:
                    raise _Slow
                tv = type(v)
                out[k] = (
                    v
                    if (tv is str or tv is int or tv is float or v is None or tv is bool)
                    else fast(v, depth + 1)
                )
        self.done[id(value)] = out
        return out

    def copy_dict(self, value: dict[Any, Any], path: Any, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{_show_path(path)}: key {key!r} is not a string")
            key = str.__str__(key)
            out[key] = self.copy(item, (path, key), depth + 1)
        return out


def _plain_scalar(value: int | float | str) -> Any:
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    return float(value)


def from_host(value: Any, key: str) -> Any:
    """A deep copy of context value ``value`` (passed under ``key``) as an ML value (§7.1).

    Raises:
        TypeError: a value (or object key) of a type that is not JSON-like, with its path.
        ValueError: the value nests deeper than ``max_nesting`` or holds more than
            ``max_visit`` values.
    """
    limits = _state().limits
    try:
        try:
            return _Inbound(limits).fast(value, 0)
        except _Slow:
            return _Inbound(limits).copy(value, key, 0)
    except RecursionError:
        raise ValueError(f"{_show_path(key)}: nested too deeply") from None


# -- back to the host ----------------------------------------------------------------------


#: characters JSON needs beyond the text itself: a backslash for these, \u00XX for other controls
_ESCAPED_ONE = re.compile(r'["\\\n\r\t\b\f]')
_CONTROL = re.compile(r"[\x00-\x07\x0b\x0e-\x1f]")
#: strings up to this long are measured exactly by encoding them
_ENCODE_SMALL = 256
#: log10(2), to bound the digits of an integer from its bits
_LOG10_2 = 0.30102999566398120


def json_size(s: str) -> int:
    """Characters of ``s`` as a JSON string (quotes and escapes; non-ASCII kept as it is)."""
    if len(s) <= _ENCODE_SMALL:
        return len(encode_basestring(s))
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return len(s) + 2
    # one C scan per kind of escape; sub() copies at most the string itself, once
    extra = len(s) - len(_ESCAPED_ONE.sub("", s)) + 5 * (len(s) - len(_CONTROL.sub("", s)))
    return len(s) + 2 + extra


class _Outbound:
    """One `to_host` conversion, bounded like formatting, measuring its JSON text.

    A container met again is not copied again: the copy is shared, as `copy.deepcopy` does,
    and its size still counts against ``max_visit`` and ``max_result`` each time, so a DAG
    whose expansion is huge (``a = [a, a]`` doubled 40 times) is refused at once.
    """

    __slots__ = ("state", "visits", "done", "room", "sizes")

    def __init__(self, state: CallState) -> None:
        self.state = state
        self.visits = state.limits.max_visit
        #: characters of JSON text still allowed (``max_result``)
        self.room = state.limits.max_result
        #: id of a container already copied → (its copy, values visited, characters)
        self.done: dict[int, tuple[Any, int, int]] = {}
        #: id of a long string already measured → its JSON size
        self.sizes: dict[int, int] = {}

    def spend(self, count: int, chars: int) -> None:
        self.visits -= count
        if self.visits < 0:
            limit_reached("max_visit", "number of values in the result", self.state)
        self.room -= chars

    def finish(self, out: Any) -> Any:
        """``out``, if its JSON text fits ``max_result``. (The copy shares what the value
        shares, so it is no larger than the value: the text is what would blow up, and it is
        only built by the host, after this check.)"""
        if self.room < 0:
            limit_reached("max_result", "JSON text of the value leaving the sandbox", self.state)
        return out

    def copy(self, value: Any, depth: int) -> Any:
        t = type(value)
        if t is str:
            self.spend(0, self.text_size(value))
            return value
        if value is None or t is bool:
            self.spend(0, 5)
            return value
        if t is int:
            self.spend(0, 2 + int(value.bit_length() * _LOG10_2))
            return value
        if t is float:
            self.spend(0, len(float_to_str(value)))
            return value
        if t is list or t is dict:
            return self.copy_container(value, depth)
        if t is range:
            n = range_length(value)
            if n > self.state.limits.max_array:
                limit_reached("max_array", "range in the result", self.state)
            width = 4 + int(max(abs(value.start), abs(value.stop)).bit_length() * _LOG10_2)
            self.spend(1 + n, 2 + n * width)
            return list(value)
        self.spend(1, 0)
        return _other_out(value)

    def text_size(self, s: str) -> int:
        if len(s) <= _ENCODE_SMALL:
            return len(s) + 2 if s.isalnum() else json_size(s)
        size = self.sizes.get(id(s))
        if size is None:
            size = self.sizes[id(s)] = json_size(s)
        return size

    def copy_container(self, value: list[Any] | dict[str, Any], depth: int) -> Any:
        seen = self.done.get(id(value))
        if seen is not None:
            self.spend(seen[1], seen[2])
            return seen[0]
        if depth >= self.state.limits.max_nesting:
            limit_reached("max_nesting", "nesting depth of the result", self.state)
        before = (self.visits, self.room)
        self.spend(1, 2 + 2 * max(len(value) - 1, 0))  # brackets and ", " separators
        if isinstance(value, list):
            out: Any = [self.copy(v, depth + 1) for v in value]
        else:
            out = {}
            for k, v in value.items():
                self.spend(0, self.text_size(k) + 2)  # the key and ": "
                out[k] = self.copy(v, depth + 1)
        self.done[id(value)] = (out, before[0] - self.visits, before[1] - self.room)
        return out


def _other_out(value: Any) -> Any:
    t = type(value)
    if t is Builtin or t is BoundMethod or t is FunctionType:
        raise MLTypeError("result contains a function; functions cannot be returned")
    if isinstance(value, Opaque):
        return value.ml_to_python()
    raise MLTypeError(f"result contains a value of type {typeof(value)}, which cannot be returned")


def to_host(value: Any) -> Any:
    """A deep copy of ML ``value`` as plain Python values for the host (§7.2).

    Raises:
        MLTypeError: the value contains a function or an opaque value with no plain form.
        MLLimitError: it nests deeper than ``max_nesting`` (or is cyclic), holds more
            than ``max_visit`` values, or its JSON text would exceed ``max_result``
            characters.
    """
    state = _state()
    outbound = _Outbound(state)
    try:
        return outbound.finish(outbound.copy(value, 0))
    except RecursionError:
        raise MLLimitError("the result is nested too deeply", limit="max_nesting") from None
