"""Hostile or broken source: every case is a clear mlpy error (or a correct result), never a crash.

Never a Python ``RecursionError``, ``MemoryError``, Lark exception or internal traceback: each
case gives an `MLResult` whose ``error_type`` is an ML error type, with a meaningful message and,
where the error has a place in the source, its line and column.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

import mlpy
from mlpy.language.check import nesting_error
from mlpy.language.parser import MAX_SOURCE_CHARS, parse


def _fails(code: Any, kind: str, message: str, line: int | None = None, column: int | None = None) -> None:
    result = mlpy.run(code)
    assert not result.success
    assert result.error_type == kind, result.error
    assert result.error is not None and re.search(message, result.error), result.error
    assert "Traceback" not in result.error and "lark" not in result.error.lower()
    if line is not None:
        assert result.error_line == line, result.error
    if column is not None:
        assert result.error_column == column, result.error


@pytest.mark.parametrize("code", [5, None, ["x = 1;"], 1.5, {"code": "x"}, memoryview(b"x = 1;")])
def test_code_that_is_not_text(code: Any) -> None:
    """Code that is not text is the host's mistake (§7.1): the same TypeError from every entry
    point (issue 11 §1; `run` used to return a failed result and `check` a SyntaxError)."""
    message = f"ML code must be a str, bytes or Program, not {type(code).__name__}"
    for entry in (mlpy.run, mlpy.check, mlpy.transpile):
        with pytest.raises(TypeError) as caught:
            entry(code)
        assert str(caught.value) == message


def test_bytes_in_utf8_are_accepted() -> None:
    assert mlpy.run("result = 'é';".encode()).value == "é"
    assert mlpy.run(bytearray(b"result = 1;")).value == 1


def test_bytes_that_are_not_utf8() -> None:
    _fails(b"x = 1;\ny = '\xff\xfe';", "SyntaxError", r"not valid UTF-8 \(byte 0xff\)", 2, 6)


def test_nul_character() -> None:
    _fails("x = 1;\ny = 2;\x00", "SyntaxError", "NUL character", 2, 7)
    _fails(b"x = '\x00';", "SyntaxError", "NUL character", 1, 6)


@pytest.mark.parametrize("code", ["", "   ", "\n\n\t\n"])
def test_empty_code(code: str) -> None:
    _fails(code, "SyntaxError", "empty program", 1, 1)


def test_a_program_of_comments_only_has_result_null() -> None:
    """docs/language-notes.md: only blank source is 'empty'; comments make a (no-op) program."""
    for code in ("// nothing", "/* nothing */", "// a\n// b\n"):
        result = mlpy.run(code)
        assert result.success and result.value is None


def test_byte_order_mark_is_ignored() -> None:
    """docs/language-notes.md: a leading BOM is not part of the program (columns start after it)."""
    assert mlpy.run("\ufeffresult = 1;").value == 1
    assert mlpy.run(b"\xef\xbb\xbfresult = 2;").value == 2
    _fails("\ufeffx = 1 +;", "SyntaxError", "unexpected ';'", 1, 8)


def test_source_of_two_megabytes() -> None:
    code = "x = 1;\n" * (2_000_000 // 7)
    assert len(code) > MAX_SOURCE_CHARS
    _fails(code, "SyntaxError", f"source too large: {len(code)} characters", 1, 1)


def test_ten_thousand_nested_parentheses_mean_nothing() -> None:
    """Parentheses only group: 10,000 of them around a literal are just the literal."""
    assert mlpy.run("result = " + "(" * 10_000 + "1" + ")" * 10_000 + ";").value == 1


@pytest.mark.parametrize(
    ("code", "column"),
    [
        ("x = " + "[" * 10_000 + "]" * 10_000 + ";", 204),
        ("x = " + "{a: " * 10_000 + "1" + "}" * 10_000 + ";", 801),
        ("x = " + "(" * 5_000 + "[" * 5_000 + "]" * 5_000 + ")" * 5_000 + ";", 5204),
        ("x = " + "-" * 5_000 + "1;", 204),
        ("x = " + "!" * 5_000 + "true;", 204),
        ("x = " + "fn() => " * 3_000 + "1;", 1597),
        ("x = f" + "(1)" * 5_000 + ";", None),
        ("x = o" + ".a" * 10_000 + ";", 5),
        ("x = " + "true ? 1 : " * 3_000 + "2;", 2194),
    ],
    ids=[
        "brackets",
        "braces",
        "parens-and-brackets",
        "unary-minus",
        "not",
        "arrows",
        "calls",
        "members",
        "ternary",
    ],
)
def test_deep_nesting_is_refused_with_a_position(code: str, column: int | None) -> None:
    _fails(code, "SyntaxError", r"nested too deeply \(more than 200 levels\)", 1, column)


def test_unclosed_nesting_is_a_syntax_error() -> None:
    _fails("x = " + "(" * 10_000 + ";", "SyntaxError", "unexpected ';'", 1, 10_005)
    _fails("x = " + "[" * 10_000, "SyntaxError", "unexpected end of input", 1, 10_005)


def test_long_plus_chains() -> None:
    """docs/language-notes.md: nesting is limited to 200 levels, and a chain of n binary
    operators nests n levels: 190 terms are fine, 20,000 are refused."""
    assert mlpy.run("result = " + " + ".join(["1"] * 190) + ";").value == 190
    assert mlpy.run("result = " + " + ".join(['"a"'] * 150) + ";").value == "a" * 150
    _fails("x = " + " + ".join(["1"] * 20_000) + ";", "SyntaxError", "nested too deeply")


def test_deeply_nested_blocks() -> None:
    """Python allows 20 nested loops or try blocks: deeper is a clear SyntaxError at the 21st."""
    ok = "x = 0;\n" + "while (x < 1) {\n" * 20 + "x = 1;\n" + "}\n" * 20 + "result = x;"
    assert mlpy.run(ok).value == 1
    deep = "x = 0;\n" + "while (x < 1) {\n" * 25 + "x = 1;\n" + "}\n" * 25
    _fails(deep, "SyntaxError", "too many nested blocks", 22, 1)
    tries = "try {\n" * 25 + "x = 1;\n" + "} finally { }\n" * 25
    _fails(tries, "SyntaxError", "too many nested blocks")


def test_deeply_nested_ifs_and_functions() -> None:
    ifs = "x = 0;\n" + "if (true) {\n" * 90 + "x = 1;\n" + "}\n" * 90 + "result = x;"
    assert mlpy.run(ifs).value == 1
    _fails("x = 0;\n" + "if (true) {\n" * 300 + "}\n" * 300, "SyntaxError", "nested too deeply")
    fns = "".join(f"function f{i}() {{\n" for i in range(60)) + "}\n" * 60 + "result = 1;"
    assert mlpy.run(fns).value == 1


def test_long_elif_chains() -> None:
    """An elif counts as a level (it compiles to a nested Python if): a chain of 3,000 is refused
    by the check pass, whatever recursion limit the process happens to have."""

    def chain(n: int) -> str:
        elifs = "".join(f"elif (x == {i}) {{ r = {i}; }}\n" for i in range(1, n))
        return "x = 5;\nif (x == 0) { r = 0; }\n" + elifs + "else { r = -1; }\nresult = r;"

    assert mlpy.run(chain(150)).value == 5
    errors = mlpy.check(chain(3_000))
    assert [(e.line, e.column) for e in errors] == [(201, 7)]
    assert "counting each elif as one" in errors[0].message
    _fails(chain(3_000), "SyntaxError", "nested too deeply", 201, 7)


@pytest.mark.parametrize(
    ("source", "limit", "where"),
    [
        ("if (a) { x = 1; }", 1, (1, 5)),
        ("if (a) { x = 1; }", 2, (1, 10)),
        ("if (a) { x = 1; }", 4, None),
        ("if (a) { } elif (b) { }", 2, (1, 18)),
        ("if (a) { } elif (b) { }", 3, None),
        ("if (a) { } else if (b) { } else { x = 1; }", 3, (1, 35)),
        ("if (a) { } else if (b) { } else { x = 1; }", 5, None),
    ],
)
def test_nesting_counts_elif_branches(source: str, limit: int, where: tuple[int, int] | None) -> None:
    error = nesting_error(parse(source), limit)
    assert (error and (error.line, error.column)) == where


def test_unterminated_string() -> None:
    _fails('x = 1;\ny = "abc;\nz = 2;', "SyntaxError", "unterminated string", 2, 5)
    _fails("x = 'abc", "SyntaxError", "unterminated string", 1, 5)
    _fails('x = "abc\\"', "SyntaxError", "unterminated string", 1, 5)


def test_unterminated_comment() -> None:
    _fails("x = 1;\n/* abc\n def", "SyntaxError", "unterminated comment", 2, 1)
    _fails("x = 1 /*", "SyntaxError", "unterminated comment", 1, 7)
    _fails("/*/", "SyntaxError", "unterminated comment", 1, 1)


@pytest.mark.parametrize(
    ("code", "column"),
    [("x\u00a0= 1;", 2), ("x = 1;\u200b", 7), ("x = 1;\v", 7), ("x = @;", 5), ("x = `a`;", 5), ("é = 1;", 1)],
    ids=["nbsp", "zero-width-space", "vertical-tab", "at-sign", "backtick", "non-ascii-letter"],
)
def test_stray_characters(code: str, column: int) -> None:
    _fails(code, "SyntaxError", "unexpected character", 1, column)


def test_huge_number_literals() -> None:
    _fails("x = " + "9" * 5_000 + ";", "SyntaxError", "number literal too long", 1, 5)
    _fails("x = 1" + "0" * 400 + ".0;", "SyntaxError", "overflows", 1, 5)


def test_line_endings() -> None:
    """``\\r\\n`` and lone ``\\r`` end lines like ``\\n``: for the `//` rule (§1.2), for line
    numbers, and in strings that span lines (whose line breaks are ``\\n``, as in Python)."""
    assert mlpy.run("x = 1;\r\ny = x +\r\n 1;\r\nresult = y;").value == 2
    for newline in ("\r\n", "\r"):
        assert mlpy.run(f"x = 10{newline}// comment{newline};{newline}result = x;").value == 10
        _fails(f"x = 1;{newline}y = x + [1];", "TypeError", "cannot add", 2, 5)
        assert mlpy.run(f'result = "a{newline}b";').value == "a\nb"
    assert mlpy.run('result = "a\\r\\nb";').value == "a\r\nb"  # escapes are not line endings


def test_lone_surrogates_in_text_do_not_crash() -> None:
    result = mlpy.run('x = "\ud800";\nresult = len(x);')
    assert result.success and result.value == 1
    _fails("x\ud800 = 1;", "SyntaxError", "unexpected character", 1, 2)


def test_many_escapes_compile_in_linear_time() -> None:
    """300,000 escapes in one literal: each escape's position is only worked out for an error."""
    start = time.perf_counter()
    result = mlpy.run('result = len("' + "a\\n" * 300_000 + '");')
    assert result.value == 600_000
    assert time.perf_counter() - start < 10  # it took 48 s when every escape computed its position
    # (LANGUAGE.md §1.5: an unknown escape such as \q is now kept; a malformed \x is the error)
    _fails('x = "' + "\\n" * 100_000 + '\\x";', "SyntaxError", "invalid escape", 1, 200_006)
