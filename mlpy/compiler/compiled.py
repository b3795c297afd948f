"""`Program`: a compiled ML program, as plain records the runtime can use without the front end.

Layer 2 (compiler): imports only the standard library and `mlpy.source`; never `mlpy.language`
(nor lark), so the runtime, which reads a `Program`, stands without the front end.

A `Program` holds the Python code object and plain records of what it needs from its host:
the modules it imports and its capability declarations (§2.9), each with its ML position.
It holds no AST node of the ML front end and no per-call state, so one can be shared by
every thread (Starlark's ``Program``).
"""

from __future__ import annotations

import ast as py
import enum
from dataclasses import dataclass
from types import CodeType

from mlpy.source import Span

__all__ = ["CapabilityNeed", "ImportNeed", "Permission", "PermissionNeed", "Program"]


class Permission(enum.StrEnum):
    """What an ``allow`` line of a capability declaration asks for (§2.9)."""

    READ = "read"
    WRITE = "write"
    NETWORK = "network"
    SYSTEM = "system"
    EXECUTE = "execute"


@dataclass(frozen=True, slots=True)
class ImportNeed:
    """``import a.b;``: the dotted module name and where the import is written."""

    module: str
    span: Span


@dataclass(frozen=True, slots=True)
class PermissionNeed:
    """``allow read;`` or ``allow network "host";``: the permission, its target if named, where."""

    permission: Permission
    target: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class CapabilityNeed:
    """``capability Name { resource "..."; allow ...; }``: what one declaration asks for."""

    name: str
    #: the ``resource`` globs, the targets of an ``allow`` that names none
    resources: tuple[str, ...]
    allows: tuple[PermissionNeed, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Program:
    """A checked, compiled ML program: shareable, immutable, reusable across calls."""

    #: the ML file name shown in errors ("main" unless the host names it)
    name: str
    #: SHA-256 of the source
    digest: str
    #: the compiled Python code object
    code: CodeType
    #: the generated Python module (for `transpile` and tools)
    module: py.Module
    #: modules the program imports, in source order
    imports: tuple[ImportNeed, ...]
    #: the program's capability declarations (§2.9), in source order
    capabilities: tuple[CapabilityNeed, ...]
    #: whether strict mode (§9) checked it
    strict: bool
    #: seconds the compile that built it took (a call that fetches it from the cache reports ~0)
    transpile_time: float

    @property
    def python_source(self) -> str:
        """The generated Python, readable (``ast.unparse``)."""
        return py.unparse(self.module)
