"""Codegen: ML nodes → a Python ``ast.Module``, one function per node kind.

Layer 2 (compiler): imports the standard library, `mlpy.language.nodes`, `mlpy.source`,
`mlpy.deadline`, `mlpy.compiler.abi` and `mlpy.compiler.scope`.

Python nodes are built directly (never Python source text), so ML identifiers and literals are
data and need no escaping. Each construct's nodes carry its ML span: `_stamp` gives every new
node without a position the span of the ML node being compiled, so a runtime error's Python
position *is* its ML line and column.

What the generated code looks like (``ast.unparse`` shows it): every dynamic operation whose
meaning depends on types goes through a guard named in `abi` (member access, indexing, calls of
anything that is not a static function, iteration, ``+ * % **`` and comparisons); ``- / //``,
unary operators, ``&& || !`` and the ternary are Python's own, whose semantics already match
ML's for ML values. Every loop body and function entry starts with `budget_check`. Function
declarations are hoisted to the top of their block; arrow functions become nested ``def``s
placed just before the statement that contains them.
"""

from __future__ import annotations

import ast as py
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, assert_never

from mlpy.compiler import abi
from mlpy.compiler.scope import Scope, analyze, is_int
from mlpy.deadline import check as check_deadline
from mlpy.language import nodes as ml
from mlpy.source import Span

__all__ = ["generate"]

_N = TypeVar("_N", bound=py.AST)

_GUARDED_OPS = {
    ml.BinaryOp.ADD: abi.ADD,
    ml.BinaryOp.MUL: abi.MUL,
    ml.BinaryOp.MOD: abi.MOD,
    ml.BinaryOp.POW: abi.POW,
    ml.BinaryOp.EQ: abi.EQ,
    ml.BinaryOp.NE: abi.NE,
    ml.BinaryOp.LT: abi.LT,
    ml.BinaryOp.LE: abi.LE,
    ml.BinaryOp.GT: abi.GT,
    ml.BinaryOp.GE: abi.GE,
}
_NATIVE_OPS: dict[ml.BinaryOp, py.operator] = {
    ml.BinaryOp.SUB: py.Sub(),
    ml.BinaryOp.DIV: py.Div(),
    ml.BinaryOp.FLOORDIV: py.FloorDiv(),
}
_INT_NATIVE: dict[ml.BinaryOp, py.operator] = {ml.BinaryOp.ADD: py.Add(), ml.BinaryOp.MOD: py.Mod()}
_ORDER: dict[ml.BinaryOp, type[py.cmpop]] = {
    ml.BinaryOp.LT: py.Lt,
    ml.BinaryOp.LE: py.LtE,
    ml.BinaryOp.GT: py.Gt,
    ml.BinaryOp.GE: py.GtE,
}
_EQUALITY: dict[ml.BinaryOp, type[py.cmpop]] = {ml.BinaryOp.EQ: py.Eq, ml.BinaryOp.NE: py.NotEq}


def _numeric(e: ml.Expr | None, ints: frozenset[str]) -> bool:
    """True if ``e`` is certainly a number: a number literal or a provably integer local."""
    if isinstance(e, ml.Unary) and e.op == "-":
        e = e.operand
    return isinstance(e, ml.Number) or is_int(e, ints)


def _scalar(e: ml.Expr | None, ints: frozenset[str]) -> bool:
    """True if ``e`` is certainly a scalar: a number, string, boolean or null literal, or an integer."""
    return isinstance(e, ml.String | ml.Bool | ml.Null) or _numeric(e, ints)


_UNARY: dict[str, py.unaryop] = {"!": py.Not(), "-": py.USub(), "+": py.UAdd()}


_NOWHERE = Span(1, 1, 1, 1)


def _stamp(node: _N, span: Span) -> _N:
    """Give ``node`` and its new descendants (those without a position yet) the ML ``span``.

    Children are compiled, and so stamped, before their parent, so the walk stops at the first
    stamped node and only visits what this construct added.
    """
    line, col, end_line, end_col = span.line, span.column - 1, span.end_line, max(span.end_column - 1, 0)
    stack: list[py.AST] = [node]
    while stack:
        n = stack.pop()
        if "lineno" in n._attributes:
            if getattr(n, "lineno", None) is not None:
                continue
            n.lineno = line  # type: ignore[attr-defined]
            n.col_offset = col  # type: ignore[attr-defined]
            n.end_lineno = end_line  # type: ignore[attr-defined]
            n.end_col_offset = end_col  # type: ignore[attr-defined]
        for name in n._fields:
            value = getattr(n, name, None)
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, py.AST) and getattr(v, "lineno", None) is None)
            elif isinstance(value, py.AST) and not isinstance(value, py.expr_context):
                stack.append(value)
    return node


def _load(name: str) -> py.Name:
    return py.Name(id=name, ctx=py.Load())


def _store(name: str) -> py.Name:
    return py.Name(id=name, ctx=py.Store())


def _call(fn: str, *args: py.expr) -> py.Call:
    return py.Call(func=_load(fn), args=list(args), keywords=[])


def _const(value: Any) -> py.Constant:
    return py.Constant(value=value)


def budget_check(counter: str = abi.STEPS) -> list[py.stmt]:
    """The step check at a loop back-edge or function entry (one place, so it can change).

    ``counter`` counts down inline: the module's ``__ml_n``, or inside a function with loops its
    local ``__ml_c`` (a local is about twice as cheap as a global). When it goes negative,
    ``__ml_tick()`` checks the deadline, the step budget, the recursion depth and the cancel
    flag, and hands out the next chunk of steps.
    """
    return [
        py.AugAssign(target=_store(counter), op=py.Sub(), value=_const(1)),
        py.If(
            test=py.Compare(left=_load(counter), ops=[py.Lt()], comparators=[_const(0)]),
            body=[py.Assign(targets=[_store(counter)], value=_call(abi.TICK))],
            orelse=[],
        ),
    ]


@dataclass
class _Function:
    """Codegen state for one Python function (or the module body)."""

    scope: Scope
    temps: int = 0
    #: whether the function has a loop (and so borrows the step counter into a local)
    has_loops: bool = False

    @property
    def counter(self) -> str:
        """The step counter loops in this function decrement."""
        if self.scope.is_top:
            return abi.STEPS
        self.has_loops = True
        return abi.LOCAL_STEPS


@dataclass
class _Gen:
    scopes: dict[int, Scope]
    fn: _Function
    arrows: int = 0
    #: statements to emit before the statement being compiled (arrow function defs)
    pending: list[py.stmt] = field(default_factory=list)

    def temp(self) -> str:
        self.fn.temps += 1
        return f"{abi.TEMP}{self.fn.temps}"

    # ------------------------------------------------------------------ statements

    def block(self, body: Sequence[ml.Stmt]) -> list[py.stmt]:
        """A block with its function declarations hoisted to the top (§2.2)."""
        ordered: list[ml.Stmt] = [s for s in body if isinstance(s, ml.FunctionDef)]
        ordered += [s for s in body if not isinstance(s, ml.FunctionDef)]
        out: list[py.stmt] = []
        for s in ordered:
            check_deadline()  # a large program stops compiling near the call's deadline
            saved, self.pending = self.pending, []
            stmts = self.stmt(s)
            out.extend(self.pending)
            out.extend(_stamp(x, s.span) for x in stmts)
            self.pending = saved
        return out or [_stamp(py.Pass(), _NOWHERE)]  # a Pass cannot fail: any position does

    def stmt(self, s: ml.Stmt) -> list[py.stmt]:
        match s:
            case ml.ExprStmt():
                return [py.Expr(value=self.expr(s.expr))]
            case ml.Assign():
                return self.assign(s)
            case ml.AugAssign():
                return self.aug_assign(s)
            case ml.ArrayDestructure():
                names: list[py.expr] = [_store(abi.py_name(n.id)) for n in s.names]
                value = _call(abi.UNPACK, self.expr(s.value), _const(len(names)))
                return [py.Assign(targets=[py.Tuple(elts=names, ctx=py.Store())], value=value)]
            case ml.ObjectDestructure():
                names = [_store(abi.py_name(n.id)) for n in s.names]
                keys = py.Tuple(elts=[_const(n.id) for n in s.names], ctx=py.Load())
                value = _call(abi.UNPACK_KEYS, self.expr(s.value), keys)
                return [py.Assign(targets=[py.Tuple(elts=names, ctx=py.Store())], value=value)]
            case ml.FunctionDef():
                return [self.function(s, abi.py_name(s.name))]
            case ml.If():
                return [self.if_(s)]
            case ml.While():
                body = budget_check(self.fn.counter) + self.block(s.body.body)
                return [py.While(test=self.expr(s.test), body=body, orelse=[])]
            case ml.For():
                body = budget_check(self.fn.counter) + self.block(s.body.body)
                target = _stamp(_store(abi.py_name(s.var.id)), s.var.span)
                it = _stamp(_call(abi.ITER, self.expr(s.iterable)), s.iterable.span)
                return [py.For(target=target, iter=it, body=body, orelse=[])]
            case ml.Try():
                return self.try_(s)
            case ml.Throw():
                return [py.Raise(exc=_call(abi.THROW, self.expr(s.value)), cause=None)]
            case ml.Return():
                return [py.Return(value=self.expr(s.value) if s.value is not None else None)]
            case ml.Break():
                return [py.Break()]
            case ml.Continue():
                return [py.Continue()]
            case ml.Nonlocal():
                return []  # declared at the top of the function (see `function`)
            case ml.Import():
                value = _call(abi.MODULE, _const(".".join(s.module)))
                return [py.Assign(targets=[_store(abi.py_name(s.binding))], value=value)]
            case ml.Capability():
                return []  # checked against the host's grants before running (§2.9)
            case _:
                assert_never(s)

    def assign(self, s: ml.Assign) -> list[py.stmt]:
        value = self.expr(s.value)
        match s.target:
            case ml.Name(id=name):
                return [py.Assign(targets=[_store(abi.py_name(name))], value=value)]
            case ml.Member(obj=obj, name=name):
                return [py.Expr(value=_call(abi.SETATTR, self.expr(obj), _const(name), value))]
            case ml.Index(obj=obj, index=index):
                call = _call(abi.SETITEM, self.expr(obj), self.expr(index), value)
                return [py.Expr(value=call)]
        raise AssertionError("check.py rejects other targets")  # pragma: no cover

    def aug_assign(self, s: ml.AugAssign) -> list[py.stmt]:
        """``a op= v`` is ``a = a op v``; the target's parts are evaluated once (§2.3)."""
        match s.target:
            case ml.Name(id=name):
                current: py.expr = _load(abi.py_name(name))
                return [
                    py.Assign(
                        targets=[_store(abi.py_name(name))],
                        value=self.binop(s.op, current, self.expr(s.value), s.target, s.value),
                    )
                ]
            case ml.Member(obj=obj, name=name):
                t = self.temp()
                current = _call(abi.GETATTR, _load(t), _const(name))
                new = self.binop(s.op, current, self.expr(s.value))
                return [
                    py.Assign(targets=[_store(t)], value=self.expr(obj)),
                    py.Expr(value=_call(abi.SETATTR, _load(t), _const(name), new)),
                ]
            case ml.Index(obj=obj, index=index):
                t, k = self.temp(), self.temp()
                current = _call(abi.GETITEM, _load(t), _load(k))
                new = self.binop(s.op, current, self.expr(s.value))
                return [
                    py.Assign(targets=[_store(t)], value=self.expr(obj)),
                    py.Assign(targets=[_store(k)], value=self.expr(index)),
                    py.Expr(value=_call(abi.SETITEM, _load(t), _load(k), new)),
                ]
        raise AssertionError("check.py rejects other targets")  # pragma: no cover

    def if_(self, s: ml.If) -> py.If:
        orelse = self.block(s.orelse.body) if s.orelse else []
        for test, body in reversed(s.branches[1:]):
            branch = py.If(test=self.expr(test), body=self.block(body.body), orelse=orelse)
            orelse = [_stamp(branch, test.span)]
        test, body = s.branches[0]
        return py.If(test=self.expr(test), body=self.block(body.body), orelse=orelse)

    def try_(self, s: ml.Try) -> list[py.stmt]:
        body = self.block(s.body.body)
        handlers: list[py.ExceptHandler] = []
        if s.handlers:  # only the first clause can match (§2.7): it catches every ML error
            h = s.handlers[0]
            hbody = self.block(h.body.body)
            if h.name is not None:
                bind = py.Assign(
                    targets=[_store(abi.py_name(h.name.id))], value=_call(abi.ERROR_VALUE, _load(abi.EXC))
                )
                hbody = [_stamp(bind, h.name.span), *hbody]
            handler = py.ExceptHandler(type=_load(abi.CATCHABLE), name=abi.EXC, body=hbody)
            handlers.append(_stamp(handler, h.span))
        final = self.block(s.finalbody.body) if s.finalbody else []
        if not handlers and not final:
            return body
        return [py.Try(body=body, handlers=handlers, orelse=[], finalbody=final)]

    def function(self, node: ml.FunctionDef | ml.Arrow, name: str) -> py.FunctionDef:
        """A Python ``def`` for an ML function or arrow: the step check, then the body."""
        scope, params, body = self.scopes[id(node)], node.params, node.body
        saved_fn, saved_pending = self.fn, self.pending
        self.fn, self.pending = _Function(scope), []
        if isinstance(body, ml.Block):
            inner = self.block(body.body)
        else:
            value = self.expr(body)
            inner = [*self.pending, _stamp(py.Return(value=value), body.span)]
        has_loops = self.fn.has_loops
        self.fn, self.pending = saved_fn, saved_pending
        decls: list[py.stmt] = [py.Global(names=[abi.STEPS])]
        by_kind: dict[str, list[str]] = {"global": [], "nonlocal": []}
        for declared in sorted(scope.declared):
            by_kind[scope.resolved[declared]].append(abi.py_name(declared))
        if by_kind["global"]:
            decls.append(py.Global(names=by_kind["global"]))
        if by_kind["nonlocal"]:
            decls.append(py.Nonlocal(names=by_kind["nonlocal"]))
        body_stmts = [*decls, *budget_check()]
        if has_loops:
            # loops count down a local borrowed from the module's counter, handed back on
            # every exit, so no step is lost or counted twice
            body_stmts += [
                py.Assign(targets=[_store(abi.LOCAL_STEPS)], value=_load(abi.STEPS)),
                py.Assign(targets=[_store(abi.STEPS)], value=_const(0)),
                py.Try(
                    body=inner,
                    handlers=[],
                    orelse=[],
                    finalbody=[
                        py.AugAssign(target=_store(abi.STEPS), op=py.Add(), value=_load(abi.LOCAL_STEPS))
                    ],
                ),
            ]
        else:
            body_stmts += inner
        args = py.arguments(
            posonlyargs=[],
            args=[_stamp(py.arg(arg=abi.py_name(p.name)), p.span) for p in params],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        )
        fn = py.FunctionDef(
            name=name,
            args=args,
            body=body_stmts,
            decorator_list=[],
            returns=None,
        )
        return _stamp(fn, node.span)

    # ------------------------------------------------------------------ expressions

    def expr(self, e: ml.Expr) -> py.expr:
        return _stamp(self._expr(e), e.span)

    def _expr(self, e: ml.Expr) -> py.expr:
        match e:
            case ml.Number(value=v) | ml.String(value=v) | ml.Bool(value=v):
                return _const(v)
            case ml.Null():
                return _const(None)
            case ml.Name(id=name):
                return _load(abi.py_name(name))
            case ml.Array(items=items):
                return py.List(elts=[self.expr(i) for i in items], ctx=py.Load())
            case ml.Object(pairs=pairs):
                return py.Dict(keys=[_const(k) for k, _ in pairs], values=[self.expr(v) for _, v in pairs])
            case ml.Arrow():
                return self.arrow(e)
            case ml.Unary(op=op, operand=operand):
                if op == "-" and isinstance(operand, ml.Number):
                    return _const(-operand.value)
                return py.UnaryOp(op=_UNARY[op], operand=self.expr(operand))
            case ml.Binary(op=op, left=left, right=right):
                return self.binop(op, self.expr(left), self.expr(right), left, right)
            case ml.Logical(op=op, left=left, right=right):
                boolop: py.boolop = py.And() if op == "&&" else py.Or()
                return py.BoolOp(op=boolop, values=[self.expr(left), self.expr(right)])
            case ml.Conditional(test=test, then=then, otherwise=otherwise):
                return py.IfExp(test=self.expr(test), body=self.expr(then), orelse=self.expr(otherwise))
            case ml.Call():
                return self.call(e)
            case ml.Member(obj=obj, name=name):
                return _call(abi.GETATTR, self.expr(obj), _const(name))
            case ml.Index(obj=obj, index=index):
                return _call(abi.GETITEM, self.expr(obj), self.expr(index))
            case ml.Slice(obj=obj, start=start, stop=stop, step=step):
                parts = [self.expr(p) if p is not None else _const(None) for p in (start, stop, step)]
                return _call(abi.SLICE, self.expr(obj), *parts)
            case _:
                assert_never(e)

    def binop(
        self,
        op: ml.BinaryOp,
        left: py.expr,
        right: py.expr,
        left_ml: ml.Expr | None = None,
        right_ml: ml.Expr | None = None,
    ) -> py.expr:
        """``left op right``: Python's own operator where the operand types make it mean the
        same as ML's (§3.3-§3.5), else the operator's guard.

        Native when provably the same: ``+`` and ``%`` of two integers (integer ``+`` grows
        one bit a step, so needs no size cap); ``< <= > >=`` with a number on either side
        (Python compares numbers alike and raises TypeError for every mix ML refuses); ``==``
        and ``!=`` with a scalar on either side (no deep or cyclic walk can happen).
        """
        ints = self.fn.scope.int_locals
        if op in _INT_NATIVE and is_int(left_ml, ints) and is_int(right_ml, ints):
            return py.BinOp(left=left, op=_INT_NATIVE[op], right=right)
        if op in _ORDER and (_numeric(left_ml, ints) or _numeric(right_ml, ints)):
            return py.Compare(left=left, ops=[_ORDER[op]()], comparators=[right])
        if op in _EQUALITY and (_scalar(left_ml, ints) or _scalar(right_ml, ints)):
            return py.Compare(left=left, ops=[_EQUALITY[op]()], comparators=[right])
        guard = _GUARDED_OPS.get(op)
        if guard is not None:
            return _call(guard, left, right)
        return py.BinOp(left=left, op=_NATIVE_OPS[op], right=right)

    def call(self, e: ml.Call) -> py.expr:
        args = [self.expr(a) for a in e.args]
        func = e.func
        if isinstance(func, ml.Member):
            return _call(abi.CALL_METHOD, self.expr(func.obj), _const(func.name), *args)
        if isinstance(func, ml.Name):
            arity = self.fn.scope.static_arity(func.id)
            if arity == len(args):  # a static function with the right arity: call it directly
                return py.Call(func=self.expr(func), args=args, keywords=[])
            if arity is None and self.fn.scope.never_assigned(func.id):
                # a builtin, host function or context value: never an ML function, so no
                # arity to check; calling a non-callable value fails as a TypeError
                return py.Call(func=self.expr(func), args=args, keywords=[])
        return _call(abi.CALL, self.expr(func), *args)

    def arrow(self, e: ml.Arrow) -> py.expr:
        """An arrow function: a nested ``def`` emitted before the current statement."""
        self.arrows += 1
        name = f"{abi.ARROW}{self.arrows}"
        self.pending.append(self.function(e, name))
        return _load(name)


def generate(program: ml.Program, *, filename: str = "<ml>") -> py.Module:
    """The Python module for a checked ML program (run `check` first: codegen assumes it passed)."""
    scopes = analyze(program)
    gen = _Gen(scopes=scopes, fn=_Function(scopes[id(program)]))
    body = gen.block(program.body)
    # every node was stamped with its ML span as it was built (compile() refuses a node
    # without a position, so a gap could not go unnoticed)
    return py.Module(body=body, type_ignores=[])
