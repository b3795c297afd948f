"""The ``env`` host-access module: granted variable names only, never the host's environment."""

from __future__ import annotations

import os
from typing import Any

import pytest

import mlpy

GRANT = {"env": ["MLPY_T_NAME", "MLPY_T_PORT", "MLPY_T_RATE", "MLPY_T_DEBUG", "MLPY_T_UNSET"]}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLPY_T_NAME", "Ada")
    monkeypatch.setenv("MLPY_T_PORT", "8080")
    monkeypatch.setenv("MLPY_T_RATE", "2.5")
    monkeypatch.setenv("MLPY_T_DEBUG", "Yes")
    monkeypatch.setenv("MLPY_T_SECRET", "hunter2")
    monkeypatch.delenv("MLPY_T_UNSET", raising=False)


def run(code: str, caps: dict[str, list[str]] | None = None, **kw: Any) -> mlpy.MLResult:
    return mlpy.run("import env;\n" + code, capabilities=GRANT if caps is None else caps, **kw)


def value(expr: str, **kw: Any) -> Any:
    r = run(f"result = {expr};", **kw)
    assert r.success, r.error
    return r.value


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('env.get("MLPY_T_NAME")', "Ada"),
        ('env.get("MLPY_T_UNSET")', None),
        ('env.get("MLPY_T_UNSET", "dflt")', "dflt"),
        ('env.require("MLPY_T_NAME")', "Ada"),
        ('env.has("MLPY_T_NAME")', True),
        ('env.has("MLPY_T_UNSET")', False),
        ('env.get_int("MLPY_T_PORT")', 8080),
        ('env.get_int("MLPY_T_UNSET", 3)', 3),
        ('env.get_float("MLPY_T_RATE")', 2.5),
        ('env.get_float("MLPY_T_UNSET")', 0.0),
        ('env.get_bool("MLPY_T_DEBUG")', True),
        ('env.get_bool("MLPY_T_UNSET", true)', True),
        (
            "env.all()",
            {"MLPY_T_NAME": "Ada", "MLPY_T_PORT": "8080", "MLPY_T_RATE": "2.5", "MLPY_T_DEBUG": "Yes"},
        ),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        'env.get("MLPY_T_SECRET")',
        'env.get("PATH")',
        'env.has("MLPY_T_SECRET")',
        'env.has("NOT_SET_ANYWHERE")',
        'env.require("HOME")',
        'env.get_int("MLPY_T_SECRET")',
        'env.set("PATH", "/evil")',
        'env.delete("MLPY_T_SECRET")',
    ],
)
def test_names_not_granted_are_refused(expr: str) -> None:
    r = run(f"x = 1;\nresult = {expr};")
    assert r.error_type == "SecurityError"
    assert "is not granted (capability env)" in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_all_lists_only_granted_names() -> None:
    everything = value("env.all()")
    assert "MLPY_T_SECRET" not in everything and "PATH" not in everything
    assert value("env.all()", caps={"env": ["MLPY_T_NAME"]}) == {"MLPY_T_NAME": "Ada"}


def test_star_grants_every_name() -> None:
    assert value('env.get("MLPY_T_SECRET")', caps={"env": ["*"]}) == "hunter2"
    assert value("env.all()", caps={"env": ["*"]})["MLPY_T_SECRET"] == "hunter2"


def test_set_and_delete_stay_in_the_call() -> None:
    code = """env.set("MLPY_T_NAME", "Bob");
env.set("MLPY_T_UNSET", 42);
env.delete("MLPY_T_PORT");
result = [env.get("MLPY_T_NAME"), env.get("MLPY_T_UNSET"), env.has("MLPY_T_PORT"), env.all()["MLPY_T_UNSET"]];
"""
    assert run(code).value == ["Bob", "42", False, "42"]
    assert os.environ["MLPY_T_NAME"] == "Ada"
    assert "MLPY_T_UNSET" not in os.environ
    assert os.environ["MLPY_T_PORT"] == "8080"
    assert value('env.get("MLPY_T_NAME")') == "Ada"


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ('env.require("MLPY_T_UNSET")', "KeyError", 'environment variable "MLPY_T_UNSET" is not set'),
        ('env.get_int("MLPY_T_NAME")', "ValueError", 'is not an integer: "Ada"'),
        ('env.get_float("MLPY_T_NAME")', "ValueError", "is not a number"),
        ('env.get_bool("MLPY_T_NAME")', "ValueError", "is not a boolean"),
        ("env.get(1)", "TypeError", "env.get() expects a variable name, got number"),
    ],
)
def test_errors(expr: str, error_type: str, words: str) -> None:
    r = run(f"x = 1;\nresult = {expr};", caps={"env": ["MLPY_T_NAME", "MLPY_T_UNSET"]})
    assert r.error_type == error_type
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_import_needs_the_grant_and_is_refused_in_strict_mode() -> None:
    r = mlpy.run('import env;\nresult = env.get("HOME");')
    assert r.error_type == "SecurityError"
    assert "import env needs the capability env" in (r.error or "")
    r = mlpy.run(
        'import env;\nresult = env.get("HOME");', capabilities={"env": ["HOME"]}, strict_security=True
    )
    assert r.error_type == "SecurityError"
    assert "strict mode" in (r.error or "")


def test_declared_capability_must_be_granted() -> None:
    code = 'capability Config { resource "MLPY_T_SECRET"; allow system; }\nimport env;\nresult = 1;'
    r = mlpy.run(code, capabilities={"env": ["MLPY_T_NAME"]})
    assert r.error_type == "SecurityError"
    assert "MLPY_T_SECRET" in (r.error or "")
