"""Employment endpoints: a council's spells, starters and leavers, one change at a time (thin)."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.common.app import service_router
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once, fingerprint, idempotent
from services.common.pagination import Page, PageDep, make_page
from services.placements.api import CHANGED, CHANGED_OR_CONFLICT, CREATED, READ, HeldInYear, IfMatch, Reader, Writer
from services.placements.employments import service
from services.placements.employments.schemas import (
    EmploymentCreate,
    EmploymentPublic,
    EmploymentUpdate,
    LeaverCreate,
    OrgRole,
)
from services.placements.versions import etag_header, tagged
from services.placements.workers.schemas import CouncilCode, SweNumber

router = service_router("placements", "employments")


@router.post("/employments", summary="Record a spell (a starter)", response_model=EmploymentPublic, **CREATED)
def create_employment(
    body: EmploymentCreate,
    request: Request,
    session: SessionDep,
    principal: Writer,
    today: Today,
    key: IdempotencyKey = None,
) -> JSONResponse:
    def create() -> EmploymentPublic:
        return service.create_employment(session, principal, body, today)

    return create_once(session, principal, key, request, body, create, "/v1/placements/employments/{id}", etag_header)


@router.get("/employments", summary="List spells")
def list_employments(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="At this council")] = None,
    census_year: HeldInYear = None,
    in_post_on: Annotated[date | None, Query(description="Started on or before, and not ended before")] = None,
    agency: Annotated[bool | None, Query(description="Agency (true) or employed (false)")] = None,
    role: Annotated[OrgRole | None, Query(description="OrgRole code (1 to 6)")] = None,
    worker_id: Annotated[uuid.UUID | None, Query(description="This worker record's spells")] = None,
    swe_number: Annotated[
        SweNumber | None, Query(description="This person's spells (council HR: at its own council only)")
    ] = None,
) -> Page[EmploymentPublic]:
    employments, total = service.list_employments(
        session, principal, page, council=council, census_year=census_year, in_post_on=in_post_on, agency=agency,
        role=role, worker_id=worker_id, swe_number=swe_number,
    )  # fmt: skip
    return make_page(employments, total, page)


@router.get("/employments/{employment_id}", summary="Read a spell and the census years that hold it", **READ)
def get_employment(
    employment_id: uuid.UUID, response: Response, session: SessionDep, principal: Reader
) -> EmploymentPublic:
    return tagged(response, service.get_employment(session, principal, employment_id))


@router.patch("/employments/{employment_id}", summary="Change a spell and one census year's figures", **CHANGED)
def update_employment(
    employment_id: uuid.UUID,
    body: EmploymentUpdate,
    response: Response,
    session: SessionDep,
    principal: Writer,
    today: Today,
    if_match: IfMatch = None,
) -> EmploymentPublic:
    return tagged(response, service.update_employment(session, principal, employment_id, body, today, if_match))


@router.post(
    "/employments/{employment_id}/leaver",
    summary="Record that a spell ended (a leaver)",
    response_model=EmploymentPublic,
    **CHANGED_OR_CONFLICT,
)
def record_leaver(
    employment_id: uuid.UUID,
    body: LeaverCreate,
    request: Request,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> JSONResponse:
    def end() -> tuple[int, dict]:
        return 200, service.record_leaver(session, principal, employment_id, body, if_match).model_dump(mode="json")

    return idempotent(session, principal, key, fingerprint("POST", request.url.path, body), end, etag_header)
