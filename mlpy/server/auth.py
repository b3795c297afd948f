"""API keys on the routes: `require` admits a caller holding a `Scope`, or answers 401/403.

Layer 6 (server): imports the standard library, fastapi, pydantic and `mlpy.server.deps`,
`.keys` and `.logs`.

Callers send their key as ``X-API-Key: KEY`` or ``Authorization: Bearer KEY`` (both declared
as OpenAPI security schemes, so the Authorize button at ``/docs`` works). With no keys
configured the service is open: every request is the `ANONYMOUS` principal with every scope.
`require` makes the FastAPI dependency a router needs; it answers 401 (no key, or one that
matches nothing) or 403 (a key without the scope), each with a JSON body (`AuthError`) whose
``reason`` says which and which never repeats the key. It puts the caller's `Principal` on
``request.state.principal`` and, for a key, its name as the request's program-cache partition
(`mlpy.server.deps.set_caller`). The keys, their configuration and the constant-time lookup
are `mlpy.server.keys`.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from mlpy.server.deps import set_caller
from mlpy.server.keys import ANONYMOUS, KeyRing, Principal, Scope
from mlpy.server.logs import current_record

__all__ = ["AUTH_RESPONSES", "AuthError", "AuthFailure", "anonymous", "install", "require"]


class AuthFailure(enum.StrEnum):
    """Why a request was refused."""

    MISSING_KEY = "missing_key"
    UNKNOWN_KEY = "unknown_key"
    MISSING_SCOPE = "missing_scope"


class AuthError(BaseModel):
    """A 401 or 403: ``reason`` says which; ``scope`` is the scope the route needs."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "this route needs an API key with the 'execute' scope; the key "
                    "'reader' does not have it",
                    "reason": "missing_scope",
                    "scope": "execute",
                }
            ]
        }
    )

    detail: str
    reason: AuthFailure
    scope: Scope


class _Refused(Exception):
    """Raised by `require`; the app's handler turns it into the 401/403 response."""

    def __init__(self, status: int, body: AuthError) -> None:
        super().__init__(body.detail)
        self.status = status
        self.body = body


#: the OpenAPI entries of the answers `require` may give
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": AuthError, "description": "No API key, or a key that matches none configured."},
    403: {"model": AuthError, "description": "The API key lacks the scope this route needs."},
}

_api_key_header = APIKeyHeader(
    name="X-API-Key", scheme_name="APIKey", description="An mlpy API key.", auto_error=False
)
_bearer = HTTPBearer(scheme_name="Bearer", description="An mlpy API key as a bearer token.", auto_error=False)


async def anonymous(request: Request) -> Principal:
    """The dependency of a guarded router when no keys are configured: the caller is
    `ANONYMOUS` (no security scheme is declared, since no key is asked for)."""
    request.state.principal = ANONYMOUS
    return ANONYMOUS


def require(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """The dependency that admits a caller holding ``scope`` (or anyone, with no keys).

    Sets ``request.state.principal``. Raises the refusal the app answers as 401 or 403
    (registered by `install`).
    """

    async def dependency(
        request: Request,
        api_key: Annotated[str | None, Depends(_api_key_header)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        ring: KeyRing | None = getattr(request.app.state, "keys", None)
        if not ring:
            principal = ANONYMOUS
        else:
            key = api_key or (bearer.credentials if bearer is not None else None)
            principal = _identify(ring, key, scope)
        request.state.principal = principal  # also for a 403: the log names who was refused
        if principal is not ANONYMOUS:
            set_caller(request.scope, principal.name)
        record = current_record()
        if record is not None:
            record.key = principal.name
        if not principal.can(scope):
            raise _Refused(
                403,
                AuthError(
                    detail=f"this route needs an API key with the {scope.value!r} scope; the key "
                    f"{principal.name!r} does not have it",
                    reason=AuthFailure.MISSING_SCOPE,
                    scope=scope,
                ),
            )
        return principal

    dependency.__name__ = f"require_{scope.value}"
    return dependency


def _identify(ring: KeyRing, key: str | None, scope: Scope) -> Principal:
    """The key's principal; no key, or an unknown one, is a 401."""
    if not key:
        raise _Refused(
            401,
            AuthError(
                detail=f"this route needs an API key with the {scope.value!r} scope: send it as "
                "X-API-Key or Authorization: Bearer",
                reason=AuthFailure.MISSING_KEY,
                scope=scope,
            ),
        )
    principal = ring.identify(key)
    if principal is None:
        raise _Refused(
            401,
            AuthError(
                detail="the API key matches none configured", reason=AuthFailure.UNKNOWN_KEY, scope=scope
            ),
        )
    return principal


def install(app: FastAPI) -> None:
    """Answer `require`'s refusals: 401 (with ``WWW-Authenticate``) or 403, body `AuthError`."""

    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, _Refused)
        headers = {"WWW-Authenticate": 'Bearer realm="mlpy"'} if exc.status == 401 else None
        return JSONResponse(exc.body.model_dump(mode="json"), exc.status, headers=headers)

    app.add_exception_handler(_Refused, refused)
