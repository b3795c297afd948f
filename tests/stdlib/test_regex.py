"""The ``regex`` module (LANGUAGE.md §6.1): results, errors, opaque values, and patterns that must
never hang a worker (catastrophic backtracking, compile-time blow-up, recursion, huge input)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load
from mlpy.runtime.stdlib import regex as regex_module

SPEC = (
    "compile match search fullmatch findall finditer sub subn split count test escape isValid "
    "IGNORECASE MULTILINE DOTALL VERBOSE ASCII UNICODE"
)
MATCH_METHODS = "group groups groupDict start end span value lastGroup groupCount expand toString"
PATTERN_METHODS = (
    "search match fullmatch findall finditer split sub subn test count getPattern getFlags toString"
)


def run(code: str, context: dict[str, Any] | None = None, **kw: Any) -> mlpy.MLResult:
    return mlpy.run("import regex;\n" + code, context, **kw)


def value(expr: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    r = run(f"result = {expr};", context, **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, context: dict[str, Any] | None = None, **kw: Any) -> mlpy.MLResult:
    r = run(code, context, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_is_a_member() -> None:
    members = load("regex", CallState(Limits())).members
    assert set(SPEC.split()) <= set(members)
    assert set(MATCH_METHODS.split()) == set(regex_module.Match.ml_methods)
    assert set(PATTERN_METHODS.split()) == set(regex_module.Pattern.ml_methods)


# -- results -------------------------------------------------------------------------------

DATE = r'"(?P<year>\\d{4})-(?P<month>\\d{2})-(?P<day>\\d{2})"'


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (r'regex.search("\\d+", "The answer is 42").group(0)', "42"),
        (r'regex.search("\\d+", "no digits")', None),
        (r'regex.match("\\d+", "42 is it").value()', "42"),
        (r'regex.match("\\d+", "it is 42")', None),
        (r'regex.fullmatch("\\d+", "42") != null', True),
        (r'regex.fullmatch("\\d+", "42 extra")', None),
        (r'regex.findall("\\d+", "I have 5 apples and 3 oranges")', ["5", "3"]),
        (r'regex.findall("(\\w)(\\d)", "a1 b2")', [["a", "1"], ["b", "2"]]),
        (r'regex.findall("(a)|b", "ab")', ["a", ""]),
        (r'len(regex.finditer("\\d", "a1b2c3"))', 3),
        (r'regex.finditer("\\d", "a1b2")[1].start()', 3),
        (r'regex.split("[,;]", "a,b;c,d")', ["a", "b", "c", "d"]),
        (r'regex.split(",", "a,b,c", 1)', ["a", "b,c"]),
        (r'regex.split("(,)", "a,b")', ["a", ",", "b"]),
        (r'regex.sub("\\d+", "X", "I have 5 apples")', "I have X apples"),
        (r'regex.sub("(\\w+)-(\\w+)", "\\2-\\1", "foo-bar")', "bar-foo"),
        (r'regex.sub("(?P<w>\\w+)", "<\\g<w>>", "a b")', "<a> <b>"),
        (r'regex.sub("a", "b", "aaa", 2)', "bba"),
        (r'regex.sub("\\d", fn(m) => str(int(m.group(0)) * 2), "a1b2")', "a2b4"),
        (
            r'regex.subn("\\d+", "X", "5 apples and 3 oranges")',
            {"result": "X apples and X oranges", "count": 2},
        ),
        (r'regex.count("\\d+", "I have 5 apples and 3 oranges")', 2),
        (r'regex.test("\\d+", "hello 42")', True),
        (r'regex.test("\\d+", "hello")', False),
        (r'regex.escape("Price: $5.99")', "Price:\\ \\$5\\.99"),
        (r'regex.isValid("\\d+")', True),
        (r'regex.isValid("(unclosed")', False),
        (r'regex.isValid("(?R)")', False),
        (
            "[regex.IGNORECASE(), regex.MULTILINE(), regex.DOTALL(), regex.VERBOSE(), regex.ASCII(), "
            "regex.UNICODE()]",
            [2, 8, 16, 64, 256, 32],
        ),
        ('regex.test("^hello", "HELLO", regex.IGNORECASE())', True),
        ('regex.findall("^\\\\w+", "one\\ntwo", regex.MULTILINE())', ["one", "two"]),
        ('regex.test("a.b", "a\\nb", regex.DOTALL())', True),
        ('regex.test("a.b", "a\\nb")', False),
        ('regex.findall("\\\\d {2}  # two digits", "123456", regex.VERBOSE())', ["12", "34", "56"]),
        ('regex.test("^\\\\w$", "é", regex.ASCII())', False),
        ('regex.findall("^h", "Hi\\nhello", regex.IGNORECASE() + regex.MULTILINE())', ["H", "h"]),
        ('regex.search("(a)(b)?", "ac").groups()', ["a", None]),
        ('regex.search("(a)(b)?", "ac").groups("-")', ["a", "-"]),
        (r'regex.search("(\\w)\\1", "abccd").value()', "cc"),
        (r'regex.search("(?<=\\$)\\d+", "cost: $42").value()', "42"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_match_methods() -> None:
    code = f"""m = regex.search({DATE}, "Date: 2025-10-05!");
result = [m.group(), m.group(1), m.group("month"), m.groups(), m.groupDict(), m.start(), m.end(),
          m.start("day"), m.span(), m.span(2), m.value(), m.lastGroup(), m.groupCount(),
          m.expand("\\\\3/\\\\2/\\\\1"), m.toString(), str(m), typeof(m)];"""
    r = run(code)
    assert r.success, r.error
    assert r.value == [
        "2025-10-05", "2025", "10", ["2025", "10", "05"], {"year": "2025", "month": "10", "day": "05"},
        6, 16, 14, [6, 16], [11, 13], "2025-10-05", "day", 3, "05/10/2025",
        'Match(value="2025-10-05", span=[6, 16])', 'Match(value="2025-10-05", span=[6, 16])', "match",
    ]  # fmt: skip


def test_pattern_methods() -> None:
    code = r"""p = regex.compile("(\\d{3})-(\\d{4})", regex.IGNORECASE());
t = "Call 555-1234 or 800-5678";
result = [p.search(t).group(2), p.match(t), p.match("555-1234 x").value(), p.fullmatch("555-1234").value(),
          p.findall(t), len(p.finditer(t)), p.split(t), p.sub("X", t), p.sub("X", t, 1), p.subn("X", t),
          p.test(t), p.count(t), p.getPattern(), p.getFlags(), p.toString(), str(p), typeof(p),
          p.search(t, 10).value(), p.search(t, 0, 8), p.findall(t, 6)];"""
    r = run(code)
    assert r.success, r.error
    assert r.value == [
        "1234", None, "555-1234", "555-1234",
        [["555", "1234"], ["800", "5678"]], 2, ["Call ", "555", "1234", " or ", "800", "5678", ""],
        "Call X or X", "Call X or 800-5678", {"result": "Call X or X", "count": 2},
        True, 2, "(\\d{3})-(\\d{4})", 2, 'Pattern("(\\\\d{3})-(\\\\d{4})", flags=IGNORECASE)',
        'Pattern("(\\\\d{3})-(\\\\d{4})", flags=IGNORECASE)', "pattern",
        "800-5678", None, [["800", "5678"]],
    ]  # fmt: skip


def test_a_compiled_pattern_is_accepted_by_module_functions() -> None:
    assert value(r'regex.findall(regex.compile("\\d"), "a1b2")') == ["1", "2"]
    r = failure(r'result = regex.findall(regex.compile("\\d"), "a1", regex.IGNORECASE());')
    assert r.error_type == "ValueError"


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error_type", "fragment"),
    [
        ('result = regex.compile("(");', "ValueError", 'regex.compile: invalid pattern "("'),
        ('result = regex.search("[a-", "x");', "ValueError", "invalid pattern"),
        ('result = regex.search("(?V1)a", "a");', "ValueError", ""),
        ('result = regex.search(1, "x");', "TypeError", "expects a pattern string, got number"),
        ('result = regex.search("a", 1);', "TypeError", "expects a string to search, got number"),
        ('result = regex.compile("a", "i");', "TypeError", "flags must be an integer"),
        ('result = regex.compile("a", 1);', "ValueError", "unknown flags"),
        ('result = regex.search("a", "a").group(3);', "IndexError", "match.group: no such group 3"),
        ('result = regex.search("a", "a").group("nope");', "IndexError", 'no such group "nope"'),
        ('result = regex.search("a", "a").start(2);', "IndexError", "no such group"),
        ('result = regex.search("a", "a").group(1.5);', "TypeError", "integer or a name"),
        ('result = regex.search("(a)", "a").expand("\\\\5");', "ValueError", "invalid replacement template"),
        ('result = regex.sub("a", "\\\\9", "a");', "ValueError", "invalid replacement template"),
        ('result = regex.sub("a", 5, "a");', "TypeError", "string or a function"),
        ('result = regex.sub("a", fn(m) => 5, "a");', "TypeError", "must return a string"),
        ('result = regex.sub("a", fn(m) => m.nosuch(), "a");', "TypeError", "match has no method 'nosuch'"),
        ('result = regex.compile("a").nosuch();', "TypeError", "pattern has no method 'nosuch'"),
        (
            'result = regex.compile("a").search();',
            "TypeError",
            "pattern method search() takes 1 to 3 arguments",
        ),
        ('result = regex.search("a");', "TypeError", "regex.search() takes 2 to 3 arguments but 1 was given"),
        ("result = regex.escape(5);", "TypeError", "regex.escape"),
    ],
)
def test_errors(code: str, error_type: str, fragment: str) -> None:
    r = failure(code)
    assert r.error_type == error_type, r.error
    assert fragment in (r.error or "")
    assert r.error_line == 2


def test_error_position() -> None:
    r = failure('\nm = regex.search("(", "x");')
    assert (r.error_type, r.error_line, r.error_column) == ("ValueError", 3, 5)


def test_errors_from_a_replacement_function_keep_their_position() -> None:
    r = failure('r = regex.sub("a", fn(m) => {\n    throw "bad";\n}, "a");')
    assert (r.error_type, r.error_line) == ("Error", 3)


# -- opaque values -------------------------------------------------------------------------


def test_opaque_values_expose_only_their_methods() -> None:
    r = failure('m = regex.search("a", "a");\nresult = m._m;')
    assert (r.error_type, r.error_line) == ("TypeError", 3)
    r = failure('p = regex.compile("a");\nresult = p._compiled;')
    assert r.error_type == "TypeError" and "pattern has no member '_compiled'" in (r.error or "")
    r = failure('p = regex.compile("a");\nresult = p.__class__;')
    assert r.error_type == "SecurityError"
    code = """m = regex.search("a", "a");
p = regex.compile("a");
result = [getattr(m, "_m"), getattr(p, "_compiled", "none"), hasattr(m, "group"), hasattr(p, "flags"),
          getattr(p, "ml_methods"), hasattr(m, "ml_str"), typeof(m.group), m == m,
          m == regex.search("a", "a")];"""
    assert value_code(code) == [None, "none", True, False, None, False, "function", True, False]


def value_code(code: str) -> Any:
    r = run(code)
    assert r.success, r.error
    return r.value


def test_opaque_values_cannot_be_returned_to_the_host() -> None:
    r = failure('result = regex.compile("a");')
    assert r.error_type == "TypeError" and "pattern" in (r.error or "")
    r = failure('result = [regex.search("a", "a")];')
    assert r.error_type == "TypeError" and "match" in (r.error or "")


def test_a_bound_method_taken_as_a_value_checks_its_arguments() -> None:
    r = failure('f = regex.compile("a").test;\nresult = f();')
    assert r.error_type == "TypeError" and "pattern method test() takes 1 argument" in (r.error or "")


# -- hostile patterns: never a hang --------------------------------------------------------


def test_catastrophic_backtracking_is_a_limit_error() -> None:
    start = time.perf_counter()
    r = failure('result = regex.search("(a|aa)+$", t);', {"t": "a" * 40 + "b"})
    elapsed = time.perf_counter() - start
    assert r.error_type == "LimitError" and "regex_time" not in (r.error or "")
    assert "took longer than 1 s" in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 10)
    assert elapsed < 3 * regex_module.TIMEOUT + 1.0  # generous: a loaded CI machine runs slower
    r = run('try { regex.test("(a|aa)+$", t); } except (e) { result = "caught"; }', {"t": "a" * 40 + "b"})
    assert r.error_type == "LimitError"  # limits cannot be caught (§8)


def test_the_classic_nested_quantifier_finishes_fast() -> None:
    # The engine answers (a+)+$ without backtracking, so the result is simply "no match".
    start = time.perf_counter()
    assert value('regex.search("(a+)+$", t)', {"t": "a" * 30 + "b"}) is None
    assert value('regex.sub("(x+x+)+y", "", t)', {"t": "x" * 100}) == "x" * 100
    assert time.perf_counter() - start < 1.0


def test_the_call_deadline_wins_over_the_regex_budget() -> None:
    start = time.perf_counter()
    r = run('result = regex.findall("(a|aa)+$", t);', {"t": "a" * 40 + "b"}, timeout=0.3)
    assert r.error_type == "TimeoutError"
    assert time.perf_counter() - start < regex_module.TIMEOUT + 0.5


@pytest.mark.parametrize(
    "pattern",
    [
        "((a{100}){100}){100}",
        "(?:(?:a+){1000}){1000}",
        "(" * 12 + "a" + "){2}" * 12,
        "(?x)((a{ 100 }){1#comment\n00}){100}",
        "(([[:alpha:])]{100}){100}){100}",
        "[(]((a{100}){100}){100}",
        "(?#(((()((a{100}){100}){100}",
        "(?x:#\n)((a{100}){100}){100}",
        "a{1000000000}",
    ],
)
def test_patterns_that_would_compile_too_large_are_refused_fast(pattern: str) -> None:
    start = time.perf_counter()
    r = failure("result = regex.compile(p);", {"p": pattern})
    assert time.perf_counter() - start < 0.5
    assert r.error_type == "LimitError" and "too complex" in (r.error or "")


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d{4}-\d{2}-\d{2}",
        r"[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}",
        r"(\d{1,3}\.){3}\d{1,3}",
        "a{60000}",
        "(a{100}){100}",
        "[[:alpha:]]{2,50}",
        "(?x) a {2} \\  b  # comment",
    ],
)
def test_ordinary_counted_patterns_are_accepted(pattern: str) -> None:
    assert value("typeof(regex.compile(p))", {"p": pattern}) == "pattern"


@pytest.mark.parametrize("pattern", ["(?R)?a", "(a(?1)?b)", "(?P<n>a)(?P>n)", "(?&n)(?P<n>a)", "(a)(?-1)"])
def test_recursive_patterns_are_refused(pattern: str) -> None:
    r = failure("result = regex.compile(p);", {"p": pattern})
    assert r.error_type == "ValueError" and "not supported" in (r.error or "")


def test_deeply_nested_groups_are_refused() -> None:
    r = failure("result = regex.compile(p);", {"p": "(" * 150 + "a" + ")" * 150})
    assert r.error_type == "LimitError" and "nested" in (r.error or "")
    assert value('regex.test(p, "a")', {"p": "(" * 50 + "a" + ")" * 50}) is True


def test_pattern_and_input_sizes_are_capped() -> None:
    r = failure("result = regex.compile(p);", {"p": "a" * (regex_module.MAX_PATTERN + 1)})
    assert r.error_type == "LimitError" and "pattern of" in (r.error or "")
    r = failure('result = regex.search("a", t);', {"t": "b" * (regex_module.MAX_INPUT + 1)})
    assert r.error_type == "LimitError" and "text of" in (r.error or "")


def test_substitution_output_is_capped_as_it_grows() -> None:
    start = time.perf_counter()
    r = failure(
        'result = regex.sub("", "xxxxxxxxxx", t);', {"t": "a" * 5_000}, limits=Limits(max_string=20_000)
    )
    assert r.error_type == "LimitError" and "max_string" in (r.error or "")
    r = failure(
        'result = regex.sub("a", "\\\\0\\\\0\\\\0", t);', {"t": "a" * 5_000}, limits=Limits(max_string=10_000)
    )
    assert r.error_type == "LimitError"
    r = failure(
        'result = regex.sub("a", fn(m) => "yy", t);', {"t": "a" * 5_000}, limits=Limits(max_string=8_000)
    )
    assert r.error_type == "LimitError"
    assert time.perf_counter() - start < 2.0


def test_results_are_capped_by_max_array() -> None:
    r = failure('result = regex.findall("a", t);', {"t": "a" * 6_000}, limits=Limits(max_array=5_000))
    assert r.error_type == "LimitError" and "max_array" in (r.error or "")


def test_each_call_compiles_its_own_module() -> None:
    r1 = run('result = regex.compile("x").toString();')
    r2 = run("result = typeof(regex);")
    assert (r1.value, r2.value) == ('Pattern("x")', "module")
