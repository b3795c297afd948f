"""The ``mlpy`` command: run, transpile and check; ``-`` for stdin; ``--context``; exit codes.

Most cases call `mlpy.cli.main` in-process (fast); two go through ``python -m mlpy`` for real.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mlpy.cli import main

OK = 'print("hi", v);\nresult = {v: v, s: "é"};\n'
BAD = "x = 1;\ny = x + [1];\n"
CHECK_ERRORS = "__a = 1;\nbreak;\nimport nope;\n"


Script = Callable[..., str]
Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def script(tmp_path: Path) -> Script:
    """``script(text)`` writes an ML file and gives its path."""

    def write(text: str, name: str = "s.ml") -> str:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return str(path)

    return write


def _main(argv: list[str], capsys: Capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_run_prints_output_then_the_result_as_json(script: Script, capsys: Capsys) -> None:
    code, out, err = _main(["run", script(OK), "--context", '{"v": 1}'], capsys)
    assert (code, err) == (0, "")
    assert out == 'hi 1\n{"v": 1, "s": "é"}\n'


def test_run_with_context_from_a_file(script: Script, tmp_path: Path, capsys: Capsys) -> None:
    (tmp_path / "ctx.json").write_text('{"v": [1, 2]}', "utf-8")
    code, out, _ = _main(["run", script(OK), "--context", f"@{tmp_path / 'ctx.json'}"], capsys)
    assert code == 0
    assert out.splitlines()[-1] == '{"v": [1, 2], "s": "é"}'


def test_run_json_prints_the_whole_result(script: Script, capsys: Capsys) -> None:
    code, out, _ = _main(["run", script(BAD), "--json"], capsys)
    assert code == 1
    result = json.loads(out)
    assert result["success"] is False
    assert (result["error_type"], result["error_line"], result["error_column"]) == ("TypeError", 2, 5)


def test_run_json_is_alone_on_stdout_with_the_printed_output_inside(script: Script, capsys: Capsys) -> None:
    code, out, err = _main(["run", script(OK), "--context", '{"v": 1}', "--json"], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)  # the whole of stdout is one JSON document
    assert (result["stdout"], result["value"]) == ("hi 1\n", {"v": 1, "s": "é"})


def test_version(capsys: Capsys) -> None:
    from mlpy import __version__

    code, out, _ = _main(["--version"], capsys)
    assert (code, out) == (0, f"mlpy {__version__}\n")


def test_run_script_error_shows_position_and_caret(script: Script, capsys: Capsys) -> None:
    path = script(BAD)
    code, out, err = _main(["run", path], capsys)
    assert (code, out) == (1, "")
    assert err == f"{path}:2:5: TypeError: cannot add number and array\n    y = x + [1];\n        ^\n"


def test_run_syntax_error_shows_position_and_caret(script: Script, capsys: Capsys) -> None:
    path = script("x = 1\ny = 2;\n")
    code, _, err = _main(["run", path], capsys)
    assert code == 1
    assert err == f"{path}:1:6: SyntaxError: expected ';'\n    x = 1\n         ^\n"


def test_run_output_before_an_error_is_kept(script: Script, capsys: Capsys) -> None:
    code, out, err = _main(["run", script('print("before");\nthrow "stop";\n')], capsys)
    assert (code, out) == (1, "before\n")
    assert ":2:1: Error: stop" in err


def test_run_timeout(script: Script, capsys: Capsys) -> None:
    code, _, err = _main(["run", script("while (true) { }"), "--timeout", "0.5"], capsys)
    assert code == 1
    assert ":1:1: TimeoutError: Execution timeout after 0.5 seconds" in err


def test_run_strict(script: Script, capsys: Capsys) -> None:
    path = script('x = getattr({}, "a");\n')
    assert _main(["run", path], capsys)[0] == 0
    code, _, err = _main(["run", path, "--strict"], capsys)
    assert code == 1 and ":1:5: SecurityError: strict mode" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--context", "{bad"], "--context is not valid JSON"),
        (["--context", "[1]"], "--context must be a JSON object"),
        (["--context", '{"1x": 1}'], "context key '1x' is not an ML identifier"),
        (["--context", "@/nonexistent/ctx.json"], "cannot read context file"),
        (["--timeout", "-1"], "timeout must be a positive number"),
    ],
)
def test_run_usage_errors_exit_2(script: Script, capsys: Capsys, args: list[str], message: str) -> None:
    code, out, err = _main(["run", script(OK), *args], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("mlpy: ") and message in err


def test_missing_file_and_bad_arguments_exit_2(capsys: Capsys) -> None:
    code, _, err = _main(["run", "/nonexistent/x.ml"], capsys)
    assert code == 2 and "mlpy: cannot read /nonexistent/x.ml" in err
    assert _main(["frobnicate"], capsys)[0] == 2
    assert _main([], capsys)[0] == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: Capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"result = 6 * 7;")))
    code, out, _ = _main(["run", "-"], capsys)
    assert (code, out) == (0, "42\n")


def test_transpile(script: Script, capsys: Capsys) -> None:
    code, out, _ = _main(["transpile", script("x = 1 + y;\n")], capsys)
    assert code == 0
    assert out == "x = __ml_add(1, y)\n"


def test_transpile_error(script: Script, capsys: Capsys) -> None:
    path = script(CHECK_ERRORS)
    code, out, err = _main(["transpile", path], capsys)
    assert (code, out) == (1, "")
    assert err.count(f"{path}:") == 3


def test_check_ok(script: Script, capsys: Capsys) -> None:
    path = script(OK)
    assert _main(["check", path], capsys) == (0, f"{path}: ok\n", "")


def test_check_lists_every_error_with_a_caret(script: Script, capsys: Capsys) -> None:
    path = script(CHECK_ERRORS)
    code, out, err = _main(["check", path], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:1:1: SecurityError: name '__a' is not allowed: names starting with '__' are reserved",
        "    __a = 1;",
        "    ^",
        f"{path}:2:1: SyntaxError: 'break' outside a loop",
        "    break;",
        "    ^",
        f"{path}:3:1: SyntaxError: unknown module 'nope' (available: args, collections, console, crypto, csv,"
        " datetime, env, file, functional, http, json, log, math, path, random, regex, string)",
        "    import nope;",
        "    ^",
    ]


def test_check_caret_counts_characters(script: Script, capsys: Capsys) -> None:
    path = script('s = "日本語"; t = "\\q";\n')
    _, _, err = _main(["check", path], capsys)
    assert err.splitlines()[1:] == ['    s = "日本語"; t = "\\q";', "    " + " " * 16 + "^"]


def test_check_strict(script: Script, capsys: Capsys) -> None:
    path = script("import file;\n")
    assert _main(["check", path], capsys)[0] == 0
    code, _, err = _main(["check", path, "--strict"], capsys)
    assert code == 1 and "SecurityError" in err


def test_python_dash_m_mlpy_with_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlpy", "run", "-", "--context", '{"n": 5}'],
        input=b'print("n is", n);\nresult = n * 2;',
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "n is 5\n10\n"


def test_python_dash_m_mlpy_error_exit_code() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlpy", "check", "-"], input=b"x = ;", capture_output=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.decode().startswith("-:1:5: SyntaxError: unexpected ';'")


def test_a_short_timeout_is_enough_for_the_first_run_of_a_process() -> None:
    """Building the parser is not spent from the script's timeout (issue 11 §6)."""
    done = subprocess.run(
        [sys.executable, "-m", "mlpy", "run", "-", "--timeout", "0.05"],
        input=b"result = 1 + 1;",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "2\n"
