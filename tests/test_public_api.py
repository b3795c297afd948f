"""The public API: ``mlpy.__all__`` is sorted, complete and importable (httpx's test_exported_members)."""

from __future__ import annotations

import subprocess
import sys

import mlpy


def test_all_is_sorted_and_unique() -> None:
    assert list(mlpy.__all__) == sorted(set(mlpy.__all__))


def test_every_name_in_all_exists() -> None:
    missing = [name for name in mlpy.__all__ if not hasattr(mlpy, name)]
    assert missing == []


def test_public_names_are_all_listed() -> None:
    """Everything public that ``mlpy`` defines or re-exports on purpose is in ``__all__``."""
    public = {
        name
        for name, value in vars(mlpy).items()
        if not name.startswith("_")
        and not isinstance(value, type(mlpy))  # submodules
        and type(value).__name__ != "_Feature"  # `from __future__ import annotations`
    }
    assert public - set(mlpy.__all__) == set()


def test_the_documented_entry_points() -> None:
    for name in ("run", "transpile", "check", "MLResult", "compile_ml", "Program", "Limits"):
        assert name in mlpy.__all__
    result = mlpy.run("result = x + y;", {"x": 1, "y": 2})
    assert (result.success, result.value) == (True, 3)
    fields = ("success", "value", "error", "error_type", "error_line", "error_column", "stdout")
    assert all(hasattr(result, f) for f in fields + ("execution_time", "transpile_time"))


def test_import_mlpy_does_not_import_the_server() -> None:
    code = "import sys, mlpy; print(any(m == 'fastapi' or m.startswith('mlpy.server') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_what_host_functions_raise_and_outcome_types_are_exported() -> None:
    """A host function raises ML errors for the script to see (§7.1): they are public names,
    as are the outcome types a host compares (`ErrorKind`, Overloaded, Cancelled)."""
    for name in (
        "MLValueError",
        "MLTypeError",
        "MLThrown",
        "MLIndexError",
        "MLKeyError",
        "MLNameError",
        "MLZeroDivisionError",
        "ErrorKind",
        "MLOverloadedError",
        "MLCancelledError",
    ):
        assert name in mlpy.__all__

    def lookup(key: str) -> str:
        raise mlpy.MLValueError(f"no such key {key!r}")

    result = mlpy.run("result = lookup('k');", functions={"lookup": lookup})
    assert (result.kind, result.error_type) == (mlpy.ErrorKind.VALUE, "ValueError")


def test_import_mlpy_loads_the_front_end_only_when_used() -> None:
    code = (
        "import sys, mlpy; before = 'lark' in sys.modules; mlpy.run('result = 1;');"
        "print(before, 'lark' in sys.modules, 'run' in dir(mlpy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
