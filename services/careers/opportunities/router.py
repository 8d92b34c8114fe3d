"""Regional opportunities: councils post them, the region's social workers browse them and register interest."""

import uuid
from typing import Annotated

from fastapi import Body, Query, Request, Response
from fastapi.responses import JSONResponse

from services.careers.dependencies import CREATED, IDEMPOTENCY, Staff, Worker
from services.careers.fields import CODE_PATTERN, CouncilCode
from services.careers.opportunities import service
from services.careers.opportunities.schemas import (
    InterestCreate,
    InterestPublic,
    OpportunityCreate,
    OpportunityKind,
    OpportunityPublic,
    OpportunityUpdate,
)
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once
from services.common.pagination import Page, PageDep, make_page

opportunities = service_router("careers", "opportunities")
routers = [opportunities]


@opportunities.get("/opportunities", summary="Browse the region's opportunities, closing soonest first")
def list_opportunities(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    today: Today,
    level: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="For this level (code)")
    ] = None,
    pathway: Annotated[
        str | None, Query(max_length=40, pattern=CODE_PATTERN, description="On this pathway (code)")
    ] = None,
    council: Annotated[CouncilCode | None, Query(description="Posted by this council")] = None,
    kind: Annotated[OpportunityKind | None, Query(description="Development post, secondment or vacancy")] = None,
    open_only: Annotated[bool, Query(description="Only those whose closing date has not passed")] = True,
) -> Page[OpportunityPublic]:
    items, total = service.list_opportunities(
        session,
        principal,
        page,
        today,
        level=level,
        pathway=pathway,
        council=council,
        kind=kind,
        open_only=open_only,
    )
    return make_page(items, total, page)


@opportunities.post(
    "/opportunities",
    status_code=201,
    response_model=OpportunityPublic,
    summary="Post an opportunity for your council",
    responses=IDEMPOTENCY,
)
def create_opportunity(
    body: OpportunityCreate,
    request: Request,
    principal: Staff,
    session: SessionDep,
    today: Today,
    key: IdempotencyKey = None,
) -> JSONResponse:
    def create() -> OpportunityPublic:
        return service.create_opportunity(session, principal, body, today)

    return create_once(session, principal, key, request, body, create, "/v1/careers/opportunities/{id}")


@opportunities.get("/opportunities/{opportunity_id}", summary="One opportunity")
def read_opportunity(
    opportunity_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> OpportunityPublic:
    return service.get_opportunity(session, principal, opportunity_id, today)


@opportunities.patch("/opportunities/{opportunity_id}", summary="Change your council's opportunity")
def update_opportunity(
    opportunity_id: uuid.UUID, body: OpportunityUpdate, principal: Staff, session: SessionDep, today: Today
) -> OpportunityPublic:
    return service.update_opportunity(session, principal, opportunity_id, body, today)


@opportunities.post("/opportunities/{opportunity_id}/interest", summary="Register my interest", **CREATED)
def register_interest(
    opportunity_id: uuid.UUID,
    body: Annotated[InterestCreate, Body(default_factory=InterestCreate)],
    principal: Worker,
    session: SessionDep,
    today: Today,
) -> InterestPublic:
    return service.register_interest(session, principal, opportunity_id, body, today)


@opportunities.delete("/opportunities/{opportunity_id}/interest", status_code=204, summary="Withdraw my interest")
def withdraw_interest(opportunity_id: uuid.UUID, principal: Worker, session: SessionDep) -> Response:
    service.withdraw_interest(session, principal, opportunity_id)
    return Response(status_code=204)


@opportunities.get(
    "/opportunities/{opportunity_id}/registrations",
    summary="Who registered interest in your council's opportunity",
)
def list_registrations(
    opportunity_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, page: PageDep, today: Today
) -> Page[InterestPublic]:
    items, total = service.list_interest(session, principal, opportunity_id, page, today)
    return make_page(items, total, page)
