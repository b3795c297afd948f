"""The ``log`` standard module (LANGUAGE.md §6.1): levelled log lines in the captured output.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

``log.info(message, data?)`` writes ``[INFO] message`` to the call's captured output (within
``max_output``), followed by `` | key=value, ...`` when ``data`` (an object) is given; values are
formatted with ``str()`` (§5.3). Levels, lowest first: DEBUG, INFO, WARN (alias WARNING),
ERROR, CRITICAL. Lines below the current level are dropped; the level starts at INFO and
``log.set_level("debug")`` changes it for the rest of this call only (§7.4): it is kept in the
call's state, never in a process-wide logger.

Deviations from the reference library, which used Python's ``logging`` on the process stdout:
no timestamp (output stays deterministic; the host knows when the call ran), no
``set_format``/``add_file``/``create_logger`` (a script cannot add host outputs), and an
unknown level name is a `MLValueError` instead of silently meaning INFO.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mlpy.errors import MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import builtin_table
from mlpy.runtime.values import Module, typeof

__all__ = ["LEVELS", "create"]

#: level name → rank; lines below the call's level are dropped
LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}

_STATE_KEY = "log.level"
_DEFAULT = LEVELS["INFO"]


def _logger(label: str) -> Callable[..., None]:
    rank = LEVELS[label]
    name = f"log.{label.lower()}"

    def log(message: Any, data: Any = None) -> None:
        if data is not None and type(data) is not dict:
            raise MLTypeError(f"{name}() expects an object as data, got {typeof(data)}")
        state = current()
        if rank < state.extra.get(_STATE_KEY, _DEFAULT):
            return
        state.write_line(_parts(message, data), sep="", prefix=f"[{label}] ")

    return log


def _parts(message: Any, data: dict[str, Any] | None) -> Iterator[str]:
    """The pieces of ``message | k=v, k2=v2``, each built only when the line still has room."""
    yield to_str(message)
    for i, (key, value) in enumerate((data or {}).items()):
        yield f"{', ' if i else ' | '}{key}={to_str(value)}"


def _set_level(level: Any) -> None:
    if type(level) is not str:
        raise MLTypeError(f"log.set_level() expects a string, got {typeof(level)}")
    rank = LEVELS.get(level.upper())
    if rank is None:
        raise MLValueError(
            f"log.set_level(): unknown level {quote_brief(level)} (DEBUG, INFO, WARN, ERROR or CRITICAL)"
        )
    current().extra[_STATE_KEY] = rank


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "debug": _logger("DEBUG"),
    "info": _logger("INFO"),
    "warn": _logger("WARN"),
    "error": _logger("ERROR"),
    "critical": _logger("CRITICAL"),
    "set_level": _set_level,
}

_MEMBERS = builtin_table("log", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``log`` module for one call; its level lives in ``state.extra`` (INFO at first)."""
    return Module("log", dict(_MEMBERS))
