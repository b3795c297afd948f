"""API keys: their configuration, the `KeyRing` that identifies a caller, and `Scope`.

Layer 6 (server): imports the standard library only (the settings check keys with it at start;
`mlpy.server.auth` is the FastAPI side).

Keys are configured as **SHA-256 digests**, never as the keys themselves, in
``MLPY_API_KEYS`` or in a file named by ``MLPY_API_KEYS_FILE``: one entry per line (or
separated by ``;``), each ``NAME:SCOPE[,SCOPE...]:HEX_DIGEST``; ``#`` starts a comment::

    ci-bot:execute:4f1b...e2      # 64 hex digits: sha256 of the key
    ops:execute,jobs,admin:9ad0...71

``python -m mlpy.server.newkey NAME SCOPE[,SCOPE...]`` (`main`) makes a new random key and
prints it with its entry.

Why SHA-256 and not a password hash (bcrypt, argon2): the keys made here are 256 random bits,
so a fast hash leaves nothing to guess, and a slow hash would cost every request tens of
milliseconds of CPU (a denial of service by wrong keys). The digest of the presented key is
compared with every configured digest by `hmac.compare_digest`, with no early exit, so the
time taken says nothing about which key, or how much of one, matched. Cost: one SHA-256 of at
most `MAX_KEY_LENGTH` characters and one comparison per configured key, per request.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ANONYMOUS",
    "MAX_KEY_LENGTH",
    "KeyConfigError",
    "KeyRing",
    "Principal",
    "Scope",
    "digest",
    "load_keys",
    "main",
    "new_key",
    "parse_keys",
]

#: the longest key read at all (longer is a 401 without hashing it): bounds the work per request
MAX_KEY_LENGTH = 256
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_HEX = re.compile(r"[0-9a-f]{64}")


class Scope(enum.StrEnum):
    """What a key may do."""

    #: ``POST /execute``, ``GET /calculate``, running registered processes
    EXECUTE = "execute"
    #: submitting, reading and cancelling its own jobs
    JOBS = "jobs"
    #: registering and deleting processes, reading every job, protected health and metrics
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of a request: the key's name and its scopes."""

    name: str
    scopes: frozenset[Scope]

    def can(self, scope: Scope) -> bool:
        """Whether this caller holds ``scope``."""
        return scope in self.scopes


#: the caller when no keys are configured: the service is open
ANONYMOUS = Principal("anonymous", frozenset(Scope))


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    digest: bytes


class KeyConfigError(ValueError):
    """The key configuration is malformed; the message names the line, never a secret."""


def digest(key: str) -> bytes:
    """The SHA-256 digest of ``key`` (UTF-8), as configured in hex."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


class KeyRing:
    """The configured keys; `identify` finds the caller of a key in constant time."""

    def __init__(self, entries: Iterable[tuple[Principal, bytes]] = ()) -> None:
        self._entries = tuple(_Entry(p, d) for p, d in entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __add__(self, other: KeyRing) -> KeyRing:
        return KeyRing((e.principal, e.digest) for e in (*self._entries, *other._entries))

    @property
    def names(self) -> list[str]:
        """The names of the keys (for logs and checks; never the keys)."""
        return [e.principal.name for e in self._entries]

    def identify(self, key: str) -> Principal | None:
        """The principal whose digest matches ``key``, or None.

        Every entry is compared (`hmac.compare_digest`, no early exit): time is O(entries)
        whatever matches. A key over `MAX_KEY_LENGTH` is not hashed and matches nothing.
        """
        if len(key) > MAX_KEY_LENGTH:
            return None
        presented = digest(key)
        found: Principal | None = None
        for entry in self._entries:
            if hmac.compare_digest(presented, entry.digest):
                found = entry.principal
        return found


def parse_keys(text: str, source: str = "MLPY_API_KEYS") -> KeyRing:
    """Parse ``NAME:SCOPES:HEX`` entries (lines or ``;``-separated, ``#`` comments).

    Raises:
        KeyConfigError: an entry is malformed or a name repeats; names ``source`` and the
            entry's number, and never repeats the entry (it might be a key pasted by mistake).
    """
    entries: list[tuple[Principal, bytes]] = []
    seen: set[str] = set()
    chunks = [c.split("#", 1)[0].strip() for line in text.splitlines() for c in line.split(";")]
    for number, chunk in enumerate((c for c in chunks if c), start=1):
        where = f"{source}: entry {number}"
        parts = chunk.split(":")
        if len(parts) != 3:
            raise KeyConfigError(f"{where} is not NAME:SCOPE[,SCOPE]:SHA256_HEX")
        name, scopes_text, hex_digest = (p.strip() for p in parts)
        if not _NAME.fullmatch(name):
            raise KeyConfigError(
                f"{where}: the name must be 1-64 of A-Z a-z 0-9 _ . @ - (not starting with one of _.@-)"
            )
        if name in seen:
            raise KeyConfigError(f"{where}: the name {name!r} is used twice")
        seen.add(name)
        scopes = _scopes(scopes_text, where)
        if not _HEX.fullmatch(hex_digest.lower()):
            raise KeyConfigError(
                f"{where} ({name}): the last part must be the key's SHA-256 digest, 64 hex digits "
                "(python -m mlpy.server.newkey makes a key and its entry)"
            )
        entries.append((Principal(name, scopes), bytes.fromhex(hex_digest)))
    return KeyRing(entries)


def _scopes(text: str, where: str) -> frozenset[Scope]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise KeyConfigError(f"{where}: no scope given (use {', '.join(Scope)})")
    unknown = [n for n in names if n not in Scope.__members__.values()]
    if unknown:
        raise KeyConfigError(f"{where}: unknown scope {unknown[0]!r} (use {', '.join(Scope)})")
    return frozenset(Scope(n) for n in names)


def load_keys(keys: str | None, keys_file: str | None) -> KeyRing:
    """The keys of ``MLPY_API_KEYS`` and of the file ``MLPY_API_KEYS_FILE`` together.

    Raises:
        KeyConfigError: either is malformed, the file cannot be read, or a name is in both.
    """
    ring = parse_keys(keys or "", "MLPY_API_KEYS")
    if not keys_file:
        return ring
    try:
        text = Path(keys_file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8"
        raise KeyConfigError(f"MLPY_API_KEYS_FILE: cannot read {keys_file}: {reason}") from None
    from_file = parse_keys(text, f"MLPY_API_KEYS_FILE ({keys_file})")
    both = set(ring.names) & set(from_file.names)
    if both:
        raise KeyConfigError(f"the key name {sorted(both)[0]!r} is in MLPY_API_KEYS and MLPY_API_KEYS_FILE")
    return ring + from_file


def new_key() -> str:
    """A new random key: 256 bits, URL-safe, prefixed ``mlpy_`` so secret scanners can spot it."""
    return "mlpy_" + secrets.token_urlsafe(32)


def main(argv: list[str] | None = None) -> int:
    """``python -m mlpy.server.newkey NAME SCOPES``: a new key (line 1) and its entry (line 2).

    The key goes to the caller and is stored nowhere; the entry goes into ``MLPY_API_KEYS`` or
    the ``MLPY_API_KEYS_FILE``. The explanation goes to standard error, so scripts can split
    standard output with ``head -n 1`` / ``tail -n 1``.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        sys.stderr.write(
            f"usage: python -m mlpy.server.newkey NAME SCOPE[,SCOPE...]  (scopes: {', '.join(Scope)})\n"
        )
        return 2
    key = new_key()
    entry = f"{args[0]}:{args[1]}:{digest(key).hex()}"
    try:
        parse_keys(entry, "the arguments")
    except KeyConfigError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    sys.stdout.write(f"{key}\n{entry}\n")
    sys.stderr.write(
        "line 1: the key, for the caller (it is not stored); line 2: the entry, for "
        "MLPY_API_KEYS or MLPY_API_KEYS_FILE\n"
    )
    return 0
