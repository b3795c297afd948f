"""Helpers for the runtime tests: ML functions made by hand, deep and DAG-shaped values."""

from __future__ import annotations

from typing import Any


def ml_function(source: str, name: str) -> Any:
    """A Python function compiled as if from ML source (its filename is an ML sentinel)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<ml:test>", "exec"), namespace)
    return namespace[name]


def deep_list(depth: int) -> list[Any]:
    """``[[[...[]...]]]`` nested ``depth`` levels."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def dag(levels: int) -> list[Any]:
    """``a = [a, a]`` doubled ``levels`` times: tiny in memory, 2**levels paths."""
    value: list[Any] = []
    for _ in range(levels):
        value = [value, value]
    return value
