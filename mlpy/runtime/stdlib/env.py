"""The ``env`` host-access module (LANGUAGE.md §6.2): granted environment variables only.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Importing ``env`` needs the grant ``env``: the list of variable names the call may read, for
example ``{"env": ["HOME", "APP_MODE"]}`` (``"*"`` grants every name). Every function checks
its name at run time: a name not granted is a `MLSecurityError` naming it, whether or not the
variable exists, and ``all()`` lists only granted names that are set. Nothing reveals which
other variables the host has.

``set`` and ``delete`` never touch the host's environment (that would leak into the host and
into other calls, §7.4): they change a per-call overlay that this call's ``get``/``has``/``all``
see. They also need the name to be granted.

Deviations from the reference library: ``get_int``/``get_float`` of a value that is not a
number are a `MLValueError` instead of silently returning the default, and ``get_bool``
accepts only ``true/false/1/0/yes/no/on/off`` (any case); ``require`` of a missing variable is
a `MLKeyError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLKeyError, MLSecurityError, MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import MISSING, builtin_table
from mlpy.runtime.values import Module, typeof

__all__ = ["create"]

_OVERLAY_KEY = "env.overlay"
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
#: marks a variable this call deleted in its overlay
_DELETED: Any = object()


def _overlay(state: CallState) -> dict[str, Any]:
    overlay = state.extra.get(_OVERLAY_KEY)
    if overlay is None:
        overlay = state.extra[_OVERLAY_KEY] = {}
    assert isinstance(overlay, dict)
    return overlay


def _granted(state: CallState) -> list[str]:
    return list(state.capabilities.get("env", ()))


def _name(fn: str, key: Any) -> str:
    if type(key) is not str:
        raise MLTypeError(f"{fn}() expects a variable name, got {typeof(key)}")
    granted = _granted(current())
    if key not in granted and "*" not in granted:
        raise MLSecurityError(
            f"{fn}: environment variable {quote_brief(key)} is not granted (capability env)"
        )
    return key


def _lookup(key: str) -> str | None:
    value = _overlay(current()).get(key, MISSING)
    if value is _DELETED:
        return None
    if value is not MISSING:
        return str(value)
    return os.environ.get(key) if "\x00" not in key and "=" not in key else None


def _get(key: Any, default: Any = None) -> Any:
    value = _lookup(_name("env.get", key))
    return default if value is None else value


def _require(key: Any) -> str:
    name = _name("env.require", key)
    value = _lookup(name)
    if value is None:
        raise MLKeyError(f"env.require(): environment variable {quote_brief(name)} is not set")
    return value


def _has(key: Any) -> bool:
    return _lookup(_name("env.has", key)) is not None


def _all() -> dict[str, str]:
    state = current()
    granted = _granted(state)
    if "*" in granted:
        names = sorted(set(os.environ) | set(_overlay(state)))
    else:
        names = granted
    out: dict[str, str] = {}
    for name in names:
        value = _lookup(name)
        if value is not None:
            out[name] = value
    return out


def _set(key: Any, value: Any) -> None:
    name = _name("env.set", key)
    _overlay(current())[name] = value if type(value) is str else to_str(value)


def _delete(key: Any) -> None:
    _overlay(current())[_name("env.delete", key)] = _DELETED


def _get_int(key: Any, default: Any = 0) -> Any:
    name = _name("env.get_int", key)
    value = _lookup(name)
    if value is None:
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise MLValueError(
            f"env.get_int(): {quote_brief(name)} is not an integer: {quote_brief(value)}"
        ) from None


def _get_float(key: Any, default: Any = 0.0) -> Any:
    name = _name("env.get_float", key)
    value = _lookup(name)
    if value is None:
        return default
    try:
        return float(value.strip())
    except ValueError:
        raise MLValueError(
            f"env.get_float(): {quote_brief(name)} is not a number: {quote_brief(value)}"
        ) from None


def _get_bool(key: Any, default: Any = False) -> Any:
    name = _name("env.get_bool", key)
    value = _lookup(name)
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise MLValueError(f"env.get_bool(): {quote_brief(name)} is not a boolean: {quote_brief(value)}")


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "get": _get,
    "require": _require,
    "has": _has,
    "all": _all,
    "set": _set,
    "delete": _delete,
    "get_int": _get_int,
    "get_float": _get_float,
    "get_bool": _get_bool,
}

_MEMBERS = builtin_table("env", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``env`` module for a call granted ``env``.

    Raises:
        MLSecurityError: ``env`` is not granted.
    """
    if "env" not in state.capabilities:
        raise MLSecurityError("import env needs the capability env")
    return Module("env", dict(_MEMBERS))
