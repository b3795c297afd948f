"""docs/operations.md's recipe works as written: its three shell blocks run in order (the
port and the Redis database swapped for the test's own), and the third prints what the doc shows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.server.helpers import ROOT, blocks, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

DOC = ROOT / "docs" / "operations.md"
REDIS_DB = 10


def _recipe() -> tuple[list[str], str]:
    found = blocks(DOC)
    shell = [text for lang, text in found if lang == "sh"][:3]
    after = [i for i, (lang, _) in enumerate(found) if lang == "sh"][2] + 1
    assert found[after][0] == "text", "the third block's output follows it"
    return shell, found[after][1]


def _adapt(text: str, port: int) -> str:
    """The block as a test can run it: its own port, its own Redis database, this checkout's files."""
    return (
        text.replace("8000", str(port))
        .replace("127.0.0.1:6379/0", f"127.0.0.1:6379/{REDIS_DB}")
        .replace("examples/gunicorn.conf.py", str(ROOT / "examples" / "gunicorn.conf.py"))
    )


def test_the_recipe_works_as_written(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run docs/operations.md's recipe (apt-get install curl)")
    (keys, start, calls), expected = _recipe()
    store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    store.flushdb()
    port = free_port()
    # the recipe assumes mlpy's environment is active: its python and gunicorn come first
    env = {**CLEAN_ENV, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    try:
        made = subprocess.run(
            ["bash", "-e", "-c", _adapt(keys, port)], cwd=tmp_path, env=env, timeout=60, check=False
        )
        assert made.returncode == 0
        assert len((tmp_path / "mlpy-keys.txt").read_text().splitlines()) == 1
        assert oct((tmp_path / "mlpy-keys.txt").stat().st_mode & 0o777) == "0o600"
        with serving(["bash", "-e", "-c", _adapt(start, port)], port, tmp_path / "server.log", cwd=tmp_path,
                     env=env, clear_env=True) as server:  # fmt: skip
            command = ["bash", "-e", "-c", _adapt(calls, port)]
            done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            assert done.stdout == expected, done.stdout
            lines = [line for line in server.log.read_text().splitlines() if line.startswith('{"time"')]
            assert any('"key": "ci-bot"' in line and '"route": "/execute"' in line for line in lines)
            key = (tmp_path / "ci-bot.txt").read_text().splitlines()[0]
            assert key not in server.log.read_text()
    finally:
        store.flushdb()
        store.close()
