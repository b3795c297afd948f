"""`Program`: a compiled ML program, and the cache that makes a second compile free.

Layer 2 (compiler): imports the standard library, `mlpy.errors`, `mlpy.source`,
`mlpy.language` and the other compiler modules.

The `Program` record itself lives in `mlpy.compiler.compiled` (re-exported here), which does
not import the front end: the runtime reads programs without loading the parser.

``compile_ml`` runs the whole front end: parse → check → codegen → verify → ``compile()``.
Programs are cached by the SHA-256 of the source and the options
that change codegen or checking.
"""

from __future__ import annotations

import ast as py
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from types import CodeType

from mlpy.compiler.codegen import generate
from mlpy.compiler.compiled import CapabilityNeed, ImportNeed, Permission, PermissionNeed, Program
from mlpy.compiler.verify import verify
from mlpy.errors import MLCheckErrors, MLError, MLSyntaxError
from mlpy.language import nodes as ml
from mlpy.language.check import STANDARD_MODULES, check, nesting_error
from mlpy.language.parser import parse_all
from mlpy.source import Span

__all__ = ["CACHE_SIZE", "Program", "check_source", "clear_cache", "compile_ml", "transpile"]

#: how many compiled programs the process keeps
CACHE_SIZE = 512


#: (SHA-256 of the source, strict, modules, partition) -> program
_cache: OrderedDict[tuple[str, bool, frozenset[str], str | None], Program] = OrderedDict()
_lock = threading.Lock()


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def compile_ml(
    source: str,
    *,
    strict: bool = False,
    modules: Collection[str] = STANDARD_MODULES,
    name: str = "main",
    use_cache: bool = True,
    partition: str | None = None,
) -> Program:
    """Compile ML source into a `Program`, or fetch it from the cache.

    ``partition`` (an API key's name, a tenant) keeps callers' cache entries apart: a program
    cached for one partition is never served to another, so a caller cannot learn from the
    time a call takes whether another caller ran the same script (docs/security.md).

    Raises:
        MLCheckErrors: the program has syntax, check or (strict mode) security errors; all of
            them are in ``.errors``, in source order.
        TypeError: ``source`` is not a ``str``.
    """
    if not isinstance(source, str):
        raise TypeError(f"ML code must be a str, not {type(source).__name__}")
    key = (_digest(source), strict, frozenset(modules), partition)
    if use_cache:
        with _lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
    start = time.perf_counter()
    tree = _parse_checked(source, strict=strict, modules=modules)
    module = _generate(tree)
    code = _compile(module, name)
    program = Program(
        name=name,
        digest=key[0],
        code=code,
        module=module,
        imports=tuple(ImportNeed(".".join(s.module), s.span) for s in tree.body if isinstance(s, ml.Import)),
        capabilities=tuple(_need(s) for s in tree.body if isinstance(s, ml.Capability)),
        strict=strict,
        transpile_time=time.perf_counter() - start,
    )
    if use_cache:
        with _lock:
            _cache[key] = program
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return program


def check_source(
    source: str, *, strict: bool = False, modules: Collection[str] = STANDARD_MODULES
) -> list[MLError]:
    """All errors found before running ``source`` (empty if it is a valid program)."""
    try:
        _parse_checked(source, strict=strict, modules=modules)
    except MLCheckErrors as e:
        return list(e.errors)
    return []


def transpile(source: str, *, strict: bool = False) -> str:
    """The Python that ``source`` compiles to, as readable text.

    Raises:
        MLCheckErrors: as `compile_ml`.
    """
    return compile_ml(source, strict=strict).python_source


def clear_cache() -> None:
    """Forget every cached program."""
    with _lock:
        _cache.clear()


def _parse_checked(source: str, *, strict: bool, modules: Collection[str]) -> ml.Program:
    parsed = parse_all(source)  # every syntax error, not only the first
    if parsed.errors:
        raise MLCheckErrors(list(parsed.errors))
    tree = parsed.program
    assert tree is not None
    errors = check(tree, modules=modules, strict=strict)
    if errors:
        raise MLCheckErrors(errors)
    return tree


def _generate(tree: ml.Program) -> py.Module:
    try:
        module = generate(tree)
        verify(module)
    except RecursionError:
        raise MLCheckErrors([nesting_error(tree, 50) or _too_deep(None)]) from None
    return module


def _compile(module: py.Module, name: str) -> CodeType:
    try:
        return compile(module, f"<ml:{name}>", "exec", dont_inherit=True, optimize=0)
    except RecursionError:
        raise MLCheckErrors([_too_deep(None)]) from None
    except SyntaxError as e:
        # Python's own structural limits, e.g. more than 20 nested loops/try blocks
        span = Span.point(e.lineno or 1, e.offset or 1)
        message = (
            "too many nested blocks (the limit is 20 loops or try blocks inside each other)"
            if ("nested blocks" in (e.msg or ""))
            else f"cannot compile: {e.msg}"
        )
        raise MLCheckErrors([MLSyntaxError(message, span)]) from None


def _need(decl: ml.Capability) -> CapabilityNeed:
    """The plain record of a capability declaration (the runtime never sees AST nodes)."""
    return CapabilityNeed(
        name=decl.name,
        resources=tuple(i.value for i in decl.items if i.kind == "resource" and i.value is not None),
        allows=tuple(
            PermissionNeed(Permission(i.permission), i.value, i.span)
            for i in decl.items
            if i.kind == "allow" and i.permission is not None
        ),
        span=decl.span,
    )


def _too_deep(span: Span | None) -> MLSyntaxError:
    return MLSyntaxError("program is nested too deeply", span or Span.point(1, 1))
