"""Member access, method calls, indexing, slicing, iteration and destructuring guards.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Implements LANGUAGE.md §3.8-§3.10 and §2.4-§2.6. The only names a value exposes are its
object keys, ``length`` (strings, arrays, objects) and its §5.2 methods (or, for an opaque
module value, its ``ml_methods``). Python attributes are never looked up: no function here
calls ``getattr`` with a name that came from ML. A standard module (`Module`) exposes exactly
the entries of its ``members`` table.

Choices where the spec is silent:

* A boolean index counts as 0 or 1, as in Python (``a[true]`` is ``a[1]``); a float index is a
  `MLTypeError`. A number object key is its string form (``o[1]`` is ``o["1"]``, §2.5,
  `methods.object_key`); any other key type is a `MLTypeError`, not a missing key.
* Destructuring anything that is not an array or string is a `MLValueError` (§2.6).
* ``o.m(args)`` calls the value under key ``m`` if it is a function, or if there is no object
  method ``m``; a non-function stored under a method name (``{items: [1]}.items()``) does
  not hide the method.
* A slice of a range is an array (checked against ``max_array``).
* ``for`` over an object walks a snapshot of its keys; over an array, the live array.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mlpy.errors import MLIndexError, MLKeyError, MLTypeError, MLValueError
from mlpy.runtime.format import check_deadline, quote_brief
from mlpy.runtime.methods import (
    ARRAY_METHODS,
    OBJECT_METHODS,
    STRING_METHODS,
    UNCHECKED_METHODS,
    binding_failed,
    method_arity_error,
    object_key,
)
from mlpy.runtime.operators import FAST_SIZE, check_array
from mlpy.runtime.values import BoundMethod, Module, Opaque, call_value, is_callable, typeof

__all__ = [
    "MLIterator",
    "call_method",
    "get_item",
    "get_member",
    "get_slice",
    "has_member",
    "iterate",
    "range_length",
    "set_item",
    "set_member",
    "unpack",
    "unpack_keys",
]


class MLIterator(Opaque):
    """The opaque value ``iter(v)`` returns; ``next(it)`` advances it."""

    __slots__ = ("iterator",)
    type_name = "iterator"

    def __init__(self, iterator: Iterator[Any]) -> None:
        self.iterator = iterator

    def ml_to_python(self) -> Any:
        raise MLTypeError("an iterator cannot be returned to the host")


def _name(name: str) -> str:
    return name if len(name) <= 60 else name[:60] + "..."


def _no_member(obj: Any, name: str) -> MLTypeError:
    return MLTypeError(f"{typeof(obj)} has no member '{_name(name)}'")


# -- members -------------------------------------------------------------------------------


def get_member(obj: Any, name: str) -> Any:
    """ML ``obj.name`` (§3.9): key, then ``length``, then a method, then null for objects.

    Raises:
        MLTypeError: a value other than an object has no such member.
    """
    t = type(obj)
    if t is dict:
        if name in obj:
            return obj[name]
        if name == "length":
            return len(obj)
        fn = OBJECT_METHODS.get(name)
        return None if fn is None else BoundMethod(fn, obj, name)
    if t is str or t is list:
        if name == "length":
            return len(obj)
        fn = (STRING_METHODS if t is str else ARRAY_METHODS).get(name)
    elif t is Module:
        return _module_member(obj, name)
    elif isinstance(obj, Opaque):
        fn = type(obj).ml_methods.get(name)
    else:
        fn = None
    if fn is None:
        raise _no_member(obj, name)
    return BoundMethod(fn, obj, name)


def _module_member(module: Module, name: str) -> Any:
    members = module.members
    if name not in members:
        raise MLTypeError(f"module {module.name} has no member '{_name(name)}'")
    return members[name]


def has_member(obj: Any, name: str) -> bool:
    """True if `get_member` would find ``name`` on ``obj`` (``hasattr``, §5.1)."""
    t = type(obj)
    if t is dict:
        return name in obj or name == "length" or name in OBJECT_METHODS
    if t is str:
        return name == "length" or name in STRING_METHODS
    if t is list:
        return name == "length" or name in ARRAY_METHODS
    if t is Module:
        return name in obj.members
    if isinstance(obj, Opaque):
        return name in type(obj).ml_methods
    return False


def set_member(obj: Any, name: str, value: Any) -> None:
    """ML ``obj.name = value`` (§2.5).

    Raises:
        MLTypeError: ``obj`` is not an object.
    """
    if type(obj) is not dict:
        raise MLTypeError(f"cannot set member '{_name(name)}' of {typeof(obj)}")
    if name not in obj and len(obj) >= FAST_SIZE:
        check_array(len(obj) + 1)
    obj[name] = value


def call_method(obj: Any, name: str, *args: Any) -> Any:
    """ML ``obj.name(args)`` (§3.10), without building a bound method.

    Raises:
        MLTypeError: ``obj`` has no such method, or the method's own argument errors.
    """
    t = type(obj)
    if t is list:
        fn = _ARRAY.get(name)
    elif t is str:
        fn = _STRING.get(name)
    elif t is dict:
        if name in obj and (name not in _OBJECT or is_callable(obj[name])):
            return call_value(obj[name], *args)
        fn = _OBJECT.get(name)
    elif t is Module:
        return call_value(_module_member(obj, name), *args)
    elif isinstance(obj, Opaque):
        fn = type(obj).ml_methods.get(name)
    else:
        fn = None
    if fn is None:
        raise _no_method(obj, name)
    if (t is list or t is str or t is dict) and len(obj) > FAST_SIZE and name not in _CONSTANT_TIME:
        check_deadline()  # a method whose work grows with a large receiver: see `check_deadline`
    try:
        return fn(obj, *args)
    except TypeError as exc:  # the methods check their argument types, so only a bad count
        if binding_failed(exc):
            raise method_arity_error(fn, typeof(obj), name, len(args)) from None
        raise


#: methods whose cost does not grow with the receiver: no deadline check needed before them
_CONSTANT_TIME = frozenset({"push", "append", "pop", "get", "has", "set", "delete", "length"})

_STRING = UNCHECKED_METHODS[str]
_ARRAY = UNCHECKED_METHODS[list]
_OBJECT = UNCHECKED_METHODS[dict]


def _no_method(obj: Any, name: str) -> MLTypeError:
    if name == "length" and type(obj) in (str, list, dict):
        return MLTypeError("length is not a method: write .length without ()")
    return MLTypeError(f"{typeof(obj)} has no method '{_name(name)}'")


# -- indexing ------------------------------------------------------------------------------


def range_length(r: range) -> int:
    """``len(r)`` even for a range longer than Python's ``len`` allows."""
    try:
        return len(r)
    except OverflowError:
        if r.step > 0:
            return max(0, (r.stop - r.start + r.step - 1) // r.step)
        return max(0, (r.start - r.stop - r.step - 1) // -r.step)


def _size(obj: Any) -> int:
    return range_length(obj) if type(obj) is range else len(obj)


def _show_index(i: int) -> str:
    return str(i) if i.bit_length() <= 64 else "(a very large integer)"


def _index_error(obj: Any, index: int) -> MLIndexError:
    return MLIndexError(f"{typeof(obj)} index {_show_index(int(index))} out of range (length {_size(obj)})")


def get_item(obj: Any, key: Any) -> Any:
    """ML ``obj[key]`` (§3.8).

    Raises:
        MLIndexError: an index out of range. MLKeyError: a missing object key.
        MLTypeError: ``obj`` cannot be indexed, or ``key`` has the wrong type.
    """
    t = type(obj)
    tk = type(key)
    if t is list or t is str or t is range:
        if tk is int or tk is bool:
            try:
                return obj[key]
            except IndexError:
                raise _index_error(obj, key) from None
        raise MLTypeError(f"{typeof(obj)} index must be an integer, not {typeof(key)}")
    if t is dict:
        if tk is not str:
            key = object_key(key)
        try:
            return obj[key]
        except KeyError:
            raise MLKeyError(f"key {quote_brief(key)} not found") from None
    raise MLTypeError(f"cannot index {typeof(obj)}")


def set_item(obj: Any, key: Any, value: Any) -> None:
    """ML ``obj[key] = value`` (§2.5): an array element in range, or an object key.

    Raises:
        MLIndexError: the index is out of range. MLTypeError: any other target or key type.
    """
    t = type(obj)
    tk = type(key)
    if t is list:
        if tk is not int and tk is not bool:
            raise MLTypeError(f"array index must be an integer, not {typeof(key)}")
        try:
            obj[key] = value
        except IndexError:
            raise _index_error(obj, key) from None
    elif t is dict:
        if tk is not str:
            key = object_key(key)
        if key not in obj and len(obj) >= FAST_SIZE:
            check_array(len(obj) + 1)
        obj[key] = value
    elif t is str:
        raise MLTypeError("cannot assign to an index of a string: strings are immutable")
    else:
        raise MLTypeError(f"cannot assign to an index of {typeof(obj)}")


def _slice_part(value: Any) -> int | None:
    tv = type(value)
    if value is None or tv is int or tv is bool:
        return None if value is None else int(value)
    raise MLTypeError(f"slice bounds must be integers or null, not {typeof(value)}")


def get_slice(obj: Any, start: Any, stop: Any, step: Any) -> Any:
    """ML ``obj[start:stop:step]`` (§3.8); omitted parts are None; a range gives an array.

    Raises:
        MLValueError: the step is zero. MLTypeError: ``obj`` cannot be sliced or a bound is
        not an integer. MLLimitError: a range slice longer than ``max_array``.
    """
    part = slice(_slice_part(start), _slice_part(stop), _slice_part(step))
    if part.step == 0:
        raise MLValueError("slice step cannot be zero")
    t = type(obj)
    if t is list or t is str:
        if len(obj) > FAST_SIZE:
            check_deadline()
        return obj[part]
    if t is range:
        sub = obj[part]
        check_array(range_length(sub))
        return list(sub)
    raise MLTypeError(f"cannot slice {typeof(obj)}")


# -- iteration and destructuring -----------------------------------------------------------


def iterate(v: Any) -> Iterable[Any]:
    """What ``for (x in v)`` walks (§2.4): elements, keys (a snapshot), characters, numbers.

    Raises:
        MLTypeError: ``v`` cannot be iterated.
    """
    t = type(v)
    if t is list or t is str or t is range:
        return v  # type: ignore[no-any-return]
    if t is dict:
        if len(v) > FAST_SIZE:
            check_deadline()
        return list(v)
    if t is MLIterator:
        return v.iterator  # type: ignore[no-any-return]
    raise MLTypeError(f"cannot iterate over {typeof(v)}")


def unpack(v: Any, n: int) -> Sequence[Any]:
    """``[a, b] = v`` (§2.6): ``v`` itself when it is an array or string of exactly ``n`` items.

    Raises:
        MLValueError: ``v`` is not an array or string, or its length is not ``n``.
    """
    t = type(v)
    if (t is list or t is str) and len(v) == n:
        return v  # type: ignore[no-any-return]
    if t is list:
        got = f"{len(v)}"
    elif t is str:
        got = f"a string of {len(v)} characters"
    else:
        got = typeof(v)
    raise MLValueError(f"expected an array of {n} value{'s' * (n != 1)}, got {got}")


def unpack_keys(obj: Any, names: Sequence[str]) -> tuple[Any, ...]:
    """``{a, b} = obj`` (§2.6): the values of keys ``names``, in order.

    Raises:
        MLTypeError: ``obj`` is not an object. MLKeyError: a key is missing (named).
    """
    if type(obj) is not dict:
        raise MLTypeError(f"cannot destructure {typeof(obj)}: expected an object")
    values = []
    for name in names:
        if name not in obj:
            raise MLKeyError(f"key {quote_brief(name)} not found")
        values.append(obj[name])
    return tuple(values)
