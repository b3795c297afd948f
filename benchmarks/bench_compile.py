"""Cold compile of realistic programs: ML's whole front end against CPython's `compile()`.

Run: .venv/bin/python benchmarks/bench_compile.py

For each program of the corpus (benchmarks/corpus/*.ml, 95-135 lines, and all of them with
examples/*.ml joined into one ~550-line program) it measures, side by side in one run:

* ML: `compile_ml(source, use_cache=False)`: Lark parse, AST, check pass, codegen, verifier and
  CPython's `compile()` of the generated tree;
* Python: `compile()` of the generated Python's *source text* (`Program.python_source`), which
  is what CPython itself does for a program of the same size and shape.

The ratio ML / Python is issue 17's compile target (<= 5x). A profile of the largest program
splits the ML time by phase.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import best_of, table  # noqa: E402

from mlpy.compiler.program import compile_ml  # noqa: E402

#: where each phase's functions live, for the profile split (first match wins)
_PHASES = (
    ("lark", "/lark/"),
    ("parser (AST build)", "mlpy/language/parser.py"),
    ("nodes", "mlpy/language/nodes.py"),
    ("check", "mlpy/language/check.py"),
    ("codegen", "mlpy/compiler/codegen.py"),
    ("scope", "mlpy/compiler/scope.py"),
    ("verify", "mlpy/compiler/verify.py"),
)


def corpus() -> list[tuple[str, str]]:
    """(name, source) of every corpus program, then all of them joined with the examples."""
    root = HERE.parent
    programs = [(p.name, p.read_text("utf-8")) for p in sorted((HERE / "corpus").glob("*.ml"))]
    examples = [p.read_text("utf-8") for p in sorted((root / "examples").glob("*.ml"))]
    joined = "\n".join([src for _, src in programs] + examples)
    return [*programs, ("all joined", joined)]


def phase_split(source: str) -> list[tuple[str, float]]:
    """Share of a cold compile's total time spent in each phase's own functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        compile_ml(source, use_cache=False)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    shares: dict[str, float] = {}
    for (filename, _, name), v in stats.items():
        phase = next((label for label, part in _PHASES if part in filename), None)
        if phase is None:
            phase = "CPython compile()" if name == "<built-in method builtins.compile>" else "other"
        shares[phase] = shares.get(phase, 0.0) + v[2]
    return sorted(((k, v / total) for k, v in shares.items()), key=lambda kv: -kv[1])


def run() -> tuple[str, dict[str, float]]:
    rows = []
    figures: dict[str, float] = {}
    ml_total = py_total = 0.0
    programs = corpus()
    compile_ml(programs[0][1], use_cache=False)  # the parser is built once per process
    for name, source in programs:
        python = compile_ml(source, use_cache=False).python_source
        ml = best_of(lambda s=source: compile_ml(s, use_cache=False), repeat=5)
        py = best_of(lambda s=python: compile(s, "<bench>", "exec"), repeat=5)
        ml_total += ml
        py_total += py
        lines = source.count("\n") + 1
        rows.append([name, str(lines), f"{ml * 1e3:.2f}", f"{py * 1e3:.2f}", f"{ml / py:.1f}x"])
    figures["compile_ratio"] = ml_total / py_total
    rows.append(
        ["all programs", "", f"{ml_total * 1e3:.2f}", f"{py_total * 1e3:.2f}", f"{ml_total / py_total:.1f}x"]
    )
    text = table(["program", "lines", "ML cold ms", "CPython compile() ms", "ratio"], rows)
    split = phase_split(programs[-1][1])
    text += "\n\nWhere a cold compile of the joined program spends its time (cProfile, own time):\n\n"
    text += table(["phase", "share"], [[k, f"{v:.0%}"] for k, v in split])
    return text, figures


if __name__ == "__main__":
    print(run()[0])
