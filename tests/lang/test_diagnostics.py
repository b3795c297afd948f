"""Diagnostics before running: every syntax error listed (the parser recovers), warnings in
their own channel (LANGUAGE.md §1.5), and the front end under the call's deadline."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import mlpy
from mlpy import deadline
from mlpy.cli import main
from mlpy.errors import MLTimeoutError
from mlpy.language import diagnostics as diag
from mlpy.language.check import diagnose
from mlpy.language.parser import MAX_ERRORS, parse, parse_all

THREE_ERRORS = """x = 1
y = (x + 1;
function f(a) {
    return a +;
}
z = [1, 2;
ok = 4;
"""


def test_check_lists_every_syntax_error_with_its_position() -> None:
    errors = mlpy.check(THREE_ERRORS)
    assert [(e.error_type, e.line, e.column) for e in errors] == [
        ("SyntaxError", 1, 6),
        ("SyntaxError", 2, 11),
        ("SyntaxError", 4, 15),
        ("SyntaxError", 6, 10),
    ]
    assert errors[0].message == "expected ';'"
    assert errors[1].message.startswith("unexpected ';'; expected ')'")


def test_compile_reports_them_all_and_run_names_the_first() -> None:
    with pytest.raises(mlpy.MLCheckErrors) as info:
        mlpy.compile_ml(THREE_ERRORS)
    assert len(info.value.errors) == 4
    assert "(and 3 more errors)" in str(info.value)
    result = mlpy.run(THREE_ERRORS)
    assert (result.error_type, result.error_line) == ("SyntaxError", 1)


def test_parse_raises_the_first_error_as_before() -> None:
    with pytest.raises(mlpy.MLSyntaxError) as info:
        parse(THREE_ERRORS)
    assert (info.value.line, info.value.column, info.value.message) == (1, 6, "expected ';'")


def test_a_valid_program_parses_with_no_errors() -> None:
    result = parse_all("x = 1; function f() { return {a: [1, 2]}; }")
    assert result.errors == () and result.program is not None


def test_literal_errors_are_listed_with_syntax_errors_in_source_order() -> None:
    source = 's = "\\x1";\nt = (1;\nu = 1e999;\n'
    errors = mlpy.check(source)
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (1, "invalid escape '\\x' in string"),
        (2, "unexpected ';'; expected ')'"),
        (3, "float literal 1e999 overflows"),
    ]


def test_the_error_list_is_bounded() -> None:
    source = "x = (1;\n" * (MAX_ERRORS * 3)
    errors = mlpy.check(source)
    assert len(errors) == MAX_ERRORS
    assert errors[-1].line == MAX_ERRORS


def test_recovery_is_linear() -> None:
    """Many errors in a large program: each costs O(1) beyond its own tokens."""
    source = "x = (1 + 2;\ny = [3, 4];\n" * 20_000
    start = time.perf_counter()
    errors = mlpy.check(source)
    assert len(errors) == MAX_ERRORS
    assert time.perf_counter() - start < 20  # ~0.1 s: stops at MAX_ERRORS


# -- warnings ------------------------------------------------------------------------------


def test_an_unknown_escape_is_a_warning_with_its_position() -> None:
    source = 'x = 1;\npattern = "^\\d+\\.\\w$";\nresult = pattern;'
    assert mlpy.check(source) == []  # check's type is unchanged: errors only
    found = mlpy.diagnostics(source)
    assert [(d.severity, d.kind, d.line, d.column) for d in found] == [
        (mlpy.Severity.WARNING, "Warning", 2, 13),
        (mlpy.Severity.WARNING, "Warning", 2, 16),
        (mlpy.Severity.WARNING, "Warning", 2, 18),
    ]
    assert found[0].message.startswith("unknown escape '\\d' in string is kept as written")
    assert found[0].format().startswith("Warning at line 2, column 13: unknown escape")
    result = mlpy.run(source)
    assert result.success and result.value == "^\\d+\\.\\w$"


def test_diagnostics_merge_errors_and_warnings_in_source_order() -> None:
    source = 'a = "\\q";\nb = (1;\nc = "\\z";\n'
    found = mlpy.diagnostics(source)
    assert [(d.severity.value, d.line) for d in found] == [("warning", 1), ("error", 2), ("warning", 3)]
    assert found[1] == diag.Diagnostic(diag.Severity.ERROR, "SyntaxError", found[1].message, found[1].span)


def test_diagnostics_include_check_pass_errors() -> None:
    found = diagnose('x = "\\d";\nbreak;\n')
    assert [(d.kind, d.line) for d in found] == [("Warning", 1), ("SyntaxError", 2)]
    assert [d.kind for d in mlpy.diagnostics(b"\xff")] == ["SyntaxError"]
    with pytest.raises(TypeError, match="ML code must be"):  # the host's mistake, as for run/check
        mlpy.diagnostics(123)


def test_warnings_are_bounded() -> None:
    source = 'x = "' + "\\d" * 100_000 + '";'
    start = time.perf_counter()
    found = mlpy.diagnostics(source)
    assert len(found) == diag.MAX_WARNINGS
    assert time.perf_counter() - start < 10


def test_cli_check_prints_warnings_and_succeeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.ml"
    path.write_text('x = "\\d+";\nresult = x;\n', "utf-8")
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == f"{path}: ok (1 warning)"
    assert err.startswith(f"{path}:1:6: Warning: unknown escape '\\d'")
    assert '    x = "\\d+";\n         ^' in err


def test_cli_check_lists_every_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "e.ml"
    path.write_text(THREE_ERRORS, "utf-8")
    assert main(["check", str(path)]) == 1
    _, err = capsys.readouterr()
    assert [line.split(": ")[0] for line in err.splitlines() if not line.startswith("    ")] == [
        f"{path}:1:6",
        f"{path}:2:11",
        f"{path}:4:15",
        f"{path}:6:10",
    ]


# -- the deadline ----------------------------------------------------------------------------


def _big_program(statements: int) -> str:
    return "".join(f"x{i} = [{i}, {i} + 1, {{k: 'v{i}'}}];\n" for i in range(statements))


def test_parsing_stops_near_the_deadline() -> None:
    source = _big_program(23_000)  # ~1 MB: several seconds to parse
    assert len(source) > 900_000
    start = time.monotonic()
    with pytest.raises(MLTimeoutError, match="while compiling"), deadline.within(start + 0.2, 0.2):
        parse_all(source)
    assert time.monotonic() - start < 1.5


def test_the_check_pass_stops_at_the_deadline() -> None:
    from mlpy.language.check import check

    tree = parse(_big_program(3_000))
    with pytest.raises(MLTimeoutError), deadline.within(time.monotonic() - 1, 1.0):
        check(tree)


def test_compiling_stops_at_the_deadline() -> None:
    """parse, check and codegen all look at the deadline (a large program never runs long)."""
    source = _big_program(23_000)
    start = time.monotonic()
    with pytest.raises(MLTimeoutError), deadline.within(start + 0.3, 0.3):
        mlpy.compile_ml(source, use_cache=False)
    assert time.monotonic() - start < 1.5


def test_codegen_stops_at_the_deadline() -> None:
    from mlpy.compiler.codegen import generate

    tree = parse(_big_program(2_000))
    with pytest.raises(MLTimeoutError), deadline.within(time.monotonic() - 1, 1.0):
        generate(tree)


def test_outside_a_deadline_nothing_is_checked() -> None:
    assert parse_all(_big_program(200)).errors == ()
