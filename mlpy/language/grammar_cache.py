"""The built LALR parser, cached across processes as plain JSON (never pickle).

Layer 1 (language): imports the standard library and lark.

Building the parser from the grammar (LALR table construction) takes 0.4-0.8 s, paid by every
process's first compile: every ``mlpy run`` of the CLI. Lark's own ``cache=`` option stores
the built parser with ``pickle``, and unpickling a file is running code: anyone who can write
the cache file could run code in every process that loads it. So this module keeps Lark's
serialized parser data (`Lark.memo_serialize`: ints, strings, booleans, None, lists, tuples
and dicts, nothing else) as JSON, in a tagged form that keeps tuples and integer dict keys,
and rebuilds the parser with `Lark._load_from_dict`. A hostile or corrupted file can at worst
fail to load (then the parser is built from the grammar, as without a cache).

On top of that, defence in depth against another local user:

* the directory is ``$MLPY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlpy``, else ``~/.cache/mlpy``,
  created with mode 0700; it is used only if it is a real directory owned by this user and
  writable by nobody else, and a file only if it is a regular file (not a symlink) with the
  same owner and permissions;
* the file name is keyed by the SHA-256 of the grammar, the options and the Lark version, and
  the file's first line is the SHA-256 of its body, so a stale or truncated file is ignored;
* it is written to a temporary file and renamed into place (readers never see half a file).

Every failure (read-only home, no home, a bad file) falls back silently to building.
Setting ``MLPY_CACHE_DIR`` to an empty string turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

__all__ = ["FORMAT", "cache_dir", "cached_parser"]

#: bumped when the file layout changes
FORMAT = "mlpy-lark-json-1"
#: options that are functions or objects: never stored, given again on load
_LIVE_OPTIONS = ("transformer", "lexer_callbacks")


def cache_dir() -> Path | None:
    """Where the cache lives, or None if it is turned off (``MLPY_CACHE_DIR=""``)."""
    explicit = os.environ.get("MLPY_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mlpy"


def cached_parser(grammar: str, build: Callable[[], Lark], live: dict[str, Any], options: str) -> Lark:
    """The parser for ``grammar``: loaded from the cache, or made by ``build`` and stored.

    ``live`` are the options that cannot be stored (the transformer, lexer callbacks), given
    again on load; ``options`` describes every other option (it is part of the key).
    """
    directory = cache_dir()
    if directory is None:
        return build()
    key = hashlib.sha256("\0".join((FORMAT, lark.__version__, options, grammar)).encode()).hexdigest()
    path = directory / f"parser-{key[:40]}.json"
    loaded = _load(path, live)
    if loaded is not None:
        return loaded
    parser = build()
    _store(directory, path, parser)
    return parser


# -- reading ---------------------------------------------------------------------------------


def _safe_dir(directory: Path) -> bool:
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _load(path: Path, live: dict[str, Any]) -> Lark | None:
    if not _safe_dir(path.parent):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None
            digest, _, body = f.read().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return None
        stored = _decode(json.loads(body))
        return Lark._load_from_dict(stored["data"], stored["memo"], **live)  # type: ignore[no-untyped-call,no-any-return]
    except Exception:  # noqa: BLE001 - any bad file means "build it": the cache is an optimisation
        return None


def _decode(value: Any) -> Any:
    """Undo `_encode`: ``{"t": [...]}`` is a tuple, ``{"d": [[k, v], ...]}`` a dict."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "t" in value:
            return tuple(_decode(v) for v in value["t"])
        return {_decode(k): _decode(v) for k, v in value["d"]}
    return value


# -- writing ---------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """JSON for Lark's serialized data, keeping tuples and non-string keys apart."""
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _store(directory: Path, path: Path, parser: Lark) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe_dir(directory):
            return
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        data["options"] = {k: v for k, v in data["options"].items() if k not in _LIVE_OPTIONS}
        body = json.dumps(_encode({"data": data, "memo": memo}), separators=(",", ":")).encode()
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".parser-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except Exception:  # noqa: BLE001 - a read-only or full disk: run without a cache
        return
