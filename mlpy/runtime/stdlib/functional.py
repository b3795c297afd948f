"""The ``functional`` standard module (LANGUAGE.md §6.1): composition and higher-order helpers.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Argument order follows the reference ML standard library: the function comes first
(``functional.map(f, list)``, ``functional.chunk(size, list)``, ``functional.times(n, f)``),
unlike ``collections`` where the list comes first. Functions that build functions (``compose``,
``pipe``, ``curry``, ``curry2``, ``partial``, ``memoize``, ``constant``, ``cond``, ``ifElse``,
``juxt``) return `Builtin` values; they check their function arguments when they are built.
Every result is a new array, checked against ``max_array`` before it is built.

Choices where the reference is silent or unsafe:

* "Iterables" are arrays, strings (their characters) and ranges.
* ``reduce(f, list, initial?)``: ``initial`` may be ``null`` (only a missing argument means
  "start with the first element"); an empty list without it is a `MLTypeError`.
* ``curry(f, arity?)`` reads the arity of an ML function; a builtin needs it given. Calls
  collect arguments until there are ``arity`` of them, then call ``f`` with exactly that many
  (extra arguments are dropped, as in the reference).
* ``memoize(f)``: one cache per memoized function, so per call (§7.4), holding at most
  `MEMO_SIZE` results (least recently used dropped first). Arguments are compared by value and
  type (``f(1)`` and ``f(1.0)`` are cached apart); a call whose arguments contain a function
  or an opaque value is not cached. A cached array or object is returned as it is (not copied).
* ``groupBy`` keys are strings; a number, boolean or null key is converted with ``str()``, any
  other key is a `MLTypeError`.
* ``chunk`` with a size below 1 and ``range`` with a step of 0 are `MLValueError`s.
* ``compose``/``pipe`` pass all arguments to the first function applied, one value after that;
  with no functions they are the identity.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from mlpy.errors import MLTypeError, MLValueError
from mlpy.runtime.format import to_str
from mlpy.runtime.member import range_length
from mlpy.runtime.operators import ALLOC_ELEMENT, charge_alloc, check_array, check_cells
from mlpy.runtime.state import CallState, shared_threshold
from mlpy.runtime.stdlib.collections import (
    MISSING,
    builtin_table,
    flatten_once,
    freeze,
    need_array,
    need_callable,
    need_int,
    unique_values,
)
from mlpy.runtime.values import Builtin, Module, call_value, function_name, is_ml_function, typeof

__all__ = ["MEMO_SIZE", "create"]

#: sizes above which bulk allocations are charged (a shared threshold, see `shared_threshold`)
FAST_SIZE = shared_threshold(globals())

#: results one memoized function keeps
MEMO_SIZE = 4096

#: the largest arity ``curry`` accepts
_MAX_ARITY = 255


def _items(fn: str, value: Any, what: str = "iterable") -> list[Any]:
    """A fresh list of the elements of an array, string or range."""
    t = type(value)
    if t is list:
        return list(value)
    if t is str:
        check_array(len(value))
        return list(value)
    if t is range:
        check_array(range_length(value))
        return list(value)
    raise MLTypeError(f"{fn}() expects an array as {what}, got {typeof(value)}")


def _count_args(name: str, args: tuple[Any, ...], n: int) -> None:
    if len(args) != n:
        s = "s" * (n != 1)
        was = "was" if len(args) == 1 else "were"
        raise MLTypeError(f"{name}() takes {n} argument{s} but {len(args)} {was} given")


def _functions(fn: str, values: Any, what: str = "functions") -> list[Any]:
    fns = list(need_array(fn, values, what))
    for f in fns:
        need_callable(fn, f, f"each of the {what}")
    return fns


# -- building functions ---------------------------------------------------------------------


def _chain(name: str, fns: list[Any]) -> Builtin:
    """Apply ``fns`` in order: the first gets every argument, the rest one value each."""

    def chained(*args: Any) -> Any:
        if not fns:
            _count_args(name, args, 1)
            return args[0]
        value = call_value(fns[0], *args)
        for f in fns[1:]:
            value = call_value(f, value)
        return value

    return Builtin(chained, name)


def _compose(*functions: Any) -> Builtin:
    fns = [need_callable("functional.compose", f, "each argument") for f in functions]
    return _chain("composed function", fns[::-1])


def _compose_all(functions: Any) -> Builtin:
    return _chain("composed function", _functions("functional.composeAll", functions)[::-1])


def _pipe(*functions: Any) -> Builtin:
    fns = [need_callable("functional.pipe", f, "each argument") for f in functions]
    return _chain("piped function", fns)


def _pipe_all(functions: Any) -> Builtin:
    return _chain("piped function", _functions("functional.pipeAll", functions))


def _curry(func: Any, arity: Any = None) -> Builtin:
    need_callable("functional.curry", func)
    if arity is None:
        if not is_ml_function(func):
            raise MLTypeError("functional.curry() needs the arity of a builtin function")
        n: int = func.__code__.co_argcount
    else:
        n = need_int("functional.curry", arity, "arity")
        if not 0 <= n <= _MAX_ARITY:
            raise MLValueError(f"functional.curry(): arity must be between 0 and {_MAX_ARITY}, got {n}")
    label = f"curried {function_name(func)}"

    def step(collected: tuple[Any, ...]) -> Builtin:
        def curried(*args: Any) -> Any:
            have = collected + args
            if len(have) >= n:
                return call_value(func, *have[:n])
            return step(have)

        return Builtin(curried, label)

    return step(())


def _curry2(func: Any) -> Builtin:
    need_callable("functional.curry2", func)
    label = f"curried {function_name(func)}"

    def outer(*args: Any) -> Builtin:
        _count_args(label, args, 1)
        a = args[0]

        def inner(*more: Any) -> Any:
            _count_args(label, more, 1)
            return call_value(func, a, more[0])

        return Builtin(inner, label)

    return Builtin(outer, label)


def _partial(func: Any, *args: Any) -> Builtin:
    need_callable("functional.partial", func)
    fixed = args

    def partial(*more: Any) -> Any:
        return call_value(func, *fixed, *more)

    return Builtin(partial, f"partial {function_name(func)}")


def _memoize(func: Any) -> Builtin:
    need_callable("functional.memoize", func)
    cache: OrderedDict[Hashable, Any] = OrderedDict()

    def memoized(*args: Any) -> Any:
        key = freeze(list(args), exact=True)
        if key is None:
            return call_value(func, *args)
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = call_value(func, *args)
        cache[key] = value
        if len(cache) > MEMO_SIZE:
            cache.popitem(last=False)
        return value

    return Builtin(memoized, f"memoized {function_name(func)}")


def _constant(value: Any) -> Builtin:
    def constant(*args: Any) -> Any:
        return value

    return Builtin(constant, "constant function")


def _identity(x: Any) -> Any:
    return x


def _cond(conditions: Any) -> Builtin:
    pairs: list[tuple[Any, Any]] = []
    for pair in need_array("functional.cond", conditions, "conditions"):
        if type(pair) is not list or len(pair) != 2:
            raise MLTypeError("functional.cond() expects [predicate, action] pairs")
        pairs.append(
            (
                need_callable("functional.cond", pair[0], "predicate"),
                need_callable("functional.cond", pair[1], "action"),
            )
        )

    def conditional(*args: Any) -> Any:
        _count_args("cond function", args, 1)
        for predicate, action in pairs:
            if call_value(predicate, args[0]):
                return call_value(action, args[0])
        return None

    return Builtin(conditional, "cond function")


def _if_else(predicate: Any, true_fn: Any, false_fn: Any) -> Builtin:
    need_callable("functional.ifElse", predicate, "predicate")
    need_callable("functional.ifElse", true_fn, "true function")
    need_callable("functional.ifElse", false_fn, "false function")

    def conditional(*args: Any) -> Any:
        _count_args("ifElse function", args, 1)
        chosen = true_fn if call_value(predicate, args[0]) else false_fn
        return call_value(chosen, args[0])

    return Builtin(conditional, "ifElse function")


def _juxt(functions: Any) -> Builtin:
    fns = _functions("functional.juxt", functions)

    def apply_all(*args: Any) -> list[Any]:
        return [call_value(f, *args) for f in fns]

    return Builtin(apply_all, "juxt function")


# -- higher-order functions over lists --------------------------------------------------------


def _map(func: Any, iterable: Any) -> list[Any]:
    need_callable("functional.map", func)
    return [call_value(func, x) for x in _items("functional.map", iterable)]


def _filter(predicate: Any, iterable: Any) -> list[Any]:
    need_callable("functional.filter", predicate, "predicate")
    return [x for x in _items("functional.filter", iterable) if call_value(predicate, x)]


def _reduce(func: Any, iterable: Any, initial: Any = MISSING) -> Any:
    need_callable("functional.reduce", func)
    items = _items("functional.reduce", iterable)
    if initial is MISSING:
        if not items:
            raise MLTypeError("functional.reduce() of an empty list with no initial value")
        initial = items.pop(0)
    acc = initial
    for x in items:
        acc = call_value(func, acc, x)
    return acc


def _for_each(func: Any, iterable: Any) -> None:
    need_callable("functional.forEach", func)
    for x in _items("functional.forEach", iterable):
        call_value(func, x)


def _find(predicate: Any, iterable: Any) -> Any:
    need_callable("functional.find", predicate, "predicate")
    for x in _items("functional.find", iterable):
        if call_value(predicate, x):
            return x
    return None


def _some(predicate: Any, iterable: Any) -> bool:
    need_callable("functional.some", predicate, "predicate")
    return any(call_value(predicate, x) for x in _items("functional.some", iterable))


def _every(predicate: Any, iterable: Any) -> bool:
    need_callable("functional.every", predicate, "predicate")
    return all(call_value(predicate, x) for x in _items("functional.every", iterable))


def _zip(*iterables: Any) -> list[list[Any]]:
    lists = [_items("functional.zip", it, "each argument") for it in iterables]
    if not lists:
        return []
    rows = min(len(x) for x in lists)
    if rows * len(lists) > FAST_SIZE:
        check_cells(rows, len(lists))  # rows x columns
    return [list(row) for row in zip(*lists, strict=False)]


def _range(start: Any, end: Any = None, step: Any = 1) -> list[int]:
    a = need_int("functional.range", start, "start")
    s = need_int("functional.range", step, "step")
    if s == 0:
        raise MLValueError("functional.range(): step must not be 0")
    r = range(a) if end is None else range(a, need_int("functional.range", end, "end"), s)
    check_array(range_length(r))
    if range_length(r) > FAST_SIZE:
        charge_alloc(range_length(r) * 5 * ALLOC_ELEMENT, "functional.range")  # an int object each
    return list(r)


def _repeat(value: Any, times: Any) -> list[Any]:
    n = need_int("functional.repeat", times, "times")
    check_array(n)
    if n > FAST_SIZE:
        charge_alloc(n * ALLOC_ELEMENT, "functional.repeat")
    return [value] * n


def _take(n: Any, iterable: Any) -> list[Any]:
    count = need_int("functional.take", n, "n")
    return _items("functional.take", iterable)[:count]


def _drop(n: Any, iterable: Any) -> list[Any]:
    count = need_int("functional.drop", n, "n")
    return _items("functional.drop", iterable)[count:]


def _flatten(nested: Any) -> list[Any]:
    return flatten_once("functional.flatten", nested)


def _chunk(size: Any, iterable: Any) -> list[list[Any]]:
    n = need_int("functional.chunk", size, "size")
    if n < 1:
        raise MLValueError(f"functional.chunk(): size must be at least 1, got {n}")
    items = _items("functional.chunk", iterable)
    return [items[i : i + n] for i in range(0, len(items), n)]


def _group_key(key: Any) -> str:
    t = type(key)
    if t is str:
        return key  # type: ignore[no-any-return]
    if t in (int, float, bool) or key is None:
        return to_str(key)
    raise MLTypeError(f"functional.groupBy(): a group key must be a string or number, got {typeof(key)}")


def _group_by(key_func: Any, iterable: Any) -> dict[str, list[Any]]:
    need_callable("functional.groupBy", key_func, "key function")
    groups: dict[str, list[Any]] = {}
    for item in _items("functional.groupBy", iterable):
        groups.setdefault(_group_key(call_value(key_func, item)), []).append(item)
    return groups


def _unique(iterable: Any) -> list[Any]:
    return unique_values(_items("functional.unique", iterable))


def _reverse(iterable: Any) -> list[Any]:
    return _items("functional.reverse", iterable)[::-1]


def _partition(predicate: Any, iterable: Any) -> list[list[Any]]:
    need_callable("functional.partition", predicate, "predicate")
    yes: list[Any] = []
    no: list[Any] = []
    for item in _items("functional.partition", iterable):
        (yes if call_value(predicate, item) else no).append(item)
    return [yes, no]


def _times(n: Any, func: Any) -> list[Any]:
    count = need_int("functional.times", n, "n")
    need_callable("functional.times", func)
    check_array(count)
    return [call_value(func, i) for i in range(count)]


def _zip_with(combiner: Any, iterable1: Any, iterable2: Any) -> list[Any]:
    need_callable("functional.zipWith", combiner, "combiner")
    a = _items("functional.zipWith", iterable1, "first list")
    b = _items("functional.zipWith", iterable2, "second list")
    return [call_value(combiner, x, y) for x, y in zip(a, b, strict=False)]


def _take_while(predicate: Any, iterable: Any) -> list[Any]:
    need_callable("functional.takeWhile", predicate, "predicate")
    out: list[Any] = []
    for item in _items("functional.takeWhile", iterable):
        if not call_value(predicate, item):
            break
        out.append(item)
    return out


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "compose": _compose,
    "composeAll": _compose_all,
    "pipe": _pipe,
    "pipeAll": _pipe_all,
    "curry": _curry,
    "curry2": _curry2,
    "partial": _partial,
    "memoize": _memoize,
    "constant": _constant,
    "identity": _identity,
    "cond": _cond,
    "ifElse": _if_else,
    "juxt": _juxt,
    "map": _map,
    "filter": _filter,
    "reduce": _reduce,
    "find": _find,
    "some": _some,
    "every": _every,
    "forEach": _for_each,
    "groupBy": _group_by,
    "partition": _partition,
    "take": _take,
    "drop": _drop,
    "takeWhile": _take_while,
    "chunk": _chunk,
    "flatten": _flatten,
    "unique": _unique,
    "zip": _zip,
    "zipWith": _zip_with,
    "times": _times,
    "range": _range,
    "repeat": _repeat,
    "reverse": _reverse,
    # snake_case aliases of the reference library
    "partial_apply": _partial,
    "for_each": _for_each,
    "group_by": _group_by,
}

_MEMBERS = builtin_table("functional", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``functional`` module for one call (its functions are stateless and shared)."""
    return Module("functional", dict(_MEMBERS))
