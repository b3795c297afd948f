"""The ``csv`` module: pure text functions, and file functions inside the ``file`` grants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy import Limits


def value(expr: str, **kw: Any) -> Any:
    r = mlpy.run(f"import csv;\nresult = {expr};", **kw)
    assert r.success, r.error
    return r.value


def failure(expr: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run(f"import csv;\nx = 1;\nresult = {expr};", **kw)
    assert not r.success, r.value
    return r


@pytest.fixture
def box(tmp_path: Path) -> Path:
    b = tmp_path / "box"
    b.mkdir()
    (b / "people.csv").write_text("name,age\nAda,36\nBob,25\n")
    (tmp_path / "outside.csv").write_text("secret,data\n1,2\n")
    (b / "escape.csv").symlink_to("../outside.csv")
    return b


def caps(box: Path) -> dict[str, list[str]]:
    return {"file.read": [str(box)], "file.write": [str(box)]}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (
            'csv.read_string("name,age\\nAda,36\\nBob,25")',
            [{"name": "Ada", "age": "36"}, {"name": "Bob", "age": "25"}],
        ),
        ('csv.read_string("a,b\\n1,2", ",", false)', [["a", "b"], ["1", "2"]]),
        ('csv.read_string("a;b\\n1;2", ";")', [{"a": "1", "b": "2"}]),
        ('csv.read_string("a,b\\n\\n1,2,3\\n4\\n")', [{"a": "1", "b": "2"}, {"a": "4"}]),
        ('csv.read_string("a\\n\\"x,\\ny\\"\\n")', [{"a": "x,\ny"}]),
        ('csv.read_string("a,b\\r\\n1,2\\r\\n")', [{"a": "1", "b": "2"}]),
        ('csv.read_string("")', []),
        (
            'csv.write_string([{name: "Ada", age: 36}, {name: "Bob", age: 25}])',
            "name,age\r\nAda,36\r\nBob,25\r\n",
        ),
        ('csv.write_string([{a: 1, b: 2}], ",", false)', "1,2\r\n"),
        ('csv.write_string([["a", "b"], [1, 2.5]])', "a,b\r\n1,2.5\r\n"),
        (
            'csv.write_string([{a: true, b: null}, {a: "x,y", b: "say \\"hi\\""}])',
            'a,b\r\ntrue,\r\n"x,y","say ""hi"""\r\n',
        ),
        ("csv.write_string([{a: 1, c: 3}, {c: 4}])", "a,c\r\n1,3\r\n,4\r\n"),
        ('csv.write_string([[1, 2]], "\\t")', "1\t2\r\n"),
        ('csv.write_string([1, "x"])', "1\r\nx\r\n"),
        ("csv.write_string([])", ""),
        ('csv.read_string(csv.write_string([{q: "a\\nb", r: ""}]))', [{"q": "a\nb", "r": ""}]),
    ],
)
def test_text_functions(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_text_functions_need_no_grant() -> None:
    r = mlpy.run('import csv;\nresult = csv.read_string("a\\n1");', strict_security=True)
    assert r.value == [{"a": "1"}]


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ('csv.read_string("a", "ab")', "ValueError", "delimiter must be one character"),
        ('csv.read_string("a", "\\"")', "ValueError", "delimiter"),
        ("csv.read_string(5)", "TypeError", "csv.read_string() expects a string, got number"),
        ("csv.write_string({a: 1})", "TypeError", "expects an array as data, got object"),
        ("csv.write_string([{a: 1}, [2]])", "TypeError", "every row must be an object like the first"),
        ('csv.read_string("a\\n" + "x" * 200000)', "ValueError", "malformed CSV"),
        ('csv.read("people.csv")', "SecurityError", "needs the capability file.read"),
        ('csv.write("out.csv", [[1]])', "SecurityError", "needs the capability file.write"),
    ],
)
def test_errors(expr: str, error_type: str, words: str) -> None:
    r = failure(expr)
    assert r.error_type == error_type
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_output_and_rows_are_capped() -> None:
    r = failure('csv.write_string([["x" * 600], ["y" * 600]])', limits=Limits(max_string=1000))
    assert r.error_type == "LimitError"
    r = failure(
        "csv.write_string([[big, big, big]])", context={"big": "z" * 400}, limits=Limits(max_string=1000)
    )
    assert r.error_type == "LimitError"
    r = failure('csv.read_string("a\\n" * 5000, ",", false)', limits=Limits(max_array=4096))
    assert r.error_type == "LimitError"


def test_file_functions(box: Path) -> None:
    code = """import csv;
people = csv.read("people.csv");
csv.write("out.csv", people);
csv.append("out.csv", {age: 7, name: "Cy"});
csv.append("out.csv", ["Di", 8]);
result = [people, csv.read("out.csv"), csv.count_rows("out.csv"), csv.get_headers("out.csv"),
          csv.read("out.csv", ",", false)[0]];
"""
    r = mlpy.run(code, capabilities=caps(box))
    assert r.success, r.error
    people, out, count, headers, first = r.value
    assert people == [{"name": "Ada", "age": "36"}, {"name": "Bob", "age": "25"}]
    assert out[-2:] == [{"name": "Cy", "age": "7"}, {"name": "Di", "age": "8"}]
    assert (count, headers, first) == (4, ["name", "age"], ["name", "age"])
    assert (box / "out.csv").read_text().startswith("name,age\n")


def test_append_to_a_new_file(box: Path) -> None:
    r = mlpy.run(
        'import csv;\ncsv.append("new.csv", {a: 1, b: 2});\nresult = csv.read("new.csv", ",", false);',
        capabilities=caps(box),
    )
    assert r.value == [["1", "2"]]


@pytest.mark.parametrize(
    "expr",
    [
        'csv.read("../outside.csv")',
        'csv.read("escape.csv")',
        'csv.count_rows("/etc/passwd")',
        'csv.get_headers("escape.csv")',
        'csv.write("../evil.csv", [[1]])',
        'csv.append("escape.csv", [1])',
        'csv.append("../outside.csv", {a: 1})',
    ],
)
def test_files_outside_the_grant_are_refused(box: Path, expr: str) -> None:
    r = mlpy.run(f"import csv;\nresult = {expr};", capabilities=caps(box))
    assert r.error_type == "SecurityError", r.error
    assert r.error_line == 2
    assert (box.parent / "outside.csv").read_text() == "secret,data\n1,2\n"
    assert not (box.parent / "evil.csv").exists()


def test_object_rows_need_read_to_append(box: Path) -> None:
    r = mlpy.run(
        'import csv;\ncsv.append("people.csv", {name: "X"});', capabilities={"file.write": [str(box)]}
    )
    assert r.error_type == "SecurityError"
    assert "file.read" in (r.error or "")
    r = mlpy.run('import csv;\ncsv.append("people.csv", ["X", 1]);', capabilities={"file.write": [str(box)]})
    assert r.success, r.error


def test_file_writes_count_against_the_budget(box: Path) -> None:
    r = mlpy.run(
        'import csv;\ncsv.write("a.csv", [["x" * 700]]);\ncsv.write("b.csv", [["x" * 700]]);',
        capabilities=caps(box),
        limits=Limits(max_string=1000),
    )
    assert r.error_type == "LimitError"
    assert r.error_line == 3


def test_s9_strict_mode_refuses_csv_file_functions_even_when_granted(tmp_path: Path) -> None:
    """§9: csv's file functions are host access; strict mode refuses them at run time."""
    (tmp_path / "a.csv").write_text("x,y\n1,2\n")
    grants = {"file.read": [str(tmp_path)]}
    code = 'import csv;\nrows = csv.read("a.csv");'
    allowed = mlpy.run(code, capabilities=grants)
    assert allowed.success, allowed.error
    refused = mlpy.run(code, capabilities=grants, strict_security=True)
    assert refused.error_type == "SecurityError"
    assert "csv.read" in (refused.error or "")
    assert refused.error_line == 2
    pure = mlpy.run('import csv;\nresult = csv.read_string("a\\n1\\n");', strict_security=True)
    assert pure.success and pure.value == [{"a": "1"}]
