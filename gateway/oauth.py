"""OAuth 2.0 as RFC 6749 words it: the error codes of section 5.2, and how a client authenticates
(`client_secret_basic`, section 2.3.1, or `client_secret_post`, never both)."""

import base64
import binascii
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError

from services.common.db import RetryingRoute
from services.common.errors import DomainError

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="futuresocial", charset="UTF-8"'}


class OAuthError(DomainError):
    """An RFC 6749 error: `error` and `error_description` in the body, beside the problem details."""

    def __init__(self, error: str, description: str, *, status: int = 400, headers: dict[str, str] | None = None):
        super().__init__(description, headers=headers, error=error, error_description=description)
        self.status = status
        self.slug = error.replace("_", "-")


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def invalid_client(description: str) -> OAuthError:
    """401, challenging for Basic: a client that sent its secret in the form learns it may send it so."""
    return OAuthError("invalid_client", description, status=401, headers=BASIC_CHALLENGE)


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


def client_credentials(
    authorization: str | None, form_id: str | None, form_secret: str | None
) -> ClientCredentials | None:
    """The client's id and secret, from HTTP Basic (each form-urlencoded inside, as section 2.3.1 says) or
    from the form; None when the request carries no client secret at all."""
    scheme, _, encoded = (authorization or "").partition(" ")
    basic = scheme.lower() == "basic"
    if basic and form_secret:
        raise invalid_request("The client authenticated twice (HTTP Basic and the form); use one method.")
    if not basic:
        if not form_secret:
            return None
        if not form_id:
            raise invalid_client("client_secret was sent without client_id.")
        return ClientCredentials(form_id, form_secret)
    try:
        client_id, colon, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client("The HTTP Basic credentials are not base64 of client_id:client_secret.")
    if not (colon and client_id and secret) or len(client_id) > 64 or len(secret) > 256:
        raise invalid_client("The HTTP Basic credentials are not base64 of client_id:client_secret.")
    client_id = unquote_plus(client_id)
    if form_id and form_id != client_id:
        raise invalid_request("client_id in the form is not the client that authenticated.")
    return ClientCredentials(client_id, unquote_plus(secret))


class OAuthRoute(RetryingRoute):
    """The OAuth endpoints answer a malformed request with RFC 6749's invalid_request (400), not the 422 the
    rest of the API gives, so OAuth client libraries read it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as invalid:
                fields = ", ".join(str(error["loc"][-1]) for error in invalid.errors())
                raise invalid_request(f"Missing or invalid parameter(s): {fields}.") from invalid

        return handle
