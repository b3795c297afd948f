"""``mlpy serve`` on an address that is not loopback refuses to start without keys unless
``--insecure``; on loopback, or with keys, it starts (a real process, stopped by its pid)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mlpy.cli import main
from mlpy.server.serve import _is_loopback
from tests.server.helpers import free_port, serving
from tests.server.ops.conftest import Keys
from tests.server.test_uvicorn import CLEAN_ENV


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_a_public_address_without_keys_is_refused(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("MLPY_API_KEYS", "MLPY_API_KEYS_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve", "--host", host, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"mlpy serve: {host} is not a loopback address and no API keys are configured" in err
    assert "--insecure" in err


LOOPBACK = ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]
NOT_LOOPBACK = ["0.0.0.0", "::", "10.0.0.1", "localhost.evil.com"]


@pytest.mark.parametrize(
    ("host", "loopback"), [(h, True) for h in LOOPBACK] + [(h, False) for h in NOT_LOOPBACK]
)
def test_loopback(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback


def _mlpy_serve(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlpy", "serve", *args]


def test_insecure_or_keys_let_it_start(tmp_path: Path, keys: Keys) -> None:
    """0.0.0.0 with --insecure, and 0.0.0.0 with keys, both answer on 127.0.0.1."""
    port = free_port()
    with serving(_mlpy_serve("--host", "0.0.0.0", "--port", str(port), "--insecure"), port,
                 tmp_path / "open.log", env=CLEAN_ENV, clear_env=True) as server:  # fmt: skip
        assert server.process.poll() is None
    port = free_port()
    keyed = {**CLEAN_ENV, "MLPY_API_KEYS": keys.config}
    with serving(_mlpy_serve("--host", "0.0.0.0", "--port", str(port)), port, tmp_path / "keyed.log",
                 env=keyed, clear_env=True) as server:  # fmt: skip
        assert httpx.post(server.url + "/execute", json={"code": "result = 1;"}).status_code == 401
        reply = httpx.post(
            server.url + "/execute", json={"code": "result = 1;"}, headers={"X-API-Key": keys.execute}
        )
        assert reply.json()["value"] == 1


def test_without_insecure_the_process_exits_2() -> None:
    done = subprocess.run(
        _mlpy_serve("--host", "0.0.0.0", "--port", "0"),
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "not a loopback address" in done.stderr
