"""Calling another service over HTTP with a service token: services never read each other's tables."""

import threading
import time
from collections.abc import Generator, Iterator

import httpx

from services.common.db import check_no_transaction_held
from services.common.errors import ServiceUnavailable
from services.common.settings import get_settings


class ServiceToken(httpx.Auth):
    """A client-credentials token for this process's service client, fetched from the gateway and
    renewed a minute before it expires."""

    def __init__(self, token_url: str, client_id: str, client_secret: str):
        self.token_url, self.client_id, self.client_secret = token_url, client_id, client_secret
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def _current(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() > self._expires - 60:
                answer = httpx.post(
                    self.token_url,
                    data={"grant_type": "client_credentials", "client_id": self.client_id,
                          "client_secret": self.client_secret},
                    timeout=5,
                )  # fmt: skip
                answer.raise_for_status()
                body = answer.json()
                self._token, self._expires = body["access_token"], time.monotonic() + body["expires_in"]
            return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._current()}"
        yield request


_token: ServiceToken | None = None


def _service_token() -> ServiceToken:
    global _token
    if _token is None:
        settings = get_settings()
        token_url = f"{settings.gateway_base_url()}/v1/auth/token"  # in a container, our own host is not the gateway
        _token = ServiceToken(token_url, settings.service_client_id, settings.service_client_secret)
    return _token


def service_client(service: str) -> Iterator[httpx.Client]:
    """A FastAPI dependency: an HTTP client to `service` that authenticates as this service.
    Tests override it with a client bound to the other app in-process."""
    settings = get_settings()
    with httpx.Client(
        base_url=settings.upstream_url(service),
        auth=_service_token(),
        timeout=httpx.Timeout(settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds),
    ) as client:
        yield client


def call(client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    """One call to another service; unreachable or slow becomes a clear 503 for our caller. Never made
    inside a database transaction (services/common/db.py)."""
    check_no_transaction_held()
    try:
        return client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"A service this needs cannot be reached now ({type(exc).__name__}).")
