"""Start-up cost of the ``mlpy`` command: ``mlpy run`` of a trivial file, end to end.

Run: .venv/bin/python benchmarks/bench_cli.py [runs]

Each run is a fresh process (``python -m mlpy run trivial.ml``), so the figure includes the
interpreter start, importing mlpy and building (or loading) the parser; the baselines are a
bare interpreter and ``import mlpy`` alone. Median and best of ``runs`` (default 15).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, table  # noqa: E402


def _times(argv: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as tmp:
        trivial = Path(tmp) / "trivial.ml"
        trivial.write_text("result = 1 + 1;\n", "utf-8")
        cases = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import mlpy'", [sys.executable, "-c", "import mlpy"]),
            ("python -m mlpy run trivial.ml", [sys.executable, "-m", "mlpy", "run", str(trivial)]),
        ]
        rows = []
        for name, argv in cases:
            samples = _times(argv, runs)
            rows.append([name, f"{statistics.median(samples) * 1000:.0f}", f"{min(samples) * 1000:.0f}"])
    print(machine())
    print(table(["command", "median ms", "best ms"], rows))


if __name__ == "__main__":
    main()
