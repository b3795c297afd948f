"""A default-deny check of the Python AST that codegen produced, run before every ``compile()``.

Layer 2 (compiler): imports the standard library, `mlpy.deadline` and `mlpy.compiler.abi`.

Codegen is trusted to be right; this verifier makes sure that a codegen bug can never become an
escape. Only the node kinds codegen is meant to emit are accepted, and only in the shapes it
emits them: no attribute access at all, no subscripts, no imports, no lambdas or classes, calls
only of plain names, names with ``__`` only when they are runtime (`abi`) names, and constants
only of ML's scalar types. Anything else is an internal error, never run.
"""

from __future__ import annotations

import ast as py
import re

from mlpy.compiler import abi
from mlpy.deadline import check as check_deadline

__all__ = ["VerificationError", "verify"]


class VerificationError(Exception):
    """The generated Python breaks a rule of this module (a bug in mlpy, not in the script)."""


_ALLOWED: frozenset[type[py.AST]] = frozenset(
    {
        py.Module,
        py.FunctionDef,
        py.arguments,
        py.arg,
        py.Return,
        py.Assign,
        py.AugAssign,
        py.Expr,
        py.If,
        py.While,
        py.For,
        py.Break,
        py.Continue,
        py.Pass,
        py.Try,
        py.ExceptHandler,
        py.Raise,
        py.Global,
        py.Nonlocal,
        py.Name,
        py.Load,
        py.Store,
        py.Constant,
        py.List,
        py.Tuple,
        py.Dict,
        py.Call,
        py.BinOp,
        py.UnaryOp,
        py.BoolOp,
        py.IfExp,
        py.Compare,
        py.Sub,
        py.Add,
        py.Div,
        py.FloorDiv,
        py.Not,
        py.USub,
        py.UAdd,
        py.And,
        py.Or,
        py.Lt,
        py.Gt,
        py.LtE,
        py.GtE,
        py.Eq,
        py.NotEq,
        py.Mod,
    }
)
_CONSTANT_TYPES = (type(None), bool, int, float, str)
#: names codegen invents: numbered temporaries and arrows, the caught exception
_INVENTED = re.compile(rf"{re.escape(abi.TEMP)}\d+|{re.escape(abi.ARROW)}\d+|{re.escape(abi.EXC)}")


def _name_ok(name: str) -> bool:
    if not name.startswith("__"):
        return name.isidentifier()
    if name in abi.ABI_NAMES or _INVENTED.fullmatch(name):
        return True
    original = abi.ml_name(name)  # a mangled Python keyword (``__ml_k_class``), exactly
    return original != name and original.isidentifier() and abi.py_name(original) == name


def _check_native_mod(node: py.BinOp) -> None:
    """Codegen emits a native ``%`` only between proven integers; refuse every shape in which
    Python's ``%`` would format a string instead (a text left side, a tuple or dict right)."""
    left, right = node.left, node.right
    if (isinstance(left, py.Constant) and type(left.value) is not int) or isinstance(
        left, py.JoinedStr | py.List | py.Tuple | py.Dict
    ):
        raise VerificationError("native % only between numbers")
    if (isinstance(right, py.Constant) and type(right.value) is not int) or isinstance(
        right, py.List | py.Tuple | py.Dict
    ):
        raise VerificationError("native % only between numbers")


def verify(module: py.Module) -> None:
    """Walk ``module`` and raise `VerificationError` at the first thing codegen should not emit."""
    for count, node in enumerate(py.walk(module)):
        if count % 1024 == 1023:
            check_deadline()  # the walk is linear in the generated code: its clock
        kind = type(node)
        if kind not in _ALLOWED:
            raise VerificationError(f"node {kind.__name__} is not allowed in generated code")
        if kind is py.Name and not _name_ok(node.id):  # type: ignore[attr-defined]
            raise VerificationError(f"name {node.id!r} is not allowed")  # type: ignore[attr-defined]
        elif kind is py.BinOp and isinstance(node.op, py.Mod):  # type: ignore[attr-defined]
            _check_native_mod(node)  # type: ignore[arg-type]
        elif kind is py.Call:
            call: py.Call = node  # type: ignore[assignment]
            if type(call.func) is not py.Name or call.keywords:
                raise VerificationError("only plain names may be called, without keywords")
        elif kind is py.Dict and None in node.keys:  # type: ignore[attr-defined]
            raise VerificationError("dict unpacking (`**`) is not allowed")
        elif kind is py.Constant:
            if type(node.value) not in _CONSTANT_TYPES:  # type: ignore[attr-defined]
                raise VerificationError(f"constant of type {type(node.value).__name__}")  # type: ignore[attr-defined]
        elif kind is py.FunctionDef:
            fn: py.FunctionDef = node  # type: ignore[assignment]
            if fn.decorator_list or fn.returns or not _name_ok(fn.name):
                raise VerificationError(f"function {fn.name!r} has a disallowed shape")
            a = fn.args
            if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs:
                raise VerificationError("functions take plain positional parameters only")
            if any(not _name_ok(p.arg) or p.annotation for p in a.args):
                raise VerificationError("parameter with a disallowed name or annotation")
        elif kind is py.Global or kind is py.Nonlocal:
            names: list[str] = node.names  # type: ignore[attr-defined]
            if not all(_name_ok(n) for n in names):
                raise VerificationError("global/nonlocal of a disallowed name")
        elif kind is py.ExceptHandler:
            h: py.ExceptHandler = node  # type: ignore[assignment]
            if not (isinstance(h.type, py.Name) and h.type.id == abi.CATCHABLE) or h.name not in (
                None,
                abi.EXC,
            ):
                raise VerificationError("except clauses catch only the runtime's catchable errors")
        elif kind is py.Raise:
            r: py.Raise = node  # type: ignore[assignment]
            if r.cause is not None or not isinstance(r.exc, py.Call):
                raise VerificationError("raise only of a thrown value")
