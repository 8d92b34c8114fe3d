"""The browser's address, vouched for: every call the front end makes for a person names that person's address
(X-Forwarded-For) with the proof the gateway asks for (X-FutureSocial-Forwarder, an access token of the
platform's service client), so the gateway's per-address limits count each browser, not the front end as one
(gateway/forwarding.py). Without service client credentials the calls go as the front end's own."""

import asyncio
import logging
import time
from contextvars import ContextVar

import httpx

from services.common.settings import Settings

FORWARDER_HEADER = "x-futuresocial-forwarder"
RENEW_BEFORE_SECONDS = 60

browser_address: ContextVar[str | None] = ContextVar("browser_address", default=None)
log = logging.getLogger("futuresocial.web")


class Forwarder:
    def __init__(self, settings: Settings):
        self.token_url = f"{settings.gateway_base_url()}/v1/auth/token"
        self.client_id, self.client_secret = settings.service_client_id, settings.service_client_secret
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def _current(self) -> str | None:
        async with self._lock:
            if self._token is None or time.monotonic() > self._expires - RENEW_BEFORE_SECONDS:
                form = {"grant_type": "client_credentials", "client_id": self.client_id}
                form["client_secret"] = self.client_secret
                try:
                    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
                        answer = await client.post(self.token_url, data=form)
                    answer.raise_for_status()
                except httpx.HTTPError as failed:
                    log.warning("no forwarder token: %s", type(failed).__name__)
                    return None
                body = answer.json()
                self._token, self._expires = body["access_token"], time.monotonic() + body["expires_in"]
            return self._token

    async def add_headers(self, request: httpx.Request) -> None:
        """An httpx request hook on the client to the gateway."""
        address = browser_address.get()
        if not (address and self.client_id):
            return
        token = await self._current()
        if token:
            request.headers[FORWARDER_HEADER] = token
            request.headers["x-forwarded-for"] = address
