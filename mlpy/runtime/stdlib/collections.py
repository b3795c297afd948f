"""The ``collections`` standard module (LANGUAGE.md §6.1): pure list helpers, list first.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Every function returns a new array and never changes its arguments. Callbacks are called with
`call_value` (so an ML function's argument count is checked), results are checked against
``max_array`` before they are built, and equality is ML ``==`` (§3.5).

Names, argument order and results follow the reference ML standard library
(``collections.append(list, x)``, list first). Choices where it is silent or unsafe:

* ``removeAt`` with an index out of range is an `MLIndexError` (the reference returned the
  list unchanged). ``get``/``first``/``last`` still give ``null`` when there is no such element
  and ``indexOf`` gives -1, as documented: these are answers, not error sentinels.
* ``reduce(list, f, initial?)``: without ``initial`` it starts with the first element; an
  empty list without ``initial`` is a `MLTypeError` (as the array method ``reduce``, §5.2).
* ``chunk``, ``every``, ``some``, ``sort`` and ``sortBy`` (§6.1) take the list first like the
  rest of this module; ``chunk`` with a size below 1 is a `MLValueError`.
* ``sort`` orders like the ``sort`` method (mixed types are a `MLTypeError`); ``sortBy`` calls
  the key function once per element and sorts stably by ML order of the keys.
* ``unique`` keeps the first of each group of ``==``-equal elements (``[1, 1.0, true]`` → ``[1]``).
* The snake_case aliases of the reference (``index_of``, ``remove_at``, ``is_empty``) exist too.

The argument helpers (`need_array`, `need_callable`, `need_int`, `freeze`, `unique_values`...)
are shared with `mlpy.runtime.stdlib.functional`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from mlpy.errors import MLIndexError, MLTypeError, MLValueError
from mlpy.runtime.format import Pacer
from mlpy.runtime.methods import arity_checked, index_of_value, sort_values
from mlpy.runtime.operators import check_array, check_cells, equal_to, lt
from mlpy.runtime.state import CallState, current, shared_threshold
from mlpy.runtime.values import BoundMethod, Builtin, Module, Opaque, call_value, is_callable, typeof

__all__ = [
    "MISSING",
    "builtin_table",
    "contains_value",
    "create",
    "freeze",
    "flatten_once",
    "index_of_value",
    "need_array",
    "need_callable",
    "need_int",
    "sort_by",
    "unique_values",
]

#: sizes above which a size check runs (a shared threshold, see `shared_threshold`)
FAST_SIZE = shared_threshold(globals())

#: marks an optional argument that was not given (``null`` is a real value)
MISSING: Any = object()

#: nodes `freeze` visits in one value before giving up (the value is then compared with ``==``)
_FREEZE_BUDGET = 100_000


# -- argument helpers (shared with functional) --------------------------------------------------


def need_array(fn: str, value: Any, what: str = "list") -> list[Any]:
    """``value`` if it is an array, else a `MLTypeError` naming ``fn`` and ``what``."""
    if type(value) is not list:
        raise MLTypeError(f"{fn}() expects an array as {what}, got {typeof(value)}")
    return value


def need_callable(fn: str, value: Any, what: str = "function") -> Any:
    """``value`` if ML can call it, else a `MLTypeError` naming ``fn`` and ``what``."""
    if not is_callable(value):
        raise MLTypeError(f"{fn}() expects a function as {what}, got {typeof(value)}")
    return value


def need_int(fn: str, value: Any, what: str) -> int:
    """``value`` as an integer (booleans count, §3.5), else a `MLTypeError`."""
    if type(value) is int or type(value) is bool:
        return int(value)
    raise MLTypeError(f"{fn}() expects an integer as {what}, got {typeof(value)}")


def builtin_table(module: str, functions: dict[str, Callable[..., Any]]) -> dict[str, Builtin]:
    """``functions`` wrapped as `Builtin` values named ``module.name`` with arity checks."""
    return {
        name: Builtin(arity_checked(fn, f"{module}.{name}()"), f"{module}.{name}")
        for name, fn in functions.items()
    }


def contains_value(items: list[Any], value: Any) -> bool:
    """True if some element ``== value`` (ML equality)."""
    return index_of_value(items, value) >= 0


def freeze(value: Any, *, exact: bool = False, pacer: Pacer | None = None) -> Hashable | None:
    """A hashable key for ``value``, or None when it has none (functions, opaque values, or a
    value too deep or too large to walk).

    With ``exact=False`` two values get equal keys exactly when they are ML ``==`` (numbers of
    any kind compare by value, object key order is ignored). With ``exact=True`` the keys also
    tell integers, floats and booleans apart and keep object key order (for `memoize`).
    The walk visits at most `_FREEZE_BUDGET` values; ``pacer`` counts them.
    """
    budget = [_FREEZE_BUDGET]
    max_depth = current().limits.max_nesting
    try:
        return _freeze(value, exact, 0, max_depth, budget)
    except _Unfreezable:
        return None
    finally:
        if pacer is not None:  # each element of a large array may cost a whole budget's walk
            pacer.step(_FREEZE_BUDGET - budget[0])


class _Unfreezable(Exception):
    pass


def _freeze(value: Any, exact: bool, depth: int, max_depth: int, budget: list[int]) -> Hashable:
    t = type(value)
    if t is str:
        return ("s", value)
    if t is int or t is float or t is bool:
        if exact:
            return ("b" if t is bool else "i" if t is int else "f", value)
        return ("n", value)
    if value is None:
        return ("z",)
    if t is not list and t is not dict:
        raise _Unfreezable
    budget[0] -= len(value) + 1
    if budget[0] < 0 or depth >= max_depth:
        raise _Unfreezable
    if t is list:
        return ("a", tuple(_freeze(v, exact, depth + 1, max_depth, budget) for v in value))
    pairs = ((k, _freeze(v, exact, depth + 1, max_depth, budget)) for k, v in value.items())
    return ("o", tuple(pairs)) if exact else ("o", frozenset(pairs))


def unique_values(items: list[Any]) -> list[Any]:
    """The elements of ``items`` without later ``==``-duplicates, in order.

    Cost: one hash per element, except for arrays and objects too large or deep to freeze
    (`freeze`), which are compared pairwise with ``==``: that is quadratic, so the deadline is
    checked as it goes (`Pacer`, one unit per comparison).
    """
    seen: set[Hashable] = set()
    others: list[Any] = []
    out: list[Any] = []
    pacer = Pacer()
    for item in items:
        key = freeze(item, pacer=pacer) if type(item) in (list, dict) else _flat_key(item)
        if key is None:
            pacer.step(len(others) + 1)
            if any(map(equal_to(item), others)):  # one visit budget for the whole row
                continue
            others.append(item)
        elif key in seen:
            continue
        else:
            seen.add(key)
        out.append(item)
    return out


def _flat_key(item: Any) -> Hashable | None:
    """A hashable key equal for ``==``-equal values that are not arrays or objects."""
    t = type(item)
    if t is str:
        return ("s", item)
    if t is int or t is bool or t is float:
        return ("n", item)
    if item is None:
        return ("z",)
    if t is range:
        return ("r", item)  # ranges are equal by value, and so are their hashes
    if t is BoundMethod:
        return ("m", id(item.fn), id(item.receiver))
    if isinstance(item, Opaque):
        try:
            return ("o", item)  # an opaque value defines its own equality (and hash)
        except TypeError:
            return None
    return ("i", id(item))  # functions and modules are equal only to themselves


class _OrderKey:
    """Sort key ordering with ML ``<`` (mixed types are a `MLTypeError`); every comparison
    counts on the sort's `Pacer`, so a long sort stops at the deadline."""

    __slots__ = ("value", "pacer")

    def __init__(self, value: Any, pacer: Pacer) -> None:
        self.value = value
        self.pacer = pacer

    def __lt__(self, other: _OrderKey) -> bool:
        self.pacer.step()
        return lt(self.value, other.value)


def sort_by(items: list[Any], keys: list[Any], reverse: bool = False) -> list[Any]:
    """``items`` sorted stably by the ML order of ``keys`` (one key per item)."""
    kinds = {type(k) for k in keys}
    order = list(range(len(items)))
    if kinds <= {int, float, bool} or kinds == {str}:
        order.sort(key=keys.__getitem__, reverse=reverse)
    else:
        pacer = Pacer()
        order.sort(key=lambda i: _OrderKey(keys[i], pacer), reverse=reverse)
    return [items[i] for i in order]


def _grown(n: int) -> None:
    check_array(n)


# -- the module functions -------------------------------------------------------------------


def _length(lst: Any) -> int:
    return len(need_array("collections.length", lst))


def _append(lst: Any, element: Any) -> list[Any]:
    items = need_array("collections.append", lst)
    _grown(len(items) + 1)
    return [*items, element]


def _prepend(lst: Any, element: Any) -> list[Any]:
    items = need_array("collections.prepend", lst)
    _grown(len(items) + 1)
    return [element, *items]


def _concat(lst1: Any, lst2: Any) -> list[Any]:
    a = need_array("collections.concat", lst1, "first list")
    b = need_array("collections.concat", lst2, "second list")
    _grown(len(a) + len(b))
    return a + b


def _get(lst: Any, index: Any) -> Any:
    items = need_array("collections.get", lst)
    i = need_int("collections.get", index, "index")
    return items[i] if -len(items) <= i < len(items) else None


def _first(lst: Any) -> Any:
    items = need_array("collections.first", lst)
    return items[0] if items else None


def _last(lst: Any) -> Any:
    items = need_array("collections.last", lst)
    return items[-1] if items else None


def _slice(lst: Any, start: Any, end: Any = None) -> list[Any]:
    items = need_array("collections.slice", lst)
    first = need_int("collections.slice", start, "start")
    if end is None:
        return items[first:]
    return items[first : need_int("collections.slice", end, "end")]


def _reverse(lst: Any) -> list[Any]:
    return need_array("collections.reverse", lst)[::-1]


def _contains(lst: Any, element: Any) -> bool:
    return contains_value(need_array("collections.contains", lst), element)


def _index_of(lst: Any, element: Any) -> int:
    return index_of_value(need_array("collections.indexOf", lst), element)


def _filter(lst: Any, predicate: Any) -> list[Any]:
    items = need_array("collections.filter", lst).copy()
    need_callable("collections.filter", predicate, "predicate")
    return [x for x in items if call_value(predicate, x)]


def _map(lst: Any, transform: Any) -> list[Any]:
    items = need_array("collections.map", lst).copy()
    need_callable("collections.map", transform, "transform")
    return [call_value(transform, x) for x in items]


def _find(lst: Any, predicate: Any) -> Any:
    items = need_array("collections.find", lst).copy()
    need_callable("collections.find", predicate, "predicate")
    for x in items:
        if call_value(predicate, x):
            return x
    return None


def _reduce(lst: Any, reducer: Any, initial: Any = MISSING) -> Any:
    items = need_array("collections.reduce", lst).copy()
    need_callable("collections.reduce", reducer, "reducer")
    if initial is MISSING:
        if not items:
            raise MLTypeError("collections.reduce() of an empty list with no initial value")
        initial = items.pop(0)
    acc = initial
    for x in items:
        acc = call_value(reducer, acc, x)
    return acc


def _remove_at(lst: Any, index: Any) -> list[Any]:
    items = need_array("collections.removeAt", lst)
    i = need_int("collections.removeAt", index, "index")
    if not 0 <= i < len(items):
        raise MLIndexError(f"collections.removeAt(): index {i} out of range (length {len(items)})")
    return items[:i] + items[i + 1 :]


def _is_empty(lst: Any) -> bool:
    return not need_array("collections.isEmpty", lst)


def _take(lst: Any, count: Any) -> list[Any]:
    return need_array("collections.take", lst)[: need_int("collections.take", count, "count")]


def _drop(lst: Any, count: Any) -> list[Any]:
    return need_array("collections.drop", lst)[need_int("collections.drop", count, "count") :]


def _unique(lst: Any) -> list[Any]:
    return unique_values(need_array("collections.unique", lst))


def _flatten(lst: Any) -> list[Any]:
    return flatten_once("collections.flatten", lst)


def flatten_once(label: str, lst: Any) -> list[Any]:
    """The elements of array ``lst``, with array elements spread one level (``label`` names the
    function in errors); the size is checked before building."""
    items = need_array(label, lst)
    check_array(sum(len(x) if type(x) is list else 1 for x in items))
    out: list[Any] = []
    for x in items:
        if type(x) is list:
            out.extend(x)
        else:
            out.append(x)
    return out


def _zip(lst1: Any, lst2: Any) -> list[list[Any]]:
    a = need_array("collections.zip", lst1, "first list")
    b = need_array("collections.zip", lst2, "second list")
    if min(len(a), len(b)) > FAST_SIZE:
        check_cells(min(len(a), len(b)), 2)  # the cells of all the pairs
    return [[x, y] for x, y in zip(a, b, strict=False)]


def _chunk(lst: Any, size: Any) -> list[list[Any]]:
    items = need_array("collections.chunk", lst)
    n = need_int("collections.chunk", size, "size")
    if n < 1:
        raise MLValueError(f"collections.chunk(): size must be at least 1, got {n}")
    return [items[i : i + n] for i in range(0, len(items), n)]


def _every(lst: Any, predicate: Any) -> bool:
    items = need_array("collections.every", lst).copy()
    need_callable("collections.every", predicate, "predicate")
    return all(call_value(predicate, x) for x in items)


def _some(lst: Any, predicate: Any) -> bool:
    items = need_array("collections.some", lst).copy()
    need_callable("collections.some", predicate, "predicate")
    return any(call_value(predicate, x) for x in items)


def _sort(lst: Any) -> list[Any]:
    items = need_array("collections.sort", lst).copy()
    sort_values(items)
    return items


def _sort_by(lst: Any, key_fn: Any) -> list[Any]:
    items = need_array("collections.sortBy", lst).copy()
    need_callable("collections.sortBy", key_fn, "key function")
    return sort_by(items, [call_value(key_fn, x) for x in items])


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "append": _append,
    "chunk": _chunk,
    "concat": _concat,
    "contains": _contains,
    "drop": _drop,
    "every": _every,
    "filter": _filter,
    "find": _find,
    "first": _first,
    "flatten": _flatten,
    "get": _get,
    "indexOf": _index_of,
    "isEmpty": _is_empty,
    "last": _last,
    "length": _length,
    "map": _map,
    "prepend": _prepend,
    "reduce": _reduce,
    "removeAt": _remove_at,
    "reverse": _reverse,
    "slice": _slice,
    "some": _some,
    "sort": _sort,
    "sortBy": _sort_by,
    "take": _take,
    "unique": _unique,
    "zip": _zip,
    # snake_case aliases of the reference library
    "index_of": _index_of,
    "remove_at": _remove_at,
    "is_empty": _is_empty,
}

_MEMBERS = builtin_table("collections", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``collections`` module for one call (its functions are stateless and shared)."""
    return Module("collections", dict(_MEMBERS))
