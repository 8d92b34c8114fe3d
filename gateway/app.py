"""The gateway: the platform's front door (tokens, routing, limits, request ids, merged docs)."""

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway import accounts, tokens
from gateway.docs import platform_openapi
from gateway.forwarding import TrustedForwarder
from gateway.proxy import RETRY_AFTER_SECONDS, WEB, Upstreams, forward
from services.common import openapi as service_openapi
from services.common.app import VERSION
from services.common.auth import principal_from_token
from services.common.body_limit import BodyLimit, body_limits
from services.common.capacity import RequestSlots, request_threads
from services.common.db import RequestSessionsMiddleware, pool_size
from services.common.docs import install_docs
from services.common.errors import NotFound, install_problem_handlers
from services.common.logging import RequestContextMiddleware, configure_logging
from services.common.metrics import address_among, metrics_response
from services.common.rate_limits import RequestLimiter
from services.common.settings import SERVICE_NAMES, get_settings

DESCRIPTION = (
    "The FutureSocial platform API. Get a token from `POST /v1/auth/token` (OAuth 2.0: client credentials "
    "for council HR systems and the DfE, sent as HTTP Basic or in the form; password and refresh token for "
    "people), then call `/v1/<service>/...` with `Authorization: Bearer <token>`. Errors are RFC 9457 problem "
    "details; the token endpoint's also carry RFC 6749's `error` and `error_description`."
)

# The only service endpoints anyone may call without a token (method, exact path); every other
# /v1/<service>/ path needs a valid one.
PUBLIC_ENDPOINTS = frozenset({("POST", "/v1/returners/enquiries")})


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.upstreams = Upstreams(get_settings())
    app.state.limits = RequestLimiter(get_settings())
    async with request_threads(pool_size(get_settings())):
        yield
    await app.state.upstreams.aclose()


async def probe(upstreams: Upstreams, service: str, path: str, timeout: float) -> str:
    """One service's answer to /health or /ready, in words; never longer than `timeout`."""
    try:
        answer = await upstreams.send(service, "GET", path, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok"
        return getattr(exc, "detail", "unreachable")
    return "ok" if answer.status_code == 200 else f"answered {answer.status_code}"


def create_gateway() -> FastAPI:
    configure_logging(get_settings().log_level)
    app = FastAPI(
        title="FutureSocial platform",
        description=DESCRIPTION,
        version=VERSION,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=service_openapi.operation_ids("gateway"),
    )
    service_openapi.install(app)
    settings = get_settings()
    # The token endpoint uses the database: the same transaction rules and capacity as a service's routes.
    app.add_middleware(RequestSessionsMiddleware)
    app.add_middleware(
        RequestSlots,
        slots=pool_size(settings),
        queue_seconds=settings.request_queue_timeout_seconds,
        only_under=tokens.router.prefix,
    )
    # The same limits as the services, so an oversized body is refused here before any of it is forwarded.
    app.add_middleware(BodyLimit, default_bytes=settings.request_body_max_bytes, larger=body_limits(settings))
    app.add_middleware(RequestContextMiddleware, service="gateway")
    # Outermost: the address the front end vouches for is the one every limit and log line below sees.
    app.add_middleware(TrustedForwarder)
    install_problem_handlers(app)
    app.include_router(tokens.router)
    app.include_router(accounts.router)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(await platform_openapi(app.openapi(), request.app.state.upstreams))

    install_docs(app, "FutureSocial platform API")

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        address = request.client.host if request.client else None
        if not address_among(address, settings.gateway_metrics_allowed):
            raise StarletteHTTPException(404)  # as for a page that is not there
        return metrics_response()

    async def aggregate(request: Request, path: str) -> JSONResponse:
        """Every service asked at once, each for at most the health timeout: one that hangs costs that
        long, not the sum, and does not hide how the others are."""
        upstreams: Upstreams = request.app.state.upstreams
        timeout = get_settings().health_timeout_seconds
        services = list(upstreams.clients)
        answers = await asyncio.gather(*(probe(upstreams, service, path, timeout) for service in services))
        statuses = dict(zip(services, answers, strict=True))
        healthy = all(state == "ok" for state in answers)
        body = {"status": "ok" if healthy else "degraded", "service": "gateway", "upstreams": statuses}
        if healthy:
            return JSONResponse(body)
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.get("/health", tags=["health"], summary="The gateway and every service are alive")
    async def health(request: Request) -> JSONResponse:
        return await aggregate(request, "/health")

    @app.get("/ready", tags=["health"], summary="Every service can reach the database")
    async def ready(request: Request) -> JSONResponse:
        return await aggregate(request, "/ready")

    async def proxy(request: Request) -> Response:
        service = request.path_params["service"]
        if service not in SERVICE_NAMES:
            raise NotFound(f"There is no service called {service!r}.")
        # Logged instead of the path, which may name a person; the service logs its own route template.
        request.state.route = f"/v1/{service}/{{path}}"
        limits: RequestLimiter = request.app.state.limits
        if (request.method, request.scope["path"]) in PUBLIC_ENDPOINTS:
            # No token to check; limited by address here, and by the service's own limits.
            address = request.client.host if request.client else "unknown"
            await limits.enforce("public", address, get_settings().api_rate_limit)
            return await forward(request.app.state.upstreams, service, request)
        # Checked here as well as at the service, so a bad token never costs an upstream call.
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        principal = principal_from_token(token if scheme.lower() == "bearer" else None)
        request.state.principal = principal.subject
        await limits.enforce("api", principal.subject, get_settings().api_rate_limit)
        return await forward(request.app.state.upstreams, service, request)

    # A plain Starlette route: the proxy takes nothing FastAPI would parse or validate, so it skips the
    # dependency resolution every FastAPI endpoint pays for.
    app.add_route(
        "/v1/{service}/{path:path}", proxy, methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )

    async def pages(request: Request) -> Response:
        """The front end's pages and files, as they are: it keeps its own sessions and checks its own forms,
        and calls the API back through this gateway with the person's token."""
        request.state.route = "/{page}"  # its paths may name a record
        return await forward(request.app.state.upstreams, WEB, request)

    # Last: whatever no route above took, the API's unknown paths under /v1/ included, goes to the front end.
    app.add_route("/{page:path}", pages, methods=["GET", "HEAD", "POST"], include_in_schema=False)

    return app


app = create_gateway()
