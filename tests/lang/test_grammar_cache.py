"""The parser cache across processes (`mlpy.language.grammar_cache`): JSON, never pickle, and
only from a private directory."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lark import Lark

from mlpy.language import grammar_cache
from mlpy.language.build import Build
from mlpy.language.parser import _OPTIONS, _reserved_word, grammar_text


class Builds:
    """Counts the times the parser had to be built from the grammar."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> Lark:
        self.count += 1
        return Lark(grammar_text(), **_OPTIONS, **_live())


def _live() -> dict[str, Any]:
    return {"transformer": Build(), "lexer_callbacks": {"NAME": _reserved_word}}


def _get(builds: Builds) -> Lark:
    return grammar_cache.cached_parser(grammar_text(), builds, _live(), "test-options")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache" / "mlpy"
    monkeypatch.setenv("MLPY_CACHE_DIR", str(directory))
    return directory


def _the_file(directory: Path) -> Path:
    (path,) = directory.glob("parser-*.json")
    return path


def test_the_second_load_comes_from_the_cache_and_parses_alike(cache: Path) -> None:
    builds = Builds()
    first = _get(builds)
    second = _get(builds)
    assert builds.count == 1
    source = "x = {a: [1, 2 ** 3]}; function f(n) { return n > 1 ? n * f(n - 1) : 1; }"
    assert first.parse(source) == second.parse(source)


def test_the_directory_and_file_are_private_and_the_file_is_json(cache: Path) -> None:
    _get(Builds())
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    path = _the_file(cache)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    digest, _, body = path.read_bytes().partition(b"\n")
    assert len(digest) == 64
    assert isinstance(json.loads(body), dict)  # plain data: loading it runs nothing


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(p.read_bytes()[:-100]),  # truncated
        lambda p: p.write_bytes(b"0" * 64 + b"\n{}"),  # a wrong digest
        lambda p: p.write_bytes(b"\x80\x04\x95 pickle bytes"),  # not our format at all
    ],
    ids=["truncated", "wrong-digest", "pickle"],
)
def test_a_damaged_file_is_ignored_and_replaced(cache: Path, damage: Any) -> None:
    _get(Builds())
    damage(_the_file(cache))
    builds = Builds()
    _get(builds)
    assert builds.count == 1
    _get(builds)
    assert builds.count == 1  # rewritten, so loaded this time


def test_a_hostile_body_with_a_valid_digest_only_fails_to_load(cache: Path) -> None:
    """Well-formed JSON that is not parser data: the loader fails, nothing else happens."""
    import hashlib

    _get(Builds())
    body = json.dumps({"d": [["data", {"d": [["__class__", "os.system"]]}], ["memo", {"d": []}]]}).encode()
    _the_file(cache).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    builds = Builds()
    _get(builds)
    assert builds.count == 1


def test_a_file_others_can_write_is_not_trusted(cache: Path) -> None:
    _get(Builds())
    os.chmod(_the_file(cache), 0o666)
    builds = Builds()
    _get(builds)
    assert builds.count == 1


def test_a_symlinked_file_is_not_followed(cache: Path, tmp_path: Path) -> None:
    _get(Builds())
    path = _the_file(cache)
    target = tmp_path / "elsewhere.json"
    path.rename(target)
    path.symlink_to(target)
    builds = Builds()
    _get(builds)
    assert builds.count == 1


def test_a_directory_others_can_write_is_not_used(cache: Path) -> None:
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    builds = Builds()
    _get(builds)
    _get(builds)
    assert builds.count == 2
    assert list(cache.iterdir()) == []


def test_an_unwritable_location_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MLPY_CACHE_DIR", str(blocker / "mlpy"))
    builds = Builds()
    assert _get(builds).parse("x = 1;") is not None
    assert builds.count == 1


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLPY_CACHE_DIR", "")
    assert grammar_cache.cache_dir() is None
    builds = Builds()
    _get(builds)
    _get(builds)
    assert builds.count == 2


def test_the_default_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MLPY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert grammar_cache.cache_dir() == tmp_path / "mlpy"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert grammar_cache.cache_dir() == tmp_path / "home" / ".cache" / "mlpy"


def test_a_new_process_uses_the_cache(cache: Path) -> None:
    """Two real processes: the first writes the file, the second loads it."""
    code = "import mlpy; r = mlpy.run('result = 2 ** 5;'); print(r.value)"
    env = {**os.environ, "MLPY_CACHE_DIR": str(cache)}
    for _ in range(2):
        command = [sys.executable, "-c", code]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.stdout.strip() == "32", done.stderr
    assert _the_file(cache).stat().st_size > 10_000
