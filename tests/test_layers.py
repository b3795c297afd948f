"""Each layer imports only itself and the layers below it (STYLE.md §3.2, Starlark's TestDeps)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "mlpy"
#: module prefix -> layer; the longest matching prefix wins; a module no prefix names fails
LAYERS = {
    "mlpy.source": 0, "mlpy.errors": 0, "mlpy.deadline": 0,
    "mlpy.language": 1,
    "mlpy.compiler": 2,
    "mlpy.runtime": 3,
    "mlpy.call": 4, "mlpy.api": 4, "mlpy.executor": 4, "mlpy.integration": 4,
    "mlpy": 4,  # mlpy/__init__.py only: re-exports 0-4 (the front end lazily)
    "mlpy.jobs": 5,
    "mlpy.server": 6,
    "mlpy.cli": 7, "mlpy.__main__": 7, "mlpy.repl": 7,
}  # fmt: skip
#: third-party packages only one part of mlpy may import
OWNERS = {"lark": "mlpy.language", "fastapi": "mlpy.server"}


#: what the runtime may import of the compiler: plain records and the generated code's names
RUNTIME_MAY_IMPORT = ("mlpy.compiler", "mlpy.compiler.abi", "mlpy.compiler.compiled")


def layer(module: str) -> int:
    """The layer of ``module``.

    Raises:
        KeyError: no entry of `LAYERS` names it (``mlpy`` itself covers only ``mlpy/__init__``).
    """
    names = [p for p in LAYERS if module == p or (p != "mlpy" and module.startswith(p + "."))]
    if not names:
        raise KeyError(f"{module} is on no layer: add it to LAYERS in tests/test_layers.py")
    return LAYERS[max(names, key=len)]


def modules() -> list[str]:
    """Every module of the package, by dotted name."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def imports(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")}
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:]) if name.startswith("mlpy.") else None
    return rel is not None and ((PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel).is_dir())


def test_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for target in imports(path, module):
            top = target.split(".")[0]
            if top == "mlpy" and layer(target) > layer(module):
                problems.append(f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})")
            if module.startswith("mlpy.runtime") and target.startswith("mlpy.language"):
                problems.append(f"{module} imports {target}: the runtime never uses the front end")
            if module.startswith("mlpy.runtime") and target.startswith("mlpy.compiler"):
                if target not in RUNTIME_MAY_IMPORT:
                    problems.append(f"{module} imports {target}: only {', '.join(RUNTIME_MAY_IMPORT)}")
            owner = OWNERS.get(top)
            if owner and not (module == owner or module.startswith(owner + ".")):
                problems.append(f"{module} imports {top}, which only {owner} may import")
    assert problems == []


def test_every_module_has_a_layer() -> None:
    unlisted = []
    for module in modules():
        try:
            layer(module)
        except KeyError:
            unlisted.append(module)
    assert unlisted == []
    assert layer("mlpy.runtime.run") == 3 and layer("mlpy") == 4 and layer("mlpy.server.app") == 6


def test_an_unlisted_module_is_on_no_layer() -> None:
    """A new top-level module fails the test instead of landing on ``mlpy``'s layer silently."""
    with pytest.raises(KeyError, match="mlpy.newthing is on no layer"):
        layer("mlpy.newthing")
    with pytest.raises(KeyError):
        layer("mlpy.newthing.part")
    assert layer("mlpy.executor.pool") == 4 and layer("mlpy.compiler.compiled") == 2


#: checked in a fresh interpreter: what importing every runtime module loads
_LOADED = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "lark" or m.startswith(("lark.", "mlpy.language")))))
"""


def test_the_runtime_loads_no_front_end() -> None:
    """Importing each runtime module (in a fresh interpreter) loads neither lark nor the language
    layer: a compiled `Program` is plain records, and ``mlpy/__init__`` imports the front end
    lazily. One interpreter per module would only repeat this: if importing all of them loads
    nothing of the front end, neither does importing any one."""
    runtime = [m for m in modules() if m == "mlpy.runtime" or m.startswith("mlpy.runtime.")]
    runtime.append("mlpy.compiler.compiled")
    assert len(runtime) > 20
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, json.dumps(runtime)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_check_above_sees_the_front_end() -> None:
    """The same check does report the front end when a module does load it (it can fail)."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, json.dumps(["mlpy.compiler.program"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert {"lark", "mlpy.language.parser"} <= set(json.loads(done.stdout))
