"""Registering named scripts (processes): compile, check input schemas and determinism.

Layer 5 (jobs): imports the standard library, jsonschema, `mlpy.api`, `mlpy.errors`,
`mlpy.compiler`, `mlpy.runtime` and `mlpy.jobs`.

A process is compiled when it is registered (strict if the service is strict), so a job never
fails on a syntax error a registration could have reported; every error comes back with its
type, message, line and column. Input schemas are JSON Schemas (checked with `jsonschema`)
and a job's inputs are validated against them before it is queued.

A process registered ``deterministic: true`` must give the same result for the same inputs,
so that results can be cached. `nondeterminism` refuses, naming why, a script that imports a
host-access module, uses ``random`` without ``random.setSeed``, reads the clock
(``datetime.now``/``today``/``calculateAge``) or draws from ``crypto``'s random functions. The
check reads the compiled program's member names, so it also sees ``f = datetime.now; f()``.

Cost: compiling is bounded by the code size cap and the compile deadline; schema checks by the
size of the schema and of the inputs (both capped by the request body size).
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import jsonschema
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from mlpy.api import compile_code
from mlpy.compiler.compiled import Program
from mlpy.errors import MLCheckErrors
from mlpy.jobs.models import PROCESS_ID, ProcessRecord
from mlpy.runtime.convert import is_identifier

__all__ = [
    "HOST_MODULES",
    "InvalidInput",
    "RegistrationError",
    "cache_key",
    "check_inputs",
    "check_process_id",
    "nondeterminism",
    "prepare_process",
]

#: modules that reach the host, so a script importing one cannot be deterministic
HOST_MODULES = frozenset({"file", "path", "http", "env", "args"})
_CLOCK = frozenset({"now", "today", "calculateAge"})
_CRYPTO_RANDOM = frozenset(
    {"uuid", "random_bytes", "random_hex", "random_int", "random_float", "random_string"}
)
_MEMBER_GUARDS = frozenset({"__ml_getattr", "__ml_callmethod", "__ml_getitem"})


class RegistrationError(ValueError):
    """A process cannot be registered; ``errors`` lists each problem as a dict with
    ``type``, ``message``, ``line`` and ``column`` (None where there is no position)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e["message"]) for e in errors))
        self.errors = errors


class InvalidInput(ValueError):
    """A job's inputs do not fit the process's input schemas (the message names the input)."""


def _problem(kind: str, message: str, line: int | None = None, column: int | None = None) -> dict[str, Any]:
    return {"type": kind, "message": message, "line": line, "column": column}


def prepare_process(
    process_id: str,
    code: str,
    *,
    strict: bool,
    title: str | None = None,
    description: str | None = None,
    inputs: Mapping[str, Any] | None = None,
    deterministic: bool = False,
) -> ProcessRecord:
    """A checked `ProcessRecord` (revision and version are set by the store).

    Raises:
        RegistrationError: a bad id, compile errors, bad input schemas or a script that
            cannot be deterministic; every problem found is listed.
    """
    check_process_id(process_id)
    problems: list[dict[str, Any]] = []
    program: Program | None = None
    try:
        program = compile_code(code, strict=strict)
    except MLCheckErrors as e:
        problems += [_problem(err.error_type, err.message, err.line, err.column) for err in e.errors]
    schemas = dict(inputs or {})
    problems += _schema_problems(schemas)
    if deterministic and program is not None:
        problems += [_problem("NotDeterministic", why) for why in nondeterminism(program)]
    if problems:
        raise RegistrationError(problems)
    return ProcessRecord(
        id=process_id,
        code=code,
        title=title,
        description=description,
        inputs=schemas,
        deterministic=deterministic,
    )


def check_process_id(process_id: str) -> None:
    """Raise `RegistrationError` (``InvalidId``) unless ``process_id`` is a valid process id."""
    if not PROCESS_ID.fullmatch(process_id):
        raise RegistrationError(
            [_problem("InvalidId", f"process id {process_id!r} must match [A-Za-z0-9_-]{{1,64}}")]
        )


def _schema_problems(schemas: Mapping[str, Any]) -> list[dict[str, Any]]:
    problems = []
    for name, schema in schemas.items():
        if not is_identifier(name):
            problems.append(_problem("InvalidInput", f"input name {name!r} is not an ML identifier"))
            continue
        if not isinstance(schema, dict | bool):
            problems.append(_problem("InvalidSchema", f"the schema of input {name!r} must be a JSON object"))
            continue
        try:
            validator_for(schema).check_schema(schema)
        except SchemaError as e:
            problems.append(
                _problem("InvalidSchema", f"the schema of input {name!r} is invalid: {e.message}")
            )
    return problems


def nondeterminism(program: Program) -> list[str]:
    """Why ``program`` may give different results for the same inputs (empty: it cannot)."""
    imports = {need.module for need in program.imports}
    members = _member_names(program.module)
    reasons = [f"it imports {name}, which reaches the host" for name in sorted(imports & HOST_MODULES)]
    if "random" in imports and "setSeed" not in members:
        reasons.append("it uses random without random.setSeed")
    if "datetime" in imports and members & _CLOCK:
        used = ", ".join(f"datetime.{m}" for m in sorted(members & _CLOCK))
        reasons.append(f"it reads the clock ({used})")
    if "crypto" in imports and members & _CRYPTO_RANDOM:
        used = ", ".join(f"crypto.{m}" for m in sorted(members & _CRYPTO_RANDOM))
        reasons.append(f"it draws random values ({used})")
    return reasons


def _member_names(module: ast.Module) -> set[str]:
    """Every constant member name the program reads (``x.name``, ``x.name()``, ``x["name"]``)."""
    names: set[str] = set()
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _MEMBER_GUARDS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            names.add(node.args[1].value)
    return names


def check_inputs(process: ProcessRecord, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` checked against the process's schemas, with schema defaults filled in.

    A process without schemas takes any inputs (they become the script's context).

    Raises:
        InvalidInput: an input is missing, unknown, or does not match its schema.
    """
    if not isinstance(inputs, Mapping):
        raise InvalidInput("inputs must be a JSON object")
    if not process.inputs:
        return dict(inputs)
    unknown = sorted(set(inputs) - set(process.inputs))
    if unknown:
        raise InvalidInput(
            f"unknown input {unknown[0]!r} (the inputs are: {', '.join(sorted(process.inputs))})"
        )
    out = dict(inputs)
    for name, schema in process.inputs.items():
        if name not in out:
            if isinstance(schema, dict) and "default" in schema:
                out[name] = schema["default"]
                continue
            raise InvalidInput(f"input {name!r} is missing")
        try:
            jsonschema.validate(out[name], schema, cls=validator_for(schema))
        except jsonschema.ValidationError as e:
            where = "".join(f"[{p!r}]" for p in e.absolute_path)
            raise InvalidInput(f"input {name!r}{where} is invalid: {e.message}") from None
    return out


def cache_key(process: ProcessRecord, inputs: Mapping[str, Any]) -> str:
    """The result-cache key of a run: process id, revision and the inputs (canonical JSON)."""
    canonical = json.dumps([process.id, process.revision, inputs], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
