"""Helpers for the tests that start real servers and run the documentation's examples."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
#: the address the documentation's examples use; tests put their own port in its place
DOC_ADDRESS = "127.0.0.1:8000"
#: the same address as some people write it
DOC_ADDRESSES = ("http://127.0.0.1:8000", "http://localhost:8000")
#: response fields that change from run to run
VOLATILE = frozenset({"execution_time", "transpile_time", "execution_time_ms"})


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A server process started by `serving`: its base URL and its log so far."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def serving(
    command: Sequence[str],
    port: int,
    log: Path,
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    clear_env: bool = False,
    ready_path: str = "/health",
    startup: float = 30.0,
) -> Iterator[Server]:
    """Start ``command`` (a server on 127.0.0.1:``port``), wait until ``ready_path`` answers
    200, yield it, and always stop it: SIGTERM to its process group, then SIGKILL.

    ``env`` is added to this process's environment, or replaces it with ``clear_env``."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env={**({} if clear_env else os.environ), **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: worker processes stop with it
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, ready_path, startup)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server, path: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.1) + 1):  # bounded in count and in time
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url + path, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer {path} within {seconds} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group we started (by its id), politely first."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(timeout=5)


# -- the documentation's examples ---------------------------------------------------------------

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@dataclass
class CurlExample:
    """A ``curl`` command from a ``sh`` block, and the ``json`` or ``http`` block after it."""

    source: str
    command: str
    expected_kind: str | None = None
    expected: str | None = None

    @property
    def id(self) -> str:
        return f"{self.source}:{self.command[:70]}"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def blocks(path: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of a Markdown file: (language, text)."""
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(path.read_text("utf-8"))]


def curl_examples(path: Path) -> list[CurlExample]:
    """Every ``curl`` command of ``path``; a block with one command is paired with the
    ``json`` or ``http`` block that follows it, if any."""
    found = blocks(path)
    examples: list[CurlExample] = []
    for i, (lang, text) in enumerate(found):
        if lang not in ("sh", "bash", "console", "shell"):
            continue
        commands = [c for c in _commands(text) if c.startswith("curl ")]
        after = found[i + 1] if i + 1 < len(found) else ("", "")
        paired = len(commands) == 1 and after[0] in ("json", "http")
        for command in commands:
            kind, expected = (after[0], after[1]) if paired else (None, None)
            examples.append(CurlExample(path.name, command, kind, expected))
    return examples


def _commands(text: str) -> list[str]:
    """Shell commands of a block: continuation lines joined, comments and prompts dropped."""
    joined = text.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.strip().removeprefix("$ ")
        if line and not line.startswith("#"):
            commands.append(line)
    return commands


def run_curl(example: CurlExample, base: str, *, use_curl: bool = True) -> Reply:
    """Run the example against ``base`` (curl if installed, else the same request with httpx).

    Links in the reply that name ``base`` name the documentation's address instead, as the
    documentation shows them.
    """
    command = example.command
    for address in DOC_ADDRESSES:
        command = command.replace(address, base)
    if use_curl and shutil.which("curl"):
        done = subprocess.run(["bash", "-c", command], capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, f"{command}\n{done.stderr.decode()}"
        reply = _parse_curl_output(done.stdout.decode(), "-i" in shlex.split(command))
    else:
        reply = _curl_with_httpx(command)
    reply.body = _as_documented(reply.body, base)
    return reply


def _as_documented(value: Any, base: str) -> Any:
    """``value`` with ``base`` replaced by the documentation's address in every string."""
    if isinstance(value, str):
        return value.replace(base, DOC_ADDRESSES[0])
    if isinstance(value, dict):
        return {k: _as_documented(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_documented(v, base) for v in value]
    return value


def _parse_curl_output(text: str, with_headers: bool) -> Reply:
    if not with_headers:
        return Reply(200, {}, json.loads(text))
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    status_line, *header_lines = head.splitlines()
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, json.loads(body))


def _curl_with_httpx(command: str) -> Reply:
    """The request a curl command line makes (-X, -H, -d, -i, -s), made with httpx."""
    args = shlex.split(command)[1:]
    method, url, headers, data, with_headers = "GET", "", {}, None, False
    it = iter(args)
    for arg in it:
        if arg == "-X":
            method = next(it)
        elif arg == "-H":
            name, _, value = next(it).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            data = next(it)
            method = "POST" if method == "GET" else method
        elif arg == "-i":
            with_headers = True
        elif not arg.startswith("-"):
            url = arg
    reply = httpx.request(method, url, headers=headers, content=data, timeout=60)
    status = reply.status_code if with_headers else 200
    return Reply(status, {k.lower(): v for k, v in reply.headers.items()}, reply.json())


def expected_reply(example: CurlExample) -> Reply | None:
    """What the documentation shows after the command."""
    if example.expected is None:
        return None
    if example.expected_kind == "json":
        return Reply(200, {}, json.loads(example.expected))
    return _parse_curl_output(example.expected, True)


def stable(value: Any) -> Any:
    """``value`` without the fields that change from run to run."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value
