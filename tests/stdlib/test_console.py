"""The ``console`` module (LANGUAGE.md §6.1): captured output only."""

from __future__ import annotations

import logging

import pytest

import mlpy
from mlpy import Limits


def stdout(code: str, **kw: object) -> str:
    r = mlpy.run("import console;\n" + code, **kw)  # type: ignore[arg-type]
    assert r.success, r.error
    return r.stdout


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('console.log("total", 3);', "total 3\n"),
        ("console.log();", "\n"),
        ('console.log([1, "a", null], {k: true}, 1.5);', '[1, "a", null] {"k": true} 1.5\n'),
        ('console.info("ready");', "[INFO] ready\n"),
        ('console.debug("x =", 1);', "[DEBUG] x = 1\n"),
        ('console.warn("low disk");', "[WARN] low disk\n"),
        ('console.error("failed:", "boom");', "[ERROR] failed: boom\n"),
        ('print("a"); console.log("b"); print("c");', "a\nb\nc\n"),
    ],
)
def test_lines_go_to_the_captured_output(code: str, expected: str) -> None:
    assert stdout(code) == expected


def test_functions_return_null() -> None:
    r = mlpy.run('import console;\nresult = [console.log("x"), console.warn("y")];')
    assert r.value == [None, None]


def test_nothing_reaches_the_host_streams_or_logging(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    out = stdout(
        'console.log("a"); console.error("b"); console.warn("c"); console.info("d"); console.debug("e");'
    )
    assert out.count("\n") == 5
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert caplog.records == []


def test_output_is_capped() -> None:
    code = 'import console;\nfor (i in range(1000)) {\n    console.warn("0123456789");\n}'
    r = mlpy.run(code, limits=Limits(max_output=100))
    assert r.error_type == "LimitError"
    assert "max_output" in (r.error or "")
    assert r.error_line == 3
    assert len(r.stdout) == 100


def test_output_limit_cannot_be_caught() -> None:
    code = 'import console;\ntry { console.log("x" * 200); } except (e) { result = "caught"; }'
    r = mlpy.run(code, limits=Limits(max_output=100))
    assert r.error_type == "LimitError"


def test_calls_do_not_share_output() -> None:
    assert stdout('console.log("one");') == "one\n"
    assert stdout('console.log("two");') == "two\n"
