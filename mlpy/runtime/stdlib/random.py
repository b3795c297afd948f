"""The ML ``random`` module (LANGUAGE.md §6.1): pseudo-random numbers private to each call.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Each call gets its own generator (a `random.Random` kept in the call's ``state.rng``),
seeded from ``os.urandom`` unless the script calls ``setSeed``. Seeding therefore makes that
call reproducible and never affects another call, even one running at the same time (§7.4).
``getSeed()`` returns the seed in use, so a run can be replayed with ``setSeed``.

Names, signatures and results follow the reference library (snake_case aliases included):
``randomInt(min=0, max=100)`` excludes ``max``; ``shuffle`` returns a new array; ``sample`` of
more elements than there are returns them all, shuffled; ``randomIndices(length, count)`` of
``count >= length`` returns ``[0, 1, ..., length - 1]``; ``choice``, ``sample`` and
``shuffle`` also take a string or a range. Where the reference returns a sentinel, this
module raises: ``choice([])`` is a `MLIndexError`; an empty range (``randomInt(5, 5)``), a
negative standard deviation or sample size, and a probability outside 0..1 are
`MLValueError`. Results larger than ``max_array`` are a `MLLimitError`.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLIndexError, MLTypeError, MLValueError
from mlpy.runtime.member import range_length
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import check_array
from mlpy.runtime.state import CallState, current
from mlpy.runtime.values import Builtin, Module, typeof

__all__ = ["create"]

#: the key of the seed in ``CallState.extra``
_SEED_KEY = "random.seed"


def _number(label: str, value: Any) -> int | float:
    t = type(value)
    if t is int or t is float:
        return value  # type: ignore[no-any-return]
    if t is bool:
        return int(value)
    raise MLTypeError(f"{label}: expects a number, got {typeof(value)}")


def _finite(label: str, value: Any) -> float:
    n = _number(label, value)
    try:
        f = float(n)
    except OverflowError:
        raise MLValueError(f"{label}: the number is too large for a float") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise MLValueError(f"{label}: expects a finite number")
    return f


def _int(label: str, value: Any) -> int:
    if type(value) is int or type(value) is bool:
        return int(value)
    raise MLTypeError(f"{label}: expects an integer, got {typeof(value)}")


def _sequence(label: str, value: Any) -> list[Any] | str:
    if type(value) is list or type(value) is str:
        return value
    if type(value) is range:
        check_array(range_length(value))
        return list(value)
    raise MLTypeError(f"{label}: expects an array, got {typeof(value)}")


def _generator(state: CallState) -> random.Random:
    """The call's generator, made (and seeded from the OS) on first use."""
    rng = state.rng
    if not isinstance(rng, random.Random):
        seed = int.from_bytes(os.urandom(8), "big")
        rng = random.Random(seed)
        state.rng = rng
        state.extra[_SEED_KEY] = seed
    return rng


def _functions() -> dict[str, Callable[..., Any]]:
    """The module's functions; each finds the running call's generator when called."""

    def rng() -> random.Random:
        return _generator(current())

    def set_seed(seed: Any) -> Any:
        if type(seed) is not int and type(seed) is not str:
            raise MLTypeError(f"random.setSeed: the seed must be an integer or a string, got {typeof(seed)}")
        state = current()
        state.rng = random.Random(seed)
        state.extra[_SEED_KEY] = seed
        return seed

    def get_seed() -> Any:
        rng()
        return current().extra[_SEED_KEY]

    def random_float(low: Any = 0, high: Any = 1) -> float:
        return rng().uniform(_finite("random.randomFloat", low), _finite("random.randomFloat", high))

    def random_int(low: Any = 0, high: Any = 100) -> int:
        a = _int("random.randomInt", low)
        b = _int("random.randomInt", high)
        if a >= b:
            raise MLValueError(f"random.randomInt: the range [{a}, {b}) is empty (max is excluded)")
        return rng().randrange(a, b)

    def random_bool_weighted(probability: Any) -> bool:
        p = _finite("random.randomBoolWeighted", probability)
        if not 0.0 <= p <= 1.0:
            raise MLValueError("random.randomBoolWeighted: the probability must be between 0 and 1")
        return rng().random() < p

    def normal(label: str) -> Callable[..., float]:
        def draw(mean: Any = 0, stddev: Any = 1) -> float:
            mu = _finite(label, mean)
            sigma = _finite(label, stddev)
            if sigma < 0:
                raise MLValueError(f"{label}: the standard deviation cannot be negative")
            return rng().normalvariate(mu, sigma)

        return draw

    def uniform(low: Any, high: Any) -> float:
        return rng().uniform(_finite("random.uniform", low), _finite("random.uniform", high))

    def triangular(low: Any, high: Any, mode: Any = None) -> float:
        a = _finite("random.triangular", low)
        b = _finite("random.triangular", high)
        c = (a + b) / 2.0 if mode is None else _finite("random.triangular", mode)
        return rng().triangular(a, b, c)

    def choice(values: Any) -> Any:
        items = _sequence("random.choice", values)
        if not items:
            raise MLIndexError("random.choice: cannot choose from an empty array")
        return rng().choice(items)

    def shuffle(values: Any) -> list[Any]:
        items = list(_sequence("random.shuffle", values))
        rng().shuffle(items)
        return items

    def sample(values: Any, count: Any) -> list[Any]:
        items = _sequence("random.sample", values)
        k = _int("random.sample", count)
        if k < 0:
            raise MLValueError("random.sample: the sample size cannot be negative")
        if k >= len(items):
            return shuffle(items)
        return rng().sample(list(items), k)

    def random_indices(length: Any, count: Any) -> list[int]:
        n = _int("random.randomIndices", length)
        k = _int("random.randomIndices", count)
        if n < 0 or k < 0:
            raise MLValueError("random.randomIndices: length and count cannot be negative")
        check_array(min(n, k))
        if k >= n:
            return list(range(n))
        return rng().sample(range(n), k)

    return {
        "setSeed": set_seed,
        "getSeed": get_seed,
        "random": lambda: rng().random(),
        "randomInt": random_int,
        "randomFloat": random_float,
        "randomBool": lambda: rng().random() < 0.5,
        "randomBoolWeighted": random_bool_weighted,
        "randomNormal": normal("random.randomNormal"),
        "gaussian": normal("random.gaussian"),
        "uniform": uniform,
        "triangular": triangular,
        "nextInt": lambda: rng().getrandbits(32),
        "choice": choice,
        "sample": sample,
        "shuffle": shuffle,
        "randomIndices": random_indices,
    }


_ALIASES = {
    "set_seed": "setSeed",
    "get_seed": "getSeed",
    "random_int": "randomInt",
    "random_float": "randomFloat",
    "random_bool": "randomBool",
    "random_bool_weighted": "randomBoolWeighted",
    "random_normal": "randomNormal",
    "next_int": "nextInt",
    "random_indices": "randomIndices",
}


def _members() -> dict[str, Builtin]:
    functions = _functions()
    for alias, name in _ALIASES.items():
        functions[alias] = functions[name]
    return {
        name: Builtin(arity_checked(fn, f"random.{name}()"), f"random.{name}")
        for name, fn in functions.items()
    }


#: the functions hold no state (the generator lives in the call's state), so they are shared
_MEMBERS = _members()


def create(state: CallState) -> Module:
    """The ``random`` module for one call; its generator is made on first use, in ``state``."""
    return Module("random", dict(_MEMBERS))
