"""The ``args`` host-access module: the argument list the host grants, and the parser."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import mlpy

ARGV = ["report.ml", "-v", "--out", "r.txt", "in.csv"]

PARSER = """import args;
p = args.create_parser("report", "Summarise a file");
p.add_flag("verbose", "v", "More output");
p.add_flag("quiet", "q", "Less output");
p.add_option("out", "o", "Output file", "out.txt");
p.add_option("mode", null, "Mode", null);
p.add_positional("input", "Input file", true);
p.add_positional("extra", "Optional", false);
"""


def run(code: str, argv: list[str] | None = None, **kw: Any) -> mlpy.MLResult:
    return mlpy.run(code, capabilities={"args": ARGV if argv is None else argv}, **kw)


def value(expr: str, argv: list[str] | None = None) -> Any:
    r = run(PARSER + f"result = {expr};", argv)
    assert r.success, r.error
    return r.value


def test_argument_list() -> None:
    r = run("import args;\nresult = [args.all(), args.script(), args.rest()];")
    assert r.value == [ARGV, "report.ml", ARGV[1:]]
    assert run("import args;\nresult = [args.all(), args.script(), args.rest()];", []).value == [[], "", []]


def test_host_argv_is_never_visible() -> None:
    assert sys.argv[0] not in value("args.all()")


def test_results_are_copies() -> None:
    assert run("import args;\na = args.all();\na.push(1);\nresult = args.all();").value == ARGV


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("p.parse().get_bool('verbose')", True),
        ("p.parse().get_bool('quiet')", False),
        ("p.parse().get('out')", "r.txt"),
        ("p.parse().get('input')", "in.csv"),
        ("p.parse().get('extra', 'none')", "none"),
        ("p.parse().has('mode')", False),
        ("p.parse().flags()", {"verbose": True}),
        ("p.parse().options()", {"out": "r.txt"}),
        ("p.parse().positionals()", ["in.csv"]),
        ("p.parse(['a.csv']).get('out')", "out.txt"),
        ("p.parse(['-vq', 'a', 'b']).flags()", {"verbose": True, "quiet": True}),
        ("p.parse(['-o', 'x', 'a']).get('out')", "x"),
        ("p.parse(['--mode', 'fast', 'a']).get('mode')", "fast"),
        ("p.parse(['--help', 'a']).get_bool('help')", True),
        ("p.parse(['-h', 'a']).get_bool('help')", True),
        ("typeof(p)", "arg_parser"),
        ("str(p.parse())", "<parsed_args>"),
    ],
)
def test_parser(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_help_text() -> None:
    text = value("p.help()")
    assert text.splitlines()[:4] == [
        "report",
        "Summarise a file",
        "",
        "Usage: script.ml [options] <input> [extra]",
    ]
    assert "  -v, --verbose         More output" in text
    assert "(default: out.txt)" in text


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ("p.parse(['--nope'])", "ValueError", 'unknown option "--nope"'),
        ("p.parse(['-x'])", "ValueError", 'unknown option "-x"'),
        ("p.parse(['a', '--out'])", "ValueError", "option --out needs a value"),
        ("p.parse([])", "ValueError", 'missing required argument "input"'),
        ("p.parse('a')", "TypeError", "array of strings"),
        ("p.add_flag('x', 'xy', 'h')", "ValueError", "a short name is one character"),
        ("p.add_flag('x')", "TypeError", "arg_parser method add_flag() takes 3 arguments but 1 was given"),
        ("p.nope()", "TypeError", "arg_parser has no method 'nope'"),
    ],
)
def test_errors(expr: str, error_type: str, words: str) -> None:
    r = run(PARSER + f"result = {expr};")
    assert r.error_type == error_type
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (9, 10)


def test_parser_cannot_be_returned_to_the_host() -> None:
    r = run(PARSER + "result = p;")
    assert r.error_type == "TypeError"


def test_import_needs_the_grant() -> None:
    r = mlpy.run("import args;\nresult = args.all();")
    assert r.error_type == "SecurityError"
    assert "import args needs the capability args" in (r.error or "")
    r = run("import args;\nresult = args.all();", strict_security=True)
    assert r.error_type == "SecurityError"
