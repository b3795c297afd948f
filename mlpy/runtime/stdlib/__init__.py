"""The standard modules of LANGUAGE.md §6, loaded per call by ``import``.

Layer 3 (runtime): each module here imports only the standard library, vetted dependencies,
`mlpy.errors` and `mlpy.runtime`.

Each ML module ``name`` is the Python module ``mlpy.runtime.stdlib.<name>``, which defines
``create(state: CallState) -> Module``. A module value is built once per call (so random seeds,
log levels and all other module state belong to the call, §7.4) and cached in
``state.modules``. Only the names in `NAMES` can ever be imported.
"""

from __future__ import annotations

import importlib

from mlpy.errors import MLNameError
from mlpy.runtime.state import CallState
from mlpy.runtime.values import Module

__all__ = ["NAMES", "load"]

#: every module ML may import (the list of LANGUAGE.md §6.1 and §6.2)
NAMES = frozenset(
    {
        "math",
        "json",
        "regex",
        "datetime",
        "random",
        "collections",
        "functional",
        "string",
        "console",
        "log",
        "crypto",
        "csv",
        "file",
        "path",
        "http",
        "env",
        "args",
    }
)


def load(name: str, state: CallState) -> Module:
    """The module ``name`` for the call ``state`` (built on its first import in the call).

    Raises:
        MLNameError: no such module.
    """
    module = state.modules.get(name)
    if module is None:
        if name not in NAMES:
            raise MLNameError(f"module '{name}' is not available")
        impl = importlib.import_module(f"{__name__}.{name}")
        module = impl.create(state)
        state.modules[name] = module
    assert isinstance(module, Module)
    return module
