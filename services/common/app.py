"""Builds a service's FastAPI app the same way for all four: auth at router level, errors, ids, health,
the transaction rules and how many requests it serves at once."""

from collections.abc import Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Response
from pydantic import BaseModel

from services.common import openapi
from services.common.auth import CurrentPrincipal, Role, require_roles, require_scope
from services.common.body_limit import BodyLimit, body_limits
from services.common.capacity import RequestSlots, request_threads
from services.common.db import RequestSessionsMiddleware, RetryingRoute, pool_size
from services.common.docs import install_docs
from services.common.errors import PROBLEM_RESPONSES, install_problem_handlers
from services.common.health import health_router
from services.common.logging import RequestContextMiddleware, configure_logging
from services.common.metrics import metrics_response
from services.common.settings import get_settings

VERSION = "0.1.0"


class WhoAmI(BaseModel):
    service: str
    subject: str
    role: str
    council: str | None
    worker: str | None
    scopes: list[str]


async def metrics() -> Response:
    return metrics_response()


def service_router(
    service: str,
    tag: str | None = None,
    *,
    roles: Sequence[Role] = (),
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> APIRouter:
    """The router every endpoint of a service hangs from: /v1/<service>, a valid token required. Said once for
    all its endpoints: `tag`, the heading the API's documents list them under; `roles`, the only roles that may
    call any of them (where none uses the principal); `responses`, answers each may give beside the common ones."""
    dependencies = [Depends(require_scope(service))]
    if roles:
        dependencies.append(Depends(require_roles(*roles)))
    return APIRouter(
        prefix=f"/v1/{service}",
        tags=[tag] if tag else None,
        dependencies=dependencies,
        responses={**PROBLEM_RESPONSES, **(responses or {})},
        route_class=RetryingRoute,
    )


def create_service_app(service: str, description: str, routers: list[APIRouter], lifespan=None) -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    slots = pool_size(settings)

    @asynccontextmanager
    async def service_lifespan(app: FastAPI):
        async with request_threads(slots):
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield

    title = f"FutureSocial {service}"
    app = FastAPI(
        title=title,
        description=description,
        version=VERSION,
        lifespan=service_lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_ids(service),
    )
    openapi.install(app)
    app.add_middleware(RequestSessionsMiddleware)
    app.add_middleware(RequestSlots, slots=slots, queue_seconds=settings.request_queue_timeout_seconds)
    # Outside the slots: a body refused by its Content-Length never takes one.
    app.add_middleware(BodyLimit, default_bytes=settings.request_body_max_bytes, larger=body_limits(settings))
    app.add_middleware(RequestContextMiddleware, service=service)
    install_problem_handlers(app)
    app.include_router(health_router(service))
    install_docs(app, title)
    # Unauthenticated: a service's port is reached only from the platform's own network (docs/running.md).
    app.add_api_route("/metrics", metrics, include_in_schema=False)

    whoami = service_router(service)

    @whoami.get("/whoami", response_model=WhoAmI, tags=["auth"], summary="Who this service takes you for")
    def who_am_i(principal: CurrentPrincipal) -> WhoAmI:
        return WhoAmI(
            service=service,
            subject=principal.subject,
            role=principal.role.value,
            council=principal.council,
            worker=principal.worker,
            scopes=sorted(principal.scopes),
        )

    app.include_router(whoami)
    for router in routers:
        app.include_router(router)
    return app
