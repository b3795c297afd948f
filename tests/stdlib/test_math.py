"""The ``math`` module (LANGUAGE.md §6.1) through real ML programs: results, errors, limits."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load

SPEC = (
    "pi e sqrt abs sin cos tan asin acos atan atan2 ln log exp pow floor ceil round sign factorial gcd "
    "lcm min max degrees radians degToRad radToDeg inf nan trunc hypot log2 log10 isnan isinf clamp"
)


def value(expr: str, **kw: Any) -> Any:
    r = mlpy.run(f"import math;\nresult = {expr};", **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run(code, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_is_a_member() -> None:
    members = load("math", CallState(Limits())).members
    assert set(SPEC.split()) <= set(members)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("math.pi", math.pi),
        ("math.e", math.e),
        ("math.inf", math.inf),
        ("math.sqrt(16)", 4.0),
        ("math.sqrt(2)", math.sqrt(2)),
        ("math.sqrt(math.pow(10, 400)) == 1e200", True),
        ("math.abs(-3)", 3),
        ("math.abs(-2.5)", 2.5),
        ("math.sin(0)", 0.0),
        ("math.cos(0)", 1.0),
        ("math.tan(0)", 0.0),
        ("math.asin(1)", math.pi / 2),
        ("math.acos(1)", 0.0),
        ("math.atan(1)", math.pi / 4),
        ("math.atan2(1, 1)", math.pi / 4),
        ("math.ln(math.e)", 1.0),
        ("math.log(100)", 2.0),
        ("math.log(8, 2)", 3.0),
        ("math.log(math.pow(10, 1000))", 1000.0),
        ("math.log2(8)", 3.0),
        ("math.log10(1000)", 3.0),
        ("math.exp(0)", 1.0),
        ("math.pow(2, 10)", 1024),
        ("math.pow(2, -1)", 0.5),
        ("math.pow(2.0, 0.5)", math.sqrt(2)),
        ("math.pow(-1, math.pow(10, 30))", 1),
        ("math.pow(3, 40)", 3**40),
        ("math.floor(3.7)", 3),
        ("math.floor(-2.3)", -3),
        ("math.ceil(3.2)", 4),
        ("math.ceil(-2.7)", -2),
        ("math.round(2.5)", 3),
        ("math.round(-2.5)", -2),
        ("math.round(3.2)", 3),
        ("math.round(0.49999999999999994)", 0),
        ("math.round(7)", 7),
        ("math.trunc(-3.9)", -3),
        ("math.sign(-5)", -1),
        ("math.sign(0)", 0),
        ("math.sign(3.14)", 1),
        ("math.factorial(0)", 1),
        ("math.factorial(10)", 3628800),
        ("math.gcd(48, 180)", 12),
        ("math.lcm(4, 6)", 12),
        ("math.min(3, 1)", 1),
        ("math.max(3, 1, 7)", 7),
        ("math.min([4, 2, 8])", 2),
        ("math.degrees(math.pi)", 180.0),
        ("math.radians(180)", math.pi),
        ("math.degToRad(90)", math.pi / 2),
        ("math.radToDeg(math.pi / 2)", 90.0),
        ("math.hypot(3, 4)", 5.0),
        ("math.isnan(math.nan)", True),
        ("math.isnan(1)", False),
        ("math.isinf(-math.inf)", True),
        ("math.isinf(1e308)", False),
        ("math.clamp(15, 0, 10)", 10),
        ("math.clamp(-1, 0, 10)", 0),
        ("math.clamp(5, 0, 10)", 5),
        ("math.abs(true)", 1),
        ("typeof(math)", "module"),
        ("str(math)", "<module math>"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_nan_constant() -> None:
    assert math.isnan(value("math.nan"))


@pytest.mark.parametrize(
    ("expr", "error_type", "fragment"),
    [
        ("math.sqrt(-1)", "ValueError", "math.sqrt: cannot take the square root of a negative number (-1)"),
        ("math.ln(0)", "ValueError", "math.ln"),
        ("math.ln(-1)", "ValueError", "math.ln"),
        ("math.log(0)", "ValueError", "math.log"),
        ("math.log(5, 1)", "ValueError", "base"),
        ("math.log(5, 0)", "ValueError", "base"),
        ("math.log2(-2)", "ValueError", "math.log2"),
        ("math.log10(0)", "ValueError", "math.log10"),
        ("math.asin(2)", "ValueError", "between -1 and 1"),
        ("math.acos(-1.5)", "ValueError", "between -1 and 1"),
        ("math.sin(math.inf)", "ValueError", "math.sin"),
        ("math.exp(1000)", "ValueError", "too large"),
        ("math.pow(10.0, 400)", "ValueError", "too large"),
        ("math.pow(-8, 0.5)", "ValueError", "not a real number"),
        ("math.pow(0, -1)", "ZeroDivisionError", "negative power"),
        ("math.pow(0.0, -2.5)", "ZeroDivisionError", "negative power"),
        ("math.factorial(-1)", "ValueError", "negative"),
        ("math.factorial(2.5)", "TypeError", "integer"),
        ("math.floor(math.inf)", "ValueError", "Infinity"),
        ("math.round(math.nan)", "ValueError", "NaN"),
        ("math.sign(math.nan)", "ValueError", "NaN"),
        ("math.clamp(1, 10, 0)", "ValueError", "lower bound"),
        ("math.min([])", "ValueError", "at least one"),
        ('math.sqrt("4")', "TypeError", "math.sqrt: expects a number, got string"),
        ("math.gcd(1.5, 2)", "TypeError", "integer"),
        ("math.sqrt(1, 2)", "TypeError", "math.sqrt() takes 1 argument but 2 were given"),
        ("math.log()", "TypeError", "math.log() takes 1 to 2 arguments but 0 were given"),
        ("math.nosuch(1)", "TypeError", "module math has no member 'nosuch'"),
    ],
)
def test_errors(expr: str, error_type: str, fragment: str) -> None:
    r = failure(f"import math;\nresult = {expr};")
    assert r.error_type == error_type
    assert fragment in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 10)


def test_error_position_is_the_ml_call() -> None:
    r = failure("import math;\nx = math.sqrt(-1);")
    assert (r.error_type, r.error_line, r.error_column) == ("ValueError", 2, 5)
    r = failure("import math;\n\nfunction f(v) {\n    return math.ln(v);\n}\ny = f(0);")
    assert (r.error_type, r.error_line, r.error_column) == ("ValueError", 4, 12)


def test_errors_are_catchable() -> None:
    code = "import math;\ntry { x = math.sqrt(-4); } except (err) { result = [err.type, err.message]; }"
    assert value_of(code) == [
        "ValueError",
        "math.sqrt: cannot take the square root of a negative number (-4)",
    ]


def value_of(code: str, **kw: Any) -> Any:
    r = mlpy.run(code, **kw)
    assert r.success, r.error
    return r.value


# -- limits: checked before computing -----------------------------------------------------


def test_pow_respects_max_int_bits_before_computing() -> None:
    start = time.perf_counter()
    r = failure("import math;\nresult = math.pow(10, math.pow(10, 12));")
    assert time.perf_counter() - start < 1.0
    assert r.error_type == "LimitError" and "max_int_bits" in (r.error or "")
    assert value("math.pow(2, 999)", limits=Limits(max_int_bits=1000)) == 2**999
    r = failure("import math;\nresult = math.pow(2, 1000);", limits=Limits(max_int_bits=1000))
    assert r.error_type == "LimitError"


def test_factorial_respects_max_int_bits_before_computing() -> None:
    start = time.perf_counter()
    r = failure("import math;\nresult = math.factorial(math.pow(10, 15));")
    assert time.perf_counter() - start < 1.0
    assert r.error_type == "LimitError" and "max_int_bits" in (r.error or "")
    r = failure("import math;\nresult = math.factorial(math.pow(10, 40));")
    assert r.error_type == "LimitError"
    assert value("math.factorial(100)", limits=Limits(max_int_bits=1000)) == math.factorial(100)
    r = failure("import math;\nresult = math.factorial(300);", limits=Limits(max_int_bits=1000))
    assert r.error_type == "LimitError"


def test_integer_arguments_stay_exact() -> None:
    assert value("math.abs(-(math.pow(10, 50)))") == 10**50
    assert value("math.gcd(math.pow(2, 100), math.pow(6, 50))") == 2**50
    assert value("math.floor(math.pow(10, 30))") == 10**30


def test_module_is_per_call_and_read_only_from_ml() -> None:
    r = failure("import math;\nmath.pi = 3;")
    assert r.error_type == "TypeError"
    assert value("math.pi") == math.pi
    r = failure("import math;\nresult = math.__dict__;")
    assert r.error_type == "SecurityError"
    assert value('getattr(math, "members", "hidden")') == "hidden"
