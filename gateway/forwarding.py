"""Whose address a request is counted by when the front end makes it for a person.

The front end calls the gateway from its own address for everyone who uses it: signing in and sending a Return to
Social Work enquiry would share one limit per address across the whole region (10 enquiries an hour, 30 failed
sign-ins a minute, for every browser at once). So the front end names the browser's address in X-Forwarded-For
and proves it is the platform's own in X-FutureSocial-Forwarder: an access token of the platform's service client
(role "service"). Only then is that address believed, here, before any limit or the token endpoint reads it; any
other caller's X-Forwarded-For is ignored as before (gateway_trusted_proxies aside), and neither header reaches a
service."""

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.auth import Role
from services.common.jwt import InvalidToken, verify_token

FORWARDER_HEADER = b"x-futuresocial-forwarder"
_FORWARDED_FOR = b"x-forwarded-for"


def forwarded_address(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The address the front end vouches for, or None when the request does not carry a proof that holds."""
    found = dict(headers)
    proof, named = found.get(FORWARDER_HEADER), found.get(_FORWARDED_FOR)
    if not proof or not named:
        return None
    try:
        if verify_token(proof.decode("latin-1")).get("role") != Role.service.value:
            return None
        return str(ipaddress.ip_address(named.decode("latin-1").split(",")[-1].strip()))
    except (InvalidToken, ValueError):
        return None


class TrustedForwarder:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(name == FORWARDER_HEADER for name, _ in scope["headers"]):
            address = forwarded_address(scope["headers"])
            if address is not None:
                scope["client"] = (address, 0)
            scope["headers"] = [(name, value) for name, value in scope["headers"] if name != FORWARDER_HEADER]
        await self.app(scope, receive, send)
