"""The verifier rejects every Python AST shape codegen must never emit (RestrictedPython style).

Each case builds a small bad module by hand and checks that `verify` refuses it; codegen's own
output for real programs must pass.
"""

from __future__ import annotations

import ast as py
from pathlib import Path

import pytest

import mlpy
from mlpy.compiler import abi
from mlpy.compiler.verify import VerificationError, verify


def _name(id: str) -> py.Name:
    return py.Name(id=id, ctx=py.Load())


def _call(func: py.expr, *args: py.expr, **kw: py.expr) -> py.Call:
    return py.Call(func=func, args=list(args), keywords=[py.keyword(arg=k, value=v) for k, v in kw.items()])


def _expr(e: py.expr) -> py.Module:
    return py.Module(body=[py.Expr(value=e)], type_ignores=[])


def _stmt(*s: py.stmt) -> py.Module:
    return py.Module(body=list(s), type_ignores=[])


def _fn(name: str = "f", body: list[py.stmt] | None = None, **args: object) -> py.FunctionDef:
    arguments = py.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
    for k, v in args.items():
        setattr(arguments, k, v)
    return py.FunctionDef(
        name=name, args=arguments, body=body or [py.Pass()], decorator_list=[], returns=None
    )


def _handler(type_: py.expr | None, name: str | None = abi.EXC) -> py.Try:
    h = py.ExceptHandler(type=type_, name=name, body=[py.Pass()])
    return py.Try(body=[py.Pass()], handlers=[h], orelse=[], finalbody=[])


BAD: dict[str, py.Module] = {
    "attribute": _expr(py.Attribute(value=_name("x"), attr="y", ctx=py.Load())),
    "attribute-nested-in-call": _expr(
        _call(_name(abi.ADD), py.Attribute(value=_name("x"), attr="y", ctx=py.Load()))
    ),
    "attribute-store": _stmt(
        py.Assign(targets=[py.Attribute(value=_name("x"), attr="y", ctx=py.Store())], value=py.Constant(1))
    ),
    "import": _stmt(py.Import(names=[py.alias(name="os")])),
    "import-from": _stmt(py.ImportFrom(module="os", names=[py.alias(name="system")], level=0)),
    "lambda": _expr(py.Lambda(args=_fn().args, body=py.Constant(1))),
    "subscript": _expr(py.Subscript(value=_name("x"), slice=py.Constant(0), ctx=py.Load())),
    "dunder-class-name": _expr(_name("__class__")),
    "dunder-builtins-name": _expr(_name("__builtins__")),
    "dunder-import-call": _expr(_call(_name("__import__"), py.Constant("os"))),
    "unknown-abi-lookalike": _expr(_name("__ml_evil__")),
    "temporary-without-number": _expr(_name(abi.TEMP + "x")),
    "mangled-non-keyword": _expr(_name(abi.PREFIX + "k_print")),
    "call-of-attribute": _expr(_call(py.Attribute(value=_name("x"), attr="y", ctx=py.Load()))),
    "call-of-call": _expr(_call(_call(_name("f")))),
    "call-of-constant": _expr(_call(py.Constant("f"))),
    "call-with-keyword": _expr(_call(_name("f"), x=py.Constant(1))),
    "call-with-starred": _expr(_call(_name("f"), py.Starred(value=_name("x"), ctx=py.Load()))),
    "bytes-constant": _expr(py.Constant(b"x")),
    "complex-constant": _expr(py.Constant(1j)),
    "ellipsis-constant": _expr(py.Constant(...)),
    "tuple-constant": _expr(py.Constant((1, 2))),
    "frozenset-constant": _expr(py.Constant(frozenset({1}))),
    "dict-unpacking": _expr(py.Dict(keys=[None], values=[_name("x")])),
    "fstring": _expr(
        py.JoinedStr(values=[py.FormattedValue(value=_name("x"), conversion=-1, format_spec=None)])
    ),
    "list-comprehension": _expr(
        py.ListComp(
            elt=_name("x"),
            generators=[
                py.comprehension(target=py.Name(id="x", ctx=py.Store()), iter=_name("y"), ifs=[], is_async=0)
            ],
        )
    ),
    "walrus": _expr(py.NamedExpr(target=py.Name(id="x", ctx=py.Store()), value=py.Constant(1))),
    "set": _expr(py.Set(elts=[py.Constant(1)])),
    "power": _expr(py.BinOp(left=py.Constant(2), op=py.Pow(), right=py.Constant(10))),
    "native-mult": _expr(py.BinOp(left=_name("a"), op=py.Mult(), right=_name("b"))),
    "mod-formats-a-string": _expr(py.BinOp(left=py.Constant("%s"), op=py.Mod(), right=_name("b"))),
    "mod-with-a-tuple": _expr(py.BinOp(left=_name("a"), op=py.Mod(), right=py.Tuple(elts=[], ctx=py.Load()))),
    "mod-with-a-dict": _expr(py.BinOp(left=_name("a"), op=py.Mod(), right=py.Dict(keys=[], values=[]))),
    "left-shift": _expr(py.BinOp(left=py.Constant(1), op=py.LShift(), right=py.Constant(10))),
    "compare-is": _expr(py.Compare(left=_name("a"), ops=[py.Is()], comparators=[_name("b")])),
    "compare-in": _expr(py.Compare(left=_name("a"), ops=[py.In()], comparators=[_name("b")])),
    "invert": _expr(py.UnaryOp(op=py.Invert(), operand=_name("a"))),
    "class": _stmt(py.ClassDef(name="C", bases=[], keywords=[], body=[py.Pass()], decorator_list=[])),
    "with": _stmt(
        py.With(items=[py.withitem(context_expr=_name("x"), optional_vars=None)], body=[py.Pass()])
    ),
    "delete": _stmt(py.Delete(targets=[py.Name(id="x", ctx=py.Del())])),
    "assert": _stmt(py.Assert(test=_name("x"), msg=None)),
    "yield": _stmt(_fn(body=[py.Expr(value=py.Yield(value=None))])),
    "async-function": _stmt(
        py.AsyncFunctionDef(name="f", args=_fn().args, body=[py.Pass()], decorator_list=[], returns=None)
    ),
    "await": _expr(py.Await(value=_name("x"))),
    "decorated-function": _stmt(
        py.FunctionDef(name="f", args=_fn().args, body=[py.Pass()], decorator_list=[_name("d")], returns=None)
    ),
    "dunder-function-name": _stmt(_fn("__init__")),
    "dunder-parameter": _stmt(_fn(args=[py.arg(arg="__self")])),
    "annotated-parameter": _stmt(_fn(args=[py.arg(arg="x", annotation=_name("int"))])),
    "default-argument": _stmt(_fn(args=[py.arg(arg="x")], defaults=[py.Constant(1)])),
    "vararg": _stmt(_fn(vararg=py.arg(arg="args"))),
    "kwarg": _stmt(_fn(kwarg=py.arg(arg="kw"))),
    "global-dunder": _stmt(py.Global(names=["__builtins__"])),
    "except-exception": _stmt(_handler(_name("Exception"))),
    "except-bare": _stmt(_handler(None)),
    "except-other-name": _stmt(_handler(_name(abi.CATCHABLE), "err")),
    "raise-bare": _stmt(py.Raise(exc=None, cause=None)),
    "raise-with-cause": _stmt(py.Raise(exc=_call(_name(abi.THROW), py.Constant(1)), cause=_name("x"))),
    "raise-name": _stmt(py.Raise(exc=_name("x"), cause=None)),
    "try-star": _stmt(
        py.TryStar(
            body=[py.Pass()],
            handlers=[py.ExceptHandler(type=_name(abi.CATCHABLE), name=None, body=[py.Pass()])],
            orelse=[],
            finalbody=[],
        )
    ),
    "match": _stmt(
        py.Match(subject=_name("x"), cases=[py.match_case(pattern=py.MatchAs(), body=[py.Pass()])])
    ),
    "starred-assign": _stmt(
        py.Assign(
            targets=[
                py.Tuple(
                    elts=[py.Starred(value=py.Name(id="a", ctx=py.Store()), ctx=py.Store())], ctx=py.Store()
                )
            ],
            value=_name("x"),
        )
    ),
}


@pytest.mark.parametrize("module", BAD.values(), ids=BAD.keys())
def test_verify_rejects(module: py.Module) -> None:
    with pytest.raises(VerificationError):
        verify(py.fix_missing_locations(module))


def test_verify_accepts_plain_code() -> None:
    """The allow-list is not empty: names, calls of names, constants and guards pass."""
    ok = _stmt(
        py.Assign(
            targets=[py.Name(id="x", ctx=py.Store())],
            value=_call(_name(abi.ADD), py.Constant(1), py.Constant("s")),
        ),
        py.Expr(
            value=_call(_name("print"), _name("x"), py.Constant(None), py.Constant(2.5), py.Constant(True))
        ),
        _handler(_name(abi.CATCHABLE)),
        py.Expr(
            value=py.List(
                elts=[_name(abi.TEMP + "3"), _name(abi.ARROW + "12"), _name(abi.py_name("class"))],
                ctx=py.Load(),
            )
        ),
    )
    verify(py.fix_missing_locations(ok))


SOURCES = sorted((Path(__file__).parents[1] / "golden").glob("*.ml")) + sorted(
    (Path(__file__).parents[2] / "examples").glob("*.ml")
)


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_codegen_output_passes(path: Path) -> None:
    """Everything codegen emits for real programs is on the allow-list (compile_ml verifies)."""
    program = mlpy.compile_ml(path.read_text("utf-8"), use_cache=False)
    verify(program.module)
