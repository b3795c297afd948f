"""The ``path`` host-access module (LANGUAGE.md §6.2): path text, and directories inside the grants.

Layout (``tmp_path``)::

    box/                       granted for file.read and file.write
        a.txt  b.csv  .hidden
        sub/c.txt  sub/deep/d.txt
        outdir -> ../outsidedir   (symlinked directory outside the grant)
    outsidedir/secret.txt
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy import Limits


@pytest.fixture
def box(tmp_path: Path) -> Path:
    b = tmp_path / "box"
    (b / "sub" / "deep").mkdir(parents=True)
    for name in ("a.txt", "b.csv", ".hidden", "sub/c.txt", "sub/deep/d.txt"):
        (b / name).write_text(name)
    (tmp_path / "outsidedir").mkdir()
    (tmp_path / "outsidedir" / "secret.txt").write_text("secret")
    (b / "outdir").symlink_to("../outsidedir")
    return b


def caps(box: Path) -> dict[str, list[str]]:
    return {"file.read": [str(box)], "file.write": [str(box)]}


def run(box: Path, code: str, **kw: Any) -> mlpy.MLResult:
    kw.setdefault("capabilities", caps(box))
    return mlpy.run("import path;\n" + code, **kw)


def value(box: Path, expr: str, **kw: Any) -> Any:
    r = run(box, f"result = {expr};", **kw)
    assert r.success, r.error
    return r.value


def refused(box: Path, expr: str, **kw: Any) -> mlpy.MLResult:
    r = run(box, f"x = 1;\nresult = {expr};", **kw)
    assert r.error_type == "SecurityError", (r.value, r.error)
    assert (r.error_line, r.error_column) == (3, 10)
    return r


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('path.join("dir", "sub", "file.txt")', "dir/sub/file.txt"),
        ('path.join("/root", "data")', "/root/data"),
        ('path.join("a", "/abs")', "/abs"),
        ('path.dirname("/path/to/file.txt")', "/path/to"),
        ('path.dirname("file.txt")', ""),
        ('path.basename("/path/to/file.txt")', "file.txt"),
        ('path.basename("/path/to/dir/")', "dir"),
        ('path.extname("archive.tar.gz")', ".gz"),
        ('path.extname("README")', ""),
        ('path.split("/path/to/file.txt")', ["/path/to", "file.txt"]),
        ('path.normalize("/path/./to/../file")', "/path/file"),
        ('path.normalize("//a//b/")', "//a/b"),
        ('path.isAbsolute("/x")', True),
        ('path.isAbsolute("x/y")', False),
        ('path.relative("/a/b/c", "/a/b/d/e")', "../d/e"),
        ('path.relative("a/b", "a/b/c")', "c"),
        ("path.separator()", "/"),
        ("path.delimiter()", ":"),
    ],
)
def test_pure_text_functions(box: Path, expr: str, expected: Any) -> None:
    assert value(box, expr) == expected


def test_cwd_and_absolute_use_the_base_directory(
    box: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert value(box, "path.cwd()") == str(box)
    assert value(box, 'path.absolute("x/../y.txt")') == str(box / "y.txt")


def test_queries(box: Path) -> None:
    assert value(
        box, '[path.exists("a.txt"), path.exists("zz"), path.isFile("sub"), path.isDirectory("sub")]'
    ) == [
        True,
        False,
        False,
        True,
    ]


def test_list_dir(box: Path) -> None:
    assert value(box, "path.listDir()") == [".hidden", "a.txt", "b.csv", "outdir", "sub"]
    assert value(box, 'path.listDir("sub")') == ["c.txt", "deep"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.txt", ["a.txt"]),
        ("*.*", ["a.txt", "b.csv"]),
        (".*", [".hidden"]),
        ("?.csv", ["b.csv"]),
        ("[ab].*", ["a.txt", "b.csv"]),
        ("sub/*.txt", ["sub/c.txt"]),
        ("*/*.txt", ["sub/c.txt"]),
        ("**/*.txt", ["a.txt", "sub/c.txt", "sub/deep/d.txt"]),
        ("sub/**", ["sub/c.txt", "sub/deep", "sub/deep/d.txt"]),
        ("a.txt", ["a.txt"]),
        ("missing.txt", []),
        ("nodir/*.txt", []),
    ],
)
def test_glob(box: Path, pattern: str, expected: list[str]) -> None:
    assert value(box, f'path.glob("{pattern}")') == expected


def test_glob_with_an_absolute_pattern(box: Path) -> None:
    assert value(box, f'path.glob("{box}/sub/*.txt")') == [f"{box}/sub/c.txt"]


def test_glob_and_walk_never_follow_a_symlinked_directory_out(box: Path) -> None:
    assert all("secret" not in p for p in value(box, 'path.glob("**")'))
    assert "outdir" in value(box, 'path.glob("**")')
    refused(box, 'path.glob("outdir/*")')
    assert value(box, 'path.walk(".")') == [".hidden", "a.txt", "b.csv", "sub/c.txt", "sub/deep/d.txt"]


def test_walk_depth(box: Path) -> None:
    assert value(box, 'path.walk(".", 0)') == [".hidden", "a.txt", "b.csv"]
    assert value(box, 'path.walk("sub", 1)') == ["c.txt", "deep/d.txt"]
    assert value(box, 'path.walk("sub", 0)') == ["c.txt"]


def test_create_and_remove_directories(box: Path) -> None:
    code = """path.createDir("new/a/b");
path.createDir("flat", false);
path.createDir("flat", false);
made = [path.isDirectory("new/a/b"), path.isDirectory("flat")];
path.removeDir("flat");
path.removeDirRecursive("new");
result = made + [path.exists("flat"), path.exists("new")];
"""
    assert run(box, code).value == [True, True, False, False]


@pytest.mark.parametrize(
    "expr",
    [
        'path.listDir("..")',
        'path.listDir("outdir")',
        'path.listDir("/etc")',
        'path.glob("../*")',
        'path.glob("/etc/*")',
        'path.glob("outdir/../../*")',
        'path.walk("outdir")',
        'path.walk("/")',
        'path.exists("/etc/passwd")',
        'path.isFile("outdir/secret.txt")',
        'path.isDirectory("..")',
        'path.createDir("../made")',
        'path.createDir("outdir/made")',
        'path.removeDir("..")',
        'path.removeDirRecursive("../outsidedir")',
        'path.removeDirRecursive(".")',
        'path.removeDir(".")',
        "path.home()",
        "path.tempDir()",
    ],
)
def test_outside_the_grant_is_refused(box: Path, expr: str) -> None:
    refused(box, expr)
    assert (box.parent / "outsidedir" / "secret.txt").read_text() == "secret"
    assert sorted(p.name for p in box.parent.iterdir()) == ["box", "outsidedir"]


def test_remove_of_a_symlinked_directory_is_not_a_removal_of_its_target(box: Path) -> None:
    r = run(box, 'result = path.removeDirRecursive("outdir");')
    assert r.error_type == "ValueError"
    assert "not a directory" in (r.error or "")
    assert (box.parent / "outsidedir" / "secret.txt").exists()


def test_home_is_returned_when_granted(box: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(box))
    assert value(box, "path.home()") == str(box)


def test_listing_respects_max_array(box: Path) -> None:
    for i in range(20):
        (box / "sub" / f"f{i}.log").write_text("")
    r = run(box, 'result = path.glob("**/*.log");', limits=Limits(max_array=10))
    assert r.error_type == "LimitError"
    r = run(box, 'result = path.walk(".");', limits=Limits(max_array=10))
    assert r.error_type == "LimitError"
    r = run(box, 'result = path.listDir("sub");', limits=Limits(max_array=10))
    assert r.error_type == "LimitError"


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ("path.join()", "TypeError", "at least 1 argument"),
        ("path.join('a', 1)", "TypeError", "path.join() expects a path string, got number"),
        ("path.listDir('a.txt')", "ValueError", 'not a directory: "a.txt"'),
        ("path.walk('nope')", "ValueError", "not a directory"),
        ("path.removeDir('sub')", "ValueError", "directory not empty"),
        ("path.createDir('a.txt/x')", "ValueError", "a.txt/x"),
    ],
)
def test_errors(box: Path, expr: str, error_type: str, words: str) -> None:
    r = run(box, f"x = 1;\nresult = {expr};")
    assert r.error_type == error_type, r.error
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_import_needs_a_file_grant() -> None:
    r = mlpy.run("import path;\nresult = path.join('a', 'b');")
    assert r.error_type == "SecurityError"
    assert "import path needs the capability file.read or file.write" in (r.error or "")


def test_strict_mode_refuses_the_import(box: Path) -> None:
    r = run(box, "result = 1;", strict_security=True)
    assert r.error_type == "SecurityError"
