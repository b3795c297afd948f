"""Sorting in ML order: ``sorted(a, key, reverse)`` and the array method ``sort`` (§5.1, §5.2).

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

The optional arguments are told apart by type, in one place (`sort_options`): a function is
the key, a boolean is ``reverse``, anything else is a `MLTypeError` (a function was once taken
silently as a true ``reverse``). In the three-argument form ``null`` stands for "no key".

Cost bounds (the array is at most ``max_array`` elements, so ``n log n`` comparisons):

* all numbers, or all strings, without a key: Python's own sort, in C (about 1 s for
  5 million numbers on a slow machine), after one deadline check;
* anything else: each comparison goes through ML ``<`` (`operators.lt`, itself bounded by
  ``max_visit`` and ``max_nesting``), and every `CHECK_EVERY` comparisons the deadline is
  checked, so a sort of millions of small arrays stops at the call's timeout instead of
  running on for a minute;
* a key function is called once per element, before any comparison, with a deadline check
  every `CHECK_EVERY` calls (ML functions also count steps as they run). The key sees the
  array as it was when the sort began; the sort then writes the reordered elements back.

Sorting is stable, with or without ``reverse`` (Python's guarantee).
"""

from __future__ import annotations

from typing import Any

from mlpy.errors import MLTypeError
from mlpy.runtime.format import check_deadline
from mlpy.runtime.operators import FAST_SIZE, lt
from mlpy.runtime.state import CallState, current
from mlpy.runtime.values import call_value, is_callable, typeof

__all__ = ["CHECK_EVERY", "MISSING", "sort_options", "sort_values"]

#: comparisons (or key calls) between two deadline checks
CHECK_EVERY = 1024

#: the default of an optional argument that was not passed
MISSING: Any = object()

_NUMBERS = frozenset({int, float, bool})


def sort_options(fname: str, key: Any = MISSING, reverse: Any = MISSING) -> tuple[Any, bool]:
    """``(key function or None, reverse)`` from the optional arguments of ``fname``.

    With one optional argument, a function is the key and a boolean is ``reverse``; with two,
    the first is the key (a function, or ``null`` for none) and the second ``reverse``.

    Raises:
        MLTypeError: an argument of any other type, naming ``fname`` and what it got.
    """
    if reverse is MISSING:
        if key is MISSING:
            return None, False
        if type(key) is bool:
            return None, key
        if is_callable(key):
            return key, False
        raise MLTypeError(f"{fname} expects a key function or a boolean reverse, got {typeof(key)}")
    if key is not None and not is_callable(key):
        raise MLTypeError(f"{fname} expects a key function (or null) first, got {typeof(key)}")
    if type(reverse) is not bool:
        raise MLTypeError(f"{fname} expects a boolean reverse, got {typeof(reverse)}")
    return key, reverse


def sort_values(values: list[Any], reverse: bool = False, key: Any = None) -> None:
    """Sort ``values`` in place in ML order, by ``key(element)`` if a key is given.

    Raises:
        MLTypeError: the elements (or keys) are of types ML cannot order against each other.
        MLTimeoutError: the call's deadline passed while sorting.
    """
    state = current()
    if len(values) > FAST_SIZE:
        check_deadline(state)
    if key is None:
        _sort(values, reverse, state)
        return
    snapshot = list(values)
    keys: list[Any] = []
    for i, element in enumerate(snapshot):
        if i % CHECK_EVERY == CHECK_EVERY - 1:
            check_deadline(state)
        keys.append(call_value(key, element))
    order = list(range(len(snapshot)))
    if _native(keys):
        order.sort(key=keys.__getitem__, reverse=reverse)
    else:
        counter = _Counter(state)
        order.sort(key=lambda i: _OrderKey(keys[i], counter), reverse=reverse)
    values[:] = [snapshot[i] for i in order]


def _native(values: list[Any]) -> bool:
    """True if Python's own ordering of ``values`` is ML's: all numbers, or all strings."""
    kinds = {type(v) for v in values}
    return kinds <= _NUMBERS or kinds == {str}


def _sort(values: list[Any], reverse: bool, state: CallState) -> None:
    if _native(values):
        values.sort(reverse=reverse)
    else:
        counter = _Counter(state)
        values.sort(key=lambda v: _OrderKey(v, counter), reverse=reverse)


class _Counter:
    """Comparisons made by one sort, to check the deadline every `CHECK_EVERY`."""

    __slots__ = ("count", "state")

    def __init__(self, state: CallState) -> None:
        self.count = 0
        self.state = state


class _OrderKey:
    """Sort key that orders with ML ``<`` (so mixed types are a `MLTypeError`)."""

    __slots__ = ("counter", "value")

    def __init__(self, value: Any, counter: _Counter) -> None:
        self.value = value
        self.counter = counter

    def __lt__(self, other: _OrderKey) -> bool:
        counter = self.counter
        counter.count += 1
        if counter.count >= CHECK_EVERY:
            counter.count = 0
            check_deadline(counter.state)
        return lt(self.value, other.value)
