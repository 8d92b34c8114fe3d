"""The principal behind a request, taken from its bearer token, and role checks as dependencies."""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.errors import Forbidden, Unauthorized
from services.common.jwt import InvalidToken, verify_token


class Role(StrEnum):
    council_hr = "council_hr"
    social_worker = "social_worker"
    academy_admin = "academy_admin"
    dfe = "dfe"
    service = "service"


# What each role may do by default; a client's own scopes may narrow this.
DEFAULT_SCOPES: dict[Role, list[str]] = {
    Role.council_hr: ["careers", "placements", "returners", "analytics"],
    Role.social_worker: ["careers", "placements"],  # placements: their own record only
    Role.academy_admin: ["careers", "placements", "returners", "analytics"],
    Role.dfe: ["analytics"],
    Role.service: ["careers", "placements", "returners", "analytics"],
}


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    council: str | None = None
    worker: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_regional(self) -> bool:
        """Academy staff and services see every council."""
        return self.role in (Role.academy_admin, Role.service)


_bearer = HTTPBearer(auto_error=False, description="An RS256 access token from POST /v1/auth/token")


def principal_from_token(token: str | None) -> Principal:
    """The principal a bearer token names, or 401 (the same answer whatever is wrong with it)."""
    if not token:
        raise Unauthorized("A bearer token is required.")
    try:
        claims = verify_token(token)
        principal = Principal(
            subject=str(claims["sub"]),
            role=Role(claims["role"]),
            council=claims.get("council"),
            worker=claims.get("worker"),
            scopes=frozenset(str(claims["scope"]).split()),
        )
    except (InvalidToken, ValueError):
        raise Unauthorized("The access token is invalid or has expired.")
    if principal.role is Role.council_hr and not principal.council:
        raise Unauthorized("The access token is invalid or has expired.")
    return principal


def get_principal(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Principal:
    principal = principal_from_token(credentials.credentials if credentials else None)
    request.state.principal = principal.subject
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_scope(scope: str) -> Callable[[Principal], Principal]:
    """Router-level guard: a valid token whose scopes include this service."""

    def _check(principal: CurrentPrincipal) -> Principal:
        if scope not in principal.scopes:
            raise Forbidden(f"This token does not grant the '{scope}' scope.")
        return principal

    return _check


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    def _check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Your role may not do this.")
        return principal

    return _check
