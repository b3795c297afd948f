"""The ``console`` standard module (LANGUAGE.md §6.1): lines to the call's captured output.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

``console.log(a, b, ...)`` writes its arguments formatted as ``print`` does (§5.3, separated by
one space, ending with a newline). ``info``, ``debug``, ``warn`` and ``error`` write the same
line with a prefix: ``[INFO] ``, ``[DEBUG] ``, ``[WARN] ``, ``[ERROR] ``. Everything goes to
the call's captured output (`CallState.write`, within ``max_output``), never to the host's
stdout, stderr or logging: the reference library printed to the process streams, and wrote
``INFO:``/``WARNING:`` prefixes, which a sandbox cannot do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlpy.runtime.format import to_str
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import builtin_table
from mlpy.runtime.values import Module

__all__ = ["create"]


def _writer(prefix: str) -> Callable[..., None]:
    def write(*values: Any) -> None:
        current().write_line((to_str(v) for v in values), prefix=prefix)

    return write


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "log": _writer(""),
    "info": _writer("[INFO] "),
    "debug": _writer("[DEBUG] "),
    "warn": _writer("[WARN] "),
    "error": _writer("[ERROR] "),
}

_MEMBERS = builtin_table("console", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``console`` module for one call (it writes to whichever call is running)."""
    return Module("console", dict(_MEMBERS))
