"""The ML ``regex`` module (LANGUAGE.md §6.1): regular expressions that cannot hang a worker.

Layer 3 (runtime): imports the standard library, the ``regex`` package, `mlpy.errors` and
`mlpy.runtime.*`.

Matching uses the ``regex`` package (Python ``re`` syntax and results, backreferences and
lookarounds included) because every matching call takes a ``timeout``. Every operation runs
under a time and size bound, so a catastrophic pattern stops as a `MLLimitError` and never
hangs the worker:

* each operation may run for at most `TIMEOUT` seconds, and never past the call's deadline
  (then the call stops with a ``TimeoutError``, as any other code would); the time spent in
  an ML replacement function called by ``sub`` counts;
* a pattern has at most `MAX_PATTERN` characters, and before it is compiled its compiled
  size is estimated by a scan that mirrors the package's parser (counted repetitions such as
  ``((a{100}){100}){100}`` are unrolled by the compiler and would take seconds and gigabytes);
  a pattern estimated above `MAX_COST`, or nesting groups deeper than `MAX_GROUP_DEPTH`, is
  refused as a `MLLimitError`;
* recursive patterns (``(?R)``, ``(?1)``, ``(?&name)``, ``(?P>name)``) are refused as a
  `MLValueError`: they can exhaust memory before any timeout fires;
* the text searched has at most `MAX_INPUT` characters; results are checked against
  ``max_array``, and replacement text against ``max_string`` as it grows;
* compiled patterns are cached across calls only when small (the engine's own cache, which
  keeps 500 patterns of any size, is bypassed), so no call can pin large compiled programs
  in the worker's memory.

Names and signatures follow the reference library: the flags are functions returning
Python's ``re`` flag values (``regex.IGNORECASE()`` is 2; combine them with ``+``);
``finditer`` returns an array of match values; ``subn`` returns ``{result, count}``.
Differences: an invalid group (``m.group(9)``) is a `MLIndexError` and an invalid pattern a
`MLValueError` (the reference returns null or -1 for the former); ``sub`` also accepts an ML
function, called with the match value, as the replacement (as in JavaScript); the inline
version flags ``(?V0)``/``(?V1)`` are not accepted.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

import regex as _engine  # type: ignore[import-untyped]

from mlpy.errors import MLIndexError, MLLimitError, MLTimeoutError, MLTypeError, MLValueError
from mlpy.runtime.format import quote, quote_brief
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import check_array, check_string
from mlpy.runtime.state import CallState, current
from mlpy.runtime.values import Builtin, Module, Opaque, call_value, is_callable, typeof

__all__ = ["MAX_COST", "MAX_GROUP_DEPTH", "MAX_INPUT", "MAX_PATTERN", "TIMEOUT", "Match", "Pattern", "create"]

#: seconds one regex operation may run (less if the call's deadline is nearer)
TIMEOUT = 1.0
#: characters in a pattern
MAX_PATTERN = 10_000
#: characters in a text searched, matched, split or substituted
MAX_INPUT = 1_000_000
#: estimated compiled size of a pattern (see `_measure`): about 0.05 s and 15 MB of compiling
MAX_COST = 200_000
#: groups nested inside each other
MAX_GROUP_DEPTH = 100

#: ML flag name → (the value ML sees, which is Python ``re``'s, the engine's flag)
_FLAGS: dict[str, tuple[int, int]] = {
    "IGNORECASE": (2, int(_engine.IGNORECASE)),
    "MULTILINE": (8, int(_engine.MULTILINE)),
    "DOTALL": (16, int(_engine.DOTALL)),
    "UNICODE": (32, int(_engine.UNICODE)),
    "VERBOSE": (64, int(_engine.VERBOSE)),
    "ASCII": (256, int(_engine.ASCII)),
}
_ALL_FLAGS = sum(value for value, _ in _FLAGS.values())


# -- pattern size estimate -----------------------------------------------------------------

_ALNUM = "A-Za-z0-9"
#: a POSIX class inside a set, as the engine recognises it: ``[:name:]`` or ``[:name=value:]``
_POSIX_QUALIFIED = re.compile(rf"\[:\^?[{_ALNUM} &_\-.]*[:=]([{_ALNUM} &_\-./]*)")
_POSIX_PLAIN = re.compile(rf"\[:\^?[{_ALNUM} &_\-.]*:\]")
_FLAG_LETTERS = frozenset("abefiLmprsuwx")


class _Scanner:
    """Reads a pattern the way the engine's V0 parser does, skipping whitespace and ``#``
    comments in verbose mode (except where the parser reads characters as they are)."""

    __slots__ = ("text", "pos", "verbose")

    def __init__(self, text: str, verbose: bool) -> None:
        self.text = text
        self.pos = 0
        self.verbose = verbose

    def _skip(self) -> None:
        text = self.text
        pos = self.pos
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
            elif text[pos] == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        self.pos = pos

    def peek(self) -> str:
        if self.verbose:
            self._skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def get(self) -> str:
        ch = self.peek()
        if ch:
            self.pos += 1
        return ch

    def raw(self) -> str:
        """The next character exactly as written (no whitespace or comment skipping)."""
        if self.pos >= len(self.text):
            return ""
        self.pos += 1
        return self.text[self.pos - 1]

    def raw_to(self, stop: str) -> None:
        """Skip raw text up to and including the next ``stop`` (or to the end)."""
        end = self.text.find(stop, self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def digits(self) -> str:
        out = []
        while self.peek().isdigit() and self.peek() in "0123456789":
            out.append(self.get())
        return "".join(out)


class _Frame:
    __slots__ = ("total", "last", "verbose")

    def __init__(self, verbose: bool) -> None:
        self.total = 0  # estimated size of the group so far
        self.last = 0  # size of the last item, which a quantifier would repeat
        self.verbose = verbose  # the verbose mode to restore when the group closes


class _Unsupported(Exception):
    """A construct the module refuses (recursion)."""


def _sticky(error: MLLimitError) -> MLLimitError:
    """Record ``error`` as the call's stop and return it: a limit is never catchable (§8), not
    even by a Python ``finally`` that returns."""
    current().cancel(error)
    return error


def _measure(pattern: str, verbose: bool) -> tuple[int, int]:
    """(estimated compiled size, deepest group nesting) of ``pattern``.

    Each character, escape or set counts 1; a group counts its contents plus 1; ``* + ?``
    double the item before them; a counted repetition ``{m,n}`` multiplies it by twice its
    largest count (the compiler unrolls counted repetitions, and nested ones cost more than
    their product). The scan stops early once the size passes `MAX_COST`.
    """
    s = _Scanner(pattern, verbose)
    frames = [_Frame(verbose)]
    deepest = 0
    while True:
        ch = s.get()
        if not ch:
            break
        frame = frames[-1]
        if ch == "\\":
            _skip_escape(s, in_set=False)
            size = 1
        elif ch == "[":
            _skip_set(s)
            size = 1
        elif ch == "(":
            kind = _open_paren(s)
            if kind == "group" or kind.startswith("flags:"):
                frames.append(_Frame(s.verbose))
                deepest = max(deepest, len(frames) - 1)
                if kind.startswith("flags:"):
                    s.verbose = kind == "flags:verbose"
                continue
            size = 1 if kind == "atom" else 0
            if not size:
                continue
        elif ch == ")":
            if len(frames) == 1:
                size = 1
            else:
                closed = frames.pop()
                s.verbose = closed.verbose
                frame = frames[-1]
                size = closed.total + 1
        elif ch == "|":
            frame.last = 0
            continue
        elif ch in "*+?":
            frame.total += frame.last
            frame.last *= 2
            if frame.total > MAX_COST:
                return frame.total, deepest
            continue
        elif ch == "{":
            factor = _counted(s)
            if factor:
                frame.total += frame.last * (2 * factor - 1)
                frame.last *= 2 * factor
                if frame.total > MAX_COST:
                    return frame.total, deepest
                continue
            size = 1
        else:
            size = 1
        frame.total += size
        frame.last = size
        if frame.total > MAX_COST:
            return frame.total, deepest
    while len(frames) > 1:
        closed = frames.pop()
        frames[-1].total += closed.total + 1
    return frames[0].total, deepest


def _counted(s: _Scanner) -> int:
    """After ``{``: the largest count of a counted repetition (0 if it is not one)."""
    start = s.pos
    low = s.digits()
    if s.peek() == ",":
        s.get()
        high = s.digits()
        counts = [low, high] if high else [low, str(int(low or 0) + 1)]
    else:
        counts = [low]
    if not low and len(counts) == 1 or s.get() != "}":
        s.pos = start
        return 0
    largest = max(int(c) if len(c) <= 12 else 10**12 for c in counts if c)
    return max(largest, 1)


def _skip_escape(s: _Scanner, in_set: bool) -> None:
    """After a backslash: skip the escaped character, and a ``{...}`` or ``<...>`` argument."""
    ch = s.raw()  # the engine reads the escaped character as written, even in verbose mode
    nxt = s.text[s.pos : s.pos + 1]
    if ch in "pPNxuU" and nxt == "{":
        s.raw_to("}")
    elif ch == "g" and not in_set and nxt == "<":
        s.raw_to(">")


def _skip_set(s: _Scanner) -> None:
    """After ``[``: skip a character set, read as written (the engine ignores verbose mode here)."""
    text = s.text
    if text.startswith("^", s.pos):
        s.pos += 1
    first = True
    while s.pos < len(text):
        ch = text[s.pos]
        if ch == "]" and not first:
            s.pos += 1
            return
        first = False
        if ch == "\\":
            s.pos += 1
            _skip_escape(s, in_set=True)
        elif ch == "[" and text.startswith("[:", s.pos):
            s.pos = _posix_end(text, s.pos)
        else:
            s.pos += 1


def _posix_end(text: str, pos: int) -> int:
    """The end of a POSIX class starting at ``pos`` (``[:alpha:]``), or ``pos + 1`` if none."""
    m = _POSIX_QUALIFIED.match(text, pos)
    if m and m.group(1).strip():
        return m.end() + 2 if text.startswith(":]", m.end()) else pos + 1
    m = _POSIX_PLAIN.match(text, pos)
    return m.end() if m else pos + 1


def _open_paren(s: _Scanner) -> str:
    """After ``(``: ``"group"``, ``"flags:verbose"``/``"flags:plain"`` (a group with scoped
    flags), ``"atom"`` (a backreference or verb), or ``"none"`` (a comment or global flags).

    Raises:
        _Unsupported: a recursive call.
    """
    start = s.pos
    if s.raw() != "?":
        if s.text.startswith("*", start):
            s.raw_to(")")
            return "atom"
        s.pos = start
        return "group"
    after = s.pos
    ch = s.raw()
    if ch == "<":
        s.get()
        return "group"
    if ch in "=!>|:":
        return "group"
    if ch == "(":
        s.pos -= 1  # a conditional: the condition is read as a group of its own
        return "group"
    if ch == "#":
        while True:
            c = s.raw()
            if not c or c == ")":
                return "none"
            if c == "\\":
                s.raw()
    if ch == "P":
        kind = s.get()
        if kind == ">":
            raise _Unsupported("group calls (?P>name)")
        if kind == "=":
            s.raw_to(")")
            return "atom"
        return "group"
    if ch == "R" or ch.isdigit() or ch == "&" or (ch in "+-" and s.peek().isdigit()):
        raise _Unsupported("recursive patterns and group calls")
    s.pos = after
    return _flags(s)


def _flags(s: _Scanner) -> str:
    """Inline flags after ``(?``: scoped (``(?x:...)``), or global (``(?x)``)."""
    on = _flag_set(s)
    off = ""
    if s.peek() == "-":
        s.get()
        off = _flag_set(s)
    end = s.get()
    if end == ")":
        return "none"  # global flags: both verbose readings are measured anyway
    verbose = ("x" in on) or (s.verbose and "x" not in off)
    return "flags:verbose" if verbose else "flags:plain"


def _flag_set(s: _Scanner) -> str:
    letters = []
    while True:
        ch = s.peek()
        if ch == "V":
            s.get()
            letters.append("V" + s.get())
        elif ch and ch in _FLAG_LETTERS:
            letters.append(s.get())
        else:
            return "".join(letters)


def _check_pattern(pattern: str) -> int:
    """The estimated compiled size of ``pattern``; refuse one too long, too big, too deep or recursive.

    Both readings of the pattern (verbose and not) are measured and the larger is used, so
    inline flags such as ``(?x)`` cannot hide anything from the estimate.
    """
    if len(pattern) > MAX_PATTERN:
        raise _sticky(
            MLLimitError(
                f"regex: pattern of {len(pattern)} characters is longer than {MAX_PATTERN}",
                limit="regex_pattern",
            )
        )
    try:
        plain = _measure(pattern, False)
        verbose = _measure(pattern, True)
    except _Unsupported as e:
        raise MLValueError(f"regex: {e} are not supported") from None
    cost = max(plain[0], verbose[0])
    depth = max(plain[1], verbose[1])
    if depth > MAX_GROUP_DEPTH:
        raise _sticky(
            MLLimitError(
                f"regex: groups nested {depth} deep, more than {MAX_GROUP_DEPTH}", limit="regex_pattern"
            )
        )
    if cost > MAX_COST:
        raise _sticky(
            MLLimitError(
                "regex: pattern too complex (its counted repetitions would compile to too large a program)",
                limit="regex_pattern",
            )
        )
    return cost


#: compiled small patterns, shared by all calls (a compiled pattern is immutable); the
#: engine's own cache is not used, as it would keep up to 500 patterns of any size alive
_CACHE: OrderedDict[tuple[str, int], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 256
#: patterns estimated above this are compiled for each use and never kept
_CACHE_MAX_COST = 5_000


def _compile_checked(pattern: str, engine_flags: int) -> Any:
    """The compiled pattern, from the cache if it is small and was compiled before."""
    key = (pattern, engine_flags)
    with _CACHE_LOCK:
        compiled = _CACHE.get(key)
        if compiled is not None:
            _CACHE.move_to_end(key)
            return compiled
    cost = _check_pattern(pattern)
    compiled = _engine.compile(pattern, engine_flags | _engine.V0, cache_pattern=False)
    if cost <= _CACHE_MAX_COST:
        with _CACHE_LOCK:
            _CACHE[key] = compiled
            if len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return compiled


def _compile(label: str, pattern: Any, flags: Any) -> Pattern:
    if type(pattern) is Pattern:
        if _ml_flags(label, flags):
            raise MLValueError(f"{label}: flags cannot be given with a compiled pattern")
        return pattern
    if type(pattern) is not str:
        raise MLTypeError(f"{label}: expects a pattern string, got {typeof(pattern)}")
    ml_flags = _ml_flags(label, flags)
    engine_flags = sum(engine for value, engine in _FLAGS.values() if ml_flags & value)
    try:
        compiled = _compile_checked(pattern, engine_flags)
    except (_engine.error, ValueError, OverflowError) as e:
        raise MLValueError(f"{label}: invalid pattern {quote_brief(pattern)}: {e}") from None
    except RecursionError:
        raise _sticky(MLLimitError(f"{label}: pattern nested too deeply", limit="regex_pattern")) from None
    return Pattern(compiled, pattern, ml_flags)


def _ml_flags(label: str, flags: Any) -> int:
    if type(flags) is not int:
        raise MLTypeError(
            f"{label}: flags must be an integer (such as regex.IGNORECASE()), got {typeof(flags)}"
        )
    if flags & ~_ALL_FLAGS or flags < 0:
        raise MLValueError(f"{label}: unknown flags {flags}")
    return flags


# -- running under a time bound ------------------------------------------------------------


def _timed(label: str, op: Callable[[float], Any]) -> Any:
    """``op(timeout)``, with the engine's timeout turned into a limit (or the call's timeout)."""
    state = current()
    remaining = state.deadline - time.monotonic()
    budget = min(TIMEOUT, remaining)
    if budget <= 0:
        _deadline(state)
    try:
        return op(budget)
    except TimeoutError:
        if budget < TIMEOUT:
            _deadline(state)
        raise _sticky(
            MLLimitError(
                f"{label}: matching took longer than {TIMEOUT:g} s "
                "(the pattern backtracks catastrophically, or the text is too long for it)",
                limit="regex_time",
            )
        ) from None
    except MemoryError:
        raise _sticky(MLLimitError(f"{label}: matching ran out of memory", limit="memory")) from None


def _deadline(state: CallState) -> None:
    state.halt(MLTimeoutError(f"Execution timeout after {float(state.timeout)} seconds", limit="timeout"))


def _text(label: str, text: Any) -> str:
    if type(text) is not str:
        raise MLTypeError(f"{label}: expects a string to search, got {typeof(text)}")
    if len(text) > MAX_INPUT:
        raise _sticky(
            MLLimitError(
                f"{label}: text of {len(text)} characters is longer than {MAX_INPUT}", limit="regex_input"
            )
        )
    return text


def _int_arg(label: str, what: str, value: Any) -> int:
    if type(value) is not int and type(value) is not bool:
        raise MLTypeError(f"{label}: {what} must be an integer, got {typeof(value)}")
    return int(value)


def _bounds(label: str, text: str, pos: Any, endpos: Any) -> tuple[int, int]:
    start = _int_arg(label, "pos", pos)
    end = len(text) if endpos is None else _int_arg(label, "endpos", endpos)
    return start, end


def _check_list(values: list[Any]) -> list[Any]:
    if len(values) > 4096:
        check_array(len(values))
    return values


# -- opaque values -------------------------------------------------------------------------


class Match(Opaque):
    """A successful match: ``m.group(1)``, ``m.span()``... (only the listed methods)."""

    __slots__ = ("_m",)
    type_name: ClassVar[str] = "match"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, m: Any) -> None:
        self._m = m

    def ml_str(self) -> str:
        start, end = self._m.span()
        return f"Match(value={quote(self._m.group(0))}, span=[{start}, {end}])"


def _group_id(label: str, group: Any) -> int | str:
    if type(group) is int or type(group) is str:
        return group
    if type(group) is bool:
        return int(group)
    raise MLTypeError(f"{label}: a group is an integer or a name, got {typeof(group)}")


def _on_group(label: str, m: Match, group: Any, fn: Callable[[Any], Any]) -> Any:
    gid = _group_id(label, group)
    try:
        return fn(gid)
    except IndexError:
        shown = quote_brief(gid) if type(gid) is str else str(gid)
        raise MLIndexError(f"{label}: no such group {shown}") from None


def _m_group(m: Match, group: Any = 0) -> str | None:
    return _on_group("match.group", m, group, m._m.group)  # type: ignore[no-any-return]


def _m_groups(m: Match, default: Any = None) -> list[Any]:
    return list(m._m.groups(default))


def _m_group_dict(m: Match, default: Any = None) -> dict[str, Any]:
    return dict(m._m.groupdict(default))


def _m_start(m: Match, group: Any = 0) -> int:
    return _on_group("match.start", m, group, m._m.start)  # type: ignore[no-any-return]


def _m_end(m: Match, group: Any = 0) -> int:
    return _on_group("match.end", m, group, m._m.end)  # type: ignore[no-any-return]


def _m_span(m: Match, group: Any = 0) -> list[int]:
    return list(_on_group("match.span", m, group, m._m.span))


def _m_value(m: Match) -> str:
    return m._m.group(0)  # type: ignore[no-any-return]


def _m_last_group(m: Match) -> str | None:
    return m._m.lastgroup  # type: ignore[no-any-return]


def _m_group_count(m: Match) -> int:
    return len(m._m.groups())


def _m_expand(m: Match, template: Any) -> str:
    if type(template) is not str:
        raise MLTypeError(f"match.expand: expects a template string, got {typeof(template)}")
    return _expand("match.expand", m._m, template)


def _expand(label: str, m: Any, template: str) -> str:
    try:
        text: str = m.expand(template)
    except (IndexError, _engine.error, ValueError) as e:
        raise MLValueError(f"{label}: invalid replacement template {quote_brief(template)}: {e}") from None
    if len(text) > 4096:
        check_string(len(text))
    return text


def _m_to_string(m: Match) -> str:
    return m.ml_str()


class Pattern(Opaque):
    """A compiled pattern: ``p.search(text)``, ``p.sub(repl, text)``... (only the listed methods)."""

    __slots__ = ("_compiled", "_source", "_flags")
    type_name: ClassVar[str] = "pattern"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, compiled: Any, source: str, flags: int) -> None:
        self._compiled = compiled
        self._source = source
        self._flags = flags

    def ml_str(self) -> str:
        names = [name for name, (value, _) in _FLAGS.items() if self._flags & value]
        shown = f", flags={' | '.join(names)}" if names else ""
        return f"Pattern({quote(self._source)}{shown})"


def _match_or_null(m: Any) -> Match | None:
    return None if m is None else Match(m)


def _find(label: str, kind: str, p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> Match | None:
    """``search``, ``match`` or ``fullmatch`` (``kind``) of ``p`` in ``text``."""
    s = _text(label, text)
    start, end = _bounds(label, s, pos, endpos)
    find = {"search": p._compiled.search, "match": p._compiled.match, "fullmatch": p._compiled.fullmatch}[
        kind
    ]
    return _match_or_null(_timed(label, lambda t: find(s, start, end, timeout=t)))


def _finder(kind: str) -> Callable[..., Match | None]:
    label = f"pattern.{kind}"

    def method(p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> Match | None:
        return _find(label, kind, p, text, pos, endpos)

    return method


def _p_findall(p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> list[Any]:
    return _findall("pattern.findall", p, text, pos, endpos)


def _findall(label: str, p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> list[Any]:
    s = _text(label, text)
    start, end = _bounds(label, s, pos, endpos)
    found = _timed(label, lambda t: p._compiled.findall(s, start, end, timeout=t))
    return _check_list([list(x) if type(x) is tuple else x for x in found])


def _p_finditer(p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> list[Match]:
    return _finditer("pattern.finditer", p, text, pos, endpos)


def _finditer(label: str, p: Pattern, text: Any, pos: Any = 0, endpos: Any = None) -> list[Match]:
    s = _text(label, text)
    start, end = _bounds(label, s, pos, endpos)
    found = _timed(label, lambda t: list(p._compiled.finditer(s, start, end, timeout=t)))
    return _check_list([Match(m) for m in found])


def _p_split(p: Pattern, text: Any, maxsplit: Any = 0) -> list[Any]:
    return _split("pattern.split", p, text, maxsplit)


def _split(label: str, p: Pattern, text: Any, maxsplit: Any) -> list[Any]:
    s = _text(label, text)
    limit = _int_arg(label, "maxsplit", maxsplit)
    return _check_list(_timed(label, lambda t: p._compiled.split(s, maxsplit=max(limit, 0), timeout=t)))


def _p_sub(p: Pattern, replacement: Any, text: Any, count: Any = 0) -> str:
    return _substitute("pattern.sub", p, replacement, text, count)[0]


def _p_subn(p: Pattern, replacement: Any, text: Any, count: Any = 0) -> dict[str, Any]:
    result, n = _substitute("pattern.subn", p, replacement, text, count)
    return {"result": result, "count": n}


def _substitute(label: str, p: Pattern, replacement: Any, text: Any, count: Any) -> tuple[str, int]:
    """Replace matches; the text produced is checked against ``max_string`` as it grows."""
    s = _text(label, text)
    limit = _int_arg(label, "count", count)
    state = current()
    room = state.limits.max_string - len(s)
    added = 0
    if type(replacement) is str:
        template = replacement

        def piece(m: Any) -> str:
            return _expand(label, m, template) if "\\" in template else template

    elif is_callable(replacement):
        fn = replacement

        def piece(m: Any) -> str:
            out = call_value(fn, Match(m))
            if type(out) is not str:
                raise MLTypeError(
                    f"{label}: the replacement function must return a string, got {typeof(out)}"
                )
            return out

    else:
        raise MLTypeError(
            f"{label}: the replacement must be a string or a function, got {typeof(replacement)}"
        )

    def replace(m: Any) -> str:
        nonlocal added
        text_piece = piece(m)
        added += len(text_piece)
        if added > room:
            raise state.limit_error("max_string", f"{label}: text produced")
        return text_piece

    count_max = max(limit, 0)
    if type(replacement) is str and "\\" not in replacement:
        matches = len(s) + 1 if count_max == 0 else min(count_max, len(s) + 1)
        if matches * len(replacement) <= room:  # even the worst case fits: let the engine do it
            return _timed(label, lambda t: p._compiled.subn(replacement, s, count=count_max, timeout=t))  # type: ignore[no-any-return]
    return _timed(label, lambda t: p._compiled.subn(replace, s, count=count_max, timeout=t))  # type: ignore[no-any-return]


def _p_test(p: Pattern, text: Any) -> bool:
    return _find("pattern.test", "search", p, text) is not None


def _p_count(p: Pattern, text: Any) -> int:
    return len(_findall("pattern.count", p, text))


def _p_get_pattern(p: Pattern) -> str:
    return p._source


def _p_get_flags(p: Pattern) -> int:
    return p._flags


def _p_to_string(p: Pattern) -> str:
    return p.ml_str()


def _methods(owner: str, table: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    return {name: arity_checked(fn, f"{owner} method {name}()", receiver=True) for name, fn in table.items()}


Match.ml_methods = _methods(
    "match",
    {
        "group": _m_group,
        "groups": _m_groups,
        "groupDict": _m_group_dict,
        "start": _m_start,
        "end": _m_end,
        "span": _m_span,
        "value": _m_value,
        "lastGroup": _m_last_group,
        "groupCount": _m_group_count,
        "expand": _m_expand,
        "toString": _m_to_string,
    },
)

Pattern.ml_methods = _methods(
    "pattern",
    {
        "search": _finder("search"),
        "match": _finder("match"),
        "fullmatch": _finder("fullmatch"),
        "findall": _p_findall,
        "finditer": _p_finditer,
        "split": _p_split,
        "sub": _p_sub,
        "subn": _p_subn,
        "test": _p_test,
        "count": _p_count,
        "getPattern": _p_get_pattern,
        "getFlags": _p_get_flags,
        "toString": _p_to_string,
    },
)


# -- module functions ----------------------------------------------------------------------


def _compile_fn(pattern: Any, flags: Any = 0) -> Pattern:
    return _compile("regex.compile", pattern, flags)


def _module_finder(kind: str) -> Callable[..., Match | None]:
    label = f"regex.{kind}"

    def call(pattern: Any, text: Any, flags: Any = 0) -> Match | None:
        return _find(label, kind, _compile(label, pattern, flags), text)

    return call


def _findall_fn(pattern: Any, text: Any, flags: Any = 0) -> list[Any]:
    return _findall("regex.findall", _compile("regex.findall", pattern, flags), text)


def _finditer_fn(pattern: Any, text: Any, flags: Any = 0) -> list[Match]:
    return _finditer("regex.finditer", _compile("regex.finditer", pattern, flags), text)


def _split_fn(pattern: Any, text: Any, maxsplit: Any = 0, flags: Any = 0) -> list[Any]:
    return _split("regex.split", _compile("regex.split", pattern, flags), text, maxsplit)


def _sub_fn(pattern: Any, replacement: Any, text: Any, count: Any = 0, flags: Any = 0) -> str:
    p = _compile("regex.sub", pattern, flags)
    return _substitute("regex.sub", p, replacement, text, count)[0]


def _subn_fn(pattern: Any, replacement: Any, text: Any, count: Any = 0, flags: Any = 0) -> dict[str, Any]:
    p = _compile("regex.subn", pattern, flags)
    result, n = _substitute("regex.subn", p, replacement, text, count)
    return {"result": result, "count": n}


def _test_fn(pattern: Any, text: Any, flags: Any = 0) -> bool:
    return _find("regex.test", "search", _compile("regex.test", pattern, flags), text) is not None


def _count_fn(pattern: Any, text: Any, flags: Any = 0) -> int:
    return len(_findall("regex.count", _compile("regex.count", pattern, flags), text))


def _escape(text: Any) -> str:
    if type(text) is not str:
        raise MLTypeError(f"regex.escape: expects a string, got {typeof(text)}")
    out = re.escape(text)
    if len(out) > 4096:
        check_string(len(out))
    return out


def _is_valid(pattern: Any) -> bool:
    try:
        _compile("regex.isValid", pattern, 0)
    except MLValueError:
        return False
    return True


def _flag(value: int) -> Callable[[], int]:
    return lambda: value


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "compile": _compile_fn,
    "search": _module_finder("search"),
    "match": _module_finder("match"),
    "fullmatch": _module_finder("fullmatch"),
    "findall": _findall_fn,
    "finditer": _finditer_fn,
    "split": _split_fn,
    "sub": _sub_fn,
    "subn": _subn_fn,
    "test": _test_fn,
    "count": _count_fn,
    "escape": _escape,
    "isValid": _is_valid,
    **{name: _flag(value) for name, (value, _) in _FLAGS.items()},
}

_MEMBERS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"regex.{name}()"), f"regex.{name}") for name, fn in _FUNCTIONS.items()
}


def create(state: CallState) -> Module:
    """The ``regex`` module for one call."""
    return Module("regex", dict(_MEMBERS))
