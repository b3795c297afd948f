"""Every limit of §8 stops a script run through the executor with its type, limit name and ML line."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import anyio
import pytest

from mlpy import AsyncMLExecutor, Limits

pytestmark = pytest.mark.anyio

Make = Callable[..., AsyncMLExecutor]


@pytest.fixture
def anyio_backend() -> str:
    """Limits do not depend on the event loop: asyncio only keeps the suite short."""
    return "asyncio"


#: (id, limits or None for the defaults, code, error_type, limit named in the message, ML line)
CASES: list[tuple[str, Limits | None, str, str, str, int | None]] = [
    ("steps", Limits(max_steps=10_000), "i = 0;\nwhile (true) { i += 1; }", "LimitError", "max_steps", 2),
    (
        "steps-in-calls",
        Limits(max_steps=5_000),
        "function f(n) { return n; }\nwhile (true) {\n    f(1);\n}",
        "LimitError",
        "max_steps",
        None,
    ),
    # issue 11 §5: a runaway recursion is reported at the call (line 2), not at `function`
    ("depth", None, "function f(n) {\n    return f(n + 1);\n}\nresult = f(0);", "LimitError", "max_depth", 2),
    (
        "depth-lambda",
        Limits(max_depth=50),
        "g = fn(n) => g(n + 1);\nresult = g(0);",
        "LimitError",
        "max_depth",
        1,
    ),
    ("string-doubling", None, 's = "ab";\nwhile (true) { s = s + s; }', "LimitError", "max_string", 2),
    ("string-repeat", None, 'x = 1;\ns = "xyz" * 10000000;', "LimitError", "max_string", 2),
    ("string-method", None, 's = "abc";\ns = s.padStart(100000000, "x");', "LimitError", "max_string", 2),
    ("string-replace", None, 's = "x" * 9000000;\nt = s.replace("x", "yy");', "LimitError", "max_string", 2),
    ("array-repeat", None, "x = 1;\na = [0] * 10000000;", "LimitError", "max_array", 2),
    ("array-doubling", None, "a = [1, 2, 3];\nwhile (true) { a = a + a; }", "LimitError", "max_array", 2),
    (
        "array-append",
        Limits(max_array=20_000),
        "a = [];\nwhile (true) { a.append(1); }",
        "LimitError",
        "max_array",
        2,
    ),
    ("int-bits", None, "x = 7;\nfor (i in range(30)) { x = x * x; }", "LimitError", "max_int_bits", 2),
    (
        "int-to-text",
        None,
        "x = 1;\nfor (i in range(20000)) { x = x * 3; }\ns = str(x);",
        "LimitError",
        "max_int_digits",
        3,
    ),
    (
        "output",
        Limits(max_output=1000),
        'while (true) {\n    print("hello");\n}',
        "LimitError",
        "max_output",
        2,
    ),
    ("range-sorted", None, "x = 0;\na = sorted(range(100000000));", "LimitError", "max_array", 2),
    ("range-reversed", None, "x = 0;\na = reversed(range(100000000));", "LimitError", "max_array", 2),
    ("range-enumerate", None, "x = 0;\na = enumerate(range(10000000));", "LimitError", "max_array", 2),
    (
        "join-method",
        None,
        'a = "abc" * 1000;\nb = [a] * 10000;\ns = b.join("-");',
        "LimitError",
        "max_string",
        3,
    ),
    (
        "join-string",
        None,
        'a = ["x" * 100000] * 200;\ns = ",".join(a);',
        "LimitError",
        "max_string",
        2,
    ),
    (
        "sort-huge-array",
        Limits(max_array=100_000),
        "n = 0;\nb = sorted(range(1000000), true);",
        "LimitError",
        "max_array",
        2,
    ),
    (
        "doubling-printed",
        None,
        "a = [];\nfor (i in range(60)) { a = [a, a]; }\nprint(a);",
        "LimitError",
        "max_string",
        3,
    ),
    (
        "doubling-str",
        None,
        "a = {};\nfor (i in range(60)) { a = {l: a, r: a}; }\ns = str(a);",
        "LimitError",
        "max_string",
        3,
    ),
    (
        "nesting-printed",
        None,
        "a = [];\nfor (i in range(1000)) { a = [a]; }\nprint(a);",
        "LimitError",
        "max_nesting",
        3,
    ),
]


@pytest.mark.parametrize(
    ("limits", "code", "error_type", "limit", "line"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_limit_stops_the_script(
    make_executor: Make, limits: Limits | None, code: str, error_type: str, limit: str, line: int | None
) -> None:
    ex = make_executor(max_workers=1, limits=limits)
    result = await ex.execute(code, timeout=20)
    assert not result.success
    assert result.error_type == error_type
    assert limit in (result.error or "")
    if line is not None:
        assert result.error_line == line
    assert result.error_line is not None
    assert ex.stats()["busy"] == 0 and ex.stats()["failed"] == 1


@pytest.mark.parametrize(
    ("code", "limit"),
    [
        ("a = [];\nfor (i in range(60)) { a = [a, a]; }\nresult = a;", "max_visit"),
        ("a = [];\nfor (i in range(1000)) { a = [a]; }\nresult = a;", "max_nesting"),
    ],
    ids=["doubling", "nesting"],
)
async def test_huge_result_is_refused_when_converted(
    executor: AsyncMLExecutor, code: str, limit: str
) -> None:
    """Returning a doubled structure: refused while converting ``result``, after the program."""
    result = await executor.execute(code)
    assert result.error_type == "LimitError" and limit in (result.error or "")


async def test_output_cap_keeps_what_fits(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, limits=Limits(max_output=100))
    result = await ex.execute('for (i in range(1000)) { print("0123456789"); }')
    assert result.error_type == "LimitError" and len(result.stdout) == 100


async def test_limits_cannot_be_caught_by_the_script(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, limits=Limits(max_steps=2_000))
    code = "try {\n    while (true) {}\n} except (e) {\n    result = 'caught';\n}"
    result = await ex.execute(code)
    assert result.error_type == "LimitError" and result.value is None
    code = "function f() {\n    try { while (true) {} } finally { return 1; }\n}\nresult = f();"
    result = await ex.execute(code, timeout=0.2)
    assert not result.success and result.value is None


async def test_a_long_sort_is_bounded_by_the_timeout(make_executor: Make) -> None:
    """A sort cannot be interrupted, but the caller gets its timeout and the worker comes back."""
    ex = make_executor(max_workers=1, grace=0.1)
    result = await ex.execute("a = [[1]] * 300000;\na.sort();\nwhile (true) {}", timeout=0.2)
    assert result.error_type == "TimeoutError" and result.error_line in (2, 3)
    with anyio.fail_after(20):
        while ex.stats()["busy"]:
            await anyio.sleep(0.02)
    started = time.monotonic()
    assert (await ex.execute("result = 1;")).value == 1
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "code",
    [
        "function f(n) { return [n].map(fn(x) => f(x + 1)); }\nresult = f(0);",
        "function f(n) { return [1].reduce(fn(a, x) => f(n + 1), 0); }\nresult = f(0);",
    ],
    ids=["map", "reduce"],
)
async def test_deep_recursion_through_builtins_is_a_limit_not_a_crash(make_executor: Make, code: str) -> None:
    """Each ML call here also nests C frames: the workers' own stack keeps a high max_depth safe.

    The runner raises the process-wide recursion limit for such a ``max_depth``; it is put back
    afterwards, because the main thread's smaller stack cannot take that limit (json.loads of a
    deeply nested body would crash the test process).
    """
    saved = sys.getrecursionlimit()
    try:
        ex = make_executor(max_workers=1, limits=Limits(max_depth=30_000))
        result = await ex.execute(code, timeout=30)
        await ex.aclose()
    finally:
        sys.setrecursionlimit(saved)
    assert result.error_type == "LimitError" and "30000 nested calls (max_depth)" in (result.error or "")
