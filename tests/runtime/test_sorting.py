"""`mlpy.runtime.sorting`: argument rules and the cost bound of sorting (§5.1, §5.2, issue 12)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from mlpy.errors import MLTimeoutError, MLTypeError
from mlpy.runtime import sorting
from mlpy.runtime.state import CallState
from mlpy.runtime.values import Builtin

NEG = Builtin(lambda x: -x, "neg")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), (None, False)),
        ((True,), (None, True)),
        ((NEG,), (NEG, False)),
        ((NEG, True), (NEG, True)),
        ((None, True), (None, True)),
    ],
)
def test_options_tell_key_from_reverse_by_type(args: tuple[Any, ...], expected: tuple[Any, bool]) -> None:
    assert sorting.sort_options("sorted()", *args) == expected


@pytest.mark.parametrize("args", [(1,), (None,), ("k",), (NEG, 1), (NEG, None), (1, True), (True, False)])
def test_options_refuse_other_types(args: tuple[Any, ...]) -> None:
    with pytest.raises(MLTypeError) as info:
        sorting.sort_options("sorted()", *args)
    assert info.value.message.startswith("sorted() expects")


def test_key_is_called_once_per_element_and_the_sort_is_stable() -> None:
    calls: list[Any] = []

    def first(pair: list[Any]) -> Any:
        calls.append(pair)
        return pair[0]

    values = [[2, "a"], [1, "b"], [2, "c"], [1, "d"]]
    sorting.sort_values(values, False, Builtin(first, "first"))
    assert values == [[1, "b"], [1, "d"], [2, "a"], [2, "c"]]
    assert len(calls) == 4
    sorting.sort_values(values, True, Builtin(first, "first"))
    assert values == [[2, "a"], [2, "c"], [1, "b"], [1, "d"]]


def _past_deadline_after(state: CallState, seconds: float) -> None:
    state.deadline = time.monotonic() + seconds


@pytest.mark.parametrize(
    "run",
    [
        lambda values: sorting.sort_values(values),
        lambda values: sorting.sort_values(values, True, Builtin(lambda v: [v[1], v[0]], "swap")),
    ],
    ids=["compare", "key"],
)
def test_a_sort_of_many_small_arrays_stops_at_the_deadline(
    state: CallState, run: Callable[[list[Any]], None]
) -> None:
    """Issue 12: comparisons made in Python check the deadline every CHECK_EVERY."""
    values = [[i % 997, i] for i in range(400_000)]  # unsorted: ~7 million ML comparisons
    _past_deadline_after(state, 0.05)
    start = time.monotonic()
    with pytest.raises(MLTimeoutError):
        run(values)
    elapsed = time.monotonic() - start
    # the full sort takes several seconds; stopping near the 0.05 s deadline is far below it
    assert elapsed < 1.5, elapsed


def test_comparisons_are_counted(state: CallState, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline is checked every CHECK_EVERY comparisons, not only once."""
    checks: list[int] = []
    monkeypatch.setattr(sorting, "check_deadline", lambda s=None: checks.append(1))
    values = [[(i * 7919) % 10_007] for i in range(20_000)]
    comparisons = 0

    class Counting:
        def __init__(self, v: Any) -> None:
            self.v = v

        def __lt__(self, other: Counting) -> bool:
            nonlocal comparisons
            comparisons += 1
            return bool(self.v < other.v)

    expected = sorted(values, key=Counting)
    sorting.sort_values(values)
    assert values == expected
    assert comparisons > 100_000
    assert len(checks) >= comparisons // sorting.CHECK_EVERY
