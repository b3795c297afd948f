"""`Limits`: the budget a host sets for one call (LANGUAGE.md §8).

Layer 3 (runtime): imports only the standard library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one call may use. Every field has a generous default for real scripts.

    Usage::

        Limits()                                   # the defaults
        Limits(timeout=1.0, max_steps=100_000)     # tighter
        Limits().replace(max_output=10_000)        # derive from another

    Raises:
        ValueError: a field is not a positive number.
    """

    #: wall-clock seconds a call may run (the executor's default timeout)
    timeout: float = 5.0
    #: loop iterations plus function calls
    max_steps: int = 50_000_000
    #: nested ML function calls
    max_depth: int = 500
    #: characters in any one string an operation creates
    max_string: int = 10_000_000
    #: elements in any one array (or entries in an object) an operation creates
    max_array: int = 5_000_000
    #: bits of any integer an operation creates
    max_int_bits: int = 100_000
    #: decimal digits when an integer is converted to text
    max_int_digits: int = 4_300
    #: characters of captured output (print, console, log) per call
    max_output: int = 1_000_000
    #: nesting depth of values (arrays/objects inside each other) walked by formatting,
    #: equality and conversion
    max_nesting: int = 200
    #: values visited by one formatting, equality, copy or conversion of a structure
    max_visit: int = 10_000_000
    #: characters of the JSON text of a value leaving the sandbox (the result, a host
    #: function's arguments, an ``http`` request body), shared references counted each time
    max_result: int = 16 * 1024 * 1024
    #: files and directories one call may create (``file``, ``path`` and ``csv`` modules)
    max_entries: int = 10_000
    #: estimated bytes the bulk allocations of one call may add up to (repetition, parsed
    #: documents, file and HTTP reads, materialised ranges, zip rows), counted when made and
    #: never given back: a script re-making large values in a loop spends it too
    max_alloc: int = 512 * 1024 * 1024

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not value > 0 or (isinstance(value, float) and not math.isfinite(value)):
                raise ValueError(f"Limits.{f.name} must be a positive number, got {value!r}")

    def replace(self, **changes: float) -> Limits:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
