"""Registration: compile errors with positions, input schemas, the determinism check."""

from __future__ import annotations

import pytest

from mlpy.jobs.models import ProcessRecord
from mlpy.jobs.registry import InvalidInput, RegistrationError, cache_key, check_inputs, prepare_process


def problems(code: str, **options: object) -> list[dict[str, object]]:
    with pytest.raises(RegistrationError) as caught:
        prepare_process("p", code, strict=bool(options.pop("strict", False)), **options)  # type: ignore[arg-type]
    return caught.value.errors


def test_every_compile_error_is_listed_with_type_message_line_and_column() -> None:
    found = problems("return 1;\ny = 1;\nbreak;")
    assert [(e["type"], e["line"]) for e in found] == [("SyntaxError", 1), ("SyntaxError", 3)]
    assert all(isinstance(e["column"], int) and e["message"] for e in found)


def test_strict_mode_refuses_host_access_at_registration() -> None:
    prepare_process("p", "import file;", strict=False)
    (error,) = problems("import file;", strict=True)
    assert (error["type"], error["line"], error["column"]) == ("SecurityError", 1, 1)


@pytest.mark.parametrize("bad", ["", "a" * 65, "has space", "dot.ted", "ü"])
def test_a_process_id_outside_the_pattern_is_refused(bad: str) -> None:
    with pytest.raises(RegistrationError, match="must match"):
        prepare_process(bad, "result = 1;", strict=False)


def test_input_schemas_must_be_valid_json_schemas_with_ml_names() -> None:
    found = problems("result = 1;", inputs={"n": {"type": "no-such-type"}, "bad-name": {}, "m": 3})
    assert [e["type"] for e in found] == ["InvalidSchema", "InvalidInput", "InvalidSchema"]
    assert "'n'" in str(found[0]["message"]) and "'bad-name'" in str(found[1]["message"])


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("import random; result = random.random();", "random without random.setSeed"),
        ("import datetime; result = datetime.now();", "the clock (datetime.now)"),
        ("import datetime; f = datetime.today; result = f();", "the clock (datetime.today)"),
        ("import crypto; result = crypto.uuid();", "random values (crypto.uuid)"),
        ("import http; result = 1;", "imports http, which reaches the host"),
        ("import env; result = 1;", "imports env, which reaches the host"),
    ],
)
def test_a_script_that_cannot_be_deterministic_is_refused_naming_why(code: str, why: str) -> None:
    (error,) = problems(code, deterministic=True)
    assert error["type"] == "NotDeterministic" and why in str(error["message"])
    prepare_process("p", code, strict=False, deterministic=False)  # fine when not claimed


@pytest.mark.parametrize(
    "code",
    [
        "import random; random.setSeed(7); result = random.random();",
        'import datetime; result = datetime.parseISO("2024-01-02");',
        'import crypto; result = crypto.sha256("x");',
        'result = "now" + "today";',
    ],
)
def test_deterministic_scripts_are_accepted(code: str) -> None:
    assert prepare_process("p", code, strict=False, deterministic=True).deterministic


def test_inputs_are_checked_against_their_schemas_with_defaults() -> None:
    process = ProcessRecord(
        id="p",
        code="",
        inputs={"n": {"type": "integer", "minimum": 0}, "label": {"type": "string", "default": "x"}},
    )
    assert check_inputs(process, {"n": 3}) == {"n": 3, "label": "x"}
    with pytest.raises(InvalidInput, match="input 'n' is missing"):
        check_inputs(process, {})
    with pytest.raises(InvalidInput, match="input 'n' is invalid: -1 is less than the minimum of 0"):
        check_inputs(process, {"n": -1})
    with pytest.raises(InvalidInput, match="unknown input 'extra'"):
        check_inputs(process, {"n": 1, "extra": 2})
    free = ProcessRecord(id="q", code="")
    assert check_inputs(free, {"anything": [1]}) == {"anything": [1]}


def test_the_cache_key_depends_on_revision_and_inputs_not_on_key_order() -> None:
    one = ProcessRecord(id="p", code="", revision=1)
    assert cache_key(one, {"a": 1, "b": 2}) == cache_key(one, {"b": 2, "a": 1})
    assert cache_key(one, {"a": 1}) != cache_key(one, {"a": 2})
    assert cache_key(one, {"a": 1}) != cache_key(ProcessRecord(id="p", code="", revision=2), {"a": 1})
