"""Every error kind lands on the right ML line and column (§10), in the style of Jinja's test_debug.

Columns are 1-based and count characters (not UTF-8 bytes), so text such as ``"日本語"`` before
an error on the same line moves the column by one per character.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import mlpy

#: (id, source, limits, error type, line, column)
RUNTIME: list[tuple[str, str, dict[str, Any], str, int, int]] = [
    ("type-add", "x = 1;\ny = x + [1];", {}, "TypeError", 2, 5),
    ("type-unary", "x = -[1];", {}, "TypeError", 1, 5),
    ("type-compare", 'x = 1;\n  y = "a" < 1;', {}, "TypeError", 2, 7),
    ("type-member", "o = {a: {b: 1}};\nx = o.a.b.c;", {}, "TypeError", 2, 5),
    ("type-set-member", "s = 'str';\ns.k = 1;", {}, "TypeError", 2, 1),
    ("type-not-callable", "x = null;\ny = x();", {}, "TypeError", 2, 5),
    ("type-arity", "function two(a, b) { return 1; }\n  two(1);", {}, "TypeError", 2, 3),
    ("type-iterate", "for (x in 5) { }", {}, "TypeError", 1, 11),
    ("type-in-builtin", 'x = 1;\nr = sorted([1, "a"]);', {}, "TypeError", 2, 5),
    ("type-in-arrow", "f = fn(x) => x.y;\nf(\n  1);", {}, "TypeError", 1, 14),
    ("name", "y = 1 + nope;", {}, "NameError", 1, 9),
    ("name-local", "function f() {\n  y = x;\n  x = 1;\n}\nf();", {}, "NameError", 2, 7),
    ("index", "a = [1];\nb = a[3];", {}, "IndexError", 2, 5),
    ("index-set", "x = [1, 2];\nx[5] = 1;", {}, "IndexError", 2, 1),
    ("index-method", "r = [];\nr = r.pop();", {}, "IndexError", 2, 5),
    ("key", 'o = {};\nv = o["k"];', {}, "KeyError", 2, 5),
    ("key-destructure", "  {a} = {};", {}, "KeyError", 1, 3),
    ("value-int", 'v = int("x");', {}, "ValueError", 1, 5),
    ("value-destructure", "[a, b] = [1];", {}, "ValueError", 1, 1),
    ("value-slice", "x = [1][::0];", {}, "ValueError", 1, 5),
    ("zero-division", "x = 10 / (5 - 5);", {}, "ZeroDivisionError", 1, 5),
    ("zero-floor", "x = 1;\n   x = x // 0;", {}, "ZeroDivisionError", 2, 8),
    ("zero-modulo", "x = 10 % 0;", {}, "ZeroDivisionError", 1, 5),
    ("throw", 'throw "x";', {}, "Error", 1, 1),
    (
        "throw-in-function",
        'function f() {\n    throw {message: "m", type: "Custom"};\n}\nf();',
        {},
        "Custom",
        2,
        5,
    ),
    (
        "timeout",
        "x = 0;\nwhile (true) {\n  x += 1;\n}",
        {"timeout": 0.1, "max_steps": 10**12},
        "TimeoutError",
        2,
        1,
    ),
    (
        "limit-steps",
        "x = 0;\nfor (i in range(10000)) {\n  x += 1;\n}",
        {"max_steps": 100},
        "LimitError",
        2,
        1,
    ),
    (
        "limit-depth",
        "x = 1;\nfunction f(n) {\n  return f(n + 1);\n}\nf(0);",
        {"max_depth": 30},
        "LimitError",
        2,
        1,
    ),
    ("limit-string", 's = "ab";\nt = s * 100000;', {"max_string": 1000}, "LimitError", 2, 5),
    ("non-ascii", 's = "日本語"; x = s.nope;', {}, "TypeError", 1, 16),
    ("non-ascii-multiline-string", 's = "é\nü"; x = 1 / 0;', {}, "ZeroDivisionError", 2, 9),
    ("non-ascii-emoji", 'x = "😀😀"; y = x - 1;', {}, "TypeError", 1, 15),
]


@pytest.mark.parametrize(
    ("source", "limits", "kind", "line", "column"), [c[1:] for c in RUNTIME], ids=[c[0] for c in RUNTIME]
)
def test_runtime_error_position(
    source: str, limits: dict[str, Any], kind: str, line: int, column: int
) -> None:
    result = mlpy.run(source, limits=mlpy.Limits(**limits))
    assert not result.success
    assert (result.error_type, result.error_line, result.error_column) == (kind, line, column), result.error
    assert result.error is not None
    assert result.error.startswith(f"{kind} at line {line}, column {column}: ")


#: (id, source, error type, line, column, message regex)
CHECK: list[tuple[str, str, str, int, int, str]] = [
    ("break", "x = 1;\n  break;", "SyntaxError", 2, 3, "'break' outside a loop"),
    (
        "continue",
        "while (true) {\n  function f() {\n    continue;\n  }\n}",
        "SyntaxError",
        3,
        5,
        "'continue' outside",
    ),
    ("return", "if (true) {\n    return 1;\n}", "SyntaxError", 2, 5, "'return' outside a function"),
    ("nonlocal", "x = 1; nonlocal x;", "SyntaxError", 1, 8, "'nonlocal' outside a function"),
    ("dunder-name", "__a = 1;", "SecurityError", 1, 1, "name '__a'"),
    ("dunder-member", "x = 1;\ny = o.__x;", "SecurityError", 2, 7, "member name '__x'"),
    ("dunder-member-next-line", "o = {};\no.\n  __x;", "SecurityError", 3, 3, "member name '__x'"),
    ("dunder-param", "function f(a, __b) { }", "SecurityError", 1, 15, "parameter '__b'"),
    ("dunder-key", "o = {a: 1, __k: 1};", "SecurityError", 1, 12, "object key '__k'"),
    ("dunder-after-non-ascii", 's = "é"; __x = 1;', "SecurityError", 1, 10, "name '__x'"),
    ("unknown-import", "x = 1;\n  import nosuch;", "SyntaxError", 2, 3, "unknown module 'nosuch'"),
    ("invalid-target", "x = 1;\nf() = 2;", "SyntaxError", 2, 1, "invalid assignment target"),
    ("invalid-aug-target", "x = 1;\n  1 += 2;", "SyntaxError", 2, 3, "invalid assignment target"),
    ("duplicate-param", "function f(a, a) {}", "SyntaxError", 1, 15, "duplicate parameter 'a'"),
    ("missing-semicolon", "x = 1\ny = 2;", "SyntaxError", 1, 6, "^expected ';'$"),
    ("missing-semicolon-eof", "x = 1", "SyntaxError", 1, 6, "^expected ';'$"),
    (
        "missing-semicolon-spaces",
        "x = foo(1,\n        2)   \n\ny = 3;",
        "SyntaxError",
        2,
        11,
        "^expected ';'$",
    ),
    ("missing-semicolon-comments", "x = 1 /* c */\n// d\ny = 2;", "SyntaxError", 1, 6, "^expected ';'$"),
    ("missing-semicolon-block", "function f() {\n  return 1\n}", "SyntaxError", 2, 11, "^expected ';'$"),
    ("missing-semicolon-tab", "x\t=\t1\t\ny = 2;", "SyntaxError", 1, 6, "^expected ';'$"),
    ("missing-semicolon-non-ascii", 'x = "日本語"\ny = 2;', "SyntaxError", 1, 10, "^expected ';'$"),
    (
        "missing-semicolon-after-string",
        'x = "line1\n// not a comment"\ny = 2;',
        "SyntaxError",
        2,
        18,
        "^expected ';'$",
    ),
    (
        "missing-semicolon-string-with-comment",
        'x = "a /* b */"\ny = 2;',
        "SyntaxError",
        1,
        16,
        "^expected ';'$",
    ),
    (
        "missing-semicolon-return-comment",
        "function f() {\n  return // c\n}",
        "SyntaxError",
        2,
        9,
        "^expected ';'$",
    ),
    ("missing-semicolon-parens", "x = (1 + 2)\ny = 1;", "SyntaxError", 1, 12, "^expected ';'$"),
    ("unterminated-string", "x = 'abc\ny = 1;", "SyntaxError", 1, 5, "unterminated string"),
    ("unterminated-string-later", 'x = 1;\n  y = "abc', "SyntaxError", 2, 7, "unterminated string"),
    ("unterminated-comment", "x = 1; /* open\n\n", "SyntaxError", 1, 8, "unterminated comment"),
    ("unterminated-comment-after-operand", "x = 1 /* open", "SyntaxError", 1, 7, "unterminated comment"),
    # LANGUAGE.md §1.5: an unknown escape is now a warning (tests/lang/test_diagnostics.py);
    # a malformed \x is the error at the same place
    ("malformed-escape", 's = "ab\\xqc";', "SyntaxError", 1, 8, "invalid escape '\\\\x'"),
    ("malformed-escape-second-line", 's = "line\nnext \\x";', "SyntaxError", 2, 6, "invalid escape"),
    ("malformed-hex-escape", 's = "ab\\x4g";', "SyntaxError", 1, 8, "escape"),
    ("short-unicode-escape", 'x = 1; s = "\\u12";', "SyntaxError", 1, 13, "escape"),
    ("unpaired-surrogate-escape", 'x = 1; s = "a\\ud800";', "SyntaxError", 1, 12, "surrogate"),
    ("malformed-escape-non-ascii", 's = "é"; t = "日\\x";', "SyntaxError", 1, 16, "invalid escape"),
    ("unexpected-token-non-ascii", 's = "日本"; x = 1 +;', "SyntaxError", 1, 18, "unexpected ';'"),
    ("unexpected-character", "x = 1 $ 2;", "SyntaxError", 1, 7, "unexpected character '\\$'"),
    ("non-ascii-identifier", "x = 1; é = 1;", "SyntaxError", 1, 8, "unexpected character 'é'"),
    ("float-overflow", "x = [1e400];", "SyntaxError", 1, 6, "float literal 1e400 overflows"),
    ("unclosed-paren", "x = (1 + 2;", "SyntaxError", 1, 11, "expected '\\)'"),
    ("unclosed-brace-eof", "x = {a: 1", "SyntaxError", 1, 10, "unexpected end of input; expected '}'"),
    ("reserved-word-as-name", "function while() { }", "SyntaxError", 1, 10, "unexpected 'while'"),
]


@pytest.mark.parametrize(
    ("source", "kind", "line", "column", "message"), [c[1:] for c in CHECK], ids=[c[0] for c in CHECK]
)
def test_check_error_position(source: str, kind: str, line: int, column: int, message: str) -> None:
    errors = mlpy.check(source)
    assert errors, "expected an error"
    first = errors[0]
    assert (first.error_type, first.line, first.column) == (kind, line, column), first.format()
    assert re.search(message, first.message), first.message
    result = mlpy.run(source)
    assert (result.error_type, result.error_line, result.error_column) == (kind, line, column)


def test_check_reports_every_error_in_source_order() -> None:
    source = "__a = 1;\nbreak;\nfunction f() { return __b; }\nimport nope;\nreturn;\n1 = x;"
    errors = mlpy.check(source)
    assert [(e.line, e.column) for e in errors] == [(1, 1), (2, 1), (3, 23), (4, 1), (5, 1), (6, 1)]
    result = mlpy.run(source)
    assert (result.error_type, result.error_line, result.error_column) == ("SecurityError", 1, 1)


def test_result_conversion_error_has_no_position() -> None:
    """A function left in ``result`` is reported after the program ended: there is no line."""
    result = mlpy.run("result = fn() => 1;")
    assert result.error_type == "TypeError"
    assert result.error_line is None and result.error_column is None
    assert result.error == "TypeError: result contains a function; functions cannot be returned"


def test_caught_runtime_error_object_has_the_position() -> None:
    """``except (e)`` sees the same line and column the host would (§2.7, §10)."""
    result = mlpy.run('x = 1;\ntry {\n  y = [1]["k"];\n} except (e) {\n  result = [e.line, e.column];\n}')
    assert result.value == [3, 7]
