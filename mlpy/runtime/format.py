"""How ML values are shown as text (LANGUAGE.md §5.3): ``str()``, ``print``, string ``+``, ``repr``.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Rules:

* ``null``, ``true``/``false``; integers as decimal digits; floats as Python's shortest repr
  (``3.0``, ``0.1``, ``1e+16``). The non-finite floats are spelled as in JavaScript and JSON5:
  ``Infinity``, ``-Infinity`` and ``NaN`` (never Python's ``inf``/``nan``).
* A string is itself at top level; inside an array or object it is double-quoted with JSON
  escapes for ``"``, ``\\`` and control characters, while non-ASCII text stays as it is.
* Arrays ``[1, "a", true, null]``; objects ``{"a": 1, "b": [2]}``; functions
  ``<function name>`` (``<anonymous function>`` for an arrow function); ranges
  ``range(0, 5)`` (``range(0, 10, 2)`` when the step is not 1); opaque module values by their
  own ``ml_str()``.
* A container that contains itself is shown as ``[...]`` (an array) or ``{...}`` (an object),
  as Python does.

Formatting never runs away: the nesting depth is capped by ``Limits.max_nesting``, the text
produced by ``max_string`` and the values visited by ``max_visit``; an integer with more than
``max_int_digits`` digits is a `MLLimitError` (never Python's ``ValueError``). Containers are
walked with an explicit stack, so deep values never hit Python's recursion limit, and a
container met twice (a DAG such as ``a = [a, a]`` doubled 40 times) reuses its text, so such a
value reaches the ``max_string`` cap in time proportional to that cap.
"""

from __future__ import annotations

import sys
import time
from json.encoder import encode_basestring
from typing import Any, NoReturn

from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CallState, current, shared_threshold
from mlpy.runtime.values import BoundMethod, Builtin, Opaque, function_name, is_ml_function

__all__ = [
    "Pacer",
    "check_deadline",
    "float_to_str",
    "int_to_str",
    "limit_reached",
    "quote",
    "quote_brief",
    "repr_value",
    "to_str",
]

#: integers of at most this many bits (≤ 20 digits) are converted without looking at the limits
#: (a shared threshold: 0 while a call allowing fewer than 20 digits runs)
SMALL_INT_BITS = shared_threshold(globals(), "SMALL_INT_BITS")
#: log10(2), to estimate the number of decimal digits of an integer from its bit length
_LOG10_2 = 0.30102999566398120
_NON_FINITE = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}
_END = object()
#: values visited or characters produced above which formatting checks the deadline
_BIG = 4096


# -- stopping the call ---------------------------------------------------------------------
# These two live here because this is the lowest runtime module every guard already imports.


def limit_reached(limit: str, what: str, state: CallState | None = None) -> NoReturn:
    """Stop the running call for good with the `MLLimitError` of `Limits` field ``limit``.

    Security: a limit must not be catchable (§8). ML ``except`` never catches a limit error,
    but a Python ``finally`` that returns, breaks or continues (ML ``finally { return 0; }``)
    silently swallows any exception passing through it. `CallState.cancel` records the error
    as the call's sticky stop reason (unless it already has one), so the next budget check and
    the runner raise it again whatever the script's ``finally`` did. Every size cap must raise
    through here.
    """
    state = state or current()
    error = state.limit_error(limit, what)
    state.cancel(error)
    raise error


def check_deadline(state: CallState | None = None) -> None:
    """Stop the running call now if it is past its deadline.

    Security: the generated code looks at the clock only once per chunk of budget steps
    (`mlpy.runtime.state.CHUNK`), so a loop whose every step does work proportional to a large
    value (sorting, copying or formatting millions of elements) would run for a thousand such
    operations past its timeout. Operations on values larger than a few thousand elements
    call this first, so a call past its deadline stops within one such operation.
    """
    state = state or current()
    if time.monotonic() > state.deadline:
        state.tick()  # raises the TimeoutError (made sticky), or an earlier stop reason


class Pacer:
    """Checks the deadline every ``every`` units of work of a loop inside one builtin.

    Security: a builtin whose work is not proportional to one size the guards checked up
    front (pairwise comparison, a sort with an ML order, a walk calling back into ML) uses one
    so that a call past its deadline stops within ``every`` units, not at the loop's end.
    """

    __slots__ = ("state", "every", "left")

    def __init__(self, every: int = _BIG) -> None:
        self.state = current()
        self.every = every
        self.left = every

    def step(self, units: int = 1) -> None:
        """Count ``units`` of work; past the deadline, stop the call."""
        self.left -= units
        if self.left <= 0:
            self.left = self.every
            check_deadline(self.state)


def to_str(v: Any) -> str:
    """The §5.3 text of ``v``: what ``str(v)``, ``print(v)`` and ``"" + v`` produce.

    Raises:
        MLLimitError: the text would exceed ``max_string``, the value nests deeper than
            ``max_nesting``, visits more than ``max_visit`` values, or an integer has more
            than ``max_int_digits`` digits.
    """
    t = type(v)
    # the common scalars repeat the first lines of `_scalar_str` on purpose: str() of a
    # number or string is on the hot path of string building, and this saves a call
    if t is str:
        return v  # type: ignore[no-any-return]
    if t is int:
        return int_to_str(v)
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return float_to_str(v)
    if v is None:
        return "null"
    if t is list or t is dict:
        return _Formatter(current().limits).run(v)
    return _scalar_str(v)


def repr_value(v: Any) -> str:
    """The ``repr`` builtin: like `to_str`, but a top-level string is quoted too."""
    if type(v) is str:
        return quote(v)
    return to_str(v)


def quote(s: str) -> str:
    """``s`` double-quoted with JSON escapes, non-ASCII characters kept as they are."""
    return encode_basestring(s)


def quote_brief(s: str, limit: int = 60) -> str:
    """``s`` quoted for an error message, shortened to about ``limit`` characters."""
    return quote(s) if len(s) <= limit else quote(s[:limit]) + "..."


def float_to_str(f: float) -> str:
    """Python's shortest repr of ``f``, with ``Infinity``, ``-Infinity`` and ``NaN``."""
    s = repr(f)
    return _NON_FINITE.get(s, s)


def int_to_str(n: int) -> str:
    """The decimal digits of ``n``.

    Raises:
        MLLimitError: ``n`` has more than ``max_int_digits`` digits.
    """
    if n.bit_length() <= SMALL_INT_BITS:
        return str(n)
    _check_digits(n)
    return _digits(n) if n >= 0 else "-" + _digits(-n)


def _check_digits(n: int) -> None:
    state = current()
    limit = state.limits.max_int_digits
    bits = n.bit_length()
    if bits > state.limits.max_int_bits:  # conversion to text is quadratic in the size
        limit_reached("max_int_bits", f"integer size {bits} bits", state)
    low = int((bits - 1) * _LOG10_2) + 1  # fewest digits an integer of this size can have
    high = int(bits * _LOG10_2) + 1  # most digits it can have
    if high <= limit:
        return
    if low > limit or abs(n) >= 10**limit:
        limit_reached("max_int_digits", "integer with more digits", state)


def _digits(n: int) -> str:
    """Digits of ``n >= 0``, split into halves when Python's own digit limit would refuse it."""
    py_limit = sys.get_int_max_str_digits()
    estimate = int(n.bit_length() * _LOG10_2) + 1
    if py_limit == 0 or estimate < py_limit:
        return str(n)
    half = estimate // 2
    high, low = divmod(n, 10**half)
    return _digits(high) + _digits(low).zfill(half)


def _scalar_str(v: Any) -> str:
    """Text of a value that is not a container (also used for elements inside one)."""
    t = type(v)
    if t is str:
        return v  # type: ignore[no-any-return]
    if t is int:
        return int_to_str(v)
    if t is bool:
        return "true" if v else "false"
    if t is float:
        return float_to_str(v)
    if v is None:
        return "null"
    if t is range:
        return _range_str(v)
    if t is Builtin or t is BoundMethod or is_ml_function(v):
        name = function_name(v)
        return "<anonymous function>" if name == "anonymous function" else f"<function {name}>"
    if isinstance(v, Opaque):
        return v.ml_str()
    return "<unknown>"


def _range_str(r: range) -> str:
    start, stop = int_to_str(r.start), int_to_str(r.stop)
    if r.step == 1:
        return f"range({start}, {stop})"
    return f"range({start}, {stop}, {int_to_str(r.step)})"


class _Frame:
    """One open container while formatting: its items, its closing bracket, how many shown."""

    __slots__ = ("items", "close", "key", "is_object", "count", "start", "cycles")

    def __init__(self, value: list[Any] | dict[str, Any], start: int, cycles: int) -> None:
        self.is_object = type(value) is dict
        self.items: Any = iter(value.items()) if type(value) is dict else iter(value)
        self.close = "}" if self.is_object else "]"
        self.key = id(value)
        self.count = 0
        self.start = start  # index in the output of its opening bracket
        self.cycles = cycles  # cycle markers written before it opened


class _Formatter:
    """Formats one container with an explicit stack, counting size, depth and visits.

    A container met again (a DAG such as ``a = [a, a]``) reuses the text already produced for
    it, so the work stays proportional to the distinct containers plus the output size.
    """

    __slots__ = ("out", "size", "visits", "limits", "active", "stack", "done", "cycles", "check_at")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.out: list[str] = []
        self.size = 0
        #: the size at which `emit` next checks the caps and the deadline
        self.check_at = min(_BIG, limits.max_string)
        self.visits = 0
        self.active: set[int] = set()  # ids of the containers now open (to spot cycles)
        self.stack: list[_Frame] = []
        #: finished containers: id → their text, or its (start, end) slice of ``out``
        self.done: dict[int, str | tuple[int, int]] = {}
        self.cycles = 0  # cycle markers written so far

    def run(self, value: Any) -> str:
        self.value(value)
        while self.stack:
            self.step(self.stack[-1])
        if self.visits > _BIG:
            check_deadline()  # much work: do not let a loop of these overrun the timeout
        return "".join(self.out)

    def step(self, frame: _Frame) -> None:
        item: Any = next(frame.items, _END)
        if item is _END:
            self.close(frame)
            return
        if frame.count:
            self.emit(", ")
        frame.count += 1
        if frame.is_object:
            self.emit(quote(item[0]) + ": ")
            item = item[1]
        self.value(item)

    def close(self, frame: _Frame) -> None:
        self.stack.pop()
        self.active.discard(frame.key)
        self.emit(frame.close)
        if self.cycles == frame.cycles:  # its text does not depend on where it was met
            self.done[frame.key] = (frame.start, len(self.out))

    def value(self, v: Any) -> None:
        self.visits += 1
        if self.visits > self.limits.max_visit:
            limit_reached("max_visit", "number of values formatted")
        t = type(v)
        if t is str:
            self.emit(quote(v))
        elif t is list or t is dict:
            self.open(v)
        else:
            self.emit(_scalar_str(v))

    def open(self, v: list[Any] | dict[str, Any]) -> None:
        key = id(v)
        if key in self.done:
            self.emit(self.reuse(key))
        elif key in self.active:
            self.cycles += 1
            self.emit("{...}" if type(v) is dict else "[...]")
        elif len(self.stack) >= self.limits.max_nesting:
            limit_reached("max_nesting", "nesting depth of the value formatted")
        else:
            self.stack.append(_Frame(v, len(self.out), self.cycles))
            self.active.add(key)
            self.emit("{" if type(v) is dict else "[")

    def reuse(self, key: int) -> str:
        text = self.done[key]
        if type(text) is tuple:
            text = "".join(self.out[text[0] : text[1]])
            self.done[key] = text
        return text  # type: ignore[return-value]

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.check_at:
            if self.size > self.limits.max_string:
                limit_reached("max_string", "formatted text")
            # a text of up to max_string characters takes seconds to build: check the
            # deadline every _BIG * 16 characters on the way (see `check_deadline`)
            check_deadline()
            self.check_at = min(self.size + _BIG * 16, self.limits.max_string)
        self.out.append(text)
