"""Run every example of ``docs/stdlib.md`` (part 2) (see "How to read the examples" there)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load
from tests.doc_examples import Example, module_blocks
from tests.doc_examples import examples as examples_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "stdlib.md"
MODULES = ("collections", "functional", "console", "log", "csv", "file", "path", "http", "env", "args")


def blocks() -> list[tuple[str, list[str]]]:
    return module_blocks(DOC, MODULES)


def examples() -> list[Example]:
    return examples_of(blocks())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def route(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        status, text, headers = 404, "not found", {}
        if self.path == "/hello":
            status, text = 200, "hello"
        elif self.path == "/echo":
            status, text = 200, f"{self.command} {body}"
        elif self.path == "/go":
            status, text, headers = 302, "", {"Location": "/hello"}
        elif self.path == "/away":
            status, text, headers = 302, "", {"Location": "http://not-granted.invalid/"}
        data = text.encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = route


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    w = tmp_path / "work"
    (w / "sub").mkdir(parents=True)
    (w / "data.txt").write_text("hello\nworld\n")
    (w / "people.csv").write_text("name,age\nAda,36\nBob,25\n")
    (w / "sub" / "notes.md").write_text("# notes\n")
    (tmp_path / "outside.txt").write_text("secret")
    (tmp_path / "elsewhere.csv").write_text("a\n1\n")
    for name, val in {
        "APP_MODE": "production",
        "APP_PORT": "8080",
        "APP_DEBUG": "true",
        "APP_RATE": "0.5",
    }.items():
        monkeypatch.setenv(name, val)
    monkeypatch.setenv("HOME", str(tmp_path))
    return w


@pytest.mark.parametrize("example", examples(), ids=str)
def test_example(example: Example, work: Path, server: str) -> None:
    grants = {
        "file.read": [str(work)],
        "file.write": [str(work)],
        "http": [server],
        "env": ["APP_MODE", "APP_PORT", "APP_DEBUG", "APP_RATE"],
        "args": ["report.ml", "--verbose", "data.csv"],
    }
    setup = "\n".join(example.setup)
    if example.error:
        r = mlpy.run(f"{setup}\nresult = {example.code};", {"BASE": f"http://{server}"}, capabilities=grants)
        assert r.error_type == example.error, (r.value, r.error)
        return
    code = (
        f"{setup}\ndoc_value = {example.code};\nresult = [doc_value == ({example.expected}), str(doc_value)"
    )
    code += f", {example.out}];" if example.out else "];"
    r = mlpy.run(code, {"BASE": f"http://{server}"}, capabilities=grants)
    assert r.success, r.error
    assert r.value[0] is True, f"{example.code} gave {r.value[1]}, expected {example.expected}"
    if example.out:
        assert r.stdout == r.value[2]


def test_every_function_has_an_example() -> None:
    state = CallState(Limits(), capabilities={"file.read": ["."], "http": [], "env": [], "args": []})
    documented = {module: "\n".join(lines) for module, lines in blocks()}
    assert sorted(documented) == sorted(MODULES)
    for module in MODULES:
        members = set(load(module, state).members)
        used = set(re.findall(rf"\b{module}\.(\w+)", documented[module]))
        assert members <= used, f"{module}: no example for {sorted(members - used)}"


def test_the_examples_were_found() -> None:
    assert len(examples()) > 150
