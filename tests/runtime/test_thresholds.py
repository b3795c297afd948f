"""Exact limits below the hot guards' fast-path size (issue 11 §6).

The hot guards skip the limit check for sizes up to a shared threshold (`FAST_SIZE`); a call
whose limits are smaller lowers that threshold while it lives, so its limits are exact, and
the threshold returns to its default once the call is gone.
"""

from __future__ import annotations

import gc

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime import builtins, format, member, methods, operators
from mlpy.runtime.state import DEFAULT_FAST_SIZE, DEFAULT_SMALL_INT_BITS, CallState

_HOLDERS = (operators, builtins, methods, member)


def test_default_limits_keep_the_default_threshold() -> None:
    gc.collect()  # calls of earlier tests that are still waiting to be freed
    call = CallState(Limits())
    assert all(m.FAST_SIZE == DEFAULT_FAST_SIZE for m in _HOLDERS)
    del call


def test_small_limits_lower_the_threshold_while_the_call_lives() -> None:
    gc.collect()
    call = CallState(Limits(max_array=50, max_int_digits=10))
    assert all(m.FAST_SIZE == 50 for m in _HOLDERS)
    assert format.SMALL_INT_BITS == 0
    other = CallState(Limits(max_string=70))
    assert operators.FAST_SIZE == 50  # the smallest live limit wins
    del call
    gc.collect()
    assert operators.FAST_SIZE == 70
    assert format.SMALL_INT_BITS == DEFAULT_SMALL_INT_BITS
    del other
    gc.collect()
    assert all(m.FAST_SIZE == DEFAULT_FAST_SIZE for m in _HOLDERS)


@pytest.mark.parametrize(
    ("source", "limit"),
    [
        ('s = "x" * 1000;', "max_string=100"),
        ('s = "y" * 60; t = s + s;', "max_string=100"),
        ('s = str([1, 2, 3]) + "x" * 95;', "max_string=100"),
        ("a = [0] * 101;", "max_array=100"),
        ("a = [0] * 60; b = a + a;", "max_array=100"),
        ("n = 1000000000 * 1000000000 * 1000000000 * 1000000000;", "max_int_bits=100"),
        ("s = str(12345678901234);", "max_int_digits=10"),
        ('s = "ab".padStart(101, "-");', "max_string=100"),
        ('s = ["a" * 50, "b" * 50].join("-");', "max_string=100"),
    ],
)
def test_limits_below_the_fast_path_are_exact(source: str, limit: str) -> None:
    name, value = limit.split("=")
    result = mlpy.run(source, limits=Limits(**{name: int(value)}))
    assert result.error_type == "LimitError", result
    assert limit in (result.error or "")


def test_just_under_a_small_limit_passes() -> None:
    result = mlpy.run(
        'result = len("x" * 100) + len([0] * 100);', limits=Limits(max_string=100, max_array=100)
    )
    assert result.success and result.value == 200
