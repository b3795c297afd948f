"""`Settings`: the HTTP service's configuration, read from ``MLPY_*`` environment variables.

Layer 6 (server): imports the standard library, pydantic and `mlpy.server.keys`, `.logs`
and `.ratelimit` (to check their settings at start).

Every field has an environment variable named ``MLPY_`` plus the field name in capitals
(``workers`` is ``MLPY_WORKERS``). `Settings.from_env` reads and checks them all at once and
raises `SettingsError` with one line per bad variable, naming it::

    Settings()                                  # the defaults
    Settings(workers=8, max_timeout=10.0)       # in code (tests, embedding)
    Settings.from_env()                         # what `mlpy serve`, uvicorn and gunicorn use
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mlpy.server.keys import KeyConfigError, load_keys
from mlpy.server.logs import LogFormat, LogLevel
from mlpy.server.ratelimit import parse_rate_limit, parse_storage

__all__ = ["ENV_PREFIX", "PlaygroundMode", "Settings", "SettingsError"]

#: prefix of every environment variable the service reads
ENV_PREFIX = "MLPY_"

#: room in a request body for everything but the code and the context (keys, timeout, spacing)
_BODY_OVERHEAD = 64 * 1024
#: fields whose value an error message never repeats (a key pasted by mistake, a password)
_SECRET = frozenset({"api_keys", "api_keys_file", "rate_limit_storage"})
#: a browser origin as CORS compares it: scheme, host, optional port, nothing else
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:,]+(?::\d{1,5})?", re.IGNORECASE)
#: a JSON string may spell one byte of text with up to six bytes (``\u0001``)
_ESCAPE_FACTOR = 6


class SettingsError(ValueError):
    """One or more ``MLPY_*`` environment variables are invalid (one line per variable)."""


class PlaygroundMode(StrEnum):
    """When ``GET /playground`` is served: ``auto`` for requests that came in on a loopback
    address only, ``on`` always, ``off`` never."""

    AUTO = "auto"
    ON = "on"
    OFF = "off"


class Settings(BaseModel):
    """The service's configuration (frozen). Use `from_env` to read the environment.

    Raises:
        pydantic.ValidationError: a value given in code is invalid.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    workers: int = Field(
        default=4, ge=1, le=1024, description="Executor threads per process: scripts that run at once."
    )
    strict: bool = Field(default=False, description="Strict security mode (LANGUAGE.md §9) for every script.")
    default_timeout: float = Field(
        default=5.0,
        gt=0,
        allow_inf_nan=False,
        description="Seconds a script may run when the request gives no timeout.",
    )
    max_timeout: float = Field(
        default=30.0,
        gt=0,
        allow_inf_nan=False,
        description="The largest timeout a request may ask for (a larger one is a 422).",
    )
    max_code_bytes: int = Field(
        default=100_000, ge=1, description="The largest script, in UTF-8 bytes (a larger one is a 413)."
    )
    max_context_bytes: int = Field(
        default=1_000_000,
        ge=0,
        description="The largest context, as compact UTF-8 JSON (a larger one is a 413).",
    )
    max_queue: int = Field(
        default=100,
        ge=0,
        description="Calls that may wait for a free thread; beyond that a request gets 503.",
    )

    playground: PlaygroundMode = Field(
        default=PlaygroundMode.AUTO,
        description="Serve the playground page: auto (on loopback addresses only), on or off.",
    )

    cors_origins: tuple[str, ...] = Field(
        default=(),
        description=(
            "Origins (scheme://host[:port]) whose pages may call the API from a browser, comma "
            "separated; * for any. None by default: no CORS headers at all."
        ),
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: write scheme://host or scheme://host:port "
                    "(no path, no trailing slash), or * for any"
                )
        return origins

    api_keys: str = Field(
        default="",
        repr=False,
        description="API keys as NAME:SCOPES:SHA256_HEX entries (lines or ';'); none: the service is open.",
    )
    api_keys_file: str = Field(default="", description="A file of more API key entries, in the same form.")
    health_open: bool = Field(default=True, description="GET /health needs no key (else the admin scope).")
    metrics_open: bool = Field(default=True, description="GET /metrics needs no key (else the admin scope).")
    rate_limit: str = Field(
        default="",
        description="Requests per caller, like '600/minute' or '10/second;600/minute'; empty: none.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        repr=False,
        description="Where limits are counted: memory:// (this process) or redis://host:port/db (shared).",
    )
    max_concurrent_runs: int = Field(
        default=0, ge=0, description="Scripts one caller may run at once (a 429 beyond); 0: no cap."
    )
    log_level: LogLevel = Field(default=LogLevel.INFO, description="The least severe request line written.")
    log_format: LogFormat = Field(default=LogFormat.JSON, description="Request lines as json or text.")

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_valid(cls, value: str) -> str:
        parse_rate_limit(value)
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage_valid(cls, value: str) -> str:
        parse_storage(value)
        return value

    @model_validator(mode="after")
    def _keys_valid(self) -> Settings:
        try:
            load_keys(self.api_keys, self.api_keys_file)
        except KeyConfigError as e:
            raise ValueError(str(e)) from None
        return self

    @model_validator(mode="after")
    def _default_within_max(self) -> Settings:
        if self.default_timeout > self.max_timeout:
            raise ValueError(
                f"default_timeout ({ENV_PREFIX}DEFAULT_TIMEOUT={self.default_timeout}) must not be "
                f"larger than max_timeout ({ENV_PREFIX}MAX_TIMEOUT={self.max_timeout})"
            )
        return self

    @property
    def max_body_bytes(self) -> int:
        """The largest request body read at all; a larger one is refused (413) unread."""
        return _ESCAPE_FACTOR * (self.max_code_bytes + self.max_context_bytes) + _BODY_OVERHEAD

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of ``field``: ``max_queue`` → ``MLPY_MAX_QUEUE``."""
        return ENV_PREFIX + field.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``MLPY_*`` variables in ``environ`` (default `os.environ`).

        Raises:
            SettingsError: a variable is not a valid value; the message names each one.
        """
        env = os.environ if environ is None else environ
        raw: dict[str, Any] = {}
        for field in cls.model_fields:
            name = cls.env_name(field)
            if name in env:
                raw[field] = env[name].strip()
        try:
            return cls.model_validate(raw)
        except ValidationError as e:
            raise SettingsError(_explain(e, raw)) from None


def _explain(error: ValidationError, raw: Mapping[str, Any]) -> str:
    """One line per problem, each naming its environment variable and the value found."""
    lines: list[str] = []
    for item in error.errors():
        loc = item["loc"]
        message = str(item["msg"]).removeprefix("Value error, ")
        if loc and isinstance(loc[0], str) and loc[0] in _SECRET:
            lines.append(f"{Settings.env_name(loc[0])}: {message}")
        elif loc and isinstance(loc[0], str):
            field = loc[0]
            lines.append(f"{Settings.env_name(field)}={raw.get(field)!r}: {message}")
        else:
            lines.append(message)
    return "invalid settings: " + "; ".join(lines)
