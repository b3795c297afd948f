"""The ML ``crypto`` module (LANGUAGE.md §6.1): hashes, HMAC, UUIDs and secure random values.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Built on `hashlib`, `hmac`, `secrets` and `uuid`. Text is hashed as UTF-8; digests are
lowercase hexadecimal. ``compare_hash`` and ``verify_hmac`` compare in constant time
(`hmac.compare_digest`). Names and signatures follow the reference library:
``sha256(data, salt="")`` hashes ``salt + data``; ``hmac(message, key, algorithm="sha256")``;
``verify_hmac(message, signature, key, algorithm="sha256")``; ``uuid_from_string(data,
namespace=null)`` is a version 5 UUID in the DNS namespace unless another is given;
``random_int(min, max)`` includes both ends.

Differences: ``random_bytes(n)`` returns an array of ``n`` integers 0..255 (ML has no byte
strings); ``random_float()`` has 53 random bits (the reference 32); the ``algorithm`` of
``hmac`` must be one of ``sha256 sha1 md5 sha224 sha384 sha512`` (the reference looks any
name up in ``hashlib``); ``hash_file`` is not provided (files need a grant). Inputs larger
than ``max_string`` characters, and results larger than ``max_string`` or ``max_array``, are
a `MLLimitError`; a negative length or an empty range is a `MLValueError`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.operators import check_array, check_string
from mlpy.runtime.state import CallState
from mlpy.runtime.values import Builtin, Module, typeof

__all__ = ["create"]

_ALGORITHMS: dict[str, Callable[..., Any]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
    "md5": hashlib.md5,
    "sha224": hashlib.sha224,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#: random bytes below this (a multiple of 62) map uniformly onto the alphabet; others are dropped
_UNIFORM_BELOW = 248
_TO_ALPHANUMERIC = bytes(ord(_ALPHANUMERIC[b % 62]) for b in range(256))
_BIASED = bytes(range(_UNIFORM_BELOW, 256))


def _text(label: str, value: Any, what: str = "a string") -> str:
    if type(value) is not str:
        raise MLTypeError(f"{label}: expects {what}, got {typeof(value)}")
    check_string(len(value))
    return value


def _bytes(label: str, value: Any, what: str = "a string") -> bytes:
    return _text(label, value, what).encode("utf-8", "surrogatepass")


def _length(label: str, value: Any) -> int:
    if type(value) is not int and type(value) is not bool:
        raise MLTypeError(f"{label}: expects an integer length, got {typeof(value)}")
    n = int(value)
    if n < 0:
        raise MLValueError(f"{label}: the length cannot be negative")
    return n


def _digest(name: str) -> Callable[..., str]:
    label = f"crypto.{name}"
    algorithm = _ALGORITHMS[name]

    def digest(data: Any, salt: Any = "") -> str:
        s = _text(label, salt, "a salt string")
        d = _text(label, data)
        check_string(len(s) + len(d))
        return str(algorithm((s + d).encode("utf-8", "surrogatepass")).hexdigest())

    return digest


def _algorithm(label: str, name: Any) -> Callable[..., Any]:
    if type(name) is not str or name.lower() not in _ALGORITHMS:
        shown = quote_brief(name) if type(name) is str else typeof(name)
        raise MLValueError(f"{label}: unknown algorithm {shown} (use one of {', '.join(_ALGORITHMS)})")
    return _ALGORITHMS[name.lower()]


def _hmac(message: Any, key: Any, algorithm: Any = "sha256") -> str:
    label = "crypto.hmac"
    fn = _algorithm(label, algorithm)
    return hmac.new(_bytes(label, key, "a key string"), _bytes(label, message), fn).hexdigest()


def _verify_hmac(message: Any, signature: Any, key: Any, algorithm: Any = "sha256") -> bool:
    label = "crypto.verify_hmac"
    expected = _hmac(message, key, algorithm)
    given = _bytes(label, signature, "a signature string")
    return hmac.compare_digest(given, expected.encode("ascii"))


def _compare_hash(first: Any, second: Any) -> bool:
    label = "crypto.compare_hash"
    return hmac.compare_digest(_bytes(label, first), _bytes(label, second))


def _uuid() -> str:
    return str(uuid.uuid4())


def _uuid_from_string(data: Any, namespace: Any = None) -> str:
    label = "crypto.uuid_from_string"
    name = _text(label, data)
    if namespace is None:
        space = uuid.NAMESPACE_DNS
    else:
        text = _text(label, namespace, "a namespace UUID string")
        try:
            space = uuid.UUID(text)
        except ValueError:
            raise MLValueError(f"{label}: {quote_brief(text)} is not a UUID") from None
    return str(uuid.uuid5(space, name))


def _random_bytes(length: Any) -> list[int]:
    n = _length("crypto.random_bytes", length)
    check_array(n)
    return list(secrets.token_bytes(n))


def _random_hex(length: Any) -> str:
    n = _length("crypto.random_hex", length)
    check_string(2 * n)
    return secrets.token_hex(n)


def _random_string(length: Any) -> str:
    n = _length("crypto.random_string", length)
    check_string(n)
    out = bytearray()
    while len(out) < n:  # uniform: bytes 248..255 are dropped, the rest taken modulo 62
        chunk = secrets.token_bytes(n - len(out) + 16).translate(None, _BIASED)
        out += chunk.translate(_TO_ALPHANUMERIC)
    return out[:n].decode("ascii")


def _random_int(low: Any, high: Any) -> int:
    label = "crypto.random_int"
    if type(low) not in (int, bool) or type(high) not in (int, bool):
        raise MLTypeError(f"{label}: expects two integers, got {typeof(low)} and {typeof(high)}")
    a, b = int(low), int(high)
    if a > b:
        raise MLValueError(f"{label}: the range [{a}, {b}] is empty")
    return a + secrets.randbelow(b - a + 1)


def _random_float() -> float:
    return secrets.randbits(53) / (1 << 53)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sha256": _digest("sha256"),
    "sha1": _digest("sha1"),
    "md5": _digest("md5"),
    "hmac": _hmac,
    "verify_hmac": _verify_hmac,
    "compare_hash": _compare_hash,
    "uuid": _uuid,
    "uuid_from_string": _uuid_from_string,
    "random_bytes": _random_bytes,
    "random_hex": _random_hex,
    "random_int": _random_int,
    "random_float": _random_float,
    "random_string": _random_string,
}

_MEMBERS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"crypto.{name}()"), f"crypto.{name}") for name, fn in _FUNCTIONS.items()
}


def create(state: CallState) -> Module:
    """The ``crypto`` module for one call."""
    return Module("crypto", dict(_MEMBERS))
