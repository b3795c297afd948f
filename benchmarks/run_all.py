"""Run every benchmark, print the tables, and write benchmarks/RESULTS.md.

Run: .venv/bin/python benchmarks/run_all.py [--skip-http]
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_compile  # noqa: E402
import bench_executor  # noqa: E402
import bench_runtime  # noqa: E402
import bench_transpile  # noqa: E402
from common import machine, table  # noqa: E402

SECTIONS = [
    ("Transpile (parse + check + codegen + compile)", bench_transpile),
    ("Cold compile of realistic programs vs CPython compile()", bench_compile),
    ("Run-time overhead with limits on (ML vs plain Python)", bench_runtime),
    ("Executor: call overhead, throughput, event-loop latency", bench_executor),
]


def targets_table(figures: dict[str, float]) -> str:
    """Each target of issue 6 against the figure this run measured."""
    rows = []
    for key, value in sorted(figures.items()):
        if key.startswith("runtime_") and key.endswith("_ratio"):
            name = key[len("runtime_") : -len("_ratio")]
            rows.append([f"run-time overhead, {name}", "<= 1.30x", f"{value:.2f}x", _met(value <= 1.3)])
    if "call_warm_ratio" in figures:
        v = figures["call_warm_ratio"]
        rows.append(["warm execute vs bare round trip", "<= 2.00x", f"{v:.2f}x", _met(v <= 2.0)])
    for kind in ("uvicorn", "gunicorn"):
        key = f"http_{kind}_ratio"
        if key in figures:
            v = figures[key]
            rows.append([f"HTTP /execute vs bare, {kind}", ">= 85%", f"{v:.0%}", _met(v >= 0.85)])
    if "compile_ratio" in figures:
        v = figures["compile_ratio"]
        rows.append(["cold compile, ML / CPython compile() (issue 17)", "<= 5.0x", f"{v:.1f}x", _met(v <= 5)])
    if "lateness_p99_busy_vs_idle" in figures:
        v = figures["lateness_p99_busy_vs_idle"]
        rows.append(
            ["event-loop p99 lateness, 4 busy / idle (issue 17)", "<= 3.0x", f"{v:.1f}x", _met(v <= 3)]
        )
    if "transpile_lark_share" in figures:
        v = figures["transpile_lark_share"]
        rows.append(["transpile: share of a cold compile in Lark", "report", f"{v:.0%}", "reported"])
    return table(["target", "goal", "measured", "status"], rows)


def _met(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> None:
    sections = list(SECTIONS)
    if "--skip-http" not in sys.argv:
        import bench_http

        sections.append(("HTTP: POST /execute vs a bare route", bench_http))
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        "Command: `.venv/bin/python benchmarks/run_all.py`",
        f"Machine: {machine()}",
        f"Date: {when}",
        "",
        "Figures are from one run on a shared machine: compare the ratios, which are measured "
        "side by side in the same run, rather than absolute times.",
    ]
    figures: dict[str, float] = {}
    for title, module in sections:
        print(f"\n## {title}\n", flush=True)
        text, found = module.run()
        figures.update(found)
        print(text, flush=True)
        out += ["", f"## {title}", "", text]
    targets = targets_table(figures)
    print(f"\n## Targets (issue 6)\n\n{targets}")
    out += ["", "## Targets (issue 6)", "", targets]
    (HERE / "RESULTS.md").write_text("\n".join(out) + "\n")
    print("\nwrote benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
