"""``mlpy repl`` driven through a pseudo-terminal (pexpect), and its `Session` semantics directly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from mlpy.repl import Session, open_depth

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "ml> "
WAIT = 30  # seconds: generous, the machine is shared


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def spawn_repl(home: Path) -> pexpect.spawn:
    """``mlpy repl`` in a pseudo-terminal, with HOME in ``home``, at its first prompt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLPY_")}
    env.update(HOME=str(home), TERM="dumb", PYTHONUNBUFFERED="1")
    child = pexpect.spawn(
        sys.executable, ["-m", "mlpy", "repl"], cwd=str(home), env=env, encoding="utf-8", timeout=WAIT
    )
    child.expect_exact(PROMPT)
    return child


@pytest.fixture
def repl(home: Path) -> Iterator[pexpect.spawn]:
    child = spawn_repl(home)
    try:
        yield child
    finally:
        if child.isalive():
            child.terminate(force=True)


def send(child: pexpect.spawn, line: str) -> str:
    """Type ``line`` and Enter; return what was printed up to the next prompt (either kind)."""
    child.sendline(line)
    child.expect([r"\r\nml> ", r"\r\n\.\.\. "])
    out: str = child.before
    return out.replace("\r\n", "\n").split("\n", 1)[1] if "\n" in out.replace("\r\n", "\n") else ""


def test_multi_line_function_and_variables_are_kept(repl: pexpect.spawn) -> None:
    repl.sendline("function area(w, h) {")
    repl.expect_exact("... ")
    repl.sendline("    return w * h;")
    repl.expect_exact("... ")
    assert send(repl, "}") == ""
    assert repl.after.endswith(PROMPT)
    assert send(repl, "side = 7;") == ""
    assert send(repl, "area(side, 6)") == "42"
    assert send(repl, "_ + side") == "49"
    assert send(repl, 'names = ["ada", "grace"];') == ""
    assert send(repl, "names.map(fn(n) => n.upper())") == '["ADA", "GRACE"]'


def test_errors_show_a_caret_and_the_session_goes_on(repl: pexpect.spawn) -> None:
    send(repl, "x = 10;")
    out = send(repl, "y = x + [1];")
    assert "line 1, column 5: TypeError: cannot add number and array" in out
    assert out.splitlines()[-1] == "        ^"  # under the x of x + [1], four spaces in
    out = send(repl, "z = x +;")
    assert "line 1, column 8: SyntaxError: unexpected ';'" in out
    assert send(repl, "x") == "10"


def test_ctrl_c_stops_a_running_loop_and_keeps_the_session(repl: pexpect.spawn) -> None:
    send(repl, "kept = 5;")
    repl.sendline("i = 0; while (true) { i += 1; }")
    time.sleep(1.0)  # let it run
    started = time.monotonic()
    repl.sendintr()
    repl.expect_exact(PROMPT)
    assert time.monotonic() - started < 10
    assert "Interrupted: stopped by Ctrl+C" in repl.before
    assert "^" in repl.before  # the caret under where the loop was
    assert send(repl, "kept + 1") == "6"
    assert int(send(repl, "i")) > 0  # what it bound before the stop is kept, as a script's is


def test_output_shows_while_the_input_still_runs(repl: pexpect.spawn) -> None:
    """A long input's prints appear as they happen, not when it ends: here it never ends on
    its own, so "started" can only be seen before the Ctrl+C if it was streamed."""
    repl.sendline('print("started"); while (true) {}')
    repl.expect(r"\r\nstarted\r\n")  # the output line, not the terminal's echo of the input
    assert "Interrupted" not in repl.before
    repl.sendintr()
    repl.expect_exact(PROMPT)
    assert "Interrupted: stopped by Ctrl+C" in repl.before
    assert "started\r" not in repl.before  # the output line once, not again with the result
    assert send(repl, 'print("a"); print("b"); 1 + 1').split() == ["a", "b", "2"]


def test_python_shows_the_last_input_compiled(repl: pexpect.spawn) -> None:
    send(repl, "total = 2 * 21;")
    out = send(repl, ":python")
    assert out.startswith("total = ") and "21" in out  # the generated Python, guards and all
    send(repl, "total")
    assert "= total" in send(repl, ":python")  # a final expression is stored in _


def test_reset_load_help_and_history(repl: pexpect.spawn, home: Path) -> None:
    (home / "lib.ml").write_text('function twice(x) {\n    return 2 * x;\n}\nprint("loaded");\n')
    assert send(repl, ":load lib.ml") == "loaded"
    assert send(repl, "twice(4)") == "8"
    assert ":reset" in send(repl, ":help")
    send(repl, ":reset")
    assert "NameError: name 'twice' is not defined" in send(repl, "twice(4)")
    assert "cannot read nope.ml" in send(repl, ":load nope.ml")
    repl.sendeof()
    repl.expect(pexpect.EOF)
    history = (home / ".mlpy_history").read_text("utf-8").splitlines()
    typed = [":load lib.ml", "twice(4)", ":help", ":reset", "twice(4)", ":load nope.ml"]
    assert [line for line in history if not line.startswith("_HiStOrY_")] == typed


def test_history_is_there_in_the_next_session(home: Path, repl: pexpect.spawn) -> None:
    send(repl, "remembered = 41;")
    repl.sendeof()
    repl.expect(pexpect.EOF)
    child = spawn_repl(home)
    try:
        child.send("\x1b[A")  # up arrow: the last line of the last session
        child.sendline("")
        child.expect_exact(PROMPT)
        assert "remembered = 41;" in child.before
        assert send(child, "remembered + 1") == "42"
    finally:
        child.terminate(force=True)


def test_ctrl_c_while_typing_clears_the_input(repl: pexpect.spawn) -> None:
    repl.sendline("if (true) {")
    repl.expect_exact("... ")
    repl.sendintr()
    repl.expect_exact(PROMPT)
    assert "(cleared)" in repl.before
    assert send(repl, "1 + 1") == "2"


# -- the session, without a terminal -----------------------------------------------------------


def test_session_semantics_without_a_terminal() -> None:
    session = Session(timeout=5)
    assert session.run("tally = {n: 0};\nfunction bump() { tally.n += 1; return tally.n; }").result.success
    assert session.run("bump(); bump()").shown == "2"
    assert session.run("tally.n").shown == "2"  # the function changed the session's variable
    failed = session.run("a = 1;\nb = a / 0;\nc = 3;")
    assert failed.result is not None and failed.result.error_type == "ZeroDivisionError"
    assert session.run("a").shown == "1"
    assert "NameError" in (session.run("c").result.error or "")  # not reached, not bound
    session.reset()
    assert session.run("tally").result.error_type == "NameError"


def test_session_inputs_keep_the_sandbox_and_its_budget() -> None:
    session = Session(timeout=0.5)
    assert session.run("o = {};").result.success
    refused = session.run("x = o.__class__;")
    assert refused.errors and refused.errors[0].error_type == "SecurityError"
    slow = session.run("while (true) {}")
    assert slow.result is not None and slow.result.error_type == "TimeoutError"
    assert session.run("p = print; p('still')").result.stdout == "still\n"
    session.run("while (true) {}")
    assert session.run("p('after a stop')").result.stdout == "after a stop\n"  # re-armed


@pytest.mark.parametrize(
    ("text", "depth"),
    [("x = 1;", 0), ("if (a) {", 1), ("f(g(", 2), ('s = "{";', 0), ("s = 'a", 1), ("/* {", 1),
     ("// {", 0), ("x = 7 // 2;", 0), ("}", -1), ('s = "a\\"{";', 0)],
)  # fmt: skip
def test_open_depth(text: str, depth: int) -> None:
    assert open_depth(text) == depth


# -- mlpy check --json ----------------------------------------------------------------------------


def _check_json(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "s.ml"
    path.write_text(text, "utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mlpy", "check", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_json_lines(tmp_path: Path) -> None:
    done = _check_json(tmp_path, "a = o.__class__;\nb = 1;\nc = p.__dict__;\n")
    assert done.returncode == 1 and done.stderr == ""
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [list(d) for d in lines] == [
        ["file", "line", "column", "end_line", "end_column", "severity", "type", "message"]
    ] * 2
    assert [(d["line"], d["column"], d["type"], d["severity"]) for d in lines] == [
        (1, 7, "SecurityError", "error"),
        (3, 7, "SecurityError", "error"),
    ]
    assert all(d["file"] == str(tmp_path / "s.ml") and d["end_column"] > d["column"] for d in lines)


def test_check_json_reports_warnings_and_exits_0(tmp_path: Path) -> None:
    done = _check_json(tmp_path, 'pattern = "\\w+";\nresult = pattern;\n')
    assert done.returncode == 0
    [d] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (d["severity"], d["type"], d["line"], d["column"], d["end_column"]) == (
        "warning",
        "Warning",
        1,
        12,
        14,
    )


def test_check_json_of_a_valid_file_prints_nothing(tmp_path: Path) -> None:
    done = _check_json(tmp_path, "result = 1;\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
