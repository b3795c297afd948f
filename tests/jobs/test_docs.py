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


def walk_through() -> str:
    text = DOC.read_text("utf-8")
    section = text.split("## Walk-through", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return block.group(1)


def test_the_walk_through_runs_as_written(tmp_path: Path) -> None:
    assert shutil.which("curl") and shutil.which("bash"), "the walk-through needs curl and bash"
    port = free_port()
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path / "data")}
    script = walk_through()
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
    expected = [  # what each command prints (curl adds no newline), in order
        '"id":"double"', '"version":"1"',
        '"value":42', '"stdout":"doubling 21\\n"', '"cached":false',
        '"processID":"double"', '"status":"successful"', '"progress":100',
        '"value":8', '"stdout":"doubling 4\\n"',
        '"status":"dismissed"', '"message":"dismissed"',
        '{"jobs":[{', '"status":"dismissed"',
    ]  # fmt: skip
    at = 0
    for piece in expected:
        found = done.stdout.find(piece, at)
        assert found >= 0, f"{piece} not found after position {at} in:\n{done.stdout}"
        at = found + len(piece)
