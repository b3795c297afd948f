"""The ``crypto`` module (LANGUAGE.md §6.1): digests, HMAC, constant-time comparison, UUIDs, secure random."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import crypto as crypto_module
from mlpy.runtime.stdlib import load

SPEC = (
    "sha256 sha1 md5 hmac verify_hmac compare_hash uuid uuid_from_string random_bytes random_hex "
    "random_int random_float random_string"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def value(expr: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    r = mlpy.run(f"import crypto;\nresult = {expr};", context, **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run("import crypto;\n" + code, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_is_a_member() -> None:
    assert set(SPEC.split()) == set(load("crypto", CallState(Limits())).members)


def mac(message: str, key: str, algorithm: str = "sha256") -> str:
    return hmac.new(key.encode(), message.encode(), algorithm).hexdigest()


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('crypto.sha256("password123")', hashlib.sha256(b"password123").hexdigest()),
        ('crypto.sha256("password", "salt")', hashlib.sha256(b"saltpassword").hexdigest()),
        ('crypto.sha256("")', hashlib.sha256(b"").hexdigest()),
        ('crypto.sha256("héllo")', hashlib.sha256("héllo".encode()).hexdigest()),
        ('crypto.sha1("data")', hashlib.sha1(b"data").hexdigest()),
        ('crypto.md5("file contents")', hashlib.md5(b"file contents").hexdigest()),
        ('crypto.md5("x", "y")', hashlib.md5(b"yx").hexdigest()),
        ('crypto.hmac("message", "secret_key")', mac("message", "secret_key")),
        ('crypto.hmac("message", "k", "sha1")', mac("message", "k", "sha1")),
        ('crypto.hmac("message", "k", "SHA512")', mac("message", "k", "sha512")),
        ('crypto.hmac("message", "k", "md5")', mac("message", "k", "md5")),
        ('crypto.verify_hmac("message", crypto.hmac("message", "k"), "k")', True),
        ('crypto.verify_hmac("message", crypto.hmac("message", "k"), "other")', False),
        ('crypto.verify_hmac("message", "00", "k")', False),
        ('crypto.verify_hmac("m", crypto.hmac("m", "k", "sha1"), "k", "sha1")', True),
        ('crypto.compare_hash("abc", "abc")', True),
        ('crypto.compare_hash("abc", "abd")', False),
        ('crypto.compare_hash("abc", "ab")', False),
        (
            'crypto.uuid_from_string("user@example.com")',
            str(uuid.uuid5(uuid.NAMESPACE_DNS, "user@example.com")),
        ),
        (f'crypto.uuid_from_string("x", "{uuid.NAMESPACE_URL}")', str(uuid.uuid5(uuid.NAMESPACE_URL, "x"))),
        ("crypto.random_int(5, 5)", 5),
        ("len(crypto.random_bytes(0))", 0),
        ("crypto.random_hex(0)", ""),
        ("crypto.random_string(0)", ""),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_random_values_have_the_right_shape() -> None:
    code = """import crypto;
result = [crypto.uuid(), crypto.uuid(), crypto.random_bytes(32), crypto.random_hex(16),
          crypto.random_string(40), crypto.random_int(1, 6), crypto.random_float()];"""
    r = mlpy.run(code)
    assert r.success, r.error
    u1, u2, raw, hexed, text, die, f = r.value
    assert UUID.fullmatch(u1) and UUID.fullmatch(u1).group(1) == "4" and u1 != u2  # type: ignore[union-attr]
    assert len(raw) == 32 and all(type(b) is int and 0 <= b <= 255 for b in raw)
    assert re.fullmatch(r"[0-9a-f]{32}", hexed)
    assert re.fullmatch(r"[A-Za-z0-9]{40}", text)
    assert 1 <= die <= 6 and 0.0 <= f < 1.0


def test_random_string_uses_the_whole_alphabet_uniformly() -> None:
    text = value("crypto.random_string(62000)")
    counts = {c: text.count(c) for c in set(text)}
    assert len(counts) == 62
    assert min(counts.values()) > 700 and max(counts.values()) < 1300


def test_comparisons_are_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = crypto_module.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(crypto_module.hmac, "compare_digest", spy)
    assert value('[crypto.compare_hash("a", "a"), crypto.verify_hmac("m", "sig", "k")]') == [True, False]
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("code", "error_type", "fragment"),
    [
        ("x = crypto.sha256(5);", "TypeError", "crypto.sha256: expects a string, got number"),
        ('x = crypto.sha256("a", 5);', "TypeError", "salt"),
        ('x = crypto.hmac("m", "k", "sha3_999");', "ValueError", 'unknown algorithm "sha3_999"'),
        ('x = crypto.hmac("m", "k", "__class__");', "ValueError", "unknown algorithm"),
        ('x = crypto.hmac("m", 5);', "TypeError", "key string"),
        ('x = crypto.verify_hmac("m", 5, "k");', "TypeError", "signature"),
        ('x = crypto.compare_hash("a", null);', "TypeError", "expects a string"),
        ('x = crypto.uuid_from_string("x", "not-a-uuid");', "ValueError", "is not a UUID"),
        ("x = crypto.random_bytes(-1);", "ValueError", "negative"),
        ("x = crypto.random_hex(1.5);", "TypeError", "integer length"),
        ("x = crypto.random_int(6, 1);", "ValueError", "empty"),
        ("x = crypto.random_int(1.5, 2);", "TypeError", "two integers"),
        ("x = crypto.uuid(1);", "TypeError", "crypto.uuid() takes 0 arguments but 1 was given"),
    ],
)
def test_errors(code: str, error_type: str, fragment: str) -> None:
    r = failure(code)
    assert r.error_type == error_type, r.error
    assert fragment in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 5)


def test_sizes_are_capped() -> None:
    limits = Limits(max_string=1_000, max_array=1_000)
    for code in (
        "x = crypto.sha256(t);",
        'x = crypto.md5("a", t);',
        'x = crypto.hmac(t, "k");',
        "x = crypto.random_hex(600);",
        "x = crypto.random_string(1001);",
        "x = crypto.random_bytes(1001);",
    ):
        r = mlpy.run("import crypto;\n" + code, {"t": "x" * 1_500}, limits=limits)
        assert r.error_type == "LimitError", (code, r.error)
