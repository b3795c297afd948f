"""Run every chunk of ``testdata/*.ml`` (files named after LANGUAGE.md sections).

A chunk either runs to completion or fails with exactly the errors its ``// ###`` lines expect
(check errors, all of them; or the one runtime error). Test-only builtins, injected as host
functions: ``assert_eq(a, b)`` (equal values of the same types: ``1`` is not ``1.0``, nor
``true``; object key order is ignored) and ``assert_true(x)``. ``assert_fails(fn() => ...,
"regex")`` is written in ML and appended to the chunks that use it (ML functions cannot cross
the host boundary; declarations are hoisted, §2.2, so appending keeps every line number).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

import mlpy
from tests import chunked

TESTDATA = Path(__file__).parent / "testdata"

ASSERT_FAILS = (
    "\nfunction assert_fails(f, pattern) {"
    " try { f(); } except (e) { assert_error_matches_(e.type + ': ' + e.message, pattern); return null; }"
    " assert_error_matches_(null, pattern); }"
)


class AssertFailed(Exception):
    """A test-only builtin failed (ML's ``except`` cannot catch it)."""


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def host_functions(failures: list[str]) -> dict[str, Any]:
    def fail(message: str) -> None:
        failures.append(message)
        raise AssertFailed(message)

    def assert_eq(actual: Any, expected: Any) -> None:
        if not same(actual, expected):
            fail(f"assert_eq: {actual!r} != {expected!r}")

    def assert_true(value: Any) -> None:
        if value is not True:
            fail(f"assert_true: got {value!r}")

    def assert_error_matches_(text: str | None, pattern: str) -> None:
        if text is None:
            fail(f"assert_fails: no error (expected one matching {pattern!r})")
        elif not re.search(pattern, text):
            fail(f"assert_fails: error {text!r} does not match {pattern!r}")

    return {
        "assert_eq": assert_eq,
        "assert_true": assert_true,
        "assert_error_matches_": assert_error_matches_,
    }


def _limits(options: dict[str, str]) -> mlpy.Limits:
    changes: dict[str, float] = {"timeout": 5.0, "max_steps": 2_000_000}
    for name, value in options.items():
        if name != "strict":
            changes[name] = float(value) if "." in value else int(value)
    return mlpy.Limits(**changes)  # type: ignore[arg-type]


def _without_position(result: mlpy.MLResult) -> str:
    """``Type: message``, as check errors are matched (positions are checked by line)."""
    kind, error = result.error_type or "", result.error or ""
    assert error.startswith(kind), error
    return kind + re.sub(r"^ at line \d+, column \d+", "", error[len(kind) :])


def run_chunk(chunk: chunked.Chunk) -> None:
    strict = "strict" in chunk.options
    errors = mlpy.check(chunk.source, strict_security=strict)
    problems: list[str]
    if errors:
        problems = chunked.mismatches(chunk, [(e.line, f"{e.error_type}: {e.message}") for e in errors])
    else:
        source = chunk.source + (ASSERT_FAILS if "assert_fails" in chunk.source else "")
        failures: list[str] = []
        limits = _limits(chunk.options)
        result = mlpy.run(source, limits=limits, functions=host_functions(failures), strict_security=strict)
        if failures:
            pytest.fail(f"{chunk.where(result.error_line)}: {failures[0]}", pytrace=False)
        reported = [] if result.success else [(result.error_line, _without_position(result))]
        problems = chunked.mismatches(chunk, reported)
        if chunk.stdout is not None and result.stdout != chunk.stdout:
            problems.append(f"{chunk.id}: stdout {result.stdout!r} != {chunk.stdout!r}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _params() -> list[Any]:
    params = []
    for path in sorted(TESTDATA.glob("*.ml")):
        for chunk in chunked.read(path):
            marks = [pytest.mark.xfail(strict=True, reason=chunk.xfail)] if chunk.xfail else []
            params.append(pytest.param(chunk, id=chunk.id, marks=marks))
    return params


@pytest.mark.parametrize("chunk", _params())
def test_chunk(chunk: chunked.Chunk) -> None:
    run_chunk(chunk)


def test_corpus_covers_each_section() -> None:
    """Every section of §1-§5 and §10 has a testdata file."""
    names = {p.stem.split("_")[0] for p in TESTDATA.glob("*.ml")}
    assert {"s1", "s2", "s3", "s4", "s5", "s10"} <= names


def test_chunked_reader_strips_annotations(tmp_path: Path) -> None:
    """The reader cuts ``// ###`` annotations out and records them on their line."""
    f = tmp_path / "t.ml"
    f.write_text('x = 1;\n---\n// option:strict\ny = 7 // ### "a" "b\\"c"\n', "utf-8")
    first, second = chunked.read(f)
    assert first.source == "x = 1;" and first.expected == {}
    assert second.first_line == 3 and second.options == {"strict": ""}
    assert second.source.splitlines()[1] == "y = 7"
    assert second.expected == {2: ["a", 'b"c']}
    assert chunked.mismatches(second, [(2, 'xa b"c')]) == []
    assert len(chunked.mismatches(second, [(1, "a")])) == 3


@pytest.mark.parametrize(
    ("grants", "ok"),
    [
        ({"file.read": ["/srv/data/"]}, True),
        ({"file.read": ["/srv/other/"]}, False),
        ({"file.write": ["/srv/data/"]}, False),
        (None, False),
    ],
)
def test_capability_declarations_need_the_hosts_grants(grants: dict[str, list[str]] | None, ok: bool) -> None:
    """§2.9: a declaration grants nothing; the host's grants must cover each resource."""
    source = 'capability Reader { resource "/srv/data/*.csv"; allow read; }\nresult = 1;'
    result = mlpy.run(source, capabilities=grants)
    assert result.success is ok, result.error
    if not ok:
        assert (result.error_type, result.error_line) == ("SecurityError", 1)


@pytest.mark.parametrize(
    "source",
    [
        "assert_eq(1, 2);",
        "assert_eq(1, 1.0);",
        "assert_eq([true], [1]);",
        "assert_true(1);",
        "try { assert_eq(1, 2); } except (e) { }",
        'assert_fails(fn() => 1, "Error");',
        'assert_fails(fn() => 1 / 0, "TypeError");',
        "x = 1 / 0;",
        'x = 1; // ### "ZeroDivisionError"',
        'print("a"); // stdout: "b"',
    ],
)
def test_the_runner_catches_failures(tmp_path: Path, source: str) -> None:
    """A chunk whose assertion or expectation is wrong fails, even inside ML's try/except."""
    path = tmp_path / "t.ml"
    path.write_text(source.replace("; // stdout", ";\n// stdout"), "utf-8")
    (chunk,) = chunked.read(path)
    with pytest.raises(pytest.fail.Exception):
        run_chunk(chunk)


INTRO = """
function total(items) {
    sum = 0;
    for (item in items) {
        sum = sum + item.qty * item.price;
    }
    return sum;
}
discount = fn(x) => x > 30 ? x * 0.9 : x;
result = {total: discount(total(orders)), count: len(orders)};
"""


def test_the_example_at_the_top_of_the_spec() -> None:
    """The program's value is ``result``; context values are ordinary top-level variables."""
    orders = [{"qty": 2, "price": 9.5}, {"qty": 1, "price": 20}]
    result = mlpy.run(INTRO, {"orders": orders})
    assert result.success, result.error
    assert result.value == {"total": 39.0 * 0.9, "count": 2}
    assert orders == [{"qty": 2, "price": 9.5}, {"qty": 1, "price": 20}]


def test_result_is_null_when_never_set_and_context_is_a_variable() -> None:
    assert mlpy.run("x = 1;").value is None
    assert mlpy.run("x += 1; result = x;", {"x": 1}).value == 2
    assert mlpy.run("function f() { return x * 2; } result = f();", {"x": 4}).value == 8
    assert mlpy.run("result = class + 1;", {"class": 1}).value == 2
