"""Every ``examples/*.ml`` runs, through the CLI and through `mlpy.run`, with the result we expect.

The expected values were worked out by reading each program (the arithmetic is in the comments),
not copied from a run. ``examples/<name>.json``, when present, is the context.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mlpy

EXAMPLES = Path(__file__).parents[1] / "examples"

#: name -> (result, printed output)
EXPECTED: dict[str, tuple[Any, str]] = {
    # counter: 10 -> 11, 12, then 13 in the result; compose(double, inc)(5) = double(6)
    "closures": (
        {
            "counter": 13,
            "composed": 12,
            "squares": [1, 4, 9, 16, 25],
            "evens": [4, 16],
            "total": 55,
            "sizes": ["small", "small", "small", "big", "big"],
        },
        "",
    ),
    # 1/2 returns 0.5 and its finally logs; 1/0 is caught, logged, returns null, finally logs
    "exceptions": (
        {
            "half": 0.5,
            "none": None,
            "log": ["divided 1 by 2", "ZeroDivisionError: division by zero", "divided 1 by 0"],
            "outcomes": ["ok", "ValidationError (qty 0): quantity must be positive", "plain string"],
        },
        "",
    ),
    # fib(20) = 6765; fib(90) = 2880067194370816120
    "fib": ({"naive": 6765, "memoised": 2880067194370816120}, "fib(20) = 6765\n"),
    # totals: A-1 = 2*9.5 + 20 = 39.0, A-2 = 5, A-3 = 36; revenue = 80.0 > 30 so * 0.9 = 72.0
    "orders": (
        {"revenue": 72.0, "by_customer": {"ada": 75.0, "grace": 5}, "big_orders": ["A-1", "A-3"], "count": 3},
        "",
    ),
    "sort": (
        {
            "quick": [4, 4, 8, 15, 16, 23, 33, 42],
            "insertion": [4, 4, 8, 15, 16, 23, 33, 42],
            "builtin": [42, 33, 23, 16, 15, 8, 4, 4],
        },
        "quicksort: [4, 4, 8, 15, 16, 23, 33, 42]\n",
    ),
    # 12 words; "the" x3 and "dog" x2 repeat
    "strings": (
        {
            "words": 12,
            "repeated": ["dog", "the"],
            "title": "Hello Wide World",
            "initials": "PNG",
            "padded": "007",
            "escaped": "name:\tAda",
            "reversed": "desserts",
            "unicode": 7,
        },
        "Hello Wide World | PNG\n",
    ),
}

NAMES = sorted(p.stem for p in EXAMPLES.glob("*.ml"))


def _context(name: str) -> Path | None:
    path = EXAMPLES / f"{name}.json"
    return path if path.exists() else None


def test_every_example_has_an_expected_result() -> None:
    assert len(NAMES) >= 6
    assert sorted(EXPECTED) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_example_with_run(name: str) -> None:
    context = _context(name)
    result = mlpy.run(
        (EXAMPLES / f"{name}.ml").read_text("utf-8"), json.loads(context.read_text()) if context else None
    )
    assert result.success, result.error
    assert (result.value, result.stdout) == EXPECTED[name]


@pytest.mark.parametrize("name", NAMES)
def test_example_with_the_cli(name: str) -> None:
    context = _context(name)
    command = [sys.executable, "-m", "mlpy", "run", str(EXAMPLES / f"{name}.ml")]
    if context:
        command += ["--context", f"@{context}"]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    value, printed = EXPECTED[name]
    assert done.stdout.startswith(printed)
    assert json.loads(done.stdout[len(printed) :]) == value
