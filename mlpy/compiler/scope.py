"""Scope analysis for codegen: which names each function binds, and what ``nonlocal`` means.

Layer 2 (compiler): imports the standard library and `mlpy.language.nodes`.

ML scope is function scope, as in Python (§2.3). What this pass adds to Python's own rules:

* ``nonlocal x`` binds the ``x`` of the nearest enclosing *function* that defines it, or the
  top-level ``x`` if none does, so it becomes Python ``nonlocal x`` or ``global x``;
* *static functions*: a name whose only binding in its scope is one ``function`` declaration
  (never assigned otherwise, from that scope or through ``nonlocal``). Calls of such a name go
  straight to the function; every other call goes through the runtime's call guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mlpy.language import nodes as ml

__all__ = ["Scope", "analyze", "infer_ints", "is_int"]

FunctionNode = ml.FunctionDef | ml.Arrow | ml.Program


@dataclass(eq=False)
class Scope:
    """The names one function (or the top level) binds."""

    node: FunctionNode
    parent: Scope | None
    #: names assigned here (params, assignments, loop variables, except names, defs, imports)
    assigned: set[str] = field(default_factory=set)
    #: names bound here by a ``function`` declaration, with the number of declarations
    defs: dict[str, int] = field(default_factory=dict)
    #: name -> parameter count of the (last) function declaration of that name
    def_arity: dict[str, int] = field(default_factory=dict)
    #: name -> arity of the single function declaration, for names bound only that way
    arity: dict[str, int] = field(default_factory=dict)
    #: names bound here other than by a ``function`` declaration
    other: set[str] = field(default_factory=set)
    #: names declared ``nonlocal`` here
    declared: set[str] = field(default_factory=set)
    #: for each declared name: "nonlocal" (an enclosing function's) or "global" (top level)
    resolved: dict[str, str] = field(default_factory=dict)
    #: every binding of each name here: ("=", value) for ``x = value``, (op, value) for
    #: ``x op= value``, ("other", None) for parameters, loops, destructuring, imports, defs
    bindings: dict[str, list[tuple[str, ml.Expr | None]]] = field(default_factory=dict)
    #: names an inner function assigns through ``nonlocal``
    inner_writes: set[str] = field(default_factory=set)
    #: locals that always hold an integer (see `infer_ints`); empty at the top level
    int_locals: frozenset[str] = frozenset()

    @property
    def is_top(self) -> bool:
        return self.parent is None

    def local(self, name: str) -> bool:
        """True if ``name`` is a local variable of this function."""
        return not self.is_top and name in self.assigned and name not in self.declared

    def owner(self, name: str) -> Scope:
        """The scope whose binding of ``name`` a reference in this scope sees."""
        scope: Scope = self
        while True:
            if scope.is_top:
                return scope
            if name in scope.declared:
                scope = _declared_target(scope, name)
                continue
            if name in scope.assigned:
                return scope
            assert scope.parent is not None
            scope = scope.parent

    def never_assigned(self, name: str) -> bool:
        """True if ``name`` here is a top-level name the program never binds anywhere.

        Such a name can only hold what the host put there: a builtin, a registered host
        function or a context value (data).
        """
        owner = self.owner(name)
        return owner.is_top and name not in owner.assigned and name not in owner.other

    def static_arity(self, name: str) -> int | None:
        """The arity of the function ``name`` refers to here, if it is a static function."""
        owner = self.owner(name)
        return owner.arity.get(name)


def _declared_target(scope: Scope, name: str) -> Scope:
    """The scope that owns the ``name`` that ``nonlocal name`` in ``scope`` refers to (§2.3).

    An enclosing function that itself declares ``nonlocal name`` does not define it: its
    declaration is followed, so a chain of ``nonlocal`` reaches the top level if no function
    on the way assigns the name.
    """
    parent = scope.parent
    while parent is not None and not parent.is_top:
        if name in parent.declared:
            return _declared_target(parent, name)
        if name in parent.assigned:
            return parent
        parent = parent.parent
    root = scope
    while root.parent is not None:
        root = root.parent
    return root


def analyze(program: ml.Program) -> dict[int, Scope]:
    """Scopes of the program and every function in it, keyed by ``id`` of the node."""
    scopes: dict[int, Scope] = {}
    top = Scope(program, None)
    scopes[id(program)] = top
    _collect(program.body, top, scopes)
    for scope in scopes.values():
        for name in scope.declared:
            target = _declared_target(scope, name)
            scope.resolved[name] = "global" if target.is_top else "nonlocal"
            if name in scope.assigned:
                target.other.add(name)  # written from an inner function: not static
                target.inner_writes.add(name)
    for scope in scopes.values():
        for name, count in scope.defs.items():
            if count == 1 and name not in scope.other and name not in scope.declared:
                scope.arity[name] = scope.def_arity[name]
        if not scope.is_top:
            scope.int_locals = infer_ints(scope)
    return scopes


#: compound assignments that keep an integer an integer
_INT_AUG_OPS = frozenset({ml.BinaryOp.ADD, ml.BinaryOp.SUB, ml.BinaryOp.MUL, ml.BinaryOp.MOD})
#: binary operators whose result is an integer when both operands are
_INT_OPS = _INT_AUG_OPS | {ml.BinaryOp.FLOORDIV}


def is_int(e: ml.Expr | None, ints: frozenset[str] | set[str]) -> bool:
    """True if ``e`` always evaluates to an integer (never a boolean), given local ``ints``."""
    match e:
        case ml.Number(value=v):
            return type(v) is int
        case ml.Name(id=name):
            return name in ints
        case ml.Unary(op="-" | "+", operand=operand):
            return is_int(operand, ints)
        case ml.Binary(op=op, left=left, right=right):
            return op in _INT_OPS and is_int(left, ints) and is_int(right, ints)
        case ml.Conditional(then=then, otherwise=otherwise):
            return is_int(then, ints) and is_int(otherwise, ints)
    return False


def infer_ints(scope: Scope) -> frozenset[str]:
    """The locals of a function that provably always hold an integer.

    A local qualifies when every binding of it in the function is ``x = e`` or ``x op= e``
    with an integer ``e`` (by `is_int`, assuming the candidates themselves are integers, to a
    fixpoint), and no inner function assigns it. Reading such a local before it is assigned
    raises NameError, so no other value can ever be seen. The top level is never analysed: the
    host's context may give a top-level name any value before the program assigns it.
    """
    ints = {
        name
        for name, binds in scope.bindings.items()
        if scope.local(name) and name not in scope.inner_writes and all(k != "other" for k, _ in binds)
    }
    changed = True
    while changed:
        changed = False
        for name in list(ints):
            for kind, value in scope.bindings[name]:
                ok = is_int(value, ints) and (kind == "=" or kind in _INT_AUG_OPS)
                if not ok:
                    ints.discard(name)
                    changed = True
                    break
    return frozenset(ints)


def _bind(scope: Scope, name: str, kind: str = "other", value: ml.Expr | None = None) -> None:
    scope.assigned.add(name)
    scope.other.add(name)
    scope.bindings.setdefault(name, []).append((kind, value))


def _collect(body: tuple[ml.Stmt, ...], scope: Scope, scopes: dict[int, Scope]) -> None:
    for stmt in body:
        _collect_stmt(stmt, scope, scopes)


def _new_function(node: ml.FunctionDef | ml.Arrow, scope: Scope, scopes: dict[int, Scope]) -> None:
    inner = Scope(node, scope)
    scopes[id(node)] = inner
    for p in node.params:
        _bind(inner, p.name)
    if isinstance(node.body, ml.Block):
        _collect(node.body.body, inner, scopes)
    else:
        _collect_expr(node.body, inner, scopes)


def _collect_stmt(s: ml.Stmt, scope: Scope, scopes: dict[int, Scope]) -> None:
    match s:
        case ml.FunctionDef(name=name):
            scope.assigned.add(name)
            scope.bindings.setdefault(name, []).append(("other", None))
            scope.defs[name] = scope.defs.get(name, 0) + 1
            scope.def_arity[name] = len(s.params)
            _new_function(s, scope, scopes)
            return
        case ml.Assign(target=ml.Name(id=name), value=value):
            _bind(scope, name, "=", value)
        case ml.AugAssign(target=ml.Name(id=name), op=op, value=value):
            _bind(scope, name, op, value)
        case ml.ArrayDestructure(names=names) | ml.ObjectDestructure(names=names):
            for n in names:
                _bind(scope, n.id)
        case ml.For(var=var):
            _bind(scope, var.id)
        case ml.Try(body=body, handlers=handlers, finalbody=final):
            # only the first except clause can match (§2.7) and only it is compiled: names the
            # later ones assign must not become variables of the function
            for h in handlers[:1]:
                if h.name is not None:
                    _bind(scope, h.name.id)
            for block in (body, *(h.body for h in handlers[:1]), final):
                if block is not None:
                    _collect(block.body, scope, scopes)
            return
        case ml.Import():
            _bind(scope, s.binding)
        case ml.Nonlocal(names=names):
            scope.declared.update(n.id for n in names)
    for child in _children(s):
        if isinstance(child, ml.Block):
            _collect(child.body, scope, scopes)
        elif isinstance(child, ml.ExceptClause):
            _collect(child.body.body, scope, scopes)
        else:
            _collect_expr(child, scope, scopes)


def _children(node: object) -> Iterator[object]:
    return ml.iter_children(node)


def _collect_expr(e: object, scope: Scope, scopes: dict[int, Scope]) -> None:
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ml.Arrow):
            _new_function(node, scope, scopes)
            continue
        stack.extend(ml.iter_children(node))
