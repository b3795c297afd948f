"""Each layer imports only itself and the layers below it (STYLE.md §3.2, Starlark's TestDeps)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "mlpy"
#: module prefix -> layer; the longest matching prefix wins
LAYERS = {
    "mlpy.source": 0, "mlpy.errors": 0, "mlpy.deadline": 0,
    "mlpy.language": 1,
    "mlpy.compiler": 2,
    "mlpy.runtime": 3, "mlpy.modules": 3,
    "mlpy.api": 4, "mlpy.executor": 4, "mlpy.integration": 4, "mlpy": 4,  # mlpy/__init__.py re-exports 0-4
    "mlpy.jobs": 5,
    "mlpy.server": 6,
    "mlpy.cli": 7, "mlpy.__main__": 7, "mlpy.repl": 7,
}  # fmt: skip
#: third-party packages only one part of mlpy may import
OWNERS = {"lark": "mlpy.language", "fastapi": "mlpy.server"}


def layer(module: str) -> int:
    return LAYERS[max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)]


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
                if target not in ("mlpy.compiler", "mlpy.compiler.abi", "mlpy.compiler.program"):
                    problems.append(f"{module} imports {target}: only compiler.abi and compiler.program")
            owner = OWNERS.get(top)
            if owner and not (module == owner or module.startswith(owner + ".")):
                problems.append(f"{module} imports {top}, which only {owner} may import")
    assert problems == []


def test_every_module_has_a_layer() -> None:
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts) for p in PACKAGE.rglob("*.py")}
    assert all(layer(m) >= 0 for m in modules)
    assert layer("mlpy.runtime.run") == 3 and layer("mlpy") == 4 and layer("mlpy.server.app") == 6
