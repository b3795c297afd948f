"""Run-time overhead with limits on: the same algorithm in ML and in hand-written Python.

Run: .venv/bin/python benchmarks/bench_runtime.py

Each workload is ``workloads/NAME.ml`` and ``workloads/NAME.py``; both read the same inputs
and must produce the same ``result``. The ML side runs through mlpy's runner with the default
`Limits` (step budget, deadline and size caps all checked); the Python side is ``exec`` of
the compiled file with the same inputs. Reported: ML time / Python time, best of N.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import best_of, table  # noqa: E402

from mlpy.compiler.program import compile_ml  # noqa: E402
from mlpy.runtime.limits import Limits  # noqa: E402
from mlpy.runtime.run import run_program  # noqa: E402


def records(n: int) -> list[dict[str, Any]]:
    """``n`` order records, like a host's context."""
    return [
        {
            "id": f"R{i}",
            "customer": f"c{i % 37}",
            "lines": [{"qty": (i + j) % 5 + 1, "price": 3.5 + j} for j in range(4)],
        }
        for i in range(n)
    ]


WORKLOADS: list[tuple[str, str, dict[str, Any]]] = [
    ("while_sum", "while-loop sum to 1,000,000", {"n": 1_000_000}),
    ("fib", "recursive fib(24)", {"n": 24}),
    ("strings", "string building, 100,000 items", {"n": 100_000}),
    ("objects", "list and object work, 100,000 items", {"n": 100_000}),
    ("transform", "transform over 10,000 context records", {"records": records(10_000)}),
]


def run() -> tuple[str, dict[str, float]]:
    limits = Limits(timeout=120)
    rows, figures = [], {}
    for name, label, inputs in WORKLOADS:
        program = compile_ml((HERE / "workloads" / f"{name}.ml").read_text())
        code = compile((HERE / "workloads" / f"{name}.py").read_text(), f"{name}.py", "exec")
        ml = run_program(program, inputs, limits=limits)
        py_globals: dict[str, Any] = dict(inputs)
        exec(code, py_globals)
        if not ml.success or ml.value != py_globals["result"]:
            got = ml.error or ml.value
            raise SystemExit(f"{name}: ML and Python disagree: {got} vs {py_globals['result']}")
        t_ml = best_of(lambda p=program, i=inputs: run_program(p, i, limits=limits), repeat=5)
        t_py = best_of(lambda c=code, i=inputs: exec(c, dict(i)), repeat=5)
        figures[f"runtime_{name}_ratio"] = t_ml / t_py
        rows.append([label, f"{t_py * 1000:.1f}", f"{t_ml * 1000:.1f}", f"{t_ml / t_py:.2f}x"])
    return table(["workload", "Python ms", "ML ms", "ML / Python"], rows), figures


if __name__ == "__main__":
    print(run()[0])
