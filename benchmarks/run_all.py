"""Run every benchmark, print the tables, and write benchmarks/RESULTS.md.

Run: .venv/bin/python benchmarks/run_all.py [--skip-http]
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_executor  # noqa: E402
import bench_runtime  # noqa: E402
import bench_transpile  # noqa: E402
from common import machine  # noqa: E402

SECTIONS = [
    ("Transpile (parse + check + codegen + compile)", bench_transpile),
    ("Run-time overhead with limits on (ML vs plain Python)", bench_runtime),
    ("Executor: call overhead, throughput, event-loop latency", bench_executor),
]


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
    for title, module in sections:
        print(f"\n## {title}\n", flush=True)
        text, _ = module.run()
        print(text, flush=True)
        out += ["", f"## {title}", "", text]
    (HERE / "RESULTS.md").write_text("\n".join(out) + "\n")
    print("\nwrote benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
