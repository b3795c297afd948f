"""Runtime errors carry the ML call stack (issue 11 §5): function names and ML positions,
never Python frames; a runaway recursion is reported at the call."""

from __future__ import annotations

from typing import Any

import mlpy
from mlpy.errors import StackFrame
from mlpy.runtime.traceback import STACK_HEAD, STACK_TAIL

NESTED = """function inner(o) {
    return o.missing.deeper;
}
function outer(x) {
    y = 1;
    return inner(x);
}
f = fn(v) => outer(v);
result = f({});
"""


def _stack(result: mlpy.MLResult) -> list[tuple[str, int, int]]:
    return [(f["function"], f["line"], f["column"]) for f in result.errors[0]["stack"]]


def test_an_error_inside_nested_calls_shows_each_call() -> None:
    result = mlpy.run(NESTED)
    assert (result.error_type, result.error_line, result.error_column) == ("TypeError", 2, 12)
    assert _stack(result) == [("<main>", 9, 10), ("fn", 8, 14), ("outer", 6, 12), ("inner", 2, 12)]


def test_the_stack_holds_no_python_names() -> None:
    result = mlpy.run(NESTED)
    text = repr(result.errors)
    for python in ("__ml_", ".py", "Traceback", "<module>", "run_prepared"):
        assert python not in text


def test_calls_through_builtins_and_methods_keep_only_ml_frames() -> None:
    source = "function key(x) {\n    return x.k + 1;\n}\nresult = sorted([{k: 1}, {}], key);\n"
    result = mlpy.run(source)
    assert result.error_type == "TypeError"
    assert _stack(result) == [("<main>", 4, 10), ("key", 2, 12)]


def test_an_error_at_the_top_level_has_one_frame() -> None:
    result = mlpy.run("x = 1;\ny = x + [1];")
    assert _stack(result) == [("<main>", 2, 5)]


def test_errors_before_running_have_no_stack() -> None:
    result = mlpy.run("x = (1;")
    assert result.errors[0]["stack"] == []


def test_a_runaway_recursion_points_at_the_call_and_is_shortened() -> None:
    source = "function down(n) {\n    x = n;\n    return down(n + 1);\n}\ndown(0);"
    result = mlpy.run(source, limits=mlpy.Limits(max_depth=100))
    assert (result.error_type, result.error_line, result.error_column) == ("LimitError", 3, 12)
    frames: list[dict[str, Any]] = result.errors[0]["stack"]
    assert len(frames) == STACK_HEAD + STACK_TAIL
    assert frames[0] == {"function": "<main>", "line": 5, "column": 1, "omitted": 0}
    assert frames[STACK_HEAD]["omitted"] > 80
    assert sum(1 + f["omitted"] for f in frames) >= 100
    assert all((f["function"], f["line"]) == ("down", 3) for f in frames[1:])


def test_a_caught_error_is_not_given_a_stack_walk() -> None:
    """``except`` binds an object with message/type/line; the stack is only for the final error."""
    source = "function f() { return 1 / 0; }\ntry { f(); } except (e) { result = e; }"
    result = mlpy.run(source)
    expected = {"message": "division by zero", "type": "ZeroDivisionError", "line": 1, "column": 23}
    assert result.value == expected


def test_stack_frames_format_for_people() -> None:
    frame = StackFrame("inner", 2, 12, omitted=3)
    assert frame.format() == "... 3 more calls ...\ninner at line 2, column 12"
    error = mlpy.MLError("x")
    error.stack = (StackFrame("<main>", 9, 10), StackFrame("inner", 2, 12))
    assert error.format_stack() == "<main> at line 9, column 10\ninner at line 2, column 12"


def test_the_cli_shows_the_stack_of_an_error_inside_a_function(tmp_path: Any, capsys: Any) -> None:
    from mlpy.cli import main

    path = tmp_path / "nested.ml"
    path.write_text(NESTED, "utf-8")
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"{path}:2:12: TypeError: null has no member 'deeper'"
    assert err.endswith(
        "ML call stack (most recent call last):\n"
        "  <main> at line 9, column 10\n"
        "  fn at line 8, column 14\n"
        "  outer at line 6, column 12\n"
        "  inner at line 2, column 12\n"
    )
    assert "Traceback" not in err and ".py" not in err
