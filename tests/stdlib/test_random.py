"""The ``random`` module (LANGUAGE.md §6.1, §7.4): results, errors, and a generator private to each call."""

from __future__ import annotations

import random as pyrandom
import threading
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load

SPEC = (
    "setSeed getSeed random randomInt randomFloat randomBool randomBoolWeighted randomNormal gaussian "
    "uniform triangular nextInt choice sample shuffle randomIndices"
)
ALIASES = (
    "set_seed get_seed random_int random_float random_bool random_bool_weighted random_normal next_int "
    "random_indices"
)


def value(expr: str, seed: int | None = 42, **kw: Any) -> Any:
    setup = "" if seed is None else f"random.setSeed({seed});\n"
    r = mlpy.run(f"import random;\n{setup}result = {expr};", **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run("import random;\n" + code, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_and_alias_is_a_member() -> None:
    members = set(load("random", CallState(Limits())).members)
    assert set(SPEC.split()) <= members
    assert set(ALIASES.split()) <= members


def run_value(code: str, context: dict[str, Any] | None = None) -> Any:
    r = mlpy.run(code, context)
    assert r.success, r.error
    return r.value


def python(seed: int) -> pyrandom.Random:
    return pyrandom.Random(seed)


def _shuffled(items: range) -> list[int]:
    out = list(items)
    python(42).shuffle(out)
    return out


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("random.random()", python(42).random()),
        ("random.randomInt(1, 7)", python(42).randrange(1, 7)),
        ("random.randomInt()", python(42).randrange(0, 100)),
        ("random.random_int(10, 11)", 10),
        ("random.randomFloat(2, 4)", python(42).uniform(2, 4)),
        ("random.randomFloat()", python(42).uniform(0, 1)),
        ("random.uniform(-1, 1)", python(42).uniform(-1, 1)),
        ("random.randomBool()", python(42).random() < 0.5),
        ("random.randomBoolWeighted(1)", True),
        ("random.randomBoolWeighted(0)", False),
        ("random.randomNormal(10, 2)", python(42).normalvariate(10, 2)),
        ("random.gaussian()", python(42).normalvariate(0, 1)),
        ("random.triangular(0, 10)", python(42).triangular(0, 10, 5)),
        ("random.triangular(0, 10, 9)", python(42).triangular(0, 10, 9)),
        ("random.nextInt()", python(42).getrandbits(32)),
        ('random.choice(["a", "b", "c"])', python(42).choice(["a", "b", "c"])),
        ('random.choice("xyz")', python(42).choice("xyz")),
        ("random.sample([1, 2, 3, 4, 5], 2)", python(42).sample([1, 2, 3, 4, 5], 2)),
        ("sorted(random.sample([1, 2, 3], 10))", [1, 2, 3]),
        ("random.sample([1, 2], 0)", []),
        ("sorted(random.shuffle([3, 1, 2]))", [1, 2, 3]),
        ("random.shuffle(range(5))", _shuffled(range(5))),
        ("random.choice(range(100))", python(42).choice(list(range(100)))),
        ("random.shuffle([])", []),
        ("random.randomIndices(10, 3)", python(42).sample(range(10), 3)),
        ("random.randomIndices(3, 5)", [0, 1, 2]),
        ("random.getSeed()", 42),
        ('random.setSeed("label")', "label"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_shuffle_returns_a_new_array() -> None:
    code = "import random;\na = [1, 2, 3, 4, 5, 6];\nb = random.shuffle(a);\nresult = [a, sorted(b)];"
    assert run_value(code) == [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]]


def test_ranges_hold() -> None:
    code = """import random;
ok = true;
for (i in range(500)) {
    f = random.randomFloat(5, 6);
    n = random.randomInt(-3, 3);
    r = random.random();
    u = random.nextInt();
    ok = ok && f >= 5 && f <= 6 && n >= -3 && n < 3 && r >= 0 && r < 1 && u >= 0 && u < 4294967296;
}
result = ok;"""
    assert run_value(code) is True


@pytest.mark.parametrize(
    ("code", "error_type", "fragment"),
    [
        ("x = random.choice([]);", "IndexError", "random.choice: cannot choose from an empty array"),
        ("x = random.choice(5);", "TypeError", "expects an array, got number"),
        ("x = random.randomInt(5, 5);", "ValueError", "empty"),
        ("x = random.randomInt(1.5, 5);", "TypeError", "integer"),
        ("x = random.randomBoolWeighted(1.5);", "ValueError", "between 0 and 1"),
        ("x = random.randomNormal(0, -1);", "ValueError", "standard deviation"),
        ("x = random.sample([1], -1);", "ValueError", "negative"),
        ("x = random.randomIndices(-1, 2);", "ValueError", "negative"),
        ("x = random.randomFloat(0, 1e308 * 10);", "ValueError", "finite"),
        ("x = random.setSeed([1]);", "TypeError", "seed must be an integer or a string"),
        (
            "x = random.randomInt(1, 2, 3);",
            "TypeError",
            "random.randomInt() takes at most 2 arguments but 3 were given",
        ),
    ],
)
def test_errors(code: str, error_type: str, fragment: str) -> None:
    r = failure(code)
    assert r.error_type == error_type, r.error
    assert fragment in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 5)


def test_results_are_capped_by_max_array() -> None:
    r = failure("x = random.randomIndices(10000000, 9000000);", limits=Limits(max_array=1000))
    assert r.error_type == "LimitError" and "max_array" in (r.error or "")
    assert value("len(random.randomIndices(10 * 1000 * 1000 * 1000, 5))") == 5


# -- isolation (§7.4) ----------------------------------------------------------------------

DRAW = (
    "result = [random.random(), random.randomInt(0, 1000000), random.shuffle(range(10)), random.getSeed()];"
)


def test_seeding_makes_a_call_reproducible() -> None:
    first = run_value(f"import random;\nrandom.setSeed(7);\n{DRAW}")
    second = run_value(f"import random;\nrandom.setSeed(7);\n{DRAW}")
    assert first == second


def test_seeding_never_affects_another_call() -> None:
    seeded = run_value(f"import random;\nrandom.setSeed(7);\n{DRAW}")
    unseeded = [run_value(f"import random;\n{DRAW}") for _ in range(3)]
    assert all(u != seeded for u in unseeded)
    assert len({repr(u) for u in unseeded}) == 3  # each call has its own OS-seeded generator
    # nor Python's global generator
    pyrandom.seed(7)
    expected = pyrandom.random()
    mlpy.run("import random;\nrandom.setSeed(99);\nx = random.random();")
    pyrandom.seed(7)
    assert pyrandom.random() == expected


def test_get_seed_replays_an_unseeded_call() -> None:
    r = run_value(f"import random;\n{DRAW}")
    again = run_value(f"import random;\nrandom.setSeed({r[3]});\n{DRAW}")
    assert again == r


def test_concurrent_calls_with_the_same_seed_see_the_same_sequence() -> None:
    code = """import random;
random.setSeed(seed);
out = [];
for (i in range(2000)) { out.append(random.randomInt(0, 1000)); }
result = out;"""
    results: dict[int, Any] = {}

    def work(i: int) -> None:
        results[i] = run_value(code, {"seed": 3 if i % 2 == 0 else 4})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == results[2] and results[1] == results[3] and results[0] != results[1]
    gen = pyrandom.Random(3)
    assert results[0] == [gen.randrange(0, 1000) for _ in range(2000)]


def test_two_imports_in_one_call_share_the_generator() -> None:
    code = "import random;\nimport random as r2;\nrandom.setSeed(5);\nresult = [r2.random(), r2.getSeed()];"
    assert run_value(code) == [pyrandom.Random(5).random(), 5]
