"""The size limits of what a request asks to run: one place for ``/execute``, ``/check``,
``/transpile``, the process routes and the job routes.

Layer 6 (server): imports the standard library and `mlpy.server.settings`.

Code is measured in UTF-8 bytes, a context (or a process's inputs) as compact JSON in UTF-8
bytes, so the limit means the same for every route. Cost: linear in the size measured.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mlpy.server.settings import Settings

__all__ = ["TooLarge", "check_code", "check_context"]


class TooLarge(ValueError):
    """Code or context over its limit; ``what`` is ``"code"`` or ``"context"``, the message
    names the size, the limit and the setting."""

    def __init__(self, what: str, size: int, limit: int, setting: str, unit: str = "bytes") -> None:
        super().__init__(f"{what} is {size} {unit}; the limit is {limit} ({Settings.env_name(setting)})")
        self.what = what


def check_code(code: str, settings: Settings) -> None:
    """Raise `TooLarge` if ``code`` is over ``settings.max_code_bytes``."""
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > settings.max_code_bytes:
        raise TooLarge("code", size, settings.max_code_bytes, "max_code_bytes")


def check_context(context: Mapping[str, Any] | None, settings: Settings) -> None:
    """Raise `TooLarge` if ``context`` as JSON is over ``settings.max_context_bytes``.

    Raises:
        RecursionError: the context is nested too deeply to measure (callers answer 422).
    """
    if context is None:
        return
    text = json.dumps(context, ensure_ascii=False, separators=(",", ":"))
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.max_context_bytes:
        raise TooLarge("context", size, settings.max_context_bytes, "max_context_bytes", "bytes as JSON")
