"""Progress reports from a running script: where the `progress` builtin sends them.

Layer 3 (runtime): imports the standard library only.

A host that wants to see a script's progress (the job runner, a REPL) installs a sink for the
duration of a call with `reporting`; the builtin calls `report`, which hands the values to the
sink of the current context, or does nothing when there is none. Both `mlpy.run` and
`AsyncMLExecutor.execute` copy the caller's contextvars into the thread that runs the script,
so a sink set around the call is the one the script reports to.

A sink must be cheap: a script may call ``progress`` in every iteration of a loop. Sinks
coalesce (keep the latest value, write it out at most every so often); the builtin validates
its arguments before the sink sees them, so a sink receives a percent in [0, 100] and a
message that is a short string or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["ProgressSink", "report", "reporting"]

#: receives ``(percent, message)``; percent is a float in [0, 100], message a str or None
ProgressSink = Callable[[float, "str | None"], None]

_sink: ContextVar[ProgressSink | None] = ContextVar("mlpy_progress_sink", default=None)


@contextmanager
def reporting(sink: ProgressSink) -> Iterator[None]:
    """Send the `progress` reports of calls made inside this block to ``sink``."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def report(percent: float, message: str | None) -> None:
    """Hand one validated report to the current sink, if any (a no-op outside `reporting`)."""
    sink = _sink.get()
    if sink is not None:
        sink(percent, message)
