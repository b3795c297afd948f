"""The host boundary through the executor: context, host functions, contextvars, grants, strict mode."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from mlpy import AsyncMLExecutor

pytestmark = pytest.mark.anyio

Make = Callable[..., AsyncMLExecutor]

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("REQUEST_ID", default="none")

READER = 'capability Reader {\n    resource "data/*.csv";\n    allow read;\n}\n'
NETWORK = 'capability Net {\n    allow network "api.example.com";\n}\n'


# -- context (§7.1) -------------------------------------------------------------------------


async def test_context_is_deep_copied_both_ways(executor: AsyncMLExecutor) -> None:
    """Mutations in the script never reach the host's objects, nor the result the host's."""
    orders = [{"qty": 2, "tags": ["a"]}]
    context: dict[str, Any] = {"orders": orders, "meta": {"n": 1}}
    code = (
        "orders[0].qty = 99;\norders[0].tags.append('b');\norders.append({});\n"
        "meta.n = 2;\nmeta.extra = true;\nresult = orders;"
    )
    result = await executor.execute(code, context=context)
    assert result.value == [{"qty": 99, "tags": ["a", "b"]}, {}]
    assert orders == [{"qty": 2, "tags": ["a"]}]
    assert context == {"orders": [{"qty": 2, "tags": ["a"]}], "meta": {"n": 1}}
    result.value[0]["qty"] = 5
    assert orders[0]["qty"] == 2


async def test_context_is_copied_when_execute_is_called(make_executor: Make) -> None:
    """The host may change its dict while the call is queued: the call sees the old values."""
    release = threading.Event()
    ex = make_executor(max_workers=1, functions={"block": lambda: release.wait(10)})
    data: dict[str, Any] = {"x": [1]}
    results: list[Any] = []

    async def later() -> None:
        results.append((await ex.execute("result = x;", context=data)).value)

    async with anyio.create_task_group() as tg:
        tg.start_soon(ex.execute, "block();")
        with anyio.fail_after(5):
            while ex.stats()["busy"] < 1:
                await anyio.sleep(0.01)
        tg.start_soon(later)
        with anyio.fail_after(5):
            while ex.stats()["queued"] < 1:
                await anyio.sleep(0.01)
        data["x"].append(2)
        data["x"] = ["replaced"]
        release.set()
    assert results == [[1]]


@pytest.mark.parametrize(
    ("context", "error", "words"),
    [
        ({"not an identifier": 1}, ValueError, "'not an identifier'"),
        ({"__class__": 1}, ValueError, "'__class__'"),
        ({1: 1}, ValueError, "1"),
        ({"good": object()}, TypeError, "good"),
        ({"items": [1, {"deep": {1, 2}}]}, TypeError, "items"),
        ({"fn": print}, TypeError, "fn"),
        (["x"], TypeError, "dict"),
    ],
    ids=["spaces", "dunder", "int-key", "object", "nested-set", "function", "not-a-mapping"],
)
async def test_bad_context_is_the_callers_error_naming_the_key(
    executor: AsyncMLExecutor, context: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(")):
        await executor.execute("result = 1;", context=context)
    stats = executor.stats()
    assert stats["queued"] == stats["busy"] == stats["completed"] == 0


async def test_context_values_of_every_json_like_type(executor: AsyncMLExecutor) -> None:
    context = {"n": None, "b": True, "i": 2**70, "f": 1.5, "s": "é", "t": (1, 2), "d": {"k": [1]}}
    code = "result = [typeof(n), typeof(b), i + 1, f * 2, s + '!', t, d.k[0]];"
    result = await executor.execute(code, context=context)
    assert result.value == ["null", "boolean", 2**70 + 1, 3.0, "é!", [1, 2], 1]


# -- host functions and contextvars (§7.1, issue item 9) --------------------------------------


async def test_host_functions_get_converted_values_and_results_are_converted(make_executor: Make) -> None:
    seen: list[Any] = []

    def record(*args: Any) -> Any:
        seen.append(args)
        return {"ok": True, "echo": list(args), "tuple": (1, 2)}

    ex = make_executor(max_workers=1, functions={"record": record})
    result = await ex.execute(
        "r = record(1, 'a', [1, {b: null}], {x: 2.5});\nresult = [r.ok, r.echo[2], r.tuple];"
    )
    assert result.value == [True, [1, {"b": None}], [1, 2]]
    assert seen == [(1, "a", [1, {"b": None}], {"x": 2.5})]
    assert type(seen[0][3]) is dict and type(seen[0][2]) is list


async def test_host_function_returning_a_bad_value_is_a_script_error(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, functions={"leak": lambda: object()})
    result = await ex.execute("x = 1;\ny = leak();")
    assert not result.success and result.error_line == 2


async def test_host_functions_per_executor_and_per_call(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, functions={"a": lambda: "exec-a", "b": lambda: "exec-b"})
    result = await ex.execute("result = [a(), b(), c()];", functions={"b": lambda: "call-b", "c": lambda: 3})
    assert result.value == ["exec-a", "call-b", 3]
    result = await ex.execute("result = c();")
    assert result.error_type == "NameError"  # a call's functions are for that call only


async def test_bad_per_call_functions_are_the_callers_error(executor: AsyncMLExecutor) -> None:
    with pytest.raises(ValueError, match="not an ML identifier"):
        await executor.execute("result = 1;", functions={"bad name": print})
    with pytest.raises(TypeError, match="not callable"):
        await executor.execute("result = 1;", functions={"f": 1})  # type: ignore[dict-item]


async def test_unregistered_python_names_do_not_exist(executor: AsyncMLExecutor) -> None:
    result = await executor.execute("result = open('/etc/passwd');")
    assert result.error_type == "NameError"


async def test_contextvars_of_the_caller_are_visible_in_host_functions(make_executor: Make) -> None:
    ex = make_executor(max_workers=2, functions={"request_id": REQUEST_ID.get})
    token = REQUEST_ID.set("req-42")
    try:
        result = await ex.execute("result = request_id();")
    finally:
        REQUEST_ID.reset(token)
    assert result.value == "req-42"
    assert (await ex.execute("result = request_id();")).value == "none"


async def test_contextvars_are_per_call_under_concurrency(make_executor: Make) -> None:
    ex = make_executor(max_workers=3, functions={"request_id": REQUEST_ID.get})
    got: dict[str, Any] = {}

    async def call(rid: str) -> None:
        REQUEST_ID.set(rid)  # each task runs in its own context copy
        got[rid] = (await ex.execute("n = 0;\nwhile (n < 2000) { n += 1; }\nresult = request_id();")).value

    async with anyio.create_task_group() as tg:
        for i in range(20):
            tg.start_soon(call, f"r{i}")
    assert got == {f"r{i}": f"r{i}" for i in range(20)}


async def test_host_function_cannot_set_the_callers_contextvars(make_executor: Make) -> None:
    """Host functions run in a copy of the caller's context: their changes stay in the call."""
    ex = make_executor(max_workers=1, functions={"set_id": lambda v: REQUEST_ID.set(v) and None})
    await ex.execute("set_id('changed');")
    assert REQUEST_ID.get() == "none"


# -- capabilities (§2.9, §6.2, §7.3) ------------------------------------------------------------


async def test_capability_refused_naming_what_is_missing(executor: AsyncMLExecutor) -> None:
    result = await executor.execute(READER + NETWORK + "result = 1;")
    assert result.error_type == "SecurityError" and result.value is None
    assert "file.read" in (result.error or "") and "'data/*.csv'" in (result.error or "")
    assert "http" in (result.error or "") and "'api.example.com'" in (result.error or "")


async def test_import_of_host_module_refused_without_grant(executor: AsyncMLExecutor) -> None:
    result = await executor.execute("import env;\nresult = 1;")
    assert result.error_type == "SecurityError" and "capability env" in (result.error or "")


async def test_capabilities_from_executor_and_call_are_merged(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, capabilities={"file.read": ["data/"]})
    assert (await ex.execute(READER + "result = 1;")).value == 1
    both = await ex.execute(READER + NETWORK + "result = 2;", capabilities={"http": ["api.example.com"]})
    assert both.value == 2
    again = await ex.execute(NETWORK + "result = 3;")
    assert again.error_type == "SecurityError"  # the call's grant was for that call only


async def test_per_call_grant_does_not_cover_other_resources(executor: AsyncMLExecutor) -> None:
    result = await executor.execute(READER + "result = 1;", capabilities={"file.read": ["other/"]})
    assert result.error_type == "SecurityError" and "'data/*.csv'" in (result.error or "")


async def test_execute_is_never_granted(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, capabilities={"file.read": ["."], "env": ["*"]})
    result = await ex.execute("capability X {\n    allow execute;\n}\nresult = 1;")
    assert result.error_type == "SecurityError" and "never granted" in (result.error or "")


async def test_unknown_per_call_capability_is_the_callers_error(executor: AsyncMLExecutor) -> None:
    with pytest.raises(ValueError, match="unknown capability"):
        await executor.execute("result = 1;", capabilities={"shell": ["*"]})


# -- strict mode (§9) --------------------------------------------------------------------------


async def test_strict_mode_refuses_listing_every_offending_position(make_executor: Make) -> None:
    ran: list[int] = []
    ex = make_executor(max_workers=1, strict_security=True, functions={"ran": lambda: ran.append(1)})
    code = 'ran();\nx = getattr(1, "a");\ny = "__class__";\nimport env;\nz = [1, hasattr(x, "b"), call];'
    result = await ex.execute(code)
    assert result.error_type == "SecurityError" and ran == []
    positions = [(e["line"], e["column"]) for e in result.errors]
    assert [line for line, _ in positions] == [2, 3, 4, 5, 5]
    assert all(e["error_type"] == "SecurityError" for e in result.errors)
    assert result.error is not None and "5 errors" in result.error
    for line, column in positions[1:]:
        assert f"line {line}, column {column}" in result.error
    assert (result.error_line, result.error_column) == positions[0]


async def test_strict_mode_allows_a_clean_program(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, strict_security=True)
    assert (await ex.execute("o = {a: 1};\nresult = o.a + len([1, 2]);")).value == 3


async def test_default_mode_runs_what_strict_refuses(executor: AsyncMLExecutor) -> None:
    result = await executor.execute('result = getattr({a: 1}, "a");')
    assert result.value == 1


async def test_strict_executor_refuses_a_non_strict_program(make_executor: Make) -> None:
    from mlpy.compiler.program import compile_ml

    ex = make_executor(max_workers=1, strict_security=True)
    with pytest.raises(ValueError, match="strict"):
        await ex.execute(compile_ml("result = 1;"))
    assert (await ex.execute(compile_ml("result = 1;", strict=True))).value == 1
