"""The OAuth2 token endpoint (client credentials for machines, password for people) and the JWKS."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from gateway import credentials
from services.common.db import RetryingRoute, SessionDep
from services.common.errors import PROBLEM_RESPONSES, InvalidInput
from services.common.jwt import issue_token, jwks
from services.common.rate_limits import enforce
from services.common.settings import get_settings

router = APIRouter(prefix="/v1/auth", tags=["auth"], route_class=RetryingRoute)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    scope: str


@router.post("/token", response_model=TokenResponse, responses=PROBLEM_RESPONSES)
def token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[Literal["client_credentials", "password"], Form()],
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    username: Annotated[str | None, Form(max_length=120)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    scope: Annotated[str | None, Form(max_length=255, description="Space-separated; narrows the default")] = None,
) -> TokenResponse:
    """Exchange a client's secret or a person's password for a short-lived RS256 access token."""
    who = client_id or username or ""
    enforce("token", f"{request.client.host if request.client else '-'}:{who}", get_settings().token_rate_limit)
    if grant_type == "client_credentials":
        if not (client_id and client_secret):
            raise InvalidInput("client_credentials needs client_id and client_secret.")
        identity = credentials.authenticate_client(session, client_id, client_secret)
    else:
        if not (username and password):
            raise InvalidInput("password needs username and password.")
        identity = credentials.authenticate_user(session, username, password)
    scopes = identity.scopes
    if scope:
        asked = scope.split()
        refused = sorted(set(asked) - set(scopes))
        if refused:
            raise InvalidInput(f"Scopes not granted to this principal: {', '.join(refused)}.", error="invalid_scope")
        scopes = asked
    ttl = get_settings().token_ttl_seconds
    access_token = issue_token(
        subject=identity.subject,
        role=identity.role.value,
        scopes=scopes,
        council=identity.council,
        worker=identity.worker,
        ttl_seconds=ttl,
    )
    return TokenResponse(access_token=access_token, expires_in=ttl, scope=" ".join(scopes))


@router.get("/jwks.json", summary="The public keys that verify our access tokens")
def json_web_key_set() -> dict[str, Any]:
    return jwks()
