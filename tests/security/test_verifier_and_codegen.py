"""The generated Python never reaches Python: no attribute access, no imports, no ``__`` names.

Two defences are checked here, independently of the runtime guards:

* **codegen output**, for many programs (every valid program of the escape table, a corpus of
  every construct, and a few hundred random programs): its tokens contain no ``.`` operator, no
  ``import``/``lambda``/``class``/... keyword, and no name starting ``__`` other than the
  runtime's ``__ml_`` names; its AST has no ``Attribute``/``Subscript``/``Import`` node, calls
  only plain names, and every ``__ml_`` name is one the runtime defines or invents;
* **the verifier** (`mlpy.compiler.verify`) rejects, default-deny, every Python construct an
  escape would need, even though codegen never emits them.
"""

from __future__ import annotations

import ast
import io
import random
import re
import tokenize

import pytest

import mlpy
from mlpy.compiler import abi
from mlpy.compiler.program import compile_ml
from mlpy.compiler.verify import VerificationError, verify
from tests.security.test_escapes import ATTACKS

# -- the corpus ------------------------------------------------------------------------------------

CONSTRUCTS = [
    "x = 1; y = x + 2 * 3 - 4 / 5 // 6 % 7; result = -y;",
    'o = {a: 1, "b c": [1, 2], if: null}; o.a = 2; o["k"] = 3; o.a += 1; o["k"] *= 2; result = o;',
    "a = [1, 2, 3]; a[0] = 5; a[-1] -= 1; result = [a[0], a[1:], a[::-1], a[:2:1]];",
    "function f(a, b) { return a + b; } g = fn(x) => x * 2; h = fn(x) => { return x; };"
    " result = f(g(1), h(2));",
    "function outer() { n = 0; function inc() { nonlocal n; n = n + 1; return n; } inc();"
    " return inc(); } result = outer();",
    "total = 0; for (i in range(10)) { if (i % 2 == 0) { continue; } elif (i > 7) { break;"
    " } else { total += i; } } result = total;",
    "i = 0; while (i < 10 && !(i == 5) || false) { i = i + 1; } result = i >= 5 ? i <= 6 : i != 3;",
    'try { throw {type: "Custom", message: "m"}; } except (e) { result = e.type; } finally { x = 1; }',
    "try { x = 1 / 0; } except { x = 2; } result = x;",
    "[a, b] = [1, 2]; {c, d} = {c: 3, d: 4}; result = [a, b, c, d];",
    "import math; import json as j; result = [math.sqrt(4), j.stringify([1])];",
    'capability Reader { resource "data/*.csv"; allow read; } result = 1;',
    "class = 1; def = 2; None = 3; lambda = fn(x) => x; _ = 4; result = lambda(class + def + None + _);",
    'result = [typeof(print), str(len), getattr({}, "a"), hasattr([], "push"), call(fn() => 1)];',
    "x = [1, 2]; x.push(3); f = x.map; result = f(fn(v) => v * 2).filter(fn(v) => v > 2).length;",
    's = "abc"; u = s.upper; result = [u(), s.length, s[0], s.split("b"), "-".join(["a", "b"])];',
    "f = fn(x) => fn(y) => x + y; result = f(1)(2) + (fn(z) => z)(3);",
    "it = iter([1, 2]); result = [next(it), next(it), next(it, 0)];",
    "function r(n) { return n <= 0 ? 0 : n + r(n - 1); } result = r(10);",
]

_ATTACK_PROGRAMS = [a.code.replace("SENTINEL", "/tmp/x") for a in ATTACKS]


def _random_program(rng: random.Random) -> str:
    """A small random ML program using every kind of dynamic operation (member access, index,
    calls, arrows, loops, try), with names and keys drawn from lists that include Python's."""
    names = [
        "x",
        "y",
        "class",
        "def",
        "lambda",
        "None",
        "self",
        "type",
        "print",
        "len",
        "eval",
        "_",
        "k_class",
    ]
    keys = [
        "a",
        "__class__",
        "__globals__",
        "__ml_getattr",
        "mro",
        "format",
        "length",
        "push",
        "if",
        "import",
    ]
    members = ["a", "length", "push", "keys", "upper", "mro", "format", "if", "while", "class"]

    def expr(depth: int) -> str:
        if depth <= 0:
            return rng.choice(
                [str(rng.randint(-5, 99)), "1.5", "true", "null", rng.choice(names), f'"{rng.choice(keys)}"']
            )

        def e() -> str:
            return expr(depth - 1)

        op = rng.choice(["+", "-", "*", "/", "//", "%", "==", "!=", "<", ">=", "&&", "||"])
        forms = [  # built lazily: only the chosen form generates its operands
            lambda: f"({e()} {op} {e()})",
            lambda: f"{rng.choice(['!', '-', '+'])}{e()}",
            lambda: f"[{e()}, {e()}]",
            lambda: f'{{{rng.choice(members)}: {e()}, "{rng.choice(keys)}": {e()}}}',
            lambda: f"{e()}.{rng.choice(members)}",
            lambda: f"{e()}[{e()}]",
            lambda: f"{e()}[{e()}:{e()}]",
            lambda: f"{rng.choice(names)}({e()})",
            lambda: f"{e()}.{rng.choice(members)}({e()})",
            lambda: f"(fn({rng.choice(['p', 'q', 'class'])}) => {e()})",
            lambda: f"({e()} ? {e()} : {e()})",
            lambda: f'getattr({e()}, "{rng.choice(keys)}")',
        ]
        return rng.choice(forms)()

    def stmt(depth: int) -> str:
        n = rng.choice(names)
        forms = [
            lambda: f"{n} = {expr(2)};",
            lambda: f"{n}.{rng.choice(members)} = {expr(1)};",
            lambda: f'{n}["{rng.choice(keys)}"] = {expr(1)};',
            lambda: f"{n} += {expr(1)};",
            lambda: f"{expr(2)};",
        ]
        if depth > 0:
            forms += [
                lambda: f"if ({expr(1)}) {{ {stmt(depth - 1)} }} else {{ {stmt(depth - 1)} }}",
                lambda: f"for ({n} in {expr(1)}) {{ {stmt(depth - 1)} }}",
                lambda: f"while ({expr(1)}) {{ {stmt(depth - 1)} break; }}",
                lambda: (
                    f"try {{ {stmt(depth - 1)} }} except (err) {{ {stmt(depth - 1)} }}"
                    f" finally {{ {stmt(depth - 1)} }}"
                ),
                lambda: (
                    f"function f{rng.randint(0, 3)}({rng.choice(['a', 'class'])})"
                    f" {{ {stmt(depth - 1)} return {expr(1)}; }}"
                ),
            ]
        return rng.choice(forms)()

    return " ".join(stmt(2) for _ in range(rng.randint(1, 6)))


_RANDOM_PROGRAMS = [_random_program(random.Random(seed)) for seed in range(300)]


def _valid(programs: list[str]) -> list[str]:
    return [p for p in programs if not mlpy.check(p)]


CORPUS = _valid(CONSTRUCTS + _ATTACK_PROGRAMS + _RANDOM_PROGRAMS)

# -- generated code --------------------------------------------------------------------------------

#: keywords of constructs codegen never emits (``in`` is there, for ``for x in __ml_iter(...)``)
_FORBIDDEN_KEYWORDS = {
    "import",
    "from",
    "lambda",
    "class",
    "yield",
    "await",
    "async",
    "del",
    "with",
    "assert",
    "is",
}
_RUNTIME_NAME = re.compile(rf"{re.escape(abi.TEMP)}\d+|{re.escape(abi.ARROW)}\d+|{re.escape(abi.EXC)}")


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def _check_tokens(source: str) -> None:
    for tok in _tokens(source):
        if tok.type == tokenize.OP:
            assert tok.string not in (".", "@", ":=", "**", "*"), f"operator {tok.string!r} in {source!r}"
        elif tok.type == tokenize.NAME:
            name = tok.string
            assert name not in _FORBIDDEN_KEYWORDS, f"keyword {name!r} in generated code"
            if name.startswith("__"):
                assert name.startswith(abi.PREFIX), f"name {name!r} in generated code"


def _check_tree(tree: ast.AST) -> None:
    banned = (
        ast.Attribute,
        ast.Subscript,
        ast.Import,
        ast.ImportFrom,
        ast.Lambda,
        ast.ClassDef,
        ast.AsyncFunctionDef,
        ast.Await,
        ast.Yield,
        ast.YieldFrom,
        ast.Starred,
        ast.JoinedStr,
        ast.FormattedValue,
        ast.With,
        ast.Delete,
        ast.Assert,
        ast.NamedExpr,
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.Set,
        ast.Slice,
    )
    for node in ast.walk(tree):
        assert not isinstance(node, banned), f"{type(node).__name__} in generated code"
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and not node.keywords
        if isinstance(node, ast.Name | ast.FunctionDef):
            name = node.id if isinstance(node, ast.Name) else node.name
            if name.startswith("__"):
                mangled = abi.ml_name(name) != name and abi.py_name(abi.ml_name(name)) == name
                assert name in abi.ABI_NAMES or _RUNTIME_NAME.fullmatch(name) or mangled, name
        if isinstance(node, ast.Constant):
            assert type(node.value) in (type(None), bool, int, float, str)
        if isinstance(node, ast.ExceptHandler):
            assert isinstance(node.type, ast.Name) and node.type.id == abi.CATCHABLE
        if isinstance(node, ast.Global | ast.Nonlocal):
            assert all(not n.startswith("__") or n.startswith(abi.PREFIX) for n in node.names)


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) >= 300


@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_generated_code_has_no_python_reach(index: int) -> None:
    source = CORPUS[index]
    program = compile_ml(source)
    text = mlpy.transpile(source)
    _check_tokens(text)
    _check_tree(program.module)
    _check_tree(ast.parse(text))
    verify(program.module)


def test_strings_and_keys_stay_constants() -> None:
    """Python code inside ML strings and keys is a constant of the generated code, never code."""
    payload = "__import__('os').system('id')"
    source = f'x = {{"a\\n{payload}": "{payload}"}}; y = "\\"\\"\\"{payload}";'
    tree = compile_ml(source).module
    constants = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert any(payload in c for c in constants)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "__import__" not in names and "os" not in names
    _check_tokens(mlpy.transpile(source))


# -- the verifier is default-deny ------------------------------------------------------------------

REJECTED = {
    "attribute": "x = y.__class__",
    "attribute-plain": "x = y.upper",
    "subscript": "x = y[0]",
    "import": "import os",
    "import-from": "from os import system",
    "lambda": "f = lambda: 1",
    "class": "class A:\n    pass",
    "dunder-name": "x = __class__",
    "builtins-name": "x = __builtins__",
    "import-name": "x = __import__",
    "unknown-ml-prefix": "x = __ml_secret",
    "bad-mangled": "x = __ml_k_notakeyword",
    "call-attribute": "__ml_call(x.y)",
    "call-of-call": "__ml_call(f)(1)",
    "keyword-arg": "__ml_call(f, x=1)",
    "star-arg": "__ml_call(*args)",
    "double-star": "__ml_call(**kw)",
    "dict-unpack": "x = {**y}",
    "decorator": "@d\ndef f():\n    pass",
    "vararg": "def f(*a):\n    pass",
    "kwarg": "def f(**k):\n    pass",
    "default": "def f(a=1):\n    pass",
    "annotation": "def f(a: int):\n    pass",
    "dunder-param": "def f(__x):\n    pass",
    "dunder-function": "def __init__():\n    pass",
    "bytes-constant": "x = b'abc'",
    "ellipsis": "x = ...",
    "fstring": "x = f'{y}'",
    "starred": "a, *b = c",
    "yield": "def f():\n    yield 1",
    "await": "async def f():\n    await g()",
    "global-builtins": "def f():\n    global __builtins__",
    "broad-except": "try:\n    pass\nexcept Exception:\n    pass",
    "bare-except": "try:\n    pass\nexcept:\n    pass",
    "except-name": "try:\n    pass\nexcept __ml_catchable as e:\n    pass",
    "raise-from": "raise __ml_throw(1) from None",
    "bare-raise": "raise",
    "delete": "del x",
    "with": "with f():\n    pass",
    "assert": "assert x",
    "walrus": "(x := 1)",
    "list-comprehension": "x = [y for y in z]",
    "generator": "x = (y for y in z)",
    "set": "x = {1}",
    "compare-is": "x = a is b",
    "compare-in": "x = a in b",
    "matmul": "x = a @ b",
    "power": "x = a ** b",
    "bitwise": "x = a << b",
}


@pytest.mark.parametrize("source", list(REJECTED.values()), ids=list(REJECTED))
def test_verifier_rejects_what_an_escape_needs(source: str) -> None:
    tree = ast.parse(source)
    with pytest.raises(VerificationError):
        verify(tree)


def test_a_calls_globals_hold_ml_builtins_and_runtime_names_only() -> None:
    """What a generated name can resolve to: the call's globals hold the runtime's ``__ml_``
    names, the host's context and functions, and ``__builtins__`` is the ML builtins table
    (never Python's), so a name that is not defined is an ML ``NameError``."""
    import builtins

    from mlpy.runtime.builtins import BUILTINS
    from mlpy.runtime.limits import Limits
    from mlpy.runtime.run import run_program
    from mlpy.runtime.state import CallState

    state = CallState(Limits())
    result = run_program(compile_ml("result = 1;"), {"ctx": 1}, state=state, functions={"f": len})
    assert result.success
    table = state.globals["__builtins__"]
    assert table is not builtins and table is not vars(builtins) and table == dict(BUILTINS)
    dunders = {name for name in state.globals if name.startswith("__")}
    assert all(name.startswith(abi.PREFIX) for name in dunders - {"__builtins__"}), dunders
    assert {"ctx", "f", "result"} <= set(state.globals)
