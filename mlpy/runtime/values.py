"""ML values in Python: type names, callables, and calling them.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.compiler.abi`.

Representation (LANGUAGE.md §4): ``null`` is ``None``; booleans, integers, floats and strings
are Python's; arrays are ``list``; objects are ``dict`` with ``str`` keys in insertion order;
``range(...)`` gives a Python ``range`` (lazy). Functions are either

* ML functions: Python functions compiled from ML (their code's filename starts ``<ml``), or
* `Builtin` / `BoundMethod`: Python code of mlpy's own, wrapped so the guard can tell it
  apart from anything else callable.

Opaque values returned by standard modules subclass `Opaque` and expose only the methods
listed in their ``ml_methods`` table. Nothing else is ever callable or reachable from ML.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import FunctionType
from typing import Any, ClassVar

from mlpy.compiler.abi import ml_name
from mlpy.errors import MLTypeError

__all__ = [
    "Builtin",
    "BoundMethod",
    "Module",
    "Opaque",
    "call_value",
    "function_name",
    "is_callable",
    "is_ml_function",
    "typeof",
]


class Builtin(functools.partial[Any]):
    """A function implemented by mlpy in Python and callable from ML (builtins, module functions).

    A `functools.partial` subclass so that calling one is a C-level call (about half the cost
    of a Python ``__call__``, and builtins are called in hot loops). Its own type is what tells
    the call guard it is ML-callable; none of its Python attributes is reachable from ML.
    """

    __slots__ = ("name",)
    name: str

    def __new__(cls, fn: Callable[..., Any], name: str) -> Builtin:
        self = super().__new__(cls, fn)
        self.name = name
        return self

    @property
    def fn(self) -> Callable[..., Any]:
        """The Python function called."""
        return self.func

    def __repr__(self) -> str:
        return f"<builtin {self.name}>"


class BoundMethod:
    """A §5.2 method taken as a value (``f = "abc".upper``): the function and its receiver."""

    __slots__ = ("fn", "receiver", "name")

    def __init__(self, fn: Callable[..., Any], receiver: Any, name: str) -> None:
        self.fn = fn
        self.receiver = receiver
        self.name = name

    def __call__(self, *args: Any) -> Any:
        return self.fn(self.receiver, *args)

    def __repr__(self) -> str:
        return f"<method {self.name}>"


class Opaque:
    """Base of values a standard module returns (a date, a compiled regex).

    Subclasses set ``type_name`` (what ``typeof`` says) and ``ml_methods``: method name →
    plain function taking the receiver first. Only those names are reachable from ML.
    """

    __slots__ = ()
    type_name: ClassVar[str] = "opaque"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def ml_str(self) -> str:
        """How ``str()`` and ``print`` show the value."""
        return f"<{self.type_name}>"

    def ml_to_python(self) -> Any:
        """The plain Python value returned to the host for this value (§7.2)."""
        raise MLTypeError(f"a {self.type_name} value cannot be returned to the host")


_TYPE_NAMES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    range: "range",
    Builtin: "function",
    BoundMethod: "function",
    FunctionType: "function",
}


def typeof(value: Any) -> str:
    """The ML type name of ``value`` (§5.1 ``typeof``)."""
    name = _TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, Opaque):
        return value.type_name
    return "unknown"


def is_ml_function(value: Any) -> bool:
    """True for a Python function compiled from ML source."""
    return type(value) is FunctionType and value.__code__.co_filename.startswith("<ml")


def is_callable(value: Any) -> bool:
    """True for every value ML may call (§5.1 ``callable``)."""
    t = type(value)
    return t is Builtin or t is BoundMethod or (t is FunctionType and is_ml_function(value))


def function_name(value: Any) -> str:
    """The ML name of a callable, for messages."""
    if type(value) is FunctionType:
        name = ml_name(value.__name__)
        return "anonymous function" if name.startswith("__ml_") else name
    return str(getattr(value, "name", "function"))


def call_value(fn: Any, *args: Any) -> Any:
    """Call an ML value with ML arguments: the one door through which ML calls anything dynamic.

    Raises:
        MLTypeError: ``fn`` is not callable, or an ML function got the wrong number of arguments.
    """
    t = type(fn)
    if t is FunctionType:
        code = fn.__code__
        if not code.co_filename.startswith("<ml"):
            raise MLTypeError(f"{typeof(fn)} is not callable")
        if code.co_argcount != len(args):
            raise arity_error(fn, len(args))
        return fn(*args)
    if t is Builtin or t is BoundMethod:
        return fn(*args)
    raise MLTypeError(f"{typeof(fn)} is not callable")


def arity_error(fn: Any, given: int) -> MLTypeError:
    """The §2.2 error for calling ML function ``fn`` with ``given`` arguments."""
    expected = fn.__code__.co_argcount
    return MLTypeError(
        f"{function_name(fn)}() takes {expected} argument{'s' * (expected != 1)} "
        f"but {given} {'was' if given == 1 else 'were'} given"
    )


class Module(Opaque):
    """A standard module's value (``import math;``): its members are functions and constants.

    Member access on a module reads ``members``; nothing else of the object is reachable.
    """

    __slots__ = ("name", "members")
    type_name: ClassVar[str] = "module"

    def __init__(self, name: str, members: dict[str, Any]) -> None:
        self.name = name
        self.members = members

    def ml_str(self) -> str:
        return f"<module {self.name}>"
