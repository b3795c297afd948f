"""The deadline of the current call, for work below the runtime (parsing, compiling).

Layer 0: imports only the standard library and `mlpy.errors`.

The runtime's budget (`mlpy.runtime.state.CallState`) stops a *running* program. Compiling a
large program happens before there is a program, in the front end (layer 1), which may not
import the runtime. A caller that compiles under a deadline wraps the compile in `within`;
long front-end loops (the lexer, the check pass, codegen) call `check` every so often, which
raises `MLTimeoutError` once the deadline has passed. Outside `within`, `check` costs one
ContextVar read and does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from mlpy.errors import MLTimeoutError

__all__ = ["check", "within"]

#: (monotonic deadline, the timeout in seconds it came from), or None for no deadline
_current: ContextVar[tuple[float, float] | None] = ContextVar("mlpy_compile_deadline", default=None)


@contextmanager
def within(deadline: float, timeout: float) -> Iterator[None]:
    """Make ``deadline`` (a `time.monotonic` value) visible to `check` inside this block.

    ``timeout`` is the call's timeout in seconds, for the error message.
    """
    token = _current.set((deadline, timeout))
    try:
        yield
    finally:
        _current.reset(token)


def check() -> None:
    """Raise `MLTimeoutError` if the current call's deadline has passed.

    Raises:
        MLTimeoutError: the deadline set by the innermost `within` has passed.
    """
    current = _current.get()
    if current is not None and time.monotonic() > current[0]:
        raise MLTimeoutError.after(current[1], compiling=True)
