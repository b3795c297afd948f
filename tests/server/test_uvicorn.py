"""Real servers: uvicorn answering the documentation's curl and httpx examples as written.

docs/http.md (and README.md's, if it has any) run against ``uvicorn mlpy.server.app:app``;
examples/fastapi/README.md against ``uvicorn app:app`` in that directory; ``mlpy serve`` with
two processes in strict mode. Each example's ``127.0.0.1:8000`` becomes the test server's port.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import (
    DOC_ADDRESS,
    DOC_ADDRESSES,
    ROOT,
    CurlExample,
    Server,
    blocks,
    curl_examples,
    expected_reply,
    free_port,
    run_curl,
    serving,
    stable,
)

DOCS = [ROOT / "docs" / "http.md", ROOT / "README.md"]
EXAMPLE_DIR = ROOT / "examples" / "fastapi"
EXAMPLE_README = EXAMPLE_DIR / "README.md"

#: the environment of the servers: none of the caller's MLPY_* settings
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("MLPY_")}


def _doc_examples() -> list[CurlExample]:
    return [
        e
        for path in DOCS
        if path.exists()
        for e in curl_examples(path)
        if any(address in e.command for address in DOC_ADDRESSES)
    ]


def _uvicorn(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]


@pytest.fixture(scope="module")
def mlpy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serving(_uvicorn("mlpy.server.app:app", port), port, log, env=CLEAN_ENV, clear_env=True) as server:
        yield server


@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("example") / "server.log"
    command = _uvicorn("app:app", port)
    with serving(
        command, port, log, cwd=EXAMPLE_DIR, env=CLEAN_ENV, clear_env=True, ready_path="/rules"
    ) as server:
        yield server


def _check(example: CurlExample, server: Server, *, use_curl: bool = True) -> None:
    reply = run_curl(example, server.url, use_curl=use_curl)
    expected = expected_reply(example)
    if expected is None:  # a command shown without its response: it must answer JSON
        return
    assert reply.status == expected.status, f"{example.command}\n{reply.body}"
    for name, value in expected.headers.items():
        assert reply.headers.get(name, "").startswith(value), (name, reply.headers)
    assert stable(reply.body) == stable(expected.body)


def test_the_docs_have_curl_examples() -> None:
    commands = " ".join(e.command for e in _doc_examples())
    for route in ("/execute", "/calculate", "/health"):
        assert route in commands
    assert all(e.expected is not None for e in curl_examples(DOCS[0]))


@pytest.mark.parametrize("use_curl", [True, False], ids=["curl", "httpx"])
@pytest.mark.parametrize("example", _doc_examples(), ids=lambda e: e.id)
def test_docs_curl_example(mlpy_server: Server, example: CurlExample, use_curl: bool) -> None:
    """As written with curl, and the same request with httpx (what runs where curl is missing)."""
    _check(example, mlpy_server, use_curl=use_curl)


@pytest.mark.parametrize("example", curl_examples(EXAMPLE_README), ids=lambda e: e.id)
def test_embedding_example_curl(example_server: Server, example: CurlExample) -> None:
    _check(example, example_server)


@pytest.mark.parametrize(
    "snippet",
    [text for lang, text in blocks(EXAMPLE_README) if lang == "python" and "httpx" in text],
    ids=["sync", "async"],
)
def test_embedding_example_python(example_server: Server, snippet: str, tmp_path: Path) -> None:
    """The snippet runs as written and prints what its ``# comments`` say."""
    script = tmp_path / "client.py"
    script.write_text(snippet.replace("http://" + DOC_ADDRESS, example_server.url), "utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    promised = re.findall(r"print\(.*\)\s+# (.*)$", snippet, re.M)
    assert promised and done.stdout.splitlines() == promised


def test_mlpy_serve_with_two_processes_in_strict_mode(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port), "--workers", "2", "--strict"]
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path / "data")}  # its job workers' files
    with serving(command, port, tmp_path / "serve.log", env=env, clear_env=True) as server:
        health = httpx.get(server.url + "/health", timeout=10).json()
        refused = httpx.post(
            server.url + "/execute", json={"code": 'result = getattr({}, "keys");'}, timeout=10
        ).json()
    assert health["executor"]["strict_security"] is True
    assert refused["error_type"] == "SecurityError"
