"""Fixtures for the runtime tests: a running call's state, and ML functions made by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import Token
from typing import Any

import pytest

from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CURRENT, CallState


@pytest.fixture(autouse=True)
def state() -> Iterator[CallState]:
    """Every runtime test runs inside a call with the default limits."""
    call = CallState(Limits())
    token = CURRENT.set(call)
    yield call
    CURRENT.reset(token)


@pytest.fixture
def limits(state: CallState) -> Iterator[Callable[..., CallState]]:
    """``limits(max_string=5000)`` switches the running call to one with those limits."""
    tokens: list[Token[CallState]] = []

    def use(**changes: Any) -> CallState:
        call = CallState(Limits(**changes))
        tokens.append(CURRENT.set(call))
        return call

    yield use
    for token in reversed(tokens):
        CURRENT.reset(token)
