"""Worker and employment endpoints: the one-change-at-a-time path for council HR systems."""

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from services.common.app import service_router
from services.common.auth import Principal, Role, require_roles
from services.common.db import SessionDep
from services.common.errors import PROBLEM_MEDIA_TYPE, Problem
from services.common.idempotency import IdempotencyKey, fingerprint, idempotent
from services.common.pagination import Page, PageDep, make_page
from services.placements import workforce
from services.placements.workforce_schemas import (
    CouncilCode,
    EmploymentCreate,
    EmploymentPublic,
    EmploymentUpdate,
    LeaverCreate,
    OrgRole,
    SweNumber,
    SweNumberCorrection,
    WorkerCreate,
    WorkerPublic,
    WorkerUpdate,
)

router = service_router("placements")

Reader = Annotated[
    Principal, Depends(require_roles(Role.council_hr, Role.social_worker, Role.academy_admin, Role.service))
]
Writer = Annotated[Principal, Depends(require_roles(Role.council_hr, Role.academy_admin, Role.service))]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The ETag you read ("3"): a stale one is refused with 412 and nothing is written.',
    ),
]
CensusYear = Annotated[int | None, Query(ge=1950, le=9999, description="Held in census year N")]


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


CONFLICT = {409: _problem("Conflict: already recorded, or the Idempotency-Key was used for another request")}
PRECONDITION = {412: _problem("Precondition Failed: the If-Match ETag is stale")}
ETAG_HEADER = {"ETag": {"description": "The version, for If-Match", "schema": {"type": "string"}}}


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _created(collection: str):
    def headers(body: dict[str, Any]) -> dict[str, str]:
        return {
            "ETag": workforce.etag(body["version"]),
            "Location": f"/v1/placements/{collection}/{body['id']}",
        }

    return headers


def _changed(body: dict[str, Any]) -> dict[str, str]:
    return {"ETag": workforce.etag(body["version"])}


# --- Workers -----------------------------------------------------------------------------------


@router.post(
    "/workers",
    status_code=201,
    response_model=WorkerPublic,
    tags=["workers"],
    summary="Record a worker",
    responses=CONFLICT,
)
def create_worker(
    body: WorkerCreate, request: Request, session: SessionDep, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    return idempotent(
        session,
        principal,
        key,
        fingerprint("POST", request.url.path, body),
        lambda: (
            201,
            workforce.create_worker(session, principal, body, _request_id(request)).model_dump(mode="json"),
        ),
        headers=_created("workers"),
    )


@router.get("/workers", response_model=Page[WorkerPublic], tags=["workers"], summary="List workers")
def list_workers(
    request: Request,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="This council's records (council HR: its own)")] = None,
    census_year: CensusYear = None,
    swe_number: Annotated[SweNumber | None, Query(description="This SWE number, in any spelling")] = None,
) -> Page[WorkerPublic]:
    workers, total = workforce.list_workers(
        session,
        principal,
        page,
        council=council,
        census_year=census_year,
        swe_number=swe_number,
        request_id=_request_id(request),
    )
    return make_page(workers, total, page)


@router.get(
    "/workers/{worker_id}",
    response_model=WorkerPublic,
    tags=["workers"],
    summary="Read a worker",
    responses={200: {"headers": ETAG_HEADER}},
)
def get_worker(
    worker_id: uuid.UUID, request: Request, response: Response, session: SessionDep, principal: Reader
) -> WorkerPublic:
    worker = workforce.get_worker(session, principal, worker_id, _request_id(request))
    response.headers["ETag"] = workforce.etag(worker.version)
    return worker


@router.patch(
    "/workers/{worker_id}",
    response_model=WorkerPublic,
    tags=["workers"],
    summary="Change a worker's personal fields",
    responses={200: {"headers": ETAG_HEADER}, **CONFLICT, **PRECONDITION},
)
def update_worker(
    worker_id: uuid.UUID,
    body: WorkerUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> WorkerPublic:
    worker = workforce.update_worker(session, principal, worker_id, body, if_match, _request_id(request))
    response.headers["ETag"] = workforce.etag(worker.version)
    return worker


@router.post(
    "/workers/{worker_id}/swe-number-corrections",
    response_model=WorkerPublic,
    tags=["workers"],
    summary="Correct the SWE number a council's record was kept under",
    responses={200: {"headers": ETAG_HEADER}, **CONFLICT, **PRECONDITION},
)
def correct_swe_number(
    worker_id: uuid.UUID,
    body: SweNumberCorrection,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> WorkerPublic:
    """Only this council's record changes (and so its spells); audited with the number it replaced."""
    worker = workforce.correct_swe_number(session, principal, worker_id, body, if_match, _request_id(request))
    response.headers["ETag"] = workforce.etag(worker.version)
    return worker


# --- Employments -------------------------------------------------------------------------------


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
            workforce.create_employment(session, principal, body, _request_id(request)).model_dump(mode="json"),
        ),
        headers=_created("employments"),
    )


@router.get("/employments", response_model=Page[EmploymentPublic], tags=["employments"], summary="List spells")
def list_employments(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="At this council")] = None,
    census_year: CensusYear = None,
    in_post_on: Annotated[date | None, Query(description="Started on or before, and not ended before")] = None,
    agency: Annotated[bool | None, Query(description="Agency (true) or employed (false)")] = None,
    role: Annotated[OrgRole | None, Query(description="OrgRole code (1 to 6)")] = None,
    worker_id: Annotated[uuid.UUID | None, Query(description="This worker record's spells")] = None,
    swe_number: Annotated[
        SweNumber | None, Query(description="This person's spells (council HR: at its own council only)")
    ] = None,
) -> Page[EmploymentPublic]:
    employments, total = workforce.list_employments(
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
    employment = workforce.get_employment(session, principal, employment_id)
    response.headers["ETag"] = workforce.etag(employment.version)
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
    employment = workforce.update_employment(session, principal, employment_id, body, if_match)
    response.headers["ETag"] = workforce.etag(employment.version)
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
            workforce.record_leaver(session, principal, employment_id, body, if_match).model_dump(mode="json"),
        ),
        headers=_changed,
    )
