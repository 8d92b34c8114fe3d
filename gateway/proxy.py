"""Forwarding /v1/<service>/... to the service that serves it, with one pooled client per upstream."""

import asyncio
from collections.abc import Mapping

import httpx
from fastapi import Request
from fastapi.responses import Response

from services.common.errors import DomainError, NotFound
from services.common.settings import SERVICE_NAMES, Settings

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


class UpstreamUnavailable(DomainError):
    status, slug = 503, "upstream-unavailable"


class UpstreamTimeout(DomainError):
    status, slug = 504, "upstream-timeout"


class Upstreams:
    """The pooled HTTP clients to the four services, opened and closed with the gateway."""

    def __init__(self, settings: Settings):
        self.timeout = settings.upstream_timeout_seconds
        timeout = httpx.Timeout(settings.upstream_timeout_seconds, connect=settings.upstream_connect_timeout_seconds)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self.clients = {
            name: httpx.AsyncClient(base_url=settings.upstream_url(name), timeout=timeout, limits=limits)
            for name in SERVICE_NAMES
        }

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))

    async def send(self, service: str, method: str, path: str, **kwargs) -> httpx.Response:
        """One request to a service, never hanging past the timeout: 503 when down, 504 when slow."""
        client = self.clients.get(service)
        if client is None:
            raise NotFound(f"There is no service called {service!r}.")
        try:
            async with asyncio.timeout(self.timeout):
                return await client.request(method, path, **kwargs)
        except (TimeoutError, httpx.TimeoutException) as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise UpstreamUnavailable(f"The {service} service cannot be reached.")
            raise UpstreamTimeout(f"The {service} service did not answer within {self.timeout:g} s.")
        except httpx.TransportError:
            raise UpstreamUnavailable(f"The {service} service cannot be reached.")


def _forward_headers(headers: Mapping[str, str]) -> dict[str, str]:
    # Headers named in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
    named = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP | named}


async def forward(upstreams: Upstreams, service: str, request: Request) -> Response:
    headers = _forward_headers(request.headers)
    headers["x-request-id"] = request.state.request_id
    if request.client:
        prior = request.headers.get("x-forwarded-for")
        headers["x-forwarded-for"] = f"{prior}, {request.client.host}" if prior else request.client.host
    upstream = await upstreams.send(
        service,
        request.method,
        request.url.path,
        params=request.query_params.multi_items(),
        headers=headers,
        content=await request.body(),
    )
    return Response(
        content=upstream.content,
        status_code=upstream.status_code,
        headers={k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP | {"content-encoding"}},
    )
