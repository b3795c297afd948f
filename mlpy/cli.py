"""The ``mlpy`` command: run, transpile and check ML files, and serve the HTTP API.

Layer 7 (tools): may import anything in mlpy; imports the server only for ``mlpy serve``.

    mlpy --version
    mlpy run FILE [--context JSON|@file.json] [--timeout S] [--strict] [--json]
    mlpy transpile FILE
    mlpy check FILE [--json]
    mlpy repl [--timeout S] [--strict]
    mlpy serve [--host 127.0.0.1] [--port 8000] [--workers N] [--strict] [--insecure] [--job-workers N]
    mlpy worker [--workers N] [--strict]

``-`` as FILE reads standard input. Exit status: 0 on success, 1 when the script has an error
(shown as ``FILE:LINE:COLUMN: Type: message`` with the source line and a caret), 2 when mlpy
itself was called wrongly (bad arguments, unreadable file, bad ``--context`` or ``--timeout``).
With ``--json``, standard output holds the result as one JSON object and nothing else (what the
script printed is its ``stdout`` field), so it can be piped to a JSON reader.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mlpy import __version__
from mlpy.api import diagnostics, run, transpile
from mlpy.errors import MLCheckErrors, MLError
from mlpy.language.diagnostics import Diagnostic, Severity
from mlpy.repl import DEFAULT_TIMEOUT
from mlpy.runtime.result import MLResult
from mlpy.source import snippet

__all__ = ["main"]


def _usage(message: str) -> SystemExit:
    """mlpy was called wrongly: the message on stderr, exit status 2 (as argparse does)."""
    print(f"mlpy: {message}", file=sys.stderr)
    return SystemExit(2)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise _usage(f"cannot read {path}: {e.strerror}") from None


def _context(arg: str | None) -> dict[str, Any] | None:
    if arg is None:
        return None
    text = arg
    if arg.startswith("@"):
        try:
            text = Path(arg[1:]).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "not UTF-8"
            raise _usage(f"cannot read context file {arg[1:]}: {reason}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise _usage(f"--context is not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise _usage("--context must be a JSON object")
    return value


def _show(error: MLError | Diagnostic, name: str, source: str) -> str:
    where = f"{name}:{error.line}:{error.column}: " if error.line else f"{name}: "
    kind = error.kind if isinstance(error, Diagnostic) else error.error_type
    text = f"{where}{kind}: {error.message}"
    if error.line and error.column:
        caret = snippet(source, error.line, error.column)
        if caret:
            text += "\n" + "\n".join("    " + ln for ln in caret.splitlines())
    return text


def _show_result(result: MLResult, name: str, source: str) -> str:
    """A failed run's error in the format of `_show` (``result.error`` carries the position)."""
    error, line, column = result.error or "", result.error_line, result.error_column
    if not (line and column):
        return f"{name}: {error}"
    message = error.replace(f" at line {line}, column {column}:", ":", 1)
    text = f"{name}:{line}:{column}: {message}"
    caret = snippet(source, line, column)
    text += "\n" + "\n".join("    " + ln for ln in caret.splitlines()) if caret else ""
    return text + _show_stack(result)


def _show_stack(result: MLResult) -> str:
    """The ML call stack of a runtime error inside a function (nothing at the top level)."""
    frames = result.errors[0].get("stack", []) if result.errors else []
    if len(frames) < 2:
        return ""
    lines = ["ML call stack (most recent call last):"]
    for frame in frames:
        if frame["omitted"]:
            lines.append(f"  ... {frame['omitted']} more calls ...")
        lines.append(f"  {frame['function']} at line {frame['line']}, column {frame['column']}")
    return "\n" + "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    code = _read(args.file)
    context = _context(args.context)
    try:
        result = run(code, context, timeout=args.timeout, strict_security=args.strict)
    except (TypeError, ValueError) as e:
        raise _usage(str(e)) from None
    if args.json:  # the JSON alone: the printed output is its "stdout" field
        print(json.dumps(result.to_dict(), default=str))
    else:
        sys.stdout.write(result.stdout)
        if result.success:
            print(json.dumps(result.value, ensure_ascii=False))
    if not result.success:
        print(_show_result(result, args.file, code.decode("utf-8", "replace")), file=sys.stderr)
        return 1
    return 0


def _cmd_transpile(args: argparse.Namespace) -> int:
    code = _read(args.file)
    try:
        print(transpile(code, strict_security=args.strict))
    except MLCheckErrors as e:
        text = code.decode("utf-8", "replace")
        for err in e.errors:
            print(_show(err, args.file, text), file=sys.stderr)
        return 1
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    code = _read(args.file)
    found = diagnostics(code, strict_security=args.strict)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if args.json:  # one JSON object per line on stdout, the shape editors and CI read
        for item in found:
            print(json.dumps(_diagnostic(item, args.file), ensure_ascii=False))
        return 1 if errors else 0
    text = code.decode("utf-8", "replace")
    for item in found:
        print(_show(item, args.file, text), file=sys.stderr)
    if errors:
        return 1
    warned = len(found)
    print(f"{args.file}: ok" + (f" ({warned} warning{'s' * (warned > 1)})" if warned else ""))
    return 0


def _diagnostic(item: Diagnostic, name: str) -> dict[str, Any]:
    """``item`` as a ``check --json`` line: where (1-based, end column exclusive) and what."""
    span = item.span
    return {
        "file": name,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "severity": str(item.severity),
        "type": item.kind,
        "message": item.message,
    }


def _cmd_repl(args: argparse.Namespace) -> int:
    from mlpy.repl import main as repl_main

    if args.timeout is not None and not args.timeout > 0:
        raise _usage("--timeout must be a positive number of seconds")
    return repl_main(timeout=args.timeout or DEFAULT_TIMEOUT, strict=args.strict)


def _cmd_serve(args: argparse.Namespace) -> int:
    from mlpy.server.serve import serve  # the server extra is needed only here

    return serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        strict=args.strict,
        insecure=args.insecure,
        job_workers=args.job_workers,
    )


def _cmd_worker(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mlpy.jobs import ConfigError, JobsConfig
    from mlpy.jobs.workers import run_workers

    if args.workers < 1:
        raise _usage(f"--workers must be at least 1, got {args.workers}")
    try:
        config = JobsConfig.from_env()
    except ConfigError as e:
        raise _usage(str(e)) from None
    return run_workers(replace(config, strict=config.strict or args.strict), args.workers)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mlpy", description="Run untrusted ML scripts safely.")
    p.add_argument("--version", action="version", version=f"mlpy {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run an ML file and print its output and result")
    r.add_argument("file", help="the .ml file, or - for standard input")
    r.add_argument("--context", help="context values: a JSON object, or @file.json")
    r.add_argument("--timeout", type=float, default=None, help="seconds (default 5)")
    r.add_argument("--strict", action="store_true", help="strict security mode (§9)")
    r.add_argument(
        "--json", action="store_true", help="print only the whole result as JSON (printed output inside it)"
    )
    r.set_defaults(fn=_cmd_run)
    for name, fn, text in (
        ("transpile", _cmd_transpile, "print the Python an ML file compiles to"),
        ("check", _cmd_check, "report every error found before running"),
    ):
        c = sub.add_parser(name, help=text)
        c.add_argument("file", help="the .ml file, or - for standard input")
        c.add_argument("--strict", action="store_true", help="strict security mode (§9)")
        if name == "check":
            c.add_argument("--json", action="store_true", help="diagnostics as JSON lines on stdout")
        c.set_defaults(fn=fn)
    i = sub.add_parser("repl", help="an interactive ML session (variables kept between inputs)")
    i.add_argument(
        "--timeout", type=float, default=None, help=f"seconds per input (default {DEFAULT_TIMEOUT:g})"
    )
    i.add_argument("--strict", action="store_true", help="strict security mode (§9)")
    i.set_defaults(fn=_cmd_repl)
    s = sub.add_parser(
        "serve",
        help="run the HTTP service",
        description="Serve the HTTP API (POST /execute, GET /calculate, GET /health, /docs) with uvicorn.",
        epilog="Other settings are MLPY_* environment variables (MLPY_WORKERS threads per process, "
        "MLPY_DEFAULT_TIMEOUT, MLPY_MAX_TIMEOUT, MLPY_MAX_CODE_BYTES, MLPY_MAX_CONTEXT_BYTES, "
        "MLPY_MAX_QUEUE, MLPY_CORS_ORIGINS): see docs/http.md; keys, limits, metrics and logs: "
        "docs/operations.md. A bad one stops the start, named.",
    )
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)",
    )
    s.add_argument("--port", type=int, default=8000, help="TCP port, 0 to 65535 (default 8000)")
    s.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); each runs its own executor of MLPY_WORKERS threads",
    )
    s.add_argument(
        "--strict",
        action="store_true",
        help="strict security mode (LANGUAGE.md §9) for every script; sets MLPY_STRICT",
    )
    s.add_argument(
        "--insecure",
        action="store_true",
        help="serve an address that is not loopback with no API keys configured (refused otherwise)",
    )
    s.add_argument(
        "--job-workers", type=int, default=1, help="job worker processes to start beside the API (0: none)"
    )
    s.set_defaults(fn=_cmd_serve)
    w = sub.add_parser("worker", help="run job worker processes (for jobs queued by any API server)")
    w.add_argument("--workers", type=int, default=1, help="worker processes (each runs one job at a time)")
    w.add_argument("--strict", action="store_true", help="strict security mode (§9) for every job")
    w.set_defaults(fn=_cmd_worker)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mlpy`` console script."""
    args = _parser().parse_args(argv)
    code: int = args.fn(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
