"""The host boundary (LANGUAGE.md §7.1, §7.2): context values in, the result out.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

`from_host` deep-copies a context value into ML values. A bad value is the host's mistake, so
it raises plain Python `TypeError`/`ValueError` naming the key and the path inside it
(``context['x'][2]['y']: set is not a JSON-like value``). Subclasses of the accepted types
(an ``IntEnum``, an ``OrderedDict``) are accepted and copied as the plain type.

`to_host` copies an ML value back to plain Python (ranges become lists). A function or an
opaque module value that has no plain form is a `MLTypeError`; the walk is bounded by
``max_nesting`` (a cycle stops there) and ``max_visit``, as `MLLimitError`.
"""

from __future__ import annotations

import re
from types import FunctionType
from typing import Any

from mlpy.errors import MLLimitError, MLTypeError
from mlpy.runtime.format import limit_reached
from mlpy.runtime.limits import Limits
from mlpy.runtime.member import range_length
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.values import BoundMethod, Builtin, Opaque, typeof

__all__ = ["from_host", "is_identifier", "to_host"]

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


class _Outbound:
    """One `to_host` conversion, bounded like formatting.

    A container met again is not copied again: the copy is shared, as `copy.deepcopy` does,
    and its size still counts against ``max_visit`` each time, so a DAG whose expansion is
    huge (``a = [a, a]`` doubled 40 times) is refused at once.
    """

    __slots__ = ("state", "visits", "done")

    def __init__(self, state: CallState) -> None:
        self.state = state
        self.visits = state.limits.max_visit
        #: id of a container already copied → (its copy, values visited to copy it)
        self.done: dict[int, tuple[Any, int]] = {}

    def spend(self, count: int) -> None:
        self.visits -= count
        if self.visits < 0:
            limit_reached("max_visit", "number of values in the result", self.state)

    def copy(self, value: Any, depth: int) -> Any:
        t = type(value)
        if value is None or t is bool or t is int or t is float or t is str:
            return value
        if t is list or t is dict:
            return self.copy_container(value, depth)
        self.spend(1)
        if t is range:
            if range_length(value) > self.state.limits.max_array:
                limit_reached("max_array", "range in the result", self.state)
            return list(value)
        return _other_out(value)

    def copy_container(self, value: list[Any] | dict[str, Any], depth: int) -> Any:
        seen = self.done.get(id(value))
        if seen is not None:
            self.spend(seen[1])
            return seen[0]
        if depth >= self.state.limits.max_nesting:
            limit_reached("max_nesting", "nesting depth of the result", self.state)
        before = self.visits
        self.spend(1)
        if isinstance(value, list):
            out: Any = [self.copy(v, depth + 1) for v in value]
        else:
            out = {k: self.copy(v, depth + 1) for k, v in value.items()}
        self.done[id(value)] = (out, before - self.visits)
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
        MLLimitError: it nests deeper than ``max_nesting`` (or is cyclic), or holds more
            than ``max_visit`` values.
    """
    state = _state()
    try:
        return _Outbound(state).copy(value, 0)
    except RecursionError:
        raise MLLimitError("the result is nested too deeply", limit="max_nesting") from None
