"""The static check pass: every error that can be found before a program runs, all at once.

Layer 1 (language): imports the standard library, `mlpy.source`, `mlpy.errors`,
`mlpy.deadline` and `mlpy.language.*`.

Like Starlark's resolver, the grammar accepts a larger set of programs than are valid and this
pass rejects the rest, each error with its position (§2.1, §1.3, §2.8, §2.9, §9):
``break``/``continue`` outside a loop, ``return``/``nonlocal`` outside a function, names that
start with ``__``, unknown imports, invalid assignment targets, duplicate parameters, nesting
deeper than `MAX_NESTING`, and, in strict mode, the constructs §9 refuses.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from mlpy.deadline import check as check_deadline
from mlpy.errors import MLError, MLSecurityError, MLSyntaxError
from mlpy.language import nodes as ml
from mlpy.language.diagnostics import Diagnostic
from mlpy.language.parser import DEADLINE_EVERY, parse_all
from mlpy.source import Span

__all__ = [
    "HOST_MODULES",
    "MAX_NESTING",
    "PERMISSIONS",
    "PURE_MODULES",
    "STANDARD_MODULES",
    "STRICT_BUILTINS",
    "check",
    "diagnose",
]

#: §6.1 modules that need no grant
PURE_MODULES = frozenset(
    {
        "math",
        "json",
        "regex",
        "datetime",
        "random",
        "collections",
        "functional",
        "string",
        "console",
        "log",
        "crypto",
        "csv",
    }
)
#: §6.2 modules that need a capability granted by the host
HOST_MODULES = frozenset({"file", "path", "http", "env", "args"})
#: every module ``import`` accepts
STANDARD_MODULES = PURE_MODULES | HOST_MODULES
#: §9: builtins strict mode refuses
STRICT_BUILTINS = frozenset({"getattr", "hasattr", "call"})
#: §2.9: the permissions an ``allow`` may name
PERMISSIONS = frozenset({"read", "write", "network", "system", "execute"})
#: deepest nesting of expressions and blocks accepted
MAX_NESTING = 200


@dataclass
class _Context:
    in_function: bool = False
    in_loop: bool = False


@dataclass
class _Checker:
    modules: Collection[str]
    strict: bool
    errors: list[MLError] = field(default_factory=list)

    def syntax(self, message: str, span: Span) -> None:
        self.errors.append(MLSyntaxError(message, span))

    def security(self, message: str, span: Span) -> None:
        self.errors.append(MLSecurityError(message, span))

    def name(self, name: str, span: Span, what: str = "name") -> None:
        if name.startswith("__"):
            self.security(f"{what} '{name}' is not allowed: names starting with '__' are reserved", span)

    # -- statements

    def block(self, body: tuple[ml.Stmt, ...], ctx: _Context) -> None:
        for stmt in body:
            check_deadline()
            self.stmt(stmt, ctx)

    def stmt(self, s: ml.Stmt, ctx: _Context) -> None:
        match s:
            case ml.ExprStmt(expr=e) | ml.Throw(value=e):
                self.expr(e, ctx)
            case ml.Assign(target=t, value=v) | ml.AugAssign(target=t, value=v):
                self.target(t, ctx)
                self.expr(v, ctx)
            case ml.ArrayDestructure(names=names, value=v) | ml.ObjectDestructure(names=names, value=v):
                self.distinct(names, "destructuring")
                for n in names:
                    self.name(n.id, n.span)
                self.expr(v, ctx)
            case ml.FunctionDef(name=name, params=params, body=body):
                self.name(name, s.span, "function name")
                self.function(params, body, ctx)
            case ml.If(branches=branches, orelse=orelse):
                for test, body in branches:
                    self.expr(test, ctx)
                    self.block(body.body, ctx)
                if orelse:
                    self.block(orelse.body, ctx)
            case ml.While(test=test, body=body):
                self.expr(test, ctx)
                self.block(body.body, _Context(ctx.in_function, True))
            case ml.For(var=var, iterable=it, body=body):
                self.name(var.id, var.span)
                self.expr(it, ctx)
                self.block(body.body, _Context(ctx.in_function, True))
            case ml.Try(body=body, handlers=handlers, finalbody=fin):
                self.block(body.body, ctx)
                for h in handlers:
                    if h.name:
                        self.name(h.name.id, h.name.span)
                    self.block(h.body.body, ctx)
                if fin:
                    self.block(fin.body, ctx)
            case ml.Return(value=v):
                if not ctx.in_function:
                    self.syntax("'return' outside a function", s.span)
                if v is not None:
                    self.expr(v, ctx)
            case ml.Break() | ml.Continue():
                if not ctx.in_loop:
                    word = "break" if isinstance(s, ml.Break) else "continue"
                    self.syntax(f"'{word}' outside a loop", s.span)
            case ml.Nonlocal(names=names):
                if not ctx.in_function:
                    self.syntax("'nonlocal' outside a function", s.span)
                for n in names:
                    self.name(n.id, n.span)
            case ml.Import():
                self.import_(s)
            case ml.Capability():
                self.capability(s)

    def function(self, params: tuple[ml.Param, ...], body: ml.Block | ml.Expr, ctx: _Context) -> None:
        for p in params:
            self.name(p.name, p.span, "parameter")
        seen: set[str] = set()
        for p in params:
            if p.name in seen:
                self.syntax(f"duplicate parameter '{p.name}'", p.span)
            seen.add(p.name)
        inner = _Context(in_function=True, in_loop=False)
        if isinstance(body, ml.Block):
            self.block(body.body, inner)
            for stmt in _own_statements(body.body):
                if isinstance(stmt, ml.Nonlocal):
                    for n in stmt.names:
                        if n.id in seen:
                            self.syntax(f"'{n.id}' is a parameter and cannot be nonlocal", n.span)
        else:
            self.expr(body, inner)

    def distinct(self, names: tuple[ml.Name, ...], what: str) -> None:
        seen: set[str] = set()
        for n in names:
            if n.id in seen:
                self.syntax(f"'{n.id}' appears twice in {what}", n.span)
            seen.add(n.id)

    def target(self, t: ml.Expr, ctx: _Context) -> None:
        match t:
            case ml.Name(id=name):
                self.name(name, t.span)
            case ml.Member() | ml.Index():
                self.expr(t, ctx)
            case _:
                self.syntax("invalid assignment target: assign to a name, `obj.key` or `a[i]`", t.span)
                self.expr(t, ctx)

    def import_(self, s: ml.Import) -> None:
        dotted = ".".join(s.module)
        for part in s.module:
            self.name(part, s.span, "module name")
        if s.alias:
            self.name(s.alias, s.span)
        if dotted not in self.modules:
            known = ", ".join(sorted(self.modules))
            self.syntax(f"unknown module '{dotted}' (available: {known})", s.span)
        elif self.strict and s.module[0] in HOST_MODULES:
            self.security(f"strict mode: import of host-access module '{dotted}' is refused", s.span)

    def capability(self, s: ml.Capability) -> None:
        self.name(s.name, s.span, "capability name")
        for item in s.items:
            if item.kind == "allow" and item.permission not in PERMISSIONS:
                allowed = ", ".join(sorted(PERMISSIONS))
                self.syntax(f"unknown permission '{item.permission}' (one of: {allowed})", item.span)
            if self.strict and item.value is not None and item.value.startswith("__"):
                self.security("strict mode: string literal starting with '__' is refused", item.span)

    # -- expressions

    def expr(self, e: ml.Expr, ctx: _Context) -> None:
        match e:
            case ml.Name(id=name):
                self.name(name, e.span)
                if self.strict and name in STRICT_BUILTINS:
                    self.security(f"strict mode: '{name}' is refused (dynamic member access)", e.span)
            case ml.String(value=v):
                if self.strict and v.startswith("__"):
                    self.security("strict mode: string literal starting with '__' is refused", e.span)
            case ml.Member(obj=obj, name=name):
                self.name(name, _member_name_span(e), "member name")
                self.expr(obj, ctx)
            case ml.Object(pairs=pairs, name_keys=name_keys):
                for key, where in name_keys:  # a key written as an identifier is one (§1.3, §1.6)
                    self.name(key, where, "object key")
                named = {key for key, _ in name_keys}
                for key, value in pairs:
                    if self.strict and key.startswith("__") and key not in named:
                        self.security("strict mode: object key starting with '__' is refused", value.span)
                    self.expr(value, ctx)
            case ml.Arrow(params=params, body=body):
                self.function(params, body, ctx)
            case _:
                for child in ml.iter_children(e):
                    self.expr(child, ctx)  # type: ignore[arg-type]


def _member_name_span(e: ml.Member) -> Span:
    """Where the name of ``obj.name`` is: the member expression ends with it."""
    end = e.span
    return Span(end.end_line, end.end_column - len(e.name), end.end_line, end.end_column)


def _own_statements(body: tuple[ml.Stmt, ...]) -> Iterator[ml.Stmt]:
    """Statements of a function body, including those in nested blocks, excluding nested functions."""
    for s in body:
        yield s
        if isinstance(s, ml.FunctionDef):  # its statements are its own, not the caller's
            continue
        for child in ml.iter_children(s):
            if isinstance(child, ml.Block):
                yield from _own_statements(child.body)
            elif isinstance(child, ml.ExceptClause):
                yield from _own_statements(child.body.body)


def nesting_error(program: ml.Program, limit: int = MAX_NESTING) -> MLSyntaxError | None:
    """An error at the first node nested deeper than ``limit``, or None. Iterative: never recurses.

    Each ``elif`` / ``else if`` branch counts as one level more than the branch before it, as in
    the Python it compiles to (nested ``if``/``else``), so a long chain is refused here, the same
    way every time, rather than by Python's compiler depending on the process's recursion limit.
    """
    stack: list[tuple[object, int]] = [(program, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited % DEADLINE_EVERY == 0:  # this walk visits every node: the pass's clock
            check_deadline()
        if depth > limit:
            span = getattr(node, "span", None)
            return MLSyntaxError(f"program is nested too deeply (more than {limit} levels)", span)
        if isinstance(node, ml.If):
            first_too_deep = limit - depth  # branch i is at depth + 1 + i
            if first_too_deep < len(node.branches):
                test = node.branches[first_too_deep][0]
                why = ", counting each elif as one" if first_too_deep else ""
                message = f"program is nested too deeply (more than {limit} levels{why})"
                return MLSyntaxError(message, test.span)
            if node.orelse is not None:
                stack.append((node.orelse, depth + len(node.branches)))
            for i, (test, body) in reversed(list(enumerate(node.branches))):
                stack += [(body, depth + 1 + i), (test, depth + 1 + i)]
            continue
        for child in ml.iter_children(node):
            stack.append((child, depth + 1))
    return None


def check(
    program: ml.Program, *, modules: Collection[str] = STANDARD_MODULES, strict: bool = False
) -> list[MLError]:
    """Every error in ``program`` that can be found before running, in source order.

    ``modules`` are the module names ``import`` accepts; ``strict`` adds the refusals of §9.
    """
    too_deep = nesting_error(program)
    if too_deep is not None:
        return [too_deep]
    checker = _Checker(modules=modules, strict=strict)
    checker.block(program.body, _Context())
    return sorted(checker.errors, key=lambda e: (e.line or 0, e.column or 0))


def diagnose(
    text: str, *, modules: Collection[str] = STANDARD_MODULES, strict: bool = False
) -> list[Diagnostic]:
    """Every error (syntax errors, all of them, else the check pass's) and warning found in
    ML source ``text``, in source order.

    Raises:
        MLTimeoutError: the deadline of `mlpy.deadline.within` passed.
        TypeError: ``text`` is not a ``str``.
    """
    parsed = parse_all(text)
    errors: list[MLError] = list(parsed.errors)
    if parsed.program is not None:
        errors = check(parsed.program, modules=modules, strict=strict)
    found = [Diagnostic.of_error(e) for e in errors] + list(parsed.warnings)
    return sorted(found, key=lambda d: (d.line or 0, d.column or 0))
