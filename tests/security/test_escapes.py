"""Escape attempts against the sandbox, one parametrised table: each must be refused, with no effect.

Each `Attack` is an ML program trying to reach Python from ML (LANGUAGE.md §1.3, §3.9, §5.1,
§7, §8, §9). The runner (`support.run_attack`) checks the ``error_type`` (or the harmless value
§3.9 gives), that no Python internals leak into the value, error or output, and that the
sentinel file a successful payload would create does not exist; the autouse fixture checks
that the host process itself is unchanged.

Python's own names appear in the code of these attacks on purpose; none of them may work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlpy.compiler.abi import ABI_NAMES
from tests.security.support import ANY, SMALL, Attack, params, run_attack

# -- host functions some attacks try to reach through ------------------------------------------

_SECRET = {"password": "hunter2", "items": [1, 2, 3]}


def _secret() -> dict[str, Any]:
    """Returns the host's own dict: the script must only ever get a copy."""
    return _SECRET


def _count(*args: Any) -> int:
    return len(args)


def _fails() -> None:
    raise ValueError("the host function failed")


def _python_object() -> object:
    return object()


HOST = {"secret": _secret, "count": _count, "fails": _fails, "pyobj": _python_object}


def _xfail(reason: str) -> tuple[Any, ...]:
    return (pytest.mark.xfail(strict=True, reason=reason),)


# -- §1.3 / §3.9: dunder names through member access (refused before running) -----------------

MEMBER_ACCESS = [
    Attack("member-object-class", "o = {}; result = o.__class__;", "SecurityError"),
    Attack("member-string-class", 'result = "x".__class__;', "SecurityError"),
    Attack("member-number-class", "result = (1).__class__;", "SecurityError"),
    Attack("member-array-class-base", "result = [].__class__.__base__.__subclasses__();", "SecurityError"),
    Attack("member-fn-globals", "f = fn(x) => x; result = f.__globals__;", "SecurityError"),
    Attack("member-fn-code", "function g() {} result = g.__code__;", "SecurityError"),
    Attack("member-fn-closure", "function g() {} result = g.__closure__;", "SecurityError"),
    Attack("member-fn-dict", "function g() {} result = g.__dict__;", "SecurityError"),
    Attack("member-builtin-self", "result = print.__self__;", "SecurityError"),
    Attack("member-builtin-module", "result = len.__module__;", "SecurityError"),
    Attack("member-builtin-call", "p = print; result = p.__call__;", "SecurityError"),
    Attack("member-bound-self", 'm = "abc".upper; result = m.__self__;', "SecurityError"),
    Attack("member-bound-func", "m = {}.get; result = m.__func__;", "SecurityError"),
    Attack("member-range-iter", "r = range(3); result = r.__iter__;", "SecurityError"),
    Attack("member-method-call", 'result = "x".__len__();', "SecurityError"),
    Attack("member-getitem-call", 'result = {a: 1}.__getitem__("a");', "SecurityError"),
    Attack("member-assign", "o = {}; o.__proto__ = 1;", "SecurityError"),
    Attack("member-aug-assign", "o = {}; o.__dict__ += 1;", "SecurityError"),
    Attack(
        "member-except-traceback",
        "try { throw 1; } except (e) { result = e.__traceback__; }",
        "SecurityError",
    ),
    Attack("member-iter-next", "it = iter([1]); result = it.__next__;", "SecurityError"),
    Attack("member-module-dict", "import math; result = math.__dict__;", "SecurityError"),
    Attack("member-module-loader", "import math; result = math.__loader__;", "SecurityError"),
    Attack("member-module-fn-globals", "import math; result = math.sqrt.__globals__;", "SecurityError"),
    Attack("member-host-fn-globals", "result = secret.__globals__;", "SecurityError", functions=HOST),
    Attack("member-host-fn-closure", "result = count.__closure__;", "SecurityError", functions=HOST),
    Attack("member-destructure", "{__class__} = {};", "SecurityError"),
    Attack("member-object-key", "o = {__class__: 1};", "SecurityError"),
    Attack(
        "member-refused-although-unreached",
        "if (false) { x = {}.__class__; } result = 1;",
        "SecurityError",
    ),
]

# -- §3.8: dunder names through indexing: data only ---------------------------------------------

INDEXING = [
    Attack("index-object-class", 'o = {}; result = o["__class__"];', "KeyError"),
    Attack("index-string-class", 'result = "x"["__class__"];', "TypeError"),
    Attack("index-array-class", 'result = [1]["__class__"];', "TypeError"),
    Attack("index-function", 'result = print["__self__"];', "TypeError"),
    Attack("index-range-start", 'result = range(5)["start"];', "TypeError"),
    Attack("index-iterator", "it = iter([1]); result = it[0];", "TypeError"),
    Attack("index-assign-function", 'f = fn() => 1; f["__code__"] = 1;', "TypeError"),
    Attack("index-assign-string", 's = "abc"; s["__class__"] = 1;', "TypeError"),
    Attack(
        "index-dunder-key-is-plain-data",
        'o = {}; o["__class__"] = 5; result = [o["__class__"], typeof(o), o.length, keys(o)];',
        None,
        [5, "object", 1, ["__class__"]],
    ),
    Attack(
        "index-dunder-getattr-key-no-hook",
        'o = {}; o["__getattr__"] = fn(n) => "hooked"; result = [o.missing, getattr(o, "other")];',
        None,
        [None, None],
    ),
    Attack(
        "index-dunder-eq-key-no-hook",
        'o = {"__eq__": fn(a) => true}; result = [o == {}, o == {"__eq__": 1}];',
        None,
        [False, False],
    ),
    Attack(
        "index-dunder-len-key-no-hook",
        'o = {"__len__": fn() => 99, "__bool__": fn() => false}; result = [len(o), bool(o)];',
        None,
        [2, True],
    ),
    Attack(
        "index-dunder-dict-key-no-hook",
        'o = {}; o["__dict__"] = {}; o["__dict__"]["x"] = 1; result = o.x;',
        None,
        None,
    ),
    Attack("index-abi-key-is-data", 'o = {"__ml_getattr": 1, "__builtins__": 2}; result = o.x;', None, None),
]

# -- §5.1: getattr / hasattr / call follow §3.9 exactly ------------------------------------------

DYNAMIC = [
    Attack("getattr-object-class", 'result = getattr({}, "__class__");', None, None),
    Attack("getattr-string-class-default", 'result = getattr("x", "__class__", "none");', None, "none"),
    Attack("getattr-builtin-self", 'result = getattr(print, "__self__", 0);', None, 0),
    Attack("getattr-fn-globals", 'result = getattr(fn(x) => x, "__globals__", 0);', None, 0),
    Attack("getattr-fn-code", 'function f() {} result = getattr(f, "__code__", 0);', None, 0),
    Attack("getattr-fn-func-globals", 'function f() {} result = getattr(f, "func_globals", 0);', None, 0),
    Attack("getattr-fn-gi-frame", 'function f() {} result = getattr(f, "gi_frame", 0);', None, 0),
    Attack("getattr-builtin-internal-fn", 'result = getattr(len, "fn", 0);', None, 0),
    Attack("getattr-builtin-name", 'result = getattr(len, "name", 0);', None, 0),
    Attack("getattr-bound-receiver", 'result = getattr("abc".upper, "receiver", 0);', None, 0),
    Attack("getattr-bound-fn", 'f = [1].push; result = getattr(f, "fn", 0);', None, 0),
    Attack("getattr-iterator-internal", 'result = getattr(iter([1]), "iterator", 0);', None, 0),
    Attack("getattr-range-attribute", 'result = getattr(range(3), "start", 0);', None, 0),
    Attack(
        "getattr-int-attribute", 'result = [getattr(1, "real", 0), getattr(1.5, "hex", 0)];', None, [0, 0]
    ),
    Attack("getattr-str-format", 'result = getattr("{0}", "format", 0);', None, 0),
    Attack("getattr-str-encode", 'result = getattr("x", "encode", 0);', None, 0),
    Attack("getattr-getattr-call", 'result = getattr(getattr, "__call__", 0);', None, 0),
    Attack("getattr-host-fn-globals", 'result = getattr(secret, "__globals__", 0);', None, 0, functions=HOST),
    Attack("getattr-host-fn-closure", 'result = getattr(count, "__closure__", 0);', None, 0, functions=HOST),
    Attack("getattr-host-fn-wrapped", 'result = getattr(count, "fn", 0);', None, 0, functions=HOST),
    Attack("getattr-abi-name", 'result = getattr({}, "__ml_getattr", 0);', None, 0),
    Attack(
        "hasattr-internals",
        'result = [hasattr({}, "__class__"), hasattr("x", "__len__"), hasattr(print, "fn"),'
        ' hasattr(print, "name"), hasattr([], "__iter__"), hasattr(iter([]), "iterator")];',
        None,
        [False] * 6,
    ),
    Attack("call-getattr-dunder", 'result = call(getattr, {}, "__class__");', None, None),
    Attack("call-string-import", 'result = call("__import__", "os");', "TypeError"),
    Attack("call-object", 'result = call({}, "x");', "TypeError"),
    Attack("call-range", "result = call(range(3));", "TypeError"),
    Attack("call-non-callable-value", "x = 5; result = x();", "TypeError"),
    Attack("str-format-method-missing", 'result = "{0.__class__}".format(1);', "TypeError"),
    Attack("str-format-member-missing", 'result = "x".format;', "TypeError"),
]

# -- runtime-built dunder names -------------------------------------------------------------------

BUILT_NAMES = [
    Attack("built-concat", 'k = "__" + "class__"; result = getattr({}, k);', None, None),
    Attack(
        "built-repeat",
        'k = "_" * 2 + "globals__"; f = fn() => 1; result = getattr(f, k, "no");',
        None,
        "no",
    ),
    Attack(
        "built-chr-index",
        'k = chr(95) + chr(95) + "class" + chr(95) + chr(95); o = {}; result = o[k];',
        "KeyError",
        echo=("__class__",),
    ),
    Attack("built-lower", 'k = "__CLASS__".lower(); result = hasattr("", k);', None, False),
    Attack("built-hex-escape", 'k = "\\x5f\\x5fclass\\x5f\\x5f"; result = getattr([], k, 0);', None, 0),
    Attack(
        "built-unicode-escape",
        'k = "\\u{5f}\\u{5f}globals\\u{5f}\\u{5f}"; result = getattr(print, k, 0);',
        None,
        0,
    ),
    Attack(
        "built-u005f-escape", 'k = "\\u005f\\u005fself\\u005f\\u005f"; result = getattr(len, k, 0);', None, 0
    ),
    Attack("built-reversed", 'k = "".join(reversed("__ssalc__")); result = getattr(1, k, 0);', None, 0),
    Attack("built-pad", 'k = "_".padStart(2, "_") + "class__"; result = getattr("s", k, 0);', None, 0),
    Attack("built-slice", 'k = "x__class__x".slice(1, 10); result = getattr([], k, 0);', None, 0),
    Attack(
        "built-method-call",
        'k = "__" + "len__"; o = {}; result = o[k];',
        "KeyError",
        echo=("__len__",),
    ),
    Attack("built-fullwidth", 'result = getattr({}, "＿＿class＿＿", 0);', None, 0),
    Attack(
        "built-format-of-name", 'k = format("__class__", ">9"); result = getattr(range(1), k, 0);', None, 0
    ),
]

# -- format-like specs -----------------------------------------------------------------------------

FORMATS = [
    Attack("format-attribute-field", 'result = format(1, "{0.__class__}");', "ValueError"),
    Attack("format-empty-field", 'result = format("x", "{}");', "ValueError"),
    Attack("format-globals-field", 'result = format({}, "{0.__init__.__globals__}");', "ValueError"),
    Attack("format-conversion", 'result = format(1, "!r");', "ValueError"),
    Attack("format-garbage-spec", 'result = format(5, "x" * 100);', "ValueError"),
    Attack("format-huge-width", 'result = format(1, "1000000000");', "LimitError", limits=SMALL),
    Attack("format-huge-precision", 'result = format(3.5, ".99999999999f");', "LimitError"),
    Attack("format-function", 'result = format(print, ">20");', None, "    <function print>"),
    Attack("format-arrow", 'result = format(fn(x) => x, "s");', None, "<anonymous function>"),
    Attack("format-percent-operator", 'result = "%s" % 5;', "TypeError"),
    Attack("format-percent-mapping", 'result = "%(x)s" % {x: 1};', "TypeError"),
    Attack("format-field-is-data", 'result = "{0.__class__}" + 1;', None, "{0.__class__}1"),
    Attack(
        "format-string-module-attribute",
        'import string; result = string.format("{x.__class__}", {x: 1});',
        "KeyError",  # a field is a key, looked up as a whole: no attribute traversal (§6.1)
    ),
    Attack(
        "format-string-module-index",
        'import string; result = string.format("{x[0]}", {x: [1]});',
        "KeyError",
    ),
]

# -- repr/str of functions, builtins, iterators, modules ------------------------------------------

REPRS = [
    Attack(
        "repr-callables",
        'function f() {} result = [str(print), repr(len), str(fn(x) => x), str("a".upper), str(f), repr(f)];',
        None,
        [
            "<function print>",
            "<function len>",
            "<anonymous function>",
            "<function upper>",
            "<function f>",
            "<function f>",
        ],
    ),
    Attack(
        "repr-opaque",
        "result = [str(iter([])), typeof(iter([1])), str(range(2)), typeof(print)];",
        None,
        ["<iterator>", "iterator", "range(0, 2)", "function"],
    ),
    Attack(
        "repr-print-callables",
        "print(print, len, fn() => 1, iter([1]), range(1));",
        None,
        stdout="<function print> <function len> <anonymous function> <iterator> range(0, 1)\n",
    ),
    Attack("repr-cycle", "x = {}; x.self = x; result = str(x);", None, '{"self": {...}}'),
    Attack(
        "repr-in-container",
        "result = str({f: print, g: [len]});",
        None,
        '{"f": <function print>, "g": [<function len>]}',
    ),
    Attack(
        "repr-module",
        "import math; result = [str(math), typeof(math), str(math.sqrt)];",
        None,
        ["<module math>", "module", "<function math.sqrt>"],
    ),
    Attack(
        "repr-host-function",
        "result = [str(count), repr(secret)];",
        None,
        ["<function count>", "<function secret>"],
        functions=HOST,
    ),
    Attack("repr-thrown-function", "throw print;", "Error", message="<function print>"),
    Attack("repr-unknown-member-error", "x = iter([1]); result = x.iterator;", "TypeError"),
    Attack(
        "repr-unary-on-iterator",
        "x = iter([1]); result = -x;",
        "TypeError",
    ),
    Attack(
        "repr-divide-iterator",
        "x = iter([1]); result = x / 2;",
        "TypeError",
    ),
]

# -- §2.7: caught exceptions give plain objects -------------------------------------------------

EXCEPTIONS = [
    Attack(
        "except-keys-only",
        "try { x = 1 / 0; } except (e) { result = keys(e); }",
        None,
        ["message", "type", "line", "column"],
    ),
    Attack(
        "except-no-traceback-members",
        'try { x = nope; } except (e) { result = [e.type, getattr(e, "__traceback__", 0),'
        " e.traceback, e.frame, e.tb_frame, e.args, e.with_traceback]; }",
        None,
        ["NameError", 0, None, None, None, None, None],
    ),
    Attack(
        "except-native-operator",
        "try { x = [1] - 1; } except (e) { result = e; }",
        None,
        {"message": "cannot subtract array and number", "type": "TypeError", "line": 1, "column": 11},
    ),
    Attack(
        "except-thrown-dunder-keys-are-data",
        'try { throw {"__traceback__": 1, message: "m"};'
        ' } except (e) { result = [e["__traceback__"], e.type]; }',
        None,
        [1, "Error"],
    ),
    Attack(
        "except-thrown-value-kept",
        "try { throw fn() => 1; } except (e) { result = [typeof(e.value), e.type]; }",
        None,
        ["function", "Error"],
    ),
    Attack(
        "except-host-error-plain",
        "try { fails(); } except (e) { result = keys(e); }",
        None,
        ["message", "type", "line", "column"],
        functions=HOST,
    ),
    Attack(
        "except-getattr-null",
        'try { x = getattr(1, "__class__").mro; } except (e) { result = e.message; }',
        None,
        "null has no member 'mro'",
    ),
    Attack("uncaught-native-error", "x = [1] + 1;", "TypeError"),
    Attack("uncaught-key-error", 'o = {}; x = o["a"];', "KeyError"),
    Attack("uncaught-host-error", "fails();", "Error", functions=HOST),
    Attack(
        "except-error-object-is-copy", "try { throw 1; } except (e) { e.type = 5; result = e.type; }", None, 5
    ),
]

# -- iterators, functions, bound methods ---------------------------------------------------------

VALUES = [
    Attack("iterator-member", "it = iter([1]); result = it.next;", "TypeError"),
    Attack("iterator-to-host", "it = iter([1]); result = it;", "TypeError"),
    Attack("iterator-next-non-iterator", "result = next([1, 2]);", "TypeError"),
    Attack(
        "iterator-keys-snapshot",
        'o = {a: 1}; it = iter(o); o.b = 2; result = [next(it), next(it, "end")];',
        None,
        ["a", "end"],
    ),
    Attack("function-name-member", "f = fn() => 1; result = f.name;", "TypeError"),
    Attack("function-length-member", "function f(a) {} result = f.length;", "TypeError"),
    Attack("function-set-member", "f = fn() => 1; f.x = 1;", "TypeError"),
    Attack("function-to-host", "function f() {} result = f;", "TypeError"),
    Attack("function-in-result", "result = [fn() => 1];", "TypeError"),
    Attack("bound-receiver-member", 'f = "abc".upper; result = f.receiver;', "TypeError"),
    Attack("bound-to-host", "result = [].push;", "TypeError"),
    Attack("builtin-member", "result = len.fn;", "TypeError"),
    Attack("range-member", "result = range(3).start;", "TypeError"),
]

# -- §7: host functions ----------------------------------------------------------------------------

HOST_FUNCTIONS = [
    Attack("host-fn-member", "result = secret.fn;", "TypeError", functions=HOST),
    Attack("host-fn-given-function", "result = count(count);", "TypeError", functions=HOST),
    Attack("host-fn-given-arrow", "result = count(fn(x) => x);", "TypeError", functions=HOST),
    Attack("host-fn-given-iterator", "result = count(iter([1]));", "TypeError", functions=HOST),
    Attack("host-fn-python-object", "result = pyobj();", "TypeError", functions=HOST),
    Attack(
        "host-fn-python-object-caught",
        "try { x = pyobj(); } except (e) { result = e.type; }",
        None,
        "TypeError",
        functions=HOST,
    ),
    Attack(
        "host-fn-result-is-copy",
        's = secret(); s.password = "pwned"; s.items.push(4); s2 = secret();'
        " result = [s2.password, s2.items];",
        None,
        ["hunter2", [1, 2, 3]],
        functions=HOST,
    ),
]

# -- modules (§6): only their members ------------------------------------------------------------

MODULES = [
    Attack("module-getattr-dict", 'import math; result = getattr(math, "__dict__", 0);', None, 0),
    Attack("module-getattr-members", 'import math; result = getattr(math, "members", 0);', None, 0),
    Attack("module-getattr-name", 'import math; result = getattr(math, "name", 0);', None, 0),
    Attack("module-member-members", "import math; result = math.members;", "TypeError"),
    Attack("module-index", 'import math; result = math["pi"];', "TypeError"),
    Attack("module-set-member", "import math; math.pi = 3;", "TypeError"),
    Attack("module-keys", "import math; result = keys(math);", "TypeError"),
    Attack("module-iterate", "import math; for (k in math) {}", "TypeError"),
    Attack("module-to-host", "import math; result = math;", "TypeError"),
    Attack("module-fn-module-attr", 'import math; result = getattr(math.sqrt, "__module__", 0);', None, 0),
    Attack(
        "module-json-dunder-keys-are-data",
        'import json; x = json.parse("{\\"__class__\\": 1}"); result = x.__class__;',
        "SecurityError",
    ),
    Attack(
        "module-json-dunder-getattr-is-data",
        'import json; x = json.parse("{\\"__class__\\": {\\"__init__\\": 2}}");'
        ' result = getattr(getattr(x, "__class__"), "__init__");',
        None,
        2,
    ),
    Attack(
        "module-regex-pattern-internals",
        'import regex; result = getattr(regex.compile("a"), "_compiled", 0);',
        None,
        0,
    ),
]

# -- the runtime's own names are unspellable -----------------------------------------------------

ABI = [
    Attack("abi-load-guard", "result = __ml_getattr;", "SecurityError"),
    Attack("abi-load-builtins", "result = __builtins__;", "SecurityError"),
    Attack("abi-reset-steps", "__ml_n = 1000000000; while (true) {}", "SecurityError"),
    Attack("abi-replace-tick", "__ml_tick = fn() => 1000000;", "SecurityError"),
    Attack("abi-param-depth", "function f(__ml_d) { return 1; }", "SecurityError"),
    Attack("abi-member", "x = {}; x.__ml_call = 1;", "SecurityError"),
    Attack("abi-except-name", "try { throw 1; } except (__ml_e) {}", "SecurityError"),
    Attack("abi-import-alias", "import math as __ml_module;", "SecurityError"),
    Attack("abi-for-variable", "for (__ml_t1 in [1]) {}", "SecurityError"),
    Attack("abi-function-name", "function __ml_arrow1() {}", "SecurityError"),
    Attack("abi-python-dunder-name", "result = __name__;", "SecurityError"),
    Attack("abi-import-dunder", 'result = __import__("os");', "SecurityError"),
    Attack("abi-build-class", "result = __build_class__;", "SecurityError"),
    Attack("abi-fullwidth-identifier", "result = ＿＿class＿＿;", "SyntaxError"),
    Attack("abi-fullwidth-member", "o = {}; result = o.＿＿class＿＿;", "SyntaxError"),
    Attack("abi-nfkc-identifier", "result = ｅｖａｌ;", "SyntaxError"),
    Attack("abi-cyrillic-identifier", "result = __сlass__;", "SyntaxError"),
    Attack("abi-zero-width-identifier", "result = e\u200bval;", "SyntaxError"),
]

# -- §5.1: Python builtins do not exist -----------------------------------------------------------

PYTHON_BUILTINS = [
    "eval",
    "exec",
    "open",
    "compile",
    "globals",
    "locals",
    "type",
    "object",
    "vars",
    "dir",
    "input",
    "breakpoint",
    "exit",
    "quit",
    "help",
    "id",
    "hash",
    "super",
    "setattr",
    "delattr",
    "memoryview",
    "bytes",
    "bytearray",
    "set",
    "frozenset",
    "tuple",
    "list",
    "dict",
    "classmethod",
    "staticmethod",
    "property",
    "issubclass",
    "license",
    "copyright",
    "credits",
    "Ellipsis",
    "NotImplemented",
    "BaseException",
    "Exception",
    "SystemExit",
    "None",
    "True",
    "False",
]
NAMES = [Attack(f"python-name-{name}", f"result = {name};", "NameError") for name in PYTHON_BUILTINS] + [
    Attack("python-call-eval", 'result = eval("1");', "NameError"),
    Attack("python-call-open", 'x = open("SENTINEL", "w");', "NameError"),
    Attack("python-call-exec", "exec(\"open('SENTINEL', 'w')\");", "NameError"),
    Attack(
        "python-keywords-are-plain-names",
        "class = 1; def = 2; lambda = 3; None = 4; True = 5; yield = 6; await = 7; global = 8;"
        " del = 9; pass = 10; with = 11; raise = 12; from = 13; is = 14; not = 15; or = 16; and = 17;"
        " result = [class, def, lambda, None, True, yield, await, global, del, pass, with, raise, "
        "from, is, not, or, and];",
        None,
        list(range(1, 18)),
    ),
    Attack(
        "python-keyword-function-names",
        "function class(self) { return self; } def = fn(x) => x * 2; result = def(class(21));",
        None,
        42,
    ),
    Attack(
        "python-keyword-mangling-no-collision",
        "class = 1; k_class = 2; _ = 3; result = [class, k_class, _];",
        None,
        [1, 2, 3],
    ),
    Attack(
        "python-keyword-members",
        "x = {class: 1, def: 2, lambda: 3}; result = x.class + x.def + x.lambda;",
        None,
        6,
    ),
    Attack("python-import-as-name", "import = 1;", "SyntaxError"),
]

# -- §2.8: imports of anything but a standard module ----------------------------------------------

IMPORTS = (
    [
        Attack(f"import-{name.replace('.', '-')}", f"import {name}; print(1);", "SyntaxError", echo=(name,))
        for name in [
            "os",
            "sys",
            "builtins",
            "mlpy",
            "subprocess",
            "importlib",
            "math.os",
            "os.path",
            "mlpy.runtime.run",
            "ctypes",
        ]
    ]
    + [
        Attack(f"import-host-{name}", f"import {name}; print(1);", "SecurityError", stdout="")
        for name in ["file", "path", "http", "env", "args"]
    ]
    + [
        Attack("import-main", "import __main__;", "SecurityError"),
        Attack(
            "import-granted-strict",
            "import env; print(1);",
            "SecurityError",
            strict=True,
            capabilities={"env": ["HOME"]},
        ),
    ]
)

# -- §2.9: capability declarations with hostile strings -------------------------------------------

_DATA = {"file.read": ["data/"]}
_ALL = {"file.read": ["data/"], "file.write": ["data/"], "env": ["HOME"], "http": ["api.example.com"]}
_NOT_RUN = "print(1); result = 1;"
CAPABILITIES = [
    Attack(
        "cap-traversal",
        f'capability X {{ resource "../../etc/passwd"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-traversal-inside",
        f'capability X {{ resource "data/../../etc/passwd"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-absolute",
        f'capability X {{ resource "/etc/passwd"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-nul-byte",
        f'capability X {{ resource "data/\\0/../../etc"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-huge-resource",
        f'capability X {{ resource "/{"a/" * 200_000}"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-execute-never",
        f"capability X {{ allow execute; }} {_NOT_RUN}",
        "SecurityError",
        capabilities=_ALL,
    ),
    Attack(
        "cap-execute-resource",
        f'capability X {{ resource "data/run.sh"; allow execute; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_ALL,
    ),
    Attack(
        "cap-read-ungranted", f'capability X {{ resource "data/x"; allow read; }} {_NOT_RUN}', "SecurityError"
    ),
    Attack(
        "cap-write-with-read-grant",
        f'capability X {{ resource "data/x"; allow write; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-system-other-variable",
        f'capability X {{ allow system "AWS_SECRET_ACCESS_KEY"; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_ALL,
    ),
    Attack(
        "cap-network-other-host",
        f'capability X {{ resource "evil.example.org"; allow network; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_ALL,
    ),
    Attack(
        "cap-unknown-permission", f'capability X {{ resource "x"; allow sudo; }} {_NOT_RUN}', "SyntaxError"
    ),
    Attack(
        "cap-dunder-name", f"capability __X {{ allow read; }} {_NOT_RUN}", "SecurityError", capabilities=_DATA
    ),
    Attack(
        "cap-code-in-resource",
        f"capability X {{ resource \"data/\\\"); __import__('os').system('touch SENTINEL');"
        f' (\\""; allow write; }} {_NOT_RUN}',
        "SecurityError",
        capabilities={"file.read": ["data/"]},
    ),
    Attack(
        "cap-star-resource",
        f'capability X {{ resource "/*"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-dot-grant-absolute-path",
        f'capability X {{ resource "/etc/passwd"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities={"file.read": ["."]},
    ),
    Attack(
        "cap-glob-traversal",
        f'capability X {{ resource "data/?/../../../etc/passwd"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities=_DATA,
    ),
    Attack(
        "cap-glob-sibling",
        f'capability X {{ resource "/srv/data*"; allow read; }} {_NOT_RUN}',
        "SecurityError",
        capabilities={"file.read": ["/srv/data"]},  # the glob also names /srv/data-secret
    ),
    Attack(
        "cap-wildcard-host-nul",
        f'capability X {{ resource "evil.org\\0.example.com"; allow network; }} {_NOT_RUN}',
        "SecurityError",
        capabilities={"http": ["*.example.com"]},
    ),
    Attack(
        "cap-wildcard-host-path",
        f'capability X {{ resource "evil.org/.example.com"; allow network; }} {_NOT_RUN}',
        "SecurityError",
        capabilities={"http": ["*.example.com"]},
    ),
]

# -- §8: limits cannot be caught, nor swallowed by finally ---------------------------------------

_BIG_STRING = '"a" * 1000000000'
LIMITS = [
    Attack(
        "limit-except-steps",
        'try { while (true) {} } except (e) { result = "caught"; }',
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-except-string",
        f'try {{ x = {_BIG_STRING}; }} except (e) {{ result = "caught"; }}',
        "LimitError",
    ),
    Attack(
        "limit-except-depth",
        'function f() { return f(); } try { f(); } except (e) { result = "caught"; }',
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-except-timeout",
        'try { while (true) {} } except (e) { result = "caught"; }',
        "TimeoutError",
        timeout=0.2,
    ),
    Attack(
        "limit-finally-return-string",
        f"function f() {{ try {{ x = {_BIG_STRING}; }} finally {{ return 1; }} }} result = f();",
        "LimitError",
    ),
    Attack(
        "limit-finally-return-array",
        "function f() { try { x = [0] * 1000000000000; } finally { return 1; } } result = f();",
        "LimitError",
    ),
    Attack(
        "limit-finally-return-int",
        "function f() { try { x = 2; while (true) { x = x * x; } } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-output",
        'function f() { try { while (true) { print("xxxxxxxxxx"); } } finally { return 1; } } result = f();',
        "LimitError",
        limits=SMALL,
        stdout=None,
    ),
    Attack(
        "limit-finally-return-format",
        "function f() { try { a = [1]; for (i in range(64)) { a = [a, a]; } s = str(a);"
        " } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-nesting",
        "function f() { try { a = []; for (i in range(100)) { a = [a]; } s = str(a);"
        " } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-eq",
        "function f() { try { a = []; b = []; for (i in range(100)) { a = [a]; b = [b];"
        " } s = a == b; } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-join",
        'function f() { try { s = [[1] * 20000] * 100; t = s.join(","); } finally { return 1;'
        " } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-int-text",
        'function f() { try { x = int("9" * 5000); } finally { return 1; } } result = f();',
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-steps",
        "function f() { try { while (true) {} } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "limit-finally-return-timeout",
        "function f() { try { while (true) {} } finally { return 1; } } result = f();",
        "TimeoutError",
        timeout=0.2,
    ),
    Attack(
        "limit-finally-break",
        f"while (true) {{ try {{ x = {_BIG_STRING}; }} finally {{ break; }} }} result = 6;",
        "LimitError",
    ),
    Attack(
        "limit-finally-continue",
        "for (i in range(3)) { try { x = [0] * 1000000000000; } finally { continue; } } result = 5;",
        "LimitError",
    ),
    Attack(
        "limit-finally-return-host-arg",
        "function f() { try { a = [1]; for (i in range(64)) { a = [a, a]; } count(a);"
        " } finally { return 1; } } result = f();",
        "LimitError",
        limits=SMALL,
        functions=HOST,
    ),
    Attack(
        "limit-finally-return-depth",
        "function f() { try { return f(); } finally { return 0; } } result = f();",
        "LimitError",
        limits=SMALL,
    ),
]

# -- §8: huge allocations are refused before they happen ------------------------------------------

ALLOCATIONS = [
    Attack("alloc-range-slice", "x = range(1000000000000000000); y = x[0:];", "LimitError", limits=SMALL),
    Attack("alloc-sorted-range", "x = sorted(range(1000000000));", "LimitError", limits=SMALL),
    Attack("alloc-reversed-range", "x = reversed(range(1000000000));", "LimitError", limits=SMALL),
    Attack("alloc-enumerate-range", "x = enumerate(range(1000000000));", "LimitError", limits=SMALL),
    Attack("alloc-zip-ranges", "x = zip(range(1000000000), range(1000000000));", "LimitError", limits=SMALL),
    Attack("alloc-range-to-host", "result = range(1000000000);", "LimitError", limits=SMALL),
    Attack("alloc-string-repeat", 'x = "a" * 1000000000000;', "LimitError"),
    Attack("alloc-array-repeat", "x = [0] * 1000000000000;", "LimitError"),
    Attack("alloc-repeat-count-first", 'x = 1000000000000 * "ab";', "LimitError"),
    Attack(
        "alloc-squaring",
        "x = 2; while (true) { x = x * x; }",
        "LimitError",
        limits=SMALL,
        message="max_int_bits",
    ),
    Attack(
        "alloc-string-doubling",
        'x = "a"; while (true) { x = x + x; }',
        "LimitError",
        limits=SMALL,
        message="max_string",
    ),
    Attack(
        "alloc-array-doubling",
        "x = [0]; while (true) { x = x + x; }",
        "LimitError",
        limits=SMALL,
        message="max_array",
    ),
    Attack("alloc-join-huge", 'a = [1] * 60000; s = a.join(", ");', "LimitError", limits=SMALL),
    Attack(
        "alloc-join-repeated-values",
        'big = [1] * 30000; s = [big, big, big, big, big].join("");',
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-str-join-repeated-values",
        'big = [1] * 30000; s = "".join([big, big, big, big, big]);',
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-print-repeated-values",
        "big = [1] * 30000; print(big, big, big, big, big);",
        "LimitError",
        limits=SMALL,
        stdout=None,
    ),
    Attack(
        "alloc-str-big-int",
        "x = 1; for (i in range(1200)) { x = x * 10; } s = str(x);",
        "LimitError",
        limits=SMALL,
        message="max_int_digits",
    ),
    Attack("alloc-int-text", 'x = int("9" * 5000);', "LimitError", limits=SMALL),
    Attack(
        "alloc-dag-print",
        "a = [1]; for (i in range(64)) { a = [a, a]; } print(a);",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-dag-return",
        "a = [1]; for (i in range(64)) { a = [a, a]; } result = a;",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-dag-str",
        "a = [1]; for (i in range(64)) { a = [a, a]; } s = str(a);",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-dag-equal",
        "a = [1]; b = [1]; for (i in range(40)) { a = [a, a]; b = [b, b]; } result = a == b;",
        None,
        True,
        limits=SMALL,
    ),
    Attack(
        "alloc-deep-print",
        "a = []; for (i in range(10000)) { a = [a]; } print(a);",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-deep-return",
        "a = []; for (i in range(10000)) { a = [a]; } result = a;",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-deep-equal",
        "a = []; b = []; for (i in range(10000)) { a = [a]; b = [b]; } result = a == b;",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-deep-order",
        "a = []; b = []; for (i in range(10000)) { a = [a]; b = [b]; } result = a < b;",
        "LimitError",
        limits=SMALL,
    ),
    Attack(
        "alloc-deep-sort",
        "a = []; b = []; for (i in range(10000)) { a = [a]; b = [b]; } x = sorted([a, b]);",
        "LimitError",
        limits=SMALL,
    ),
    Attack("alloc-cycle-return", "x = [1]; x.push(x); result = x;", "LimitError"),
    Attack(
        "alloc-object-keys",
        'x = {}; for (i in range(1000000)) { x["k" + i] = i; }',
        "LimitError",
        limits=SMALL,
    ),
    Attack("alloc-center", 'x = "ab".center(1000000000);', "LimitError", limits=SMALL),
    Attack("alloc-pad-start", 'x = "ab".padStart(1000000000, "xy");', "LimitError", limits=SMALL),
    Attack("alloc-replace", 'x = ("a" * 1000).replace("a", "b" * 1000);', "LimitError", limits=SMALL),
    Attack("alloc-upper-grows", 'x = ("ß" * 60000).upper();', "LimitError", limits=SMALL),
    Attack("alloc-hex-huge", "x = 2; while (true) { x = x * x; h = hex(x); }", "LimitError", limits=SMALL),
    Attack(
        "alloc-insert-huge-index",
        "a = [1]; a.insert(1000000000000000000000000000000, 2);"
        " a.insert(-1000000000000000000000000000000, 0); result = a;",
        None,
        [0, 1, 2],
    ),
    Attack(
        "alloc-split-huge-count",
        'result = ["a b c".split(" ", 1000000000000000000000000000000), "a b".split(" ", '
        "-1000000000000000000000000000000)];",
        None,
        [["a", "b", "c"], ["a", "b"]],
    ),
    Attack(
        "alloc-center-negative-huge",
        'result = "ab".center(-1000000000000000000000000000000) + '
        '"cd".rjust(-1000000000000000000000000000000);',
        None,
        "abcd",
    ),
]

# -- recursion is a LimitError, never a crash -----------------------------------------------------

RECURSION = [
    Attack(
        "recursion-direct",
        "function f(n) { return f(n + 1); } result = f(0);",
        "LimitError",
        message="max_depth",
    ),
    Attack("recursion-arrow", "f = fn(n) => f(n + 1); result = f(0);", "LimitError", message="max_depth"),
    Attack(
        "recursion-mutual",
        "function a(n) { return b(n); } function b(n) { return a(n); } result = a(0);",
        "LimitError",
    ),
    Attack("recursion-through-map", "function f(x) { return [x].map(f); } result = f(1);", "LimitError"),
    Attack("recursion-through-call", "function f() { return call(f); } result = f();", "LimitError"),
    Attack(
        "recursion-through-reduce",
        "function f(a, b) { return [1, 2].reduce(f); } result = f(1, 2);",
        "LimitError",
    ),
    Attack(
        "recursion-in-except",
        "function f(n) { try { f(n + 1); } except (e) { f(n + 1); } } result = f(0);",
        "LimitError",
    ),
    Attack(
        "recursion-budget-cannot-reset",
        "n = 0; while (true) { n = 0; }",
        "LimitError",
        limits=SMALL,
        message="max_steps",
    ),
]

# -- ast / unparse injection: strings stay data ----------------------------------------------------

INJECTION = [
    Attack(
        "inject-key-newline",
        "x = {\"a\\n__import__('os').system('touch SENTINEL')\": 1}; result = keys(x)[0];",
        None,
        ANY,
    ),
    Attack(
        "inject-string-quotes",
        "x = \"'); __import__('os').system('touch SENTINEL'); ('\"; result = x.length > 0;",
        None,
        True,
    ),
    Attack(
        "inject-triple-quotes",
        'x = "\\"\\"\\" + __import__(\'os\').system(\'touch SENTINEL\') + \\"\\"\\""; result = typeof(x);',
        None,
        "string",
    ),
    Attack(
        "inject-member-via-getattr",
        "x = getattr({}, \"a; __import__('os').system('touch SENTINEL')\", 0); result = x;",
        None,
        0,
    ),
    Attack(
        "inject-comment",
        "/* \"; __import__('os').system('touch SENTINEL') */ result = 1; // '); open('SENTINEL', 'w')",
        None,
        1,
    ),
    Attack("inject-nul-key", 'x = {"a\\0b": 1}; result = x["a\\0b"];', None, 1),
    Attack(
        "inject-print-payload", "print(\"__import__('os').system('touch SENTINEL')\");", None, stdout=None
    ),
]

ATTACKS = (
    MEMBER_ACCESS
    + INDEXING
    + DYNAMIC
    + BUILT_NAMES
    + FORMATS
    + REPRS
    + EXCEPTIONS
    + VALUES
    + HOST_FUNCTIONS
    + MODULES
    + ABI
    + NAMES
    + IMPORTS
    + CAPABILITIES
    + LIMITS
    + ALLOCATIONS
    + RECURSION
    + INJECTION
)


@pytest.mark.parametrize("attack", params(ATTACKS))
def test_escape_refused(attack: Attack, sentinel: Path) -> None:
    run_attack(attack, sentinel)


def test_the_table_is_large() -> None:
    assert len(ATTACKS) >= 100


def test_every_abi_name_is_refused_as_an_identifier(sentinel: Path) -> None:
    """No runtime name can be spelled in ML, whatever it is used as (§1.3)."""
    for name in sorted(ABI_NAMES):
        for code in (
            f"result = {name};",
            f"{name} = 1;",
            f"x = {{}}; x.{name} = 1;",
            f"function {name}() {{}}",
        ):
            run_attack(Attack(name, code, "SecurityError"), sentinel)


def test_strict_mode_refuses_reach_and_lists_every_position() -> None:
    import mlpy

    result = mlpy.run(
        'x = getattr({}, "a"); y = "__x"; z = hasattr; w = {"__k": call};', strict_security=True
    )
    assert result.error_type == "SecurityError"
    assert len(result.errors) == 5
    assert [e["column"] for e in result.errors] == sorted(e["column"] for e in result.errors)


@pytest.mark.parametrize(
    "code",
    [
        'x = "\\x5f_class";',
        "x = '\\u{5f}\\u{5f}globals';",
        'x = {"__k": 1};',
        "x = getattr;",
        'capability X { resource "__x"; allow read; }',
    ],
    ids=["hex-escape", "unicode-escape", "object-key", "bare-getattr", "capability-resource"],
)
def test_strict_mode_sees_through_escapes(code: str) -> None:
    import mlpy

    result = mlpy.run(code, strict_security=True, capabilities={"file.read": ["."]})
    assert result.error_type == "SecurityError", result.error


# -- §7.1: nothing a script does changes the host's objects -------------------------------------


def _host_context() -> dict[str, Any]:
    return {
        "data": {"a": 1, "list": [1, 2], "nested": {"deep": {"x": 0}}},
        "arr": [1, [2, 3], {"k": "v"}],
        "pair": (1, 2),
        "text": "abc",
    }


MUTATIONS = [
    "data.a = 99; data.list.push(3); data.nested.deep.x = 1; data.extra = {}; result = 1;",
    'arr.push(1); arr[0] = "x"; arr[1].clear(); arr[2].k = "changed"; arr.reverse(); result = 1;',
    'data.list.sort(); data.nested.deep.delete("x"); data.nested.update({y: 2}); result = 1;',
    "pair.push(3); pair[0] = 5; result = pair;",
    "d = data; d.a = 5; n = data.nested; n.deep = null; result = data;",
    'arr.clear(); data.list.pop(); data.nested.deep.set("x", [1]); result = [arr, data];',
]


@pytest.mark.parametrize("code", MUTATIONS, ids=[f"mutate-{i}" for i in range(len(MUTATIONS))])
def test_context_mutation_never_reaches_the_host(code: str) -> None:
    import mlpy

    context = _host_context()
    pristine = _host_context()
    result = mlpy.run(code, context)
    assert result.success, result.error
    assert context == pristine
    again = mlpy.run("result = [data, arr, pair, text];", context)
    assert again.value == [pristine["data"], pristine["arr"], [1, 2], "abc"]


def test_context_shared_values_are_never_the_hosts() -> None:
    import mlpy

    shared = [1, 2]
    context = {"a": shared, "b": {"x": shared, "y": shared}}
    result = mlpy.run("a.push(3); b.x.push(4); result = [a, b.y];", context)
    assert result.value == [[1, 2, 3], [1, 2, 4]]  # sharing is kept inside one value's copy
    assert shared == [1, 2] and context == {"a": [1, 2], "b": {"x": [1, 2], "y": [1, 2]}}


def test_result_is_a_copy_of_the_context() -> None:
    import mlpy

    context = _host_context()
    result = mlpy.run("result = data;", context)
    assert result.value == context["data"] and result.value is not context["data"]
    result.value["a"] = "host edits its result"
    assert context["data"]["a"] == 1


def test_host_function_gets_copies_both_ways() -> None:
    import mlpy

    kept: list[Any] = []

    def keep(value: Any) -> Any:
        kept.append(value)
        value.append("host")  # the host mutates what it was given...
        return value

    result = mlpy.run(
        "a = [1]; b = keep(a); a.push(2); b.push(3); result = [a, b, keep(a)];", functions={"keep": keep}
    )
    assert result.success, result.error
    assert result.value == [[1, 2], [1, "host", 3], [1, 2, "host"]]  # ...which the script never sees
    assert kept[0] == [1, "host"]  # and the script's later pushes never reach the host


@pytest.mark.parametrize(
    ("context", "functions"),
    [
        ({"__ml_getattr": 1}, None),
        ({"__builtins__": {}}, None),
        ({"__class__": 1}, None),
        ({"a b": 1}, None),
        ({"ok": object()}, None),
        ({"ok": print}, None),
        ({"ok": {1: "int key"}}, None),
        ({"ok": {"x": {1, 2}}}, None),
        (None, {"__ml_call": print}),
        (None, {"__import__": __import__}),
        (None, {"not an identifier": print}),
    ],
    ids=[
        "ctx-abi-name",
        "ctx-builtins",
        "ctx-dunder",
        "ctx-not-identifier",
        "ctx-python-object",
        "ctx-python-function",
        "ctx-int-key",
        "ctx-set",
        "fn-abi-name",
        "fn-dunder",
        "fn-not-identifier",
    ],
)
def test_host_boundary_refuses_bad_values(context: Any, functions: Any) -> None:
    """A hostile context or function name is the host's error (§7.1), raised before any run."""
    import mlpy

    with pytest.raises((TypeError, ValueError)):
        mlpy.run("result = 1;", context, functions=functions)


# -- host streams and environment ------------------------------------------------------------------


def test_no_script_reads_host_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import mlpy

    stdin = io.StringIO("secret line\n")
    monkeypatch.setattr("sys.stdin", stdin)
    for code in ("result = input();", 'result = input("> ");', "import console; result = console.read();"):
        result = mlpy.run(code)
        assert not result.success
    assert stdin.tell() == 0


def test_print_never_writes_to_host_streams(capsys: pytest.CaptureFixture[str]) -> None:
    import mlpy

    result = mlpy.run(
        'print("to the call"); import console; console.error("err"); import log; log.critical("c");'
    )
    assert result.success, result.error
    assert "to the call" in result.stdout
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_environment_needs_a_grant(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlpy

    monkeypatch.setenv("MLPY_SECURITY_TEST_SECRET", "s3cret")
    denied = mlpy.run('import env; result = env.get("MLPY_SECURITY_TEST_SECRET");')
    assert denied.error_type == "SecurityError"
    other = mlpy.run(
        'import env; result = env.get("MLPY_SECURITY_TEST_SECRET");', capabilities={"env": ["HOME"]}
    )
    assert other.error_type == "SecurityError"
    assert "s3cret" not in f"{denied} {other}"
    assert mlpy.run("result = env;").error_type == "NameError"


def test_file_access_stays_inside_the_grant(tmp_path: Path) -> None:
    import mlpy

    granted = tmp_path / "data"
    granted.mkdir()
    (granted / "ok.txt").write_text("fine")
    (tmp_path / "secret.txt").write_text("secret")
    (granted / "link.txt").symlink_to(tmp_path / "secret.txt")
    grants = {"file.read": [str(granted)]}
    assert mlpy.run('import file; result = file.read("ok.txt");', capabilities=grants).value == "fine"
    for path in [
        "../secret.txt",
        str(tmp_path / "secret.txt"),
        "link.txt",
        "/etc/passwd",
        "ok.txt\\0../../secret.txt",
    ]:
        result = mlpy.run(f'import file; result = file.read("{path}");', capabilities=grants)
        assert not result.success and "secret" not in repr(result.value), path
        assert result.error_type in ("SecurityError", "ValueError"), result.error
    wrote = mlpy.run('import file; file.write("new.txt", "x");', capabilities=grants)
    assert wrote.error_type == "SecurityError"
    assert not (granted / "new.txt").exists()


def test_swallowing_a_refused_file_access_has_no_effect(tmp_path: Path) -> None:
    import mlpy

    (tmp_path / "secret.txt").write_text("secret")
    code = (
        'import file; function f() { try { return file.read("../secret.txt"); } finally { return "x"; } }'
        " result = f();"
    )
    granted = tmp_path / "data"
    granted.mkdir()
    result = mlpy.run(code, capabilities={"file.read": [str(granted)]})
    assert "secret" not in repr(result.value) and "secret" not in result.stdout


# -- Module values expose their members only -------------------------------------------------------


def test_module_values_expose_only_their_members() -> None:
    from mlpy.errors import MLTypeError
    from mlpy.runtime import member
    from mlpy.runtime.builtins import BUILTINS
    from mlpy.runtime.format import to_str
    from mlpy.runtime.limits import Limits
    from mlpy.runtime.state import CURRENT, CallState
    from mlpy.runtime.values import Builtin, Module, typeof

    token = CURRENT.set(CallState(Limits()))
    try:
        fn = Builtin(lambda x: x, "m.f")
        module = Module("m", {"f": fn, "k": 1})
        assert member.get_member(module, "f") is fn and member.get_member(module, "k") == 1
        for name in [
            "__dict__",
            "__class__",
            "members",
            "name",
            "__init__",
            "ml_str",
            "type_name",
            "__slots__",
        ]:
            with pytest.raises(MLTypeError):
                member.get_member(module, name)
            with pytest.raises(MLTypeError):
                member.call_method(module, name)
            assert not member.has_member(module, name)
            assert BUILTINS["getattr"](module, name, "dflt") == "dflt"
        with pytest.raises(MLTypeError):
            member.set_member(module, "k", 2)
        with pytest.raises(MLTypeError):
            member.get_item(module, "k")
        with pytest.raises(MLTypeError):
            member.iterate(module)
        assert typeof(module) == "module" and to_str(module) == "<module m>"
        assert module.members["k"] == 1
    finally:
        CURRENT.reset(token)


# -- §8: a call past its deadline stops; work between budget checks is bounded --------------------


class _Clock:
    """A host function ``tick()`` that stamps each loop iteration, and gives up (so the test
    ends quickly) once the script has run ``patience`` iterations past its deadline."""

    def __init__(self, timeout: float, patience: int = 20) -> None:
        self.timeout = timeout
        self.patience = patience
        self.deadline = 0.0
        self.late = 0

    def start(self) -> None:
        import time

        self.deadline = time.monotonic() + self.timeout

    def tick(self) -> None:
        import time

        if time.monotonic() > self.deadline:
            self.late += 1
            if self.late > self.patience:
                raise RuntimeError("the script ran on long past its deadline")


def _run_late(setup: str, op: str, *, watchdog: bool, timeout: float = 0.3) -> tuple[Any, _Clock]:
    """Run a loop of ``op``: through `mlpy.run` (a watchdog cancels the call at its deadline), or
    with ``watchdog=False`` in this thread with nothing but the script's own budget checks."""
    import mlpy
    from mlpy.compiler.program import compile_ml
    from mlpy.runtime.limits import Limits
    from mlpy.runtime.run import run_program
    from mlpy.runtime.state import CallState

    code = f"{setup} while (true) {{ x = {op}; tick(); }}"
    program = compile_ml(code)  # compile (and build the parser) before the clock starts
    clock = _Clock(timeout)
    functions = {"tick": clock.tick}
    clock.start()
    if watchdog:
        return mlpy.run(code, timeout=timeout, functions=functions), clock
    limits = Limits(timeout=timeout)
    return run_program(program, limits=limits, state=CallState(limits), functions=functions), clock


_BIG = (
    'big = [1] * 300000; other = [1] * 300000; s = "ab " * 1000000; o = {};'
    ' for (i in range(5000)) { o["k" + i] = i; }'
)


@pytest.mark.parametrize(
    "op",
    [
        "big.copy()",
        "sorted(big)",
        "big.count(2)",
        "big == other",
        "big < other",
        "s.upper()",
        "s.split()",
        "big.slice(1)",
        "big[1:]",
        "reversed(big)",
        "keys(o)",
        "str(big)",
        "max(big)",
        "big.join()",
    ],
)
def test_large_operations_in_a_loop_stop_at_the_deadline(op: str) -> None:
    """The generated code looks at the clock once per 1024 budget steps; an operation on a value
    larger than a few thousand elements checks the deadline itself (`check_deadline`), so even
    without a watchdog a loop of them stops within an iteration or two of the timeout instead of
    ~1000 iterations (here: seconds, with 10 million elements minutes) later."""
    result, clock = _run_late(_BIG, op, watchdog=False)
    assert result.error_type == "TimeoutError", result.error
    assert clock.late <= 5


@pytest.mark.parametrize("op", ["sorted(a)", "sorted(a + a)"])
def test_medium_operations_in_a_loop_stop_at_the_deadline(op: str) -> None:
    """Below the size thresholds an operation does not look at the clock, but a loop of 40 ms
    steps must still stop at its deadline: `mlpy.run`'s watchdog cancels the call."""
    setup = "a = []; for (i in range(4000)) { a.push([i % 97, i]); }"
    result, clock = _run_late(setup, op, watchdog=True)
    assert result.error_type == "TimeoutError", result.error
    assert clock.late <= 5


def test_medium_operations_stop_at_the_deadline_in_the_executor() -> None:
    """The executor cancels a call at its deadline, which forces the very next budget check."""
    import asyncio
    import time

    executor = pytest.importorskip("mlpy.executor")
    setup = "a = []; for (i in range(4000)) { a.push([i % 97, i]); }"
    clock = _Clock(0.3)

    async def main() -> Any:
        async with executor.AsyncMLExecutor(max_workers=1, functions={"tick": clock.tick}) as ex:
            clock.start()
            result = await ex.execute(f"{setup} while (true) {{ x = sorted(a); tick(); }}", timeout=0.3)
            for _ in range(100):  # the worker finishes its current sort, then stops
                if ex.stats()["busy"] == 0:
                    break
                await asyncio.sleep(0.05)
            return result

    result = asyncio.run(main())
    assert result.error_type == "TimeoutError"
    time.sleep(0.1)
    assert clock.late <= 5


def _peak_bytes(code: str) -> tuple[Any, int]:
    import tracemalloc

    import mlpy
    from tests.security.support import SMALL

    mlpy.run(code, limits=SMALL)  # warm up: compile and cache outside the measurement
    tracemalloc.start()
    try:
        result = mlpy.run(code, limits=SMALL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.mark.parametrize(
    "code",
    [
        'big = [1] * 30000; many = [big] * 200; s = many.join("");',
        'big = [1] * 30000; many = [big] * 200; s = "".join(many);',
        "big = [1] * 30000; print(" + ", ".join(["big"] * 60) + ");",
    ],
    ids=["array-join", "string-join", "print"],
)
def test_size_caps_are_checked_while_building_not_after(code: str) -> None:
    """``max_string``/``max_output`` refuse a join or print of the same large value named many
    times before all of its copies have been formatted (each one is up to ``max_string``)."""
    result, peak = _peak_bytes(code)
    assert result.error_type == "LimitError"
    assert peak < 5_000_000, f"{peak} bytes allocated before the cap was enforced"


def test_deep_recursion_on_a_small_thread_stack_is_a_limit_not_a_crash() -> None:
    """Recursion through builtins (``call``, ``map``) re-enters the interpreter in C: called from
    a host thread with a small stack (musl: 128 KiB, macOS: 512 KiB) it must still end as a
    LimitError, never take the process down."""
    import subprocess
    import sys

    program = (
        "import threading, mlpy\n"
        "out = []\n"
        "def go():\n"
        "    for code in ['function f() { return call(f); } result = f();',\n"
        "                 'function f(x) { return [x].map(f); } result = f(1);']:\n"
        "        out.append(mlpy.run(code).error_type)\n"
        "threading.stack_size(256 * 1024)\n"
        "t = threading.Thread(target=go); t.start(); t.join()\n"
        "print(out)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"the process died with {done.returncode}"
    assert done.stdout.strip() == "['LimitError', 'LimitError']"


_SLOW_TO_COMPILE = "x = [1, 2]; " * 20_000  # 240 KB, well under the 1 MB source limit: ~3 s to parse


def test_compiling_counts_toward_the_timeout() -> None:
    import time

    import mlpy

    started = time.monotonic()
    result = mlpy.run(_SLOW_TO_COMPILE + " result = 1;", timeout=0.5)  # (not cached elsewhere)
    assert result.error_type == "TimeoutError"
    assert time.monotonic() - started < 2.0


def test_compiling_does_not_hold_a_worker_past_the_deadline() -> None:
    import asyncio
    import time

    executor = pytest.importorskip("mlpy.executor")

    async def main() -> float:
        async with executor.AsyncMLExecutor(max_workers=1) as ex:
            started = time.monotonic()
            slow = await ex.execute(_SLOW_TO_COMPILE + " result = 3;", timeout=0.5)  # not cached
            assert slow.error_type == "TimeoutError"
            after = await ex.execute("result = 2;", timeout=10)
            assert after.value == 2
            return time.monotonic() - started

    assert asyncio.run(main()) < 1.5


_SWALLOWED_STOPS = {
    "steps": "function f() { try { while (true) {} } finally { return 1; } }",
    "string": 'function f() { try { x = "a" * 1000000000; } finally { return 1; } }',
    "depth": "function f() { try { f(); } finally { return 1; } }",
    "output": 'function f() { try { while (true) { print("xxxxxxxxxx"); } } finally { return 1; } }',
}


@pytest.mark.parametrize("kind", list(_SWALLOWED_STOPS))
def test_no_host_call_after_a_swallowed_stop(kind: str) -> None:
    import mlpy
    from tests.security.support import SMALL

    calls: list[Any] = []
    code = f"{_SWALLOWED_STOPS[kind]} f(); effect(1); effect(2);"
    result = mlpy.run(code, limits=SMALL, functions={"effect": calls.append})
    assert result.error_type == "LimitError", result.error
    assert calls == [], "a host function ran after the call was stopped"


@pytest.mark.parametrize(
    "call",
    [
        'json.parse("[" * 1000 + "]" * 1000)',
        "json.stringify(dag)",
        'regex.test("a", "a" * 2000000)',
    ],
    ids=["json-parse-nesting", "json-stringify-size", "regex-input-size"],
)
def test_module_limits_cannot_be_swallowed(call: str) -> None:
    import mlpy

    code = (
        "import json; import regex; dag = [1]; for (i in range(40)) { dag = [dag, dag]; } "
        f"function f() {{ try {{ x = {call}; }} finally {{ return 1; }} }} result = f();"
    )
    assert mlpy.run(code).error_type == "LimitError"


@pytest.mark.parametrize(
    "kind", ["Overloaded", "Cancelled", "TimeoutError", "LimitError", "SecurityError", "SyntaxError"]
)
def test_a_thrown_value_cannot_impersonate_a_host_outcome(kind: str) -> None:
    import mlpy

    result = mlpy.run(f'throw {{type: "{kind}", message: "spoofed"}};')
    assert not result.success
    assert result.error_type != kind
