"""Capabilities (LANGUAGE.md §2.9, §6.2, §7.3): what a host grants and what a program needs.

Layer 3 (runtime): imports the standard library, `mlpy.source` and `mlpy.compiler.compiled`
(plain records: never the front end).

A grant is a mapping such as ``{"file.read": ["data/"], "http": ["api.example.com"],
"env": ["HOME"]}``. A program needs a grant for each host-access module it imports and for
every ``allow`` in its capability declarations; what is not granted is refused before the
program runs, naming what is missing. ``allow execute`` is never granted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from mlpy.compiler.compiled import Permission, Program
from mlpy.source import Span

__all__ = ["GRANT_KINDS", "Grants", "missing", "normalize"]

Grants = Mapping[str, Sequence[str]]

#: every grant name a host may give
GRANT_KINDS = frozenset({"file.read", "file.write", "http", "env", "args"})

#: which grants make importing a host-access module possible (any one of them)
_MODULE_GRANTS = {
    "file": ("file.read", "file.write"),
    "path": ("file.read", "file.write"),
    "http": ("http",),
    "env": ("env",),
    "args": ("args",),
}


def normalize(grants: Grants | None) -> dict[str, list[str]]:
    """Validate a host's grants and copy them into plain lists.

    Raises:
        ValueError: an unknown grant name, or a value that is not a list of strings.
    """
    out: dict[str, list[str]] = {}
    for kind, values in (grants or {}).items():
        if kind not in GRANT_KINDS:
            raise ValueError(f"unknown capability {kind!r} (known: {', '.join(sorted(GRANT_KINDS))})")
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"capability {kind!r} must be a list of strings")
        out[kind] = list(values)
    return out


_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?::[0-9]{1,5})?"
)


def _covers_path(granted: Sequence[str], resource: str) -> bool:
    """True if every path glob ``resource`` names lies inside one of the ``granted`` directories.

    Relative resources and relative grants are both taken relative to the host's working
    directory, so a declaration reads the way it is written. A glob inside a name covers that
    name's siblings too, so it is checked as its parent directory. Nothing with a ``..``
    component or a NUL is ever covered.
    """
    if not granted or "\x00" in resource or ".." in re.split(r"[\\/]", resource):
        return False
    wild = min((i for i, ch in enumerate(resource) if ch in "*?["), default=len(resource))
    literal = resource[:wild]
    if wild < len(resource):  # a glob inside a name covers its siblings too: use the parent
        literal = literal[: literal.rfind("/") + 1]
    bases = [os.path.abspath(g) for g in granted]
    target = os.path.abspath(literal or ".")
    return any(target == b or target.startswith(b.rstrip(os.sep) + os.sep) for b in bases)


def _covers_host(granted: Sequence[str], host: str) -> bool:
    """True if ``host`` (a host name, optionally with a port) is granted exactly or by ``*.domain``."""
    if not _HOST.fullmatch(host):
        return False
    host = host.lower()
    return any(g.lower() == host or (g.startswith("*.") and host.endswith(g[1:].lower())) for g in granted)


def missing(program: Program, grants: Grants) -> list[tuple[str, Span]]:
    """What ``program`` needs that ``grants`` does not give: a message and its ML position each."""
    problems: list[tuple[str, Span]] = []
    for need in program.imports:
        root = need.module.split(".")[0]
        needed = _MODULE_GRANTS.get(root)
        if needed and not any(k in grants for k in needed):
            problems.append((f"import {need.module} needs the capability {' or '.join(needed)}", need.span))
    for decl in program.capabilities:
        for allow in decl.allows:
            found = _missing_allow(decl.name, allow.permission, allow.target, list(decl.resources), grants)
            problems.extend((message, allow.span) for message in found)
    return problems


#: the grant each permission other than ``execute`` needs
_PERMISSION_GRANTS = {
    Permission.READ: "file.read",
    Permission.WRITE: "file.write",
    Permission.NETWORK: "http",
    Permission.SYSTEM: "env",
}


def _missing_allow(
    cap: str, permission: Permission, value: str | None, resources: list[str], grants: Grants
) -> list[str]:
    targets = [value] if value is not None else resources
    if permission is Permission.EXECUTE:
        return [f"capability {cap}: 'allow execute' is never granted"]
    kind = _PERMISSION_GRANTS[permission]
    granted = grants.get(kind, ())
    if not targets:
        return [] if kind in grants else [f"capability {cap}: allow {permission} needs the capability {kind}"]
    out = []
    for t in targets:
        ok = (
            _covers_path(granted, t)
            if kind.startswith("file")
            else _covers_host(granted, t)
            if kind == "http"
            else t in granted or "*" in granted
        )
        if not ok:
            out.append(f"capability {cap}: allow {permission} on {t!r} needs {kind} for it")
    return out
