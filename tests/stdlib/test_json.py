"""The ``json`` module (LANGUAGE.md §6.1): results, errors, and hostile input (huge, deep, cyclic)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load

SPEC = "parse safeParse validate stringify prettyPrint get hasKey isArray isObject keys values merge"


def value(expr: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    r = mlpy.run(f"import json;\nresult = {expr};", context, **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, context: dict[str, Any] | None = None, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run(code, context, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_is_a_member() -> None:
    members = load("json", CallState(Limits())).members
    assert set(SPEC.split()) <= set(members)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('json.parse(\'{"name": "Alice", "age": 30}\')', {"name": "Alice", "age": 30}),
        ("json.parse('[1, 2.5, \"x\", null, true, false]')", [1, 2.5, "x", None, True, False]),
        ("json.parse('42')", 42),
        ("json.parse('\"h\\\\u00e9\"')", "hé"),
        ('json.parse(\'{"a": 1, "a": 2}\')', {"a": 2}),
        ("json.parse('123456789012345678901234567890')", 123456789012345678901234567890),
        ('json.parse(\'{"a": {"b": [1]}}\').a.b[0]', 1),
        ('json.safeParse(\'{"a": {"b": 1}}\', 2)', {"a": {"b": 1}}),
        ("json.safeParse('[1]')", [1]),
        ("json.validate('{\"valid\": true}')", True),
        ("json.validate('{name: 1}')", False),
        ("json.validate('[1, 2,]')", False),
        ("json.validate('NaN')", False),
        ('json.stringify({name: "Charlie", age: 25})', '{"name":"Charlie","age":25}'),
        ('json.stringify(["apple", 1.5, null, true])', '["apple",1.5,null,true]'),
        ('json.stringify("é\\n\\"")', '"é\\n\\""'),
        ("json.stringify({})", "{}"),
        ("json.stringify(range(3))", "[0,1,2]"),
        ("json.stringify(1e16)", "1e+16"),
        (
            "json.prettyPrint({a: [1, {b: 2}], c: {}}, 2)",
            '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": {}\n}',
        ),
        ("json.prettyPrint([1])", "[\n    1\n]"),
        ("json.prettyPrint([], 2)", "[]"),
        ('json.get({a: 1}, "a", 0)', 1),
        ('json.get({a: 1}, "b", 0)', 0),
        ('json.get({a: 1}, "b")', None),
        ('json.hasKey({a: 1}, "a")', True),
        ('json.hasKey({a: 1}, "b")', False),
        ("json.isArray([1])", True),
        ("json.isArray({})", False),
        ("json.isObject({})", True),
        ("json.isObject([])", False),
        ('json.isString("s")', True),
        ("json.isNumber(1.5)", True),
        ("json.isNumber(true)", False),
        ("json.isBoolean(false)", True),
        ("json.isNull(null)", True),
        ("json.keys({x: 1, y: 2})", ["x", "y"]),
        ("json.values({x: 1, y: 2})", [1, 2]),
        ("json.merge({x: 1, y: 2}, {y: 3, z: 4})", {"x": 1, "y": 3, "z": 4}),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_round_trip_matches_python() -> None:
    data = {"a": [1, 2.5, "é", None, True, {"b": []}], "c": 'q"uote\\'}
    text = value("json.stringify(v)", {"v": data})
    assert json.loads(text) == data
    assert value("json.parse(t)", {"t": json.dumps(data)}) == data
    pretty = value("json.prettyPrint(v, 3)", {"v": data})
    assert pretty == json.dumps(data, indent=3, ensure_ascii=False)


def test_merge_does_not_change_its_arguments() -> None:
    code = "import json;\na = {x: 1};\nb = {x: 2};\nm = json.merge(a, b);\nresult = [a, b, m];"
    assert mlpy.run(code).value == [{"x": 1}, {"x": 2}, {"x": 2}]


@pytest.mark.parametrize(
    ("expr", "error_type", "fragment"),
    [
        ("json.parse('{')", "ValueError", "json.parse: invalid JSON"),
        ("json.parse('')", "ValueError", "line 1, column 1"),
        ("json.parse('[1] x')", "ValueError", "Extra data"),
        ("json.parse('NaN')", "ValueError", "NaN is not valid JSON"),
        ("json.parse('[Infinity]')", "ValueError", "Infinity"),
        ("json.parse(42)", "TypeError", "json.parse: expects a string, got number"),
        ("json.safeParse('[[[1]]]', 2)", "ValueError", "nesting depth 3 exceeds the maximum depth 2"),
        ("json.safeParse('[1]', -1)", "TypeError", "maxDepth"),
        ("json.stringify(fn(x) => x)", "TypeError", "a function cannot be serialised"),
        ("json.stringify([print])", "TypeError", "function"),
        ("json.stringify(json)", "TypeError", "module"),
        ("json.stringify(0.1 / 0.0000000001 * 1e308)", "ValueError", "Infinity cannot be represented"),
        ("json.prettyPrint([1], -1)", "ValueError", "indent"),
        ("json.keys([1])", "TypeError", "json.keys: expects an object, got array"),
        ("json.values(null)", "TypeError", "expects an object"),
        ('json.get([1], "a")', "TypeError", "expects an object"),
        ("json.get({}, 1)", "TypeError", "string key"),
        ('json.hasKey("s", "a")', "TypeError", "expects an object"),
        ("json.merge({}, [1])", "TypeError", "expects an object"),
        ("json.parse()", "TypeError", "json.parse() takes 1 argument but 0 were given"),
    ],
)
def test_errors(expr: str, error_type: str, fragment: str) -> None:
    r = failure(f"import json;\nresult = {expr};")
    assert r.error_type == error_type
    assert fragment in (r.error or "")
    assert r.error_line == 2


def test_error_position() -> None:
    r = failure('import json;\ndata = json.parse("{oops}");')
    assert (r.error_type, r.error_line, r.error_column) == ("ValueError", 2, 8)


def test_parse_errors_are_catchable() -> None:
    code = 'import json;\ntry { json.parse("{"); result = 1; } except (e) { result = e.type; }'
    assert mlpy.run(code).value == "ValueError"


# -- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_input_is_a_limit_error_not_a_recursion_error(opener: str) -> None:
    text = opener * 200_000
    start = time.perf_counter()
    r = failure("import json;\nresult = json.parse(t);", {"t": text})
    assert time.perf_counter() - start < 2.0
    assert r.error_type == "LimitError" and "max_nesting" in (r.error or "")
    r = failure("import json;\nresult = json.validate(t);", {"t": text})
    assert r.error_type == "LimitError"


def test_depth_limit_follows_max_nesting() -> None:
    text = "[" * 30 + "]" * 30
    assert value("json.parse(t) != null", {"t": text}) is True
    r = failure("import json;\nresult = json.parse(t);", {"t": text}, limits=Limits(max_nesting=20))
    assert r.error_type == "LimitError"


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = json.dumps(["[" * 500, '{\\"[' * 100])
    assert value("json.parse(t)", {"t": text}) == json.loads(text)


def test_huge_input_is_capped_by_max_string() -> None:
    text = "[" + ",".join(["1"] * 5_000) + "]"
    r = failure("import json;\nresult = json.parse(t);", {"t": text}, limits=Limits(max_string=1_000))
    assert r.error_type == "LimitError" and "max_string" in (r.error or "")


def test_large_input_parses_in_linear_time() -> None:
    text = json.dumps([{"k": i, "s": "x" * 10} for i in range(50_000)])
    start = time.perf_counter()
    assert value("len(json.parse(t))", {"t": text}) == 50_000
    assert time.perf_counter() - start < 2.0


def test_unterminated_strings_scan_in_linear_time() -> None:
    text = '"\\"' * 500_000
    start = time.perf_counter()
    failure("import json;\nresult = json.parse(t);", {"t": text})
    assert time.perf_counter() - start < 2.0


def test_huge_integer_literal_is_a_limit_error() -> None:
    r = failure("import json;\nresult = json.parse(t);", {"t": "9" * 5_000})
    assert r.error_type == "LimitError" and "max_int_digits" in (r.error or "")


def test_parsed_array_sizes_follow_max_array() -> None:
    text = "[" + ",".join(["0"] * 3_000) + "]"
    r = failure("import json;\nresult = json.parse(t);", {"t": text}, limits=Limits(max_array=1_000))
    assert r.error_type == "LimitError" and "max_array" in (r.error or "")


def test_stringify_of_a_cycle_is_an_error() -> None:
    r = failure("import json;\na = [1];\na.append(a);\nresult = json.stringify(a);")
    assert r.error_type == "ValueError" and "cycle" in (r.error or "")
    r = failure("import json;\no = {};\no.self = o;\nresult = json.prettyPrint(o);")
    assert r.error_type == "ValueError"


def test_stringify_of_a_deep_value_is_bounded() -> None:
    code = "import json;\na = [];\nfor (i in range(1000)) { a = [a]; }\nresult = json.stringify(a);"
    r = failure(code)
    assert r.error_type == "LimitError" and "max_nesting" in (r.error or "")


def test_stringify_of_a_dag_is_bounded_and_fast() -> None:
    code = "import json;\na = [1];\nfor (i in range(60)) { a = [a, a]; }\nresult = json.stringify(a);"
    start = time.perf_counter()
    r = failure(code)
    assert time.perf_counter() - start < 2.0
    assert r.error_type == "LimitError" and "max_string" in (r.error or "")
    code = "import json;\na = [1];\nfor (i in range(8)) { a = [a, a]; }\nresult = json.stringify(a);"
    assert json.loads(mlpy.run(code).value) is not None


def test_shared_values_are_serialised_at_each_place() -> None:
    code = "import json;\ns = {k: [1]};\nresult = json.prettyPrint([s, {n: s}], 1);"
    data = [{"k": [1]}, {"n": {"k": [1]}}]
    assert mlpy.run(code).value == json.dumps(data, indent=1)


def test_opaque_values_with_a_plain_form_are_serialised_as_it() -> None:
    code = "import json;\nimport datetime;\nresult = json.stringify({d: datetime.createDate(2024, 1, 2)});"
    assert mlpy.run(code).value == '{"d":"2024-01-02"}'
    r = failure('import json;\nimport regex;\nresult = json.stringify(regex.compile("a"));')
    assert r.error_type == "TypeError" and "pattern" in (r.error or "")


def test_stringify_output_is_capped() -> None:
    r = failure(
        "import json;\nresult = json.stringify(v);", {"v": ["x" * 100] * 50}, limits=Limits(max_string=4_000)
    )
    assert r.error_type == "LimitError"
