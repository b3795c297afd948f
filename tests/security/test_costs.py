"""Every callable a script can reach states its cost bound (issue 12, "make it stay fixed").

The registry `mlpy.runtime.costs.COSTS` must list every builtin, every method of strings,
arrays and objects, every function of every standard module and every method of every opaque
value those modules make, exactly once and nothing else; docs/security.md must show the table
generated from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mlpy.runtime import builtins, methods
from mlpy.runtime.costs import COSTS, Bound, render_table
from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.stdlib import NAMES, load
from mlpy.runtime.values import Opaque

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _opaque_types(base: type) -> Iterator[type]:
    for sub in base.__subclasses__():
        if sub.__module__.startswith("mlpy."):  # not the test suites' own host types
            yield sub
        yield from _opaque_types(sub)


def _reachable(tmp_path: Path) -> set[str]:
    """'owner name' of every callable ML can reach, with every module granted."""
    grants = {"file.read": [str(tmp_path)], "file.write": [str(tmp_path)], "http": ["example.com"]}
    grants |= {"env": ["HOME"], "args": ["script.ml"]}
    state = CallState(Limits(), capabilities=grants)
    token = CURRENT.set(state)
    try:
        names = {f"builtins {n}" for n in builtins.BUILTINS}
        for owner, table in (
            ("string methods", methods.STRING_METHODS),
            ("array methods", methods.ARRAY_METHODS),
            ("object methods", methods.OBJECT_METHODS),
        ):
            names |= {f"{owner} {n}" for n in table}
        for module in NAMES:
            members = load(module, state).members
            names |= {f"{module} {n}" for n, v in members.items() if callable(v)}
        for cls in _opaque_types(Opaque):
            names |= {f"{cls.type_name} methods {n}" for n in getattr(cls, "ml_methods", {})}
    finally:
        CURRENT.reset(token)
    return names


def test_every_reachable_callable_has_a_cost_bound(tmp_path: Path) -> None:
    reachable = _reachable(tmp_path)
    missing = sorted(reachable - COSTS.keys())
    assert not missing, f"state the cost bound of these in mlpy/runtime/costs.py: {missing}"


def test_the_registry_lists_nothing_that_does_not_exist(tmp_path: Path) -> None:
    stale = sorted(COSTS.keys() - _reachable(tmp_path))
    assert not stale, f"no such callable (remove from mlpy/runtime/costs.py): {stale}"


def test_each_name_is_listed_once() -> None:
    from mlpy.runtime import costs

    listed = [
        f"{owner} {name}"
        for owner, bounds in costs._TABLE.items()
        for names in bounds.values()
        for name in names.split()
    ]
    twice = sorted({n for n in listed if listed.count(n) > 1})
    assert not twice, f"listed under two bounds: {twice}"


def test_every_bound_is_used_and_explained() -> None:
    assert set(COSTS.values()) == set(Bound)
    assert all(len(bound.value) > 40 for bound in Bound)


def test_docs_security_shows_the_generated_table() -> None:
    text = DOC.read_text("utf-8")
    start = text.index("<!-- costs table: generated from mlpy/runtime/costs.py -->\n")
    end = text.index("<!-- end of the costs table -->")
    shown = text[start:end].split("\n", 1)[1]
    assert shown == render_table(), "docs/security.md is out of date: regenerate the costs table"
