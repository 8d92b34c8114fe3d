"""The OAuth2 token endpoint (client credentials for machines, password for people) and the JWKS."""

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from limits import parse
from pydantic import BaseModel

from gateway import credentials
from services.common.db import RetryingRoute, SessionDep
from services.common.errors import PROBLEM_RESPONSES, InvalidInput, Unauthorized
from services.common.jwt import issue_token, jwks
from services.common.rate_limits import TooManyRequests, enforce, limiter
from services.common.settings import get_settings

FAILURES = "token-failures"

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
    address = request.client.host if request.client else "-"
    refuse_an_address_that_failed_too_often(address)
    enforce("token", client_id or username or "", get_settings().token_rate_limit)
    try:
        if grant_type == "client_credentials":
            if not (client_id and client_secret):
                raise InvalidInput("client_credentials needs client_id and client_secret.")
            identity = credentials.authenticate_client(session, client_id, client_secret)
        else:
            if not (username and password):
                raise InvalidInput("password needs username and password.")
            identity = credentials.authenticate_user(session, username, password)
    except Unauthorized:
        limiter().hit(parse(get_settings().token_failures_per_address), FAILURES, address)
        raise
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


def refuse_an_address_that_failed_too_often(address: str) -> None:
    """429 with Retry-After, before any secret is hashed, for an address with too many failed token requests
    whatever names it tried: a limit per name alone lets one address try a password on every account. Only
    failures count, so the many clients behind one council's address that sign in correctly never meet it."""
    rate = parse(get_settings().token_failures_per_address)
    if not limiter().test(rate, FAILURES, address):
        reset_at, _remaining = limiter().get_window_stats(rate, FAILURES, address)
        retry_after = max(1, int(reset_at - time.time()))
        raise TooManyRequests(
            f"Too many failed token requests from this address; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


@router.get("/jwks.json", summary="The public keys that verify our access tokens")
def json_web_key_set() -> dict[str, Any]:
    return jwks()
