"""The ``log`` module (LANGUAGE.md §6.1): levelled lines in the captured output, level per call."""

from __future__ import annotations

import logging

import pytest

import mlpy
from mlpy import Limits


def run(code: str, **kw: object) -> mlpy.MLResult:
    return mlpy.run("import log;\n" + code, **kw)  # type: ignore[arg-type]


def stdout(code: str) -> str:
    r = run(code)
    assert r.success, r.error
    return r.stdout


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('log.info("started");', "[INFO] started\n"),
        ('log.warn("cache miss", {key: "user_1", n: 2});', "[WARN] cache miss | key=user_1, n=2\n"),
        ('log.error("failed", {codes: [1, 2]});', "[ERROR] failed | codes=[1, 2]\n"),
        ('log.critical("down");', "[CRITICAL] down\n"),
        ('log.debug("hidden");', ""),
        ("log.info(42, {});", "[INFO] 42\n"),
        ('log.set_level("debug"); log.debug("shown");', "[DEBUG] shown\n"),
        ('log.set_level("ERROR"); log.warn("x"); log.error("y");', "[ERROR] y\n"),
        ('log.set_level("WARNING"); log.info("x"); log.warn("y");', "[WARN] y\n"),
        ('log.set_level("critical"); log.error("x"); log.critical("y");', "[CRITICAL] y\n"),
    ],
)
def test_lines_and_levels(code: str, expected: str) -> None:
    assert stdout(code) == expected


def test_level_belongs_to_the_call() -> None:
    assert stdout('log.set_level("debug"); log.debug("a");') == "[DEBUG] a\n"
    assert stdout('log.debug("b");') == ""


def test_functions_return_null() -> None:
    assert run('result = [log.info("x"), log.set_level("info")];').value == [None, None]


@pytest.mark.parametrize(
    ("code", "error_type", "words"),
    [
        ('log.set_level("verbose");', "ValueError", 'unknown level "verbose"'),
        ("log.set_level(10);", "TypeError", "expects a string"),
        ('log.info("x", [1]);', "TypeError", "log.info() expects an object as data, got array"),
        ("log.info();", "TypeError", "log.info() takes 1 to 2 arguments but 0 were given"),
    ],
)
def test_errors(code: str, error_type: str, words: str) -> None:
    r = run("x = 1;\n" + code)
    assert r.error_type == error_type
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 1)


def test_never_writes_to_host_streams_or_logging(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert stdout('log.set_level("debug"); log.debug("a"); log.critical("b");').count("\n") == 2
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert caplog.records == []


def test_output_is_capped() -> None:
    r = run('for (i in range(100)) { log.error("0123456789"); }', limits=Limits(max_output=50))
    assert r.error_type == "LimitError"
    assert len(r.stdout) == 50
