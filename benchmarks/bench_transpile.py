"""Transpile speed: parse + check + codegen + compile, cold and from the program cache.

Run: .venv/bin/python benchmarks/bench_transpile.py
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, table  # noqa: E402

from mlpy.compiler.program import clear_cache, compile_ml  # noqa: E402

_UNIT = """\
function f{i}(items, k) {{
    total = 0;
    for (x in items) {{
        if (x % 2 == 0) {{ total += x * k; }} else {{ total -= 1; }}
    }}
    return {{name: "f{i}", total: total, ok: total > 10 ? true : false}};
}}
r{i} = f{i}([1, 2, 3, 4], {i});
"""


def program(lines: int) -> str:
    """An ML program of about ``lines`` lines, made of a realistic 9-line unit."""
    unit_lines = _UNIT.count("\n")
    return "".join(_UNIT.format(i=i) for i in range(max(1, lines // unit_lines)))


def lark_share(source: str) -> float:
    """Fraction of a cold compile spent inside Lark (lexing and parsing)."""
    clear_cache()
    profiler = cProfile.Profile()
    profiler.enable()
    compile_ml(source, use_cache=False)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    lark = sum(v[2] for k, v in stats.stats.items() if "/lark/" in k[0])  # type: ignore[attr-defined]
    return lark / total if total else float("nan")


def run() -> tuple[str, dict[str, float]]:
    rows = []
    figures: dict[str, float] = {}
    for lines in (100, 1_000, 10_000):
        src = program(lines)
        n = src.count("\n")
        cold = best_of(lambda s=src: compile_ml(s, use_cache=False), repeat=3 if lines < 10_000 else 1)
        compile_ml(src)
        cached = best_of(lambda s=src: compile_ml(s), repeat=5, number=100)
        share = lark_share(src)
        figures[f"transpile_{lines}_lines_per_s"] = n / cold
        figures["transpile_lark_share"] = share
        rows.append([f"{n}", f"{cold * 1000:.1f}", f"{n / cold:,.0f}", f"{cached * 1e6:.1f}", f"{share:.0%}"])
    text = table(["lines", "cold ms", "lines/s (cold)", "cached µs", "share in Lark"], rows)
    return text, figures


if __name__ == "__main__":
    print(run()[0])
