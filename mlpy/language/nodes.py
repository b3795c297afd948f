"""The ML abstract syntax tree: frozen, slotted, keyword-only dataclasses with spans.

Layer 1 (language): imports the standard library and `mlpy.source`.

Every node has a ``span`` (excluded from ``==`` and ``repr``, so structural tests ignore
positions). Child sequences are tuples. There is no common base class: `Expr` and `Stmt` are
union aliases, and passes dispatch with ``match`` (mypy checks they are exhaustive).
The comment above each node shows the ML it stands for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TypeAlias

from mlpy.source import Span

__all__ = [
    "Arrow",
    "Array",
    "ArrayDestructure",
    "Assign",
    "AugAssign",
    "Binary",
    "BinaryOp",
    "Block",
    "Bool",
    "Break",
    "CapItem",
    "Capability",
    "Call",
    "Conditional",
    "Continue",
    "ExceptClause",
    "Expr",
    "ExprStmt",
    "For",
    "FunctionDef",
    "If",
    "Import",
    "Index",
    "Logical",
    "Member",
    "Name",
    "Node",
    "Nonlocal",
    "Null",
    "Number",
    "Object",
    "ObjectDestructure",
    "Param",
    "Program",
    "Return",
    "Slice",
    "Stmt",
    "String",
    "Throw",
    "Try",
    "Unary",
    "While",
    "dump",
    "iter_children",
]

_SPAN = field(compare=False, repr=False)


class BinaryOp(StrEnum):
    """Binary operators of §3 (``&&``/``||`` are `Logical`)."""

    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    FLOORDIV = "//"
    MOD = "%"
    POW = "**"
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


# ------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class Number:
    """``42``, ``3.14``, ``0x1F``"""

    value: int | float
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class String:
    """``"text"`` (escapes already processed)"""

    value: str
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Bool:
    """``true`` / ``false``"""

    value: bool
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Null:
    """``null`` / ``undefined``"""

    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    """``x``"""

    id: str
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Array:
    """``[a, b, c]``"""

    items: tuple[Expr, ...]
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Object:
    """``{key: value, "other key": value}`` (keys in source order; a repeat keeps the last)"""

    pairs: tuple[tuple[str, Expr], ...]
    #: the keys written as identifiers or reserved words (not string literals), with their
    #: spans: the check pass applies the identifier rules of §1.3 to them
    name_keys: tuple[tuple[str, Span], ...] = field(default=(), compare=False, repr=False)
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    """``a`` or ``a: number`` in a parameter list (the annotation is documentation only)"""

    name: str
    annotation: str | None = None
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Arrow:
    """``fn(a, b) => expr`` or ``fn(a) => { statements }``"""

    params: tuple[Param, ...]
    body: Expr | Block
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Unary:
    """``!x``, ``-x``, ``+x``"""

    op: str
    operand: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary:
    """``a + b``, ``a == b``, ``a < b``..."""

    op: BinaryOp
    left: Expr
    right: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Logical:
    """``a && b``, ``a || b`` (short-circuit, §3.2)"""

    op: str
    left: Expr
    right: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditional:
    """``test ? then : otherwise``"""

    test: Expr
    then: Expr
    otherwise: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """``f(a, b)`` on any postfix expression (§3.6)"""

    func: Expr
    args: tuple[Expr, ...]
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """``obj.name`` (§3.9)"""

    obj: Expr
    name: str
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Index:
    """``obj[index]`` (§3.8)"""

    obj: Expr
    index: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Slice:
    """``obj[start:stop:step]``, each part optional (§3.8)"""

    obj: Expr
    start: Expr | None
    stop: Expr | None
    step: Expr | None
    span: Span = _SPAN


Expr: TypeAlias = (
    Number
    | String
    | Bool
    | Null
    | Name
    | Array
    | Object
    | Arrow
    | Unary
    | Binary
    | Logical
    | Conditional
    | Call
    | Member
    | Index
    | Slice
)

# ------------------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """``{ statements }``"""

    body: tuple[Stmt, ...]
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class ExprStmt:
    """``expr;``"""

    expr: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Assign:
    """``target = value;`` (the target is checked by check.py)"""

    target: Expr
    value: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class AugAssign:
    """``target += value;`` (``op`` is the binary operator: ``+``, ``-``...)"""

    target: Expr
    op: BinaryOp
    value: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class ArrayDestructure:
    """``[a, b] = value;`` (§2.6)"""

    names: tuple[Name, ...]
    value: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectDestructure:
    """``{a, b} = value;`` (§2.6)"""

    names: tuple[Name, ...]
    value: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionDef:
    """``function name(params) { body }`` (hoisted, §2.2)"""

    name: str
    params: tuple[Param, ...]
    body: Block
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class If:
    """``if (c) {..} elif (c) {..} else {..}``: ``branches`` holds each (test, block)"""

    branches: tuple[tuple[Expr, Block], ...]
    orelse: Block | None
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class While:
    """``while (test) { body }``"""

    test: Expr
    body: Block
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class For:
    """``for (var in iterable) { body }``"""

    var: Name
    iterable: Expr
    body: Block
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class ExceptClause:
    """``except (name) { body }`` or ``except { body }``"""

    name: Name | None
    body: Block
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Try:
    """``try {..} except (e) {..} finally {..}``"""

    body: Block
    handlers: tuple[ExceptClause, ...]
    finalbody: Block | None
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Throw:
    """``throw value;``"""

    value: Expr
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Return:
    """``return value;`` or ``return;``"""

    value: Expr | None
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Break:
    """``break;``"""

    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Continue:
    """``continue;``"""

    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Nonlocal:
    """``nonlocal a, b;`` (§2.3)"""

    names: tuple[Name, ...]
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Import:
    """``import a.b as c;`` (§2.8)"""

    module: tuple[str, ...]
    alias: str | None
    span: Span = _SPAN

    @property
    def binding(self) -> str:
        """The variable the import binds."""
        return self.alias or self.module[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class CapItem:
    """``resource "glob";`` or ``allow read;`` / ``allow network "host";``"""

    kind: str  # "resource" or "allow"
    permission: str | None
    value: str | None
    span: Span = _SPAN


@dataclass(frozen=True, slots=True, kw_only=True)
class Capability:
    """``capability Name { resource "..."; allow read; }`` (§2.9)"""

    name: str
    items: tuple[CapItem, ...]
    span: Span = _SPAN


Stmt: TypeAlias = (
    ExprStmt
    | Assign
    | AugAssign
    | ArrayDestructure
    | ObjectDestructure
    | FunctionDef
    | If
    | While
    | For
    | Try
    | Throw
    | Return
    | Break
    | Continue
    | Nonlocal
    | Import
    | Capability
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Program:
    """A whole ML source file."""

    body: tuple[Stmt, ...]
    span: Span = _SPAN


Node: TypeAlias = Expr | Stmt | Block | Program | Param | ExceptClause | CapItem

_FIELDS: dict[type, tuple[str, ...]] = {}


def iter_children(node: object) -> Iterator[object]:
    """The direct child nodes of ``node``, in source order."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = tuple(f.name for f in fields(node) if f.name != "span")  # type: ignore[arg-type]
        _FIELDS[type(node)] = names
    for name in names:
        yield from _nodes_in(getattr(node, name))


def _nodes_in(value: object) -> Iterator[object]:
    if isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)
    elif hasattr(value, "span"):
        yield value


def dump(node: object) -> str:
    """A compact s-expression of ``node`` without positions, for table tests.

    ``a + 1`` dumps as ``(Binary + (Name a) (Number 1))``.
    """
    match node:
        case Name(id=x):
            return f"(Name {x})"
        case Number(value=v) | Bool(value=v):
            return f"({type(node).__name__} {v!r})"
        case String(value=v):
            return f"(String {v!r})"
        case Null():
            return "(Null)"
        case Binary(op=op) | Logical(op=op) | Unary(op=op):
            inner = " ".join(dump(c) for c in iter_children(node))
            return f"({type(node).__name__} {op} {inner})"
        case Member(name=n):
            return f"(Member {dump(node.obj)} {n})"
        case Object(pairs=pairs):
            return "(Object" + "".join(f" ({k} {dump(v)})" for k, v in pairs) + ")"
        case _:
            parts = [dump(c) for c in iter_children(node)]
            extra = getattr(node, "name", None)
            head = type(node).__name__ + (f" {extra}" if isinstance(extra, str) else "")
            return "(" + " ".join([head, *parts]) + ")"
