"""docs/jobs.md's walk-through runs as written against ``mlpy serve`` (bash and curl)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.helpers import DOC_ADDRESSES, ROOT, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.slow

DOC = ROOT / "docs" / "jobs.md"


def walk_through(heading: str = "## Walk-through") -> str:
    """The first sh block after ``heading`` in docs/jobs.md."""
    text = DOC.read_text("utf-8")
    section = text.split("\n" + heading + "\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return block.group(1)


def run_as_written(script: str, tmp_path: Path) -> str:
    """Run ``script`` with bash against ``mlpy serve`` (one job worker) on a free port; its stdout."""
    assert shutil.which("curl") and shutil.which("bash"), "the walk-through needs curl and bash"
    port = free_port()
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path / "data")}
    for address in DOC_ADDRESSES:
        script = script.replace(address, f"http://127.0.0.1:{port}")
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port)]
    with serving(command, port, tmp_path / "serve.log", env=env, clear_env=True):
        path = f"{Path(sys.executable).parent}:{CLEAN_ENV.get('PATH', '')}"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True, text=True, timeout=120, check=False, env={**CLEAN_ENV, "PATH": path},
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def expect_in_order(output: str, expected: list[str]) -> None:
    """Every piece of ``expected`` is in ``output``, in that order."""
    at = 0
    for piece in expected:
        found = output.find(piece, at)
        assert found >= 0, f"{piece} not found after position {at} in:\n{output}"
        at = found + len(piece)


def test_the_walk_through_runs_as_written(tmp_path: Path) -> None:
    output = run_as_written(walk_through(), tmp_path)
    expected = [  # what each command prints (curl adds no newline), in order
        '"id":"double"', '"version":"1"',
        '"value":42', '"stdout":"doubling 21\\n"', '"cached":false',
        '"processID":"double"', '"status":"successful"', '"progress":100',
        '"value":8', '"stdout":"doubling 4\\n"',
        '"status":"dismissed"', '"message":"dismissed"',
        '{"jobs":[{', '"status":"dismissed"',
    ]  # fmt: skip
    expect_in_order(output, expected)


def test_the_pipeline_walk_through_runs_as_written(tmp_path: Path) -> None:
    output = run_as_written(walk_through("## Pipeline walk-through"), tmp_path)
    failed = "step 3 of 3 (report) failed: TypeError at line 1, column 22: number has no method 'toFixed'"
    expected = [
        '"id":"clean"', '"steps":null', '"id":"score"', '"id":"report"',
        '"id":"nightly"',
        '"steps":[{"process":"clean","inputs":{}},{"process":"score","inputs":{"weight":2}},'
        '{"process":"report","inputs":{}}]',
        '"processID":"nightly"', '"status":"failed"', f'"message":"{failed}"', '"progress":67',
        '"process":"clean","status":"successful"', '"process":"score","status":"successful"',
        '"process":"report","status":"failed"',
        '"id":"report"', '"version":"2"',
        '"status":"successful"', '"progress":100',
        '"process":"clean"', '"message":"finished (cached result)","cached":true',
        '"process":"score"', '"message":"finished (cached result)","cached":true',
        '"process":"report"', '"message":"finished","cached":false',
        '"stdout":"== step 1/3: clean ==\\nkept 2 of 3\\n== step 2/3: score ==\\n== step 3/3: report ==\\n"',
        '"success":true,"value":"score: 14"',
        '"status":409', "step 2 of 'nightly' names process 'score', which is not registered",
    ]  # fmt: skip
    expect_in_order(output, expected)
