"""Forwarding /v1/<service>/... to the service that serves it, with one pooled client per upstream."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import aiohttp
import httpx
from fastapi import Request
from httpx_aiohttp import AiohttpTransport
from starlette.responses import Response, StreamingResponse

from services.common.errors import DomainError, NotFound
from services.common.settings import SERVICE_NAMES, Settings

WEB = "web"  # the front end: every path that is neither the API's nor the gateway's own

# RFC 9110 section 7.6.1 hop-by-hop headers, plus those the client library sets itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
_HOP_BY_HOP = frozenset(name.encode() for name in HOP_BY_HOP)
_SET_BY_GATEWAY = frozenset({b"x-request-id", b"x-forwarded-for"})
# Answers up to this size are read whole and sent with a Content-Length; longer or open-ended ones (census
# exports) stream through, so the gateway never holds a whole export in memory.
BUFFERED_BODY_MAX = 1024 * 1024
# A service that is down is being restarted by the supervisor, which takes a few seconds.
RETRY_AFTER_SECONDS = 5
UPSTREAM_KEEPALIVE_SECONDS = 4.0


class UpstreamUnavailable(DomainError, status=503, slug="upstream-unavailable"):
    def __init__(self, service: str):
        super().__init__(f"The {service} service cannot be reached.", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class UpstreamTimeout(DomainError, status=504, slug="upstream-timeout"):
    """A service took longer than the gateway waits."""


def _client(base_url: str, settings: Settings) -> httpx.AsyncClient:
    """httpx's interface over aiohttp's connection pool: httpcore's pool checks every idle connection on each
    request (a poll system call apiece), which cost more than the rest of the proxy at 32 clients."""
    connections = settings.upstream_max_connections

    def session() -> aiohttp.ClientSession:  # made on first use, inside the running event loop
        return aiohttp.ClientSession(
            # Every connection that may be opened is kept alive, so a burst does not close and reopen the
            # surplus; idle ones are dropped before uvicorn's own 5 s keep-alive ends them under a request.
            connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=UPSTREAM_KEEPALIVE_SECONDS),
            # A proxy keeps no cookies: one caller's Set-Cookie must never ride on another caller's request.
            cookie_jar=aiohttp.DummyCookieJar(),
            # Only what the caller sent: no compression asked for on its behalf, no invented content type.
            skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type", "User-Agent"),
        )

    client = httpx.AsyncClient(
        base_url=base_url,
        transport=AiohttpTransport(client=session),
        timeout=httpx.Timeout(settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds),
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # kept as is: an httpx.Cookies is copied
        trust_env=False,  # the services are reached directly, never through an environment's HTTP proxy
    )
    for name in ("accept", "accept-encoding", "user-agent"):
        del client.headers[name]
    return client


class Upstreams:
    """The pooled HTTP clients to the four services and the front end, opened and closed with the gateway."""

    def __init__(self, settings: Settings):
        self.timeout = settings.upstream_timeout_seconds
        self.clients = {name: _client(settings.upstream_url(name), settings) for name in (*SERVICE_NAMES, WEB)}

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))

    def client_for(self, service: str) -> httpx.AsyncClient:
        client = self.clients.get(service)
        if client is None:
            raise NotFound(f"There is no service called {service!r}.")
        return client

    @asynccontextmanager
    async def _failures_as_problems(self, service: str, timeout: float):
        """Never hang past `timeout`: 503 (with Retry-After) when the service is down, 504 when it is slow."""
        try:
            async with asyncio.timeout(timeout):
                yield
        except (TimeoutError, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise UpstreamUnavailable(service)
            raise UpstreamTimeout(f"The {service} service did not answer within {timeout:g} s.")
        except httpx.TransportError:
            raise UpstreamUnavailable(service)

    async def send(
        self, service: str, method: str, path: str, *, timeout: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request to a service, its answer read whole."""
        client = self.client_for(service)
        async with self._failures_as_problems(service, timeout or self.timeout):
            return await client.request(method, path, **kwargs)

    async def open(self, service: str, request: httpx.Request) -> tuple[httpx.Response, bytes | None]:
        """Send a request and wait for the answer's head; its body too when it is short. A body left unread
        (None) must be streamed from the response, which must then be closed."""
        client = self.client_for(service)
        async with self._failures_as_problems(service, self.timeout):
            upstream = await client.send(request, stream=True)
            try:
                length = upstream.headers.get("content-length")
                if length is not None and int(length) <= BUFFERED_BODY_MAX:
                    body = b"".join([chunk async for chunk in upstream.aiter_raw()])
                    await upstream.aclose()
                    return upstream, body
            except BaseException:
                await upstream.aclose()
                raise
            return upstream, None


def _request_headers(request: Request) -> list[tuple[bytes, bytes]]:
    """The caller's headers less hop-by-hop ones (RFC 9110 section 7.6.1: also those named in Connection),
    plus the request id and the caller's address. The address is the one the gateway itself believes (its
    peer, or what a configured proxy in front of it said): a caller's own X-Forwarded-For never reaches a
    service, which would otherwise take the caller's word for where it is."""
    raw = request.scope["headers"]
    named: set[bytes] = set()
    for name, value in raw:
        if name == b"connection":
            named.update(token.strip().lower() for token in value.split(b","))
    drop = _HOP_BY_HOP | _SET_BY_GATEWAY | named if named else _HOP_BY_HOP | _SET_BY_GATEWAY
    headers = [(name, value) for name, value in raw if name not in drop]
    headers.append((b"x-request-id", request.state.request_id.encode()))
    if request.client:
        headers.append((b"x-forwarded-for", request.client.host.encode()))
    return headers


async def _body(request: Request, headers: list[tuple[bytes, bytes]]) -> bytes | AsyncIterator[bytes] | None:
    """The caller's body for the service: a short one read whole; a long or open-ended one (a census upload)
    passed on as it arrives, so the gateway never holds it. Either way it is read through the body limit,
    which stops it at the endpoint's limit."""
    length = request.headers.get("content-length")
    if length is None and "transfer-encoding" not in request.headers:
        return None
    if length is not None and length.isdigit() and int(length) <= BUFFERED_BODY_MAX:
        return await request.body()
    if length is not None:
        headers.append((b"content-length", length.encode()))  # sent as declared, not re-chunked
    return request.stream()


# The gateway's own server adds these; the service's copies would make every answer carry two of each.
_SET_BY_GATEWAY_SERVER = frozenset({b"date", b"server"})


def _response_headers(upstream: httpx.Response, keep_length: bool) -> list[tuple[bytes, bytes]]:
    hop_by_hop = _HOP_BY_HOP - {b"content-length"} if keep_length else _HOP_BY_HOP
    drop = hop_by_hop | _SET_BY_GATEWAY_SERVER
    return [(name, value) for name, value in upstream.headers.raw if name.lower() not in drop]


async def _relay(upstream: httpx.Response) -> AsyncIterator[bytes]:
    # Closed however the stream ends, the caller gone included, so the connection goes back to the pool.
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    finally:
        await upstream.aclose()


async def forward(upstreams: Upstreams, service: str, request: Request) -> Response:
    """The caller's request as the service answers it: body bytes passed through untouched (still encoded)."""
    scope = request.scope
    target = scope.get("raw_path") or scope["path"].encode()
    if scope["query_string"]:
        target += b"?" + scope["query_string"]
    client = upstreams.client_for(service)
    headers = _request_headers(request)
    outgoing = client.build_request(
        request.method, target.decode("latin-1"), headers=headers, content=await _body(request, headers)
    )
    upstream, body = await upstreams.open(service, outgoing)
    if body is not None:
        response = Response(content=body, status_code=upstream.status_code)
        response.raw_headers.extend(_response_headers(upstream, keep_length=False))
        return response
    response = StreamingResponse(_relay(upstream), status_code=upstream.status_code)
    # The raw bytes go through as they came, so a length the service gave still holds.
    response.raw_headers.extend(_response_headers(upstream, keep_length=True))
    return response
