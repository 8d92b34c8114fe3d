"""The OAuth2 endpoints: tokens (client credentials for machines; password and refresh token for people),
revocation (RFC 7009) and the JWKS."""

import hashlib
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, Response
from limits import parse
from pydantic import BaseModel, Field

from gateway import credentials, refresh_tokens
from gateway.oauth import (
    ClientCredentials,
    OAuthError,
    OAuthRoute,
    client_credentials,
    invalid_client,
    invalid_grant,
    invalid_request,
)
from services.common.db import SessionDep
from services.common.errors import PROBLEM_RESPONSES, Unauthorized, problem_response_doc
from services.common.jwt import InvalidToken, issue_token, jwks, verify_token
from services.common.rate_limits import TooManyRequests, enforce, limiter
from services.common.settings import get_settings

FAILURES = "token-failures"
GRANT_TYPES = "client_credentials, password, refresh_token"
# RFC 6749, 5.1: an answer carrying tokens is never stored by a cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

router = APIRouter(prefix="/v1/auth", tags=["auth"], route_class=OAuthRoute)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    scope: str
    refresh_token: str | None = Field(
        None, description="People only (password and refresh_token grants): spent on use, replaced by a new one"
    )


OAUTH_ERROR = (
    "RFC 6749 section 5.2: `error` (invalid_request, invalid_client, invalid_grant, unauthorized_client, "
    "unsupported_grant_type, invalid_scope) and `error_description`, beside the problem details"
)
TOKEN_RESPONSES = PROBLEM_RESPONSES | {
    400: problem_response_doc(400, OAUTH_ERROR),
    401: problem_response_doc(401, "invalid_client: the client's id or secret is wrong or missing"),
}


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=TOKEN_RESPONSES,
    summary="An access token (RFC 6749): client credentials, a person's password, or a refresh token",
)
def token(
    request: Request,
    response: Response,
    session: SessionDep,
    grant_type: Annotated[str, Form(max_length=64, description=GRANT_TYPES)],
    client_id: Annotated[str | None, Form(max_length=64, description="client_secret_post")] = None,
    client_secret: Annotated[str | None, Form(max_length=256, description="client_secret_post")] = None,
    username: Annotated[str | None, Form(max_length=120)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    refresh_token: Annotated[str | None, Form(max_length=128)] = None,
    scope: Annotated[str | None, Form(max_length=255, description="Space-separated; narrows the default")] = None,
) -> TokenResponse:
    """Exchange a client's secret, a person's password or a refresh token for a short-lived RS256 access
    token. A client authenticates with HTTP Basic (`client_secret_basic`: its id and secret, each
    form-urlencoded) or with client_id and client_secret in the form (`client_secret_post`), never both. A
    person's token comes with a refresh token."""
    address = request.client.host if request.client else "-"
    refuse_an_address_that_failed_too_often(address)
    client = client_credentials(request.headers.get("authorization"), client_id, client_secret)
    enforce("token", _caller(client, username, refresh_token), get_settings().token_rate_limit)
    response.headers.update(NO_STORE)
    try:
        if grant_type == "client_credentials":
            return _for_client(session, client, scope)
        if grant_type in ("password", "refresh_token"):
            if client is not None:
                _authenticate_client(session, client)
                raise OAuthError("unauthorized_client", "A machine client gets tokens with client_credentials only.")
            if grant_type == "password":
                return _for_password(session, username, password, scope)
            return _for_refresh_token(session, refresh_token, scope)
        raise OAuthError("unsupported_grant_type", f"grant_type is one of: {GRANT_TYPES}.")
    except OAuthError as refused:
        if refused.extra["error"] in ("invalid_client", "invalid_grant"):
            limiter().hit(parse(get_settings().token_failures_per_address), FAILURES, address)
        raise


def _caller(client: ClientCredentials | None, username: str | None, refresh_token: str | None) -> str:
    """Whom the per-name limit counts: the client, the person, or the sign-in a refresh token continues."""
    if client is not None:
        return client.client_id
    if refresh_token:
        return "refresh:" + hashlib.sha256(refresh_token.encode()).hexdigest()[:32]
    return username or ""


def _authenticate_client(session: SessionDep, client: ClientCredentials) -> credentials.Identity:
    try:
        return credentials.authenticate_client(session, client.client_id, client.client_secret)
    except Unauthorized:
        raise invalid_client(credentials.BAD_CREDENTIALS)


def _for_client(session: SessionDep, client: ClientCredentials | None, scope: str | None) -> TokenResponse:
    if client is None:
        raise invalid_client(
            "client_credentials needs the client's id and secret: HTTP Basic, or client_id and client_secret "
            "in the form."
        )
    identity = _authenticate_client(session, client)
    return _access(identity, _narrowed(identity.scopes, scope))


def _for_password(session: SessionDep, username: str | None, password: str | None, scope: str | None) -> TokenResponse:
    if not (username and password):
        raise invalid_request("The password grant needs username and password.")
    try:
        user = credentials.authenticate_user(session, username, password)
    except Unauthorized:
        raise invalid_grant(credentials.BAD_CREDENTIALS)
    identity = credentials.identity_of(user)
    scopes = _narrowed(identity.scopes, scope)
    return _access(identity, scopes, refresh_tokens.issue(session, user, scopes))


def _for_refresh_token(session: SessionDep, presented: str | None, scope: str | None) -> TokenResponse:
    if not presented:
        raise invalid_request("The refresh_token grant needs refresh_token.")
    user, scopes, renewed = refresh_tokens.rotate(session, presented)
    return _access(credentials.identity_of(user), _narrowed(scopes, scope), renewed)


def _narrowed(granted: list[str], scope: str | None) -> list[str]:
    """The scopes asked for, which must all be granted; all granted when none are asked for."""
    if not scope:
        return granted
    asked = scope.split()
    refused = sorted(set(asked) - set(granted))
    if refused:
        raise OAuthError("invalid_scope", f"Scopes not granted to this principal: {', '.join(refused)}.")
    return asked


def _access(identity: credentials.Identity, scopes: list[str], refresh_token: str | None = None) -> TokenResponse:
    ttl = get_settings().token_ttl_seconds
    access_token = issue_token(
        subject=identity.subject,
        role=identity.role.value,
        scopes=scopes,
        council=identity.council,
        worker=identity.worker,
        ttl_seconds=ttl,
    )
    return TokenResponse(access_token=access_token, expires_in=ttl, scope=" ".join(scopes), refresh_token=refresh_token)


@router.post(
    "/revoke",
    responses=TOKEN_RESPONSES,
    summary="Revoke a refresh token and the sign-in it continues (RFC 7009)",
    response_class=Response,
)
def revoke(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=4096)],
    token_type_hint: Annotated[str | None, Form(max_length=32, description="refresh_token or access_token")] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
) -> Response:
    """200 whether or not the token was one of ours (RFC 7009, 2.2), so the answer tells nothing about it.
    Access tokens are not revocable: they expire within minutes (unsupported_token_type)."""
    client = client_credentials(request.headers.get("authorization"), client_id, client_secret)
    if client is not None:
        _authenticate_client(session, client)
    if not refresh_tokens.revoke(session, token) and _is_our_access_token(token):
        raise OAuthError(
            "unsupported_token_type",
            "Access tokens cannot be revoked; they expire within minutes. Revoke the refresh token.",
        )
    return Response(status_code=200, headers=NO_STORE)


def _is_our_access_token(token: str) -> bool:
    try:
        verify_token(token)
    except InvalidToken:
        return False
    return True


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
