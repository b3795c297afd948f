"""The ``file`` host-access module (LANGUAGE.md §6.2, §7.3): only inside granted directories.

Layout made for every test (``tmp_path``)::

    box/                 the granted directory (file.read and file.write)
        data.txt         "hello\\nworld\\n"
        sub/notes.md
        escape -> ../outside.txt      (symlink pointing outside the grant)
        outdir -> ../outsidedir       (symlinked directory outside the grant)
    outside.txt          "secret"
    outsidedir/secret.txt
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy import Limits


@pytest.fixture
def box(tmp_path: Path) -> Path:
    b = tmp_path / "box"
    (b / "sub").mkdir(parents=True)
    (b / "data.txt").write_text("hello\nworld\n")
    (b / "sub" / "notes.md").write_text("# notes\n")
    (tmp_path / "outside.txt").write_text("secret")
    (tmp_path / "outsidedir").mkdir()
    (tmp_path / "outsidedir" / "secret.txt").write_text("secret")
    (b / "escape").symlink_to("../outside.txt")
    (b / "outdir").symlink_to("../outsidedir")
    return b


def grants(box: Path, read: bool = True, write: bool = True) -> dict[str, list[str]]:
    g: dict[str, list[str]] = {}
    if read:
        g["file.read"] = [str(box)]
    if write:
        g["file.write"] = [str(box)]
    return g


def run(box: Path, code: str, *, caps: dict[str, list[str]] | None = None, **kw: Any) -> mlpy.MLResult:
    return mlpy.run("import file;\n" + code, capabilities=grants(box) if caps is None else caps, **kw)


def value(box: Path, expr: str, **kw: Any) -> Any:
    r = run(box, f"result = {expr};", **kw)
    assert r.success, r.error
    return r.value


def refused(box: Path, expr: str, **kw: Any) -> mlpy.MLResult:
    r = run(box, f"x = 1;\nresult = {expr};", **kw)
    assert r.error_type == "SecurityError", (r.value, r.error)
    assert (r.error_line, r.error_column) == (3, 10)
    return r


# -- results ----------------------------------------------------------------------------------


def test_read_relative_and_absolute(box: Path) -> None:
    assert value(box, 'file.read("data.txt")') == "hello\nworld\n"
    assert value(box, f'file.read("{box}/data.txt")') == "hello\nworld\n"
    assert value(box, 'file.read("sub/../data.txt")') == "hello\nworld\n"


def test_read_lines_and_bytes(box: Path) -> None:
    assert value(box, 'file.readLines("data.txt")') == ["hello", "world"]
    (box / "crlf.txt").write_bytes(b"a\r\nb\rc")
    assert value(box, 'file.readLines("crlf.txt")') == ["a", "b", "c"]
    assert value(box, 'file.read("crlf.txt")') == "a\nb\nc"
    assert value(box, 'file.readBytes("sub/notes.md")') == list(b"# notes\n")


def test_write_append_and_read_back(box: Path) -> None:
    code = """file.write("out/new.txt", "one");
file.append("out/new.txt", "+two");
file.writeLines("lines.txt", ["a", 2, true]);
file.writeBytes("bin.dat", [0, 255, 10]);
result = [file.read("out/new.txt"), file.read("lines.txt"), file.readBytes("bin.dat")];
"""
    r = run(box, code)
    assert r.value == ["one+two", "a\n2\ntrue\n", [0, 255, 10]]
    assert (box / "out" / "new.txt").read_text() == "one+two"


def test_encodings(box: Path) -> None:
    code = (
        'file.write("l1.txt", "café", "latin-1");\n'
        'result = [file.size("l1.txt"), file.read("l1.txt", "latin-1")];'
    )
    assert run(box, code).value == [4, "café"]
    assert (box / "l1.txt").read_bytes() == "café".encode("latin-1")


def test_metadata(box: Path) -> None:
    assert value(box, 'file.exists("data.txt")') is True
    assert value(box, 'file.exists("nope.txt")') is False
    assert value(box, 'file.isFile("data.txt")') is True
    assert value(box, 'file.isFile("sub")') is False
    assert value(box, 'file.isDirectory("sub")') is True
    assert value(box, 'file.size("data.txt")') == 12
    assert value(box, 'file.modifiedTime("data.txt")') == pytest.approx(os.stat(box / "data.txt").st_mtime)


def test_delete_copy_move(box: Path) -> None:
    code = """file.copy("data.txt", "copy.txt");
file.copy("data.txt", "sub");
file.move("copy.txt", "moved.txt");
file.move("moved.txt", "sub");
result = [file.delete("sub/data.txt"), file.delete("sub/data.txt"), file.read("sub/moved.txt"),
          file.exists("copy.txt")];
"""
    assert run(box, code).value == [True, False, "hello\nworld\n", False]


def test_delete_of_a_symlink_removes_the_link_not_its_target(box: Path) -> None:
    assert value(box, 'file.delete("escape")') is True
    assert not (box / "escape").is_symlink()
    assert (box.parent / "outside.txt").read_text() == "secret"


# -- hostile paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        'file.read("../outside.txt")',
        'file.read("sub/../../outside.txt")',
        'file.read("escape")',
        'file.read("outdir/secret.txt")',
        'file.read("/etc/passwd")',
        'file.readLines("/etc/hostname")',
        'file.readBytes("../outside.txt")',
        'file.exists("/etc/passwd")',
        'file.exists("../outside.txt")',
        'file.isFile("escape")',
        'file.size("outdir/secret.txt")',
        'file.write("../evil.txt", "x")',
        'file.write("outdir/evil.txt", "x")',
        'file.write("escape", "overwritten")',
        'file.append("/tmp/evil.txt", "x")',
        'file.copy("escape", "stolen.txt")',
        'file.copy("data.txt", "../copied.txt")',
        'file.move("data.txt", "../moved.txt")',
        'file.move("outdir/secret.txt", "stolen.txt")',
        'file.delete("../outside.txt")',
        'file.delete("outdir/secret.txt")',
        'file.delete(".")',
        'file.move(".", "elsewhere")',
    ],
)
def test_everything_outside_the_grant_is_refused(box: Path, expr: str) -> None:
    refused(box, expr)
    assert (box.parent / "outside.txt").read_text() == "secret"
    assert (box.parent / "outsidedir" / "secret.txt").read_text() == "secret"
    assert sorted(p.name for p in box.parent.iterdir()) == ["box", "outside.txt", "outsidedir"]
    assert (box / "data.txt").exists()


def test_refusal_names_the_path_and_the_grant(box: Path) -> None:
    r = refused(box, 'file.read("../outside.txt")')
    assert '"../outside.txt"' in (r.error or "")
    assert "file.read" in (r.error or "")
    r = refused(box, 'file.write("x.txt", "x")', caps=grants(box, write=False))
    assert "needs the capability file.write, which is not granted" in (r.error or "")
    r = refused(box, 'file.read("data.txt")', caps=grants(box, read=False))
    assert "file.read" in (r.error or "")


def test_security_errors_cannot_be_caught(box: Path) -> None:
    r = run(box, 'try { file.read("/etc/passwd"); } except (e) { result = "caught"; }')
    assert r.error_type == "SecurityError"


def test_grant_kinds_are_separate(box: Path) -> None:
    other = box.parent / "outsidedir"
    caps = {"file.read": [str(box)], "file.write": [str(other)]}
    assert value(box, f'[file.write("{other}/w.txt", "w"), file.read("data.txt")]', caps=caps) == [
        None,
        "hello\nworld\n",
    ]
    refused(box, 'file.write("data.txt", "x")', caps=caps)
    refused(box, f'file.read("{other}/w.txt")', caps=caps)
    assert value(box, f'file.exists("{other}/w.txt")', caps=caps) is True


def test_a_symlinked_grant_is_resolved(box: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(box)
    caps = {"file.read": [str(tmp_path / "alias")]}
    assert value(box, 'file.read("data.txt")', caps=caps) == "hello\nworld\n"
    refused(box, 'file.read("escape")', caps=caps)


def test_relative_paths_start_at_the_first_granted_directory(
    box: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert value(box, 'file.read("data.txt")') == "hello\nworld\n"
    r = run(box, 'result = file.read("outside.txt");')  # box/outside.txt, not the cwd's file
    assert r.error_type == "ValueError" and "no such file" in (r.error or "")
    caps = {"file.read": [str(box / "sub"), str(box)]}
    assert value(box, 'file.read("notes.md")', caps=caps) == "# notes\n"


def test_relative_grants_are_relative_to_the_host_working_directory(
    box: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert value(box, 'file.read("data.txt")', caps={"file.read": ["box/"]}) == "hello\nworld\n"


def test_symlink_swapped_in_after_the_check_is_refused(box: Path) -> None:
    from mlpy.errors import MLSecurityError
    from mlpy.runtime.stdlib.file import read_raw

    with pytest.raises(MLSecurityError, match="symbolic link"):
        read_raw("file.read", "escape", str(box / "escape"), 100)


def test_a_directory_swapped_for_a_symlink_after_the_check_is_refused(box: Path) -> None:
    """A concurrent call renames a checked directory and puts a symlink in its place."""
    from mlpy.errors import MLSecurityError
    from mlpy.runtime.state import CURRENT, CallState
    from mlpy.runtime.stdlib.file import read_raw, sandbox, write_bytes

    (box / "d").mkdir()
    (box / "d" / "secret.txt").write_text("mine")
    state = CallState(Limits(), capabilities=grants(box))
    token = CURRENT.set(state)
    try:
        real = sandbox(state).check("file.read", "d/secret.txt", (("file.read",),))
        (box / "d").rename(box / "d_old")
        (box / "d").symlink_to("../outsidedir")
        with pytest.raises(MLSecurityError, match="symbolic link"):
            read_raw("file.read", "d/secret.txt", real, 100)
        with pytest.raises(MLSecurityError, match="outside"):
            write_bytes("file.write", "d/secret.txt", b"x")  # checked again: now outside
    finally:
        CURRENT.reset(token)
    assert (box.parent / "outsidedir" / "secret.txt").read_text() == "secret"


def test_a_symlink_cannot_be_moved(box: Path) -> None:
    (box / "inner").symlink_to("data.txt")
    r = run(box, 'result = file.move("inner", "sub/inner");')
    assert r.error_type == "SecurityError"
    assert "symbolic link" in (r.error or "")
    assert (box / "inner").is_symlink()


def test_fifo_is_refused_without_blocking(box: Path) -> None:
    os.mkfifo(box / "pipe")
    r = run(box, 'result = file.read("pipe");', timeout=2)
    assert r.error_type == "ValueError"
    assert "not a regular file" in (r.error or "")


# -- sizes ------------------------------------------------------------------------------------


def test_reads_are_capped_by_max_string(box: Path) -> None:
    (box / "big.txt").write_text("x" * 101)
    r = run(box, 'result = file.read("big.txt");', limits=Limits(max_string=100))
    assert r.error_type == "LimitError"
    assert "max_string" in (r.error or "")
    (box / "ok.txt").write_text("x" * 100)
    assert run(box, 'result = len(file.read("ok.txt"));', limits=Limits(max_string=100)).value == 100


def test_read_bytes_is_capped_by_max_array(box: Path) -> None:
    (box / "big.bin").write_bytes(b"x" * 5000)
    r = run(box, 'result = file.readBytes("big.bin");', limits=Limits(max_array=4096))
    assert r.error_type == "LimitError"
    assert "max_array" in (r.error or "")


def test_all_writes_of_a_call_share_one_budget(box: Path) -> None:
    code = 'file.write("a.txt", "x" * 600);\nfile.append("a.txt", "x" * 600);'
    r = run(box, code, limits=Limits(max_string=1000))
    assert r.error_type == "LimitError"
    assert r.error_line == 3
    assert (box / "a.txt").stat().st_size == 600
    copy = 'file.write("a.txt", "x" * 600);\nfile.copy("a.txt", "b.txt");'
    assert run(box, copy, limits=Limits(max_string=1000)).error_type == "LimitError"
    assert run(box, 'file.write("a.txt", "x" * 600);', limits=Limits(max_string=1000)).success


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ('file.read("missing.txt")', "ValueError", 'no such file or directory: "missing.txt"'),
        ('file.read("sub")', "ValueError", "sub"),
        ("file.read(42)", "TypeError", "file.read() expects a path string, got number"),
        ('file.read("")', "ValueError", "the path is empty"),
        ('file.read("a\\0b")', "ValueError", "NUL"),
        ('file.read("data.txt", "rot13")', "ValueError", 'unsupported encoding "rot13"'),
        ('file.write("x.txt", 5)', "TypeError", "expects a string as content"),
        ('file.writeBytes("x.bin", [256])', "TypeError", "integers from 0 to 255"),
        ('file.write("x.txt", "é", "ascii")', "ValueError", "cannot be encoded as ascii"),
        ('file.delete("sub")', "ValueError", "is a directory"),
        ('file.move("missing", "other")', "ValueError", "no such file"),
        ('file.copy("data.txt", "data.txt")', "ValueError", "same file"),
        (
            'file.read("data.txt", "utf-8", 3)',
            "TypeError",
            "file.read() takes 1 to 2 arguments but 3 were given",
        ),
    ],
)
def test_errors(box: Path, expr: str, error_type: str, words: str) -> None:
    r = run(box, f"x = 1;\nresult = {expr};")
    assert r.error_type == error_type, r.error
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_invalid_utf8_is_a_value_error(box: Path) -> None:
    (box / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    r = run(box, 'result = file.read("bad.txt");')
    assert r.error_type == "ValueError"
    assert "not valid utf-8" in (r.error or "")


def test_os_errors_are_catchable(box: Path) -> None:
    assert (
        value(box, '(fn() => { try { return file.read("nope"); } except (e) { return e.type; } })()')
        == "ValueError"
    )


# -- imports and strict mode --------------------------------------------------------------------


def test_import_without_a_grant_is_refused_before_running(box: Path) -> None:
    r = mlpy.run('print("ran");\nimport file;\nresult = 1;')
    assert r.error_type == "SecurityError"
    assert "file.read or file.write" in (r.error or "")
    assert r.stdout == ""
    r = mlpy.run("import file;", capabilities={"http": ["example.com"]})
    assert r.error_type == "SecurityError"


def test_strict_mode_refuses_the_import_even_when_granted(box: Path) -> None:
    r = run(box, 'result = file.read("data.txt");', strict_security=True)
    assert r.error_type == "SecurityError"
    assert "strict mode" in (r.error or "")
    assert (r.error_line, r.error_column) == (1, 1)


def test_module_refuses_to_load_without_grant_even_if_asked_directly() -> None:
    from mlpy.errors import MLSecurityError
    from mlpy.runtime.limits import Limits as L
    from mlpy.runtime.state import CallState
    from mlpy.runtime.stdlib import load

    with pytest.raises(MLSecurityError, match="file.read or file.write"):
        load("file", CallState(L()))
