"""``mlpy repl``: an interactive ML session in the terminal.

Layer 7 (tools): may import anything in mlpy below it; never imports the server.

Semantics: a session is one ML top level that lives across inputs, as a file would if its
inputs were written one after the other. Each input is compiled and checked on its own (so an
error points at the input's own line and column) and run in the session's namespace: the
top-level variables and functions it binds are there for every later input, until ``:reset``.
An input that fails keeps what it bound before the error, as a script would. When an input's
last statement is an expression, its value, unless null, is shown (as ``repr`` shows it) and
kept in ``_``.
An input that does not end in ``;`` or ``}`` gets a ``;``, so ``1 + 2`` shows ``3``. An error
inside a function defined by an earlier input is reported at that input's line and column.

Every input runs with the sandbox's guards and budget, in a worker thread, under ``--timeout``
seconds (default `DEFAULT_TIMEOUT`); Ctrl+C stops it at its next budget check (within
milliseconds) and the session goes on. Printed output appears when the input ends (or stops).
History is kept in ``~/.mlpy_history`` (`HISTORY_FILE`, at most `HISTORY_LENGTH` lines).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mlpy.api import compile_code
from mlpy.compiler import abi
from mlpy.compiler.program import Program
from mlpy.errors import MLCancelledError, MLCheckErrors, MLError
from mlpy.language.nodes import ExprStmt
from mlpy.language.parser import parse
from mlpy.runtime.format import repr_value
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import run_prepared
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.threads import start_thread
from mlpy.runtime.values import Builtin
from mlpy.source import snippet

__all__ = ["DEFAULT_TIMEOUT", "HELP", "HISTORY_FILE", "HISTORY_LENGTH", "Session", "main", "open_depth"]

#: seconds an input may run unless ``--timeout`` says otherwise
DEFAULT_TIMEOUT = 60.0
#: where the line editor's history is kept, in the user's home
HISTORY_FILE = ".mlpy_history"
HISTORY_LENGTH = 1000
#: seconds to wait for a stopped input inside one long builtin before giving up on it
_GRACE = 1.0
#: the name an input's final expression is stored under, and the text that stores it
_LAST = "_"
_ASSIGN = f"{_LAST} = "
_LAST_KEY = abi.py_name(_LAST)  # its name in the generated Python

HELP = """\
Type ML statements; a line that leaves a brace, bracket or string open continues on the next.
Variables and functions stay defined between inputs. A final expression's value is shown.
  :help          this text
  :reset         forget every variable and function
  :load FILE     run FILE in this session
  :python        the Python the last input compiled to
  :quit          leave (or Ctrl+D)
Ctrl+C stops a running input (the session stays) or clears a half-typed one."""


@dataclass
class Outcome:
    """What one input did: its result (or compile errors), the value to show, the source run."""

    source: str
    result: MLResult | None = None
    errors: list[MLError] = field(default_factory=list)
    shown: str | None = None
    interrupted: bool = False
    #: the printed output was already written as it came (the session's ``echo``)
    streamed: bool = False
    #: where ``_ = `` was put before the final expression (line, column), to map errors back
    shift: tuple[int, int] | None = None

    def position(self, line: int | None, column: int | None) -> tuple[int | None, int | None]:
        """An error position in the input as typed."""
        if self.shift and line == self.shift[0] and column and column >= self.shift[1] + len(_ASSIGN):
            return line, column - len(_ASSIGN)
        return line, column


def open_depth(text: str) -> int:
    """How many brackets ``text`` leaves open (>0: more input is needed). Strings and comments
    are skipped; an unterminated string or ``/*`` comment counts as open."""
    depth = 0
    i, n = 0, len(text)
    line_blank = True
    last = ""  # the last significant character
    while i < n:
        c = text[i]
        if c == "\n":
            line_blank = True
        elif c in " \t\r":
            pass
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return depth + 1
            i = end + 2
            continue
        elif (
            c == "/" and text.startswith("//", i) and (line_blank or not (last.isalnum() or last in "_)]'\""))
        ):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return depth + 1
            i, last, line_blank = j + 1, c, False
            continue
        else:
            depth += 1 if c in "([{" else -1 if c in ")]}" else 0
            last, line_blank = c, False
        i += 1
    return depth


class Session:
    """One ML top level kept across inputs (see the module docstring for the semantics)."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        strict: bool = False,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        """``echo``, if given, receives what an input prints while it runs (the terminal
        session shows a long loop's output as it comes); otherwise it is in the result only."""
        # the timeout bounds an input; the step budget is the timeout's job here, not a count
        self.limits = Limits(timeout=timeout, max_steps=10**15)
        self.strict = strict
        self.echo = echo
        self.namespace: dict[str, Any] = {}
        self.last: Program | None = None

    def reset(self) -> None:
        """Forget every binding."""
        self.namespace = {}

    def run(self, text: str) -> Outcome:
        """Compile ``text`` and run it in the session. KeyboardInterrupt while it runs stops it
        (the call is cancelled, as the executor cancels one)."""
        source = _complete(text)
        try:
            program, shift = self._compile(source)
        except MLCheckErrors as e:
            return Outcome(source, errors=list(e.errors))
        self.last = program
        state = CallState(self.limits)
        kept = {k: v for k, v in self.namespace.items() if type(v) is Builtin}
        previous = self.namespace.get(_LAST_KEY)
        result, interrupted = self._run_watched(program, state)
        if state.stop is not None:  # a stop disarms the Builtin values the namespace held
            self.namespace.update(
                {k: v for k, v in kept.items() if type(self.namespace.get(k)) is not Builtin}
            )
        shown = None
        if shift and self.namespace.get(_LAST_KEY) is None:  # null is neither shown nor kept
            self.namespace[_LAST_KEY] = previous
        elif result.success and shift:
            shown = self._show(self.namespace[_LAST_KEY])
        streamed = self.echo is not None
        return Outcome(source, result, shown=shown, interrupted=interrupted, shift=shift, streamed=streamed)

    def _compile(self, source: str) -> tuple[Program, tuple[int, int] | None]:
        """The input's program and, if its last statement is an expression, where ``_ = `` was
        put before it (the input is checked as typed first, so its errors point at the input)."""
        program = compile_code(source, strict=self.strict)  # raises MLCheckErrors
        body = parse(source).body
        if not body or not isinstance(body[-1], ExprStmt):
            return program, None
        line, column = body[-1].span.line, body[-1].span.column
        lines = source.split("\n")
        lines[line - 1] = lines[line - 1][: column - 1] + _ASSIGN + lines[line - 1][column - 1 :]
        try:
            return compile_code("\n".join(lines), strict=self.strict), (line, column)
        except MLCheckErrors:  # not an expression that may be assigned after all: as typed
            return program, None

    def _run_watched(self, program: Program, state: CallState) -> tuple[MLResult, bool]:
        """Run in a big-stack thread; Ctrl+C (KeyboardInterrupt here) cancels the call."""
        box: list[MLResult] = []

        def work() -> None:
            box.append(run_prepared(program, {}, limits=self.limits, state=state, namespace=self.namespace))

        thread = start_thread(work, name="mlpy-repl")
        interrupted = False
        deadline = state.deadline + _GRACE
        echoed = [0]  # pieces of output echoed so far (counted before they are written)
        try:  # around the whole watch: Ctrl+C may come while the output is being echoed
            while thread.is_alive() and time.monotonic() < deadline:
                thread.join(0.05)
                self._echo(state, echoed)
        except KeyboardInterrupt:
            interrupted = True
            state.cancel(MLCancelledError("interrupted (Ctrl+C)"))
            thread.join(_GRACE)
        self._echo(state, echoed)
        if box:
            return box[0], interrupted
        reason = "interrupted (Ctrl+C)" if interrupted else f"Execution timeout after {state.timeout} seconds"
        error = MLCancelledError(reason + "; the operation it was in goes on in the background")
        state.cancel(error)
        return MLResult.failure(error, stdout=state.stdout()), interrupted

    def _echo(self, state: CallState, echoed: list[int]) -> None:
        """Hand what ``state`` printed since the last call to ``echo``. The count moves first,
        so a Ctrl+C during the write never has a piece written twice."""
        if self.echo is None:
            return
        pieces = state.output[echoed[0] :]  # the script's thread only appends: a snapshot
        echoed[0] += len(pieces)
        if pieces:
            self.echo("".join(pieces))

    def _show(self, value: Any) -> str:
        token = CURRENT.set(CallState(self.limits))
        try:
            return repr_value(value)
        except MLError as e:
            return f"<{e.error_type}: {e.message}>"
        finally:
            CURRENT.reset(token)

    def python(self) -> str | None:
        """The Python the last input compiled to."""
        return None if self.last is None else self.last.python_source


def _complete(text: str) -> str:
    """``text`` with a ``;`` added when its last line does not end a statement or block."""
    stripped = text.rstrip()
    last_line = stripped.rsplit("\n", 1)[-1].strip()
    if not stripped or stripped.endswith((";", "}")) or last_line.startswith("//"):
        return text
    return stripped + ";"


def report(outcome: Outcome, out: TextIO, err: TextIO) -> None:
    """Print an input's output, its value, and its errors with a caret under each position."""
    if outcome.errors:
        for error in outcome.errors:
            err.write(_caret(error.error_type, error.message, error.line, error.column, outcome.source))
        return
    result = outcome.result
    assert result is not None
    if result.stdout and not outcome.streamed:
        out.write(result.stdout)
    if result.stdout and not result.stdout.endswith("\n"):
        out.write("\n")  # the value or the error starts on a line of its own
    if outcome.shown is not None:
        out.write(outcome.shown + "\n")
    if not result.success:
        message = (result.errors[0]["message"] if result.errors else result.error) or ""
        kind = result.error_type or "Error"
        if outcome.interrupted:
            kind, message = "Interrupted", "stopped by Ctrl+C"
        line, column = outcome.position(result.error_line, result.error_column)
        err.write(_caret(kind, message, line, column, outcome.source))
    out.flush()
    err.flush()


def _caret(kind: str, message: str, line: int | None, column: int | None, source: str) -> str:
    where = f"line {line}, column {column}: " if line and column else ""
    text = f"{where}{kind}: {message}\n"
    if line and column:
        shown = snippet(source, line, column)
        if shown:
            text += "".join(f"    {row}\n" for row in shown.splitlines())
    return text


# -- the terminal loop -----------------------------------------------------------------------------


def _setup_history() -> Callable[[], None]:
    """Load the history from the user's home; returns the function that saves it."""
    try:
        import readline
    except ImportError:  # pragma: no cover - no readline on this platform: plain input()
        return lambda: None
    path = Path(os.path.expanduser("~")) / HISTORY_FILE
    readline.set_history_length(HISTORY_LENGTH)
    try:
        readline.read_history_file(path)
    except OSError:
        pass

    def save() -> None:
        try:
            readline.write_history_file(path)
        except OSError as e:
            print(f"mlpy repl: could not save the history to {path}: {e.strerror}", file=sys.stderr)

    return save


def _read_input() -> str | None:
    """One input: lines until brackets and strings close. None at end of input (Ctrl+D)."""
    lines: list[str] = []
    while True:
        prompt = "ml> " if not lines else "... "
        try:
            line = input(prompt)
        except EOFError:
            return None
        lines.append(line)
        text = "\n".join(lines)
        if open_depth(text) <= 0 or (len(lines) > 1 and line.strip() == "" and lines[-2].strip() == ""):
            return text


def _command(session: Session, line: str) -> bool:
    """Run a ``:`` command; False means leave."""
    name, _, arg = line.strip().partition(" ")
    arg = arg.strip()
    if name in (":quit", ":q", ":exit"):
        return False
    if name in (":help", ":h", ":?"):
        print(HELP)
    elif name == ":reset":
        session.reset()
        print("(session reset: no variables, no functions)")
    elif name == ":python":
        code = session.python()
        print(code if code is not None else "(no input compiled yet)")
    elif name == ":load":
        if not arg:
            print("usage: :load FILE", file=sys.stderr)
            return True
        try:
            text = Path(arg).expanduser().read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "not UTF-8"
            print(f"cannot read {arg}: {reason}", file=sys.stderr)
            return True
        report(session.run(text), sys.stdout, sys.stderr)
    else:
        print(f"unknown command {name}; :help lists them", file=sys.stderr)
    return True


def _print_now(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def main(*, timeout: float = DEFAULT_TIMEOUT, strict: bool = False) -> int:
    """The interactive loop of ``mlpy repl``; returns the exit status."""
    session = Session(timeout=timeout, strict=strict, echo=_print_now)
    save = _setup_history()
    print("ML REPL (mlpy). :help for commands, Ctrl+D to leave.")
    try:
        while True:
            try:
                text = _read_input()
            except KeyboardInterrupt:
                print("\n(cleared)")
                continue
            if text is None:
                print()
                return 0
            if not text.strip():
                continue
            if text.lstrip().startswith(":"):
                if not _command(session, text):
                    return 0
                continue
            try:
                report(session.run(text), sys.stdout, sys.stderr)
            except KeyboardInterrupt:  # between the run and its report: nothing is lost
                print("\n(interrupted)")
    finally:
        save()
