"""Shared pieces of the security tests: the attack record, the runner, and the leak check.

Every attack is checked for two things:

* **refusal**: the script fails with the expected ML ``error_type`` (``SecurityError``,
  ``TypeError``, ``NameError``, ``LimitError``...) or, where §3.9 says so, gets a harmless value
  such as ``null``;
* **no effect**: nothing of the host changed (the autouse fixture in ``conftest.py`` compares
  the shared runtime tables, the environment and the working directory before and after every
  test; a sentinel file that an escaped payload would create must not exist), and no Python
  internals leaked into the result's ``value``, ``error`` or ``stdout`` (`assert_no_leak`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy import Limits, MLResult

__all__ = ["ANY", "SMALL", "Attack", "assert_no_leak", "params", "run_attack"]


class _Any:
    """Marks an expected value that is not checked."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()

#: tight limits, so attacks on the size caps fail fast and small
SMALL = Limits(
    timeout=5.0,
    max_steps=2_000_000,
    max_depth=100,
    max_string=100_000,
    max_array=100_000,
    max_int_bits=20_000,
    max_int_digits=1_000,
    max_output=10_000,
    max_nesting=50,
    max_visit=200_000,
)

#: text that only Python internals (never an ML value or message) would put in a result
_LEAK = re.compile(
    r"0x[0-9a-fA-F]{6,}"  # an address
    r"|<class |<function \S+ at |<built-in|<bound method|<module '|<method-wrapper|<frame|<code "
    r"|Traceback|File \"|\.py\b|site-packages|mlpy\.|mlpy/"
    r"|\bBuiltin\b|BoundMethod|MLIterator|NoneType|builtin_function|method_descriptor"
    r"|ssize_t|\bPython\b|__ml_|__builtins__"
)


def assert_no_leak(result: MLResult, code: str, echo: tuple[str, ...] = ()) -> None:
    """No Python internals in ``result``: no addresses, reprs, tracebacks, module paths, Python
    type names, and no ``__`` name except those the script itself wrote (an error message may
    quote the script's own ``__class__``) or listed in ``echo`` (names the script built at run
    time, which a message may quote back)."""
    # the check pass explains its refusal with "names starting with '__' are reserved"
    own = set(re.findall(r"\w*__\w*", code)) | set(echo) | {"'__'"}
    for what, text in (
        ("error", result.error or ""),
        ("stdout", result.stdout),
        ("value", repr(result.value)),
    ):
        scrubbed = text
        for token in sorted(own, key=len, reverse=True):
            scrubbed = scrubbed.replace(token, "")
        assert "__" not in scrubbed, f"{what} leaks a '__' name: {text[:300]!r}"
        leak = _LEAK.search(scrubbed)
        assert leak is None, f"{what} leaks Python internals ({leak.group()!r}): {text[:300]!r}"


@dataclass(frozen=True)
class Attack:
    """One escape attempt: an ML program and how it must be refused."""

    id: str
    code: str
    #: the expected ``error_type``; None means the script must succeed (harmlessly)
    error: str | None
    #: the expected value when it succeeds (`ANY`: not checked)
    value: Any = ANY
    #: the expected stdout (None: not checked)
    stdout: str | None = ""
    limits: Limits | None = None
    strict: bool = False
    context: Mapping[str, Any] | None = None
    capabilities: Mapping[str, list[str]] | None = None
    functions: Mapping[str, Callable[..., Any]] | None = None
    timeout: float | None = None
    #: names built at run time that the error may quote back
    echo: tuple[str, ...] = ()
    #: a substring the error message must contain (naming the limit, the name...)
    message: str | None = None
    marks: tuple[Any, ...] = field(default=())


def params(attacks: list[Attack]) -> list[Any]:
    """``pytest.param`` for each attack, with its id and marks; ids must be unique."""
    ids = [a.id for a in attacks]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate attack ids: {sorted(duplicates)}"
    return [pytest.param(a, id=a.id, marks=a.marks) for a in attacks]


def run_attack(attack: Attack, sentinel: Path) -> MLResult:
    """Run ``attack`` (``SENTINEL`` in its code is replaced by the sentinel file's path) and
    check refusal and no effect."""
    code = attack.code.replace("SENTINEL", sentinel.as_posix())
    result = mlpy.run(
        code,
        attack.context,
        timeout=attack.timeout,
        strict_security=attack.strict,
        limits=attack.limits,
        functions=attack.functions,
        capabilities=attack.capabilities,
    )
    if attack.error is None:
        assert result.success, f"expected success, got {result.error}"
        if attack.value is not ANY:
            assert result.value == attack.value
    else:
        assert not result.success, f"expected {attack.error}, but it succeeded with {result.value!r}"
        assert result.error_type == attack.error, result.error
        assert result.value is None
    if attack.message is not None:
        assert attack.message in (result.error or ""), result.error
    if attack.stdout is not None:
        assert result.stdout == attack.stdout
    assert_no_leak(result, code, attack.echo)
    assert not sentinel.exists(), "the payload ran: the sentinel file was created"
    return result
