"""Fixtures for the security tests: "no effect" checked around every test, and a sentinel file.

`host_unchanged` (autouse) snapshots what a script escaping the sandbox would most likely
change (the tables every call shares, Python's own builtins, the environment, the working
directory, the host's standard streams) and checks after each test that nothing changed.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlpy.runtime import builtins as ml_builtins
from mlpy.runtime import guards, methods, stdlib


def _snapshot() -> dict[str, Any]:
    return {
        "ml builtins": {k: (id(v), v.fn, v.name) for k, v in ml_builtins.BUILTINS.items()},
        "guards": {k: id(v) for k, v in guards.GUARDS.items()},
        "catchable": guards.CATCHABLE,
        "string methods": dict(methods.STRING_METHODS),
        "array methods": dict(methods.ARRAY_METHODS),
        "object methods": dict(methods.OBJECT_METHODS),
        "unchecked methods": {t: dict(m) for t, m in methods.UNCHECKED_METHODS.items()},
        "stdlib names": stdlib.NAMES,
        "python builtins": {k: id(v) for k, v in vars(builtins).items()},
        "environ": {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
        "cwd": os.getcwd(),
        "streams": (id(sys.stdin), id(sys.stdout), id(sys.stderr)),
    }


@pytest.fixture(autouse=True)
def host_unchanged() -> Iterator[None]:
    """Fail the test if it left any trace in the host process."""
    before = _snapshot()
    yield
    after = _snapshot()
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, f"the host changed: {changed}"


@pytest.fixture
def sentinel(tmp_path: Path) -> Path:
    """A file that a payload escaping the sandbox would create; it must never exist."""
    return tmp_path / "escaped"
