"""Employment endpoints: a council's spells, starters and leavers, one change at a time (thin)."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, fingerprint, idempotent
from services.common.pagination import Page, PageDep, make_page
from services.placements.api import CONFLICT, ETAG_HEADER, PRECONDITION, HeldInYear, IfMatch, Reader, Writer
from services.placements.employments import service
from services.placements.employments.schemas import (
    EmploymentCreate,
    EmploymentPublic,
    EmploymentUpdate,
    LeaverCreate,
    OrgRole,
)
from services.placements.versions import etag
from services.placements.workers.schemas import CouncilCode, SweNumber

router = service_router("placements")


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _created(body: dict[str, Any]) -> dict[str, str]:
    return {"ETag": etag(body["version"]), "Location": f"/v1/placements/employments/{body['id']}"}


def _changed(body: dict[str, Any]) -> dict[str, str]:
    return {"ETag": etag(body["version"])}


@router.post(
    "/employments",
    status_code=201,
    response_model=EmploymentPublic,
    tags=["employments"],
    summary="Record a spell (a starter)",
    responses=CONFLICT,
)
def create_employment(
    body: EmploymentCreate,
    request: Request,
    session: SessionDep,
    principal: Writer,
    key: IdempotencyKey = None,
) -> JSONResponse:
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (
            201,
            service.create_employment(session, principal, body, _request_id(request)).model_dump(mode="json"),
        ),
        headers=_created,
    )


@router.get("/employments", response_model=Page[EmploymentPublic], tags=["employments"], summary="List spells")
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
        session,
        principal,
        page,
        council=council,
        census_year=census_year,
        in_post_on=in_post_on,
        agency=agency,
        role=role,
        worker_id=worker_id,
        swe_number=swe_number,
    )
    return make_page(employments, total, page)


@router.get(
    "/employments/{employment_id}",
    response_model=EmploymentPublic,
    tags=["employments"],
    summary="Read a spell and the census years that hold it",
    responses={200: {"headers": ETAG_HEADER}},
)
def get_employment(
    employment_id: uuid.UUID, response: Response, session: SessionDep, principal: Reader
) -> EmploymentPublic:
    employment = service.get_employment(session, principal, employment_id)
    response.headers["ETag"] = etag(employment.version)
    return employment


@router.patch(
    "/employments/{employment_id}",
    response_model=EmploymentPublic,
    tags=["employments"],
    summary="Change a spell and one census year's figures",
    responses={200: {"headers": ETAG_HEADER}, **PRECONDITION},
)
def update_employment(
    employment_id: uuid.UUID,
    body: EmploymentUpdate,
    response: Response,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> EmploymentPublic:
    employment = service.update_employment(session, principal, employment_id, body, if_match)
    response.headers["ETag"] = etag(employment.version)
    return employment


@router.post(
    "/employments/{employment_id}/leaver",
    response_model=EmploymentPublic,
    tags=["employments"],
    summary="Record that a spell ended (a leaver)",
    responses={200: {"headers": ETAG_HEADER}, **CONFLICT, **PRECONDITION},
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
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (
            200,
            service.record_leaver(session, principal, employment_id, body, if_match).model_dump(mode="json"),
        ),
        headers=_changed,
    )
