"""The import path existing users of the ML executor already have: `AsyncMLExecutor`, `AsyncMLResult`.

Layer 4 (executor): imports `mlpy.executor` and `mlpy.runtime.result`.

``AsyncMLResult`` is `MLResult` under its older name: the executor and `mlpy.run` return the
same type.
"""

from __future__ import annotations

from mlpy.executor import AsyncMLExecutor
from mlpy.runtime.result import MLResult

__all__ = ["AsyncMLExecutor", "AsyncMLResult"]

#: the result of `AsyncMLExecutor.execute`: the same type as `MLResult`
AsyncMLResult = MLResult
