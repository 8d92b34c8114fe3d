"""Worker endpoints: a council's record of a person, one change at a time (thin)."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once
from services.common.pagination import Page, PageDep, make_page
from services.placements.api import CHANGED_OR_CONFLICT, CREATED, READ, HeldInYear, IfMatch, Reader, Writer
from services.placements.versions import etag_header, tagged
from services.placements.workers import service
from services.placements.workers.schemas import (
    CouncilCode,
    SweNumber,
    SweNumberCorrection,
    WorkerCreate,
    WorkerPublic,
    WorkerUpdate,
)

router = service_router("placements", "workers")


@router.post("/workers", summary="Record a worker", response_model=WorkerPublic, **CREATED)
def create_worker(
    body: WorkerCreate, request: Request, session: SessionDep, principal: Writer, key: IdempotencyKey = None
) -> JSONResponse:
    def create() -> WorkerPublic:
        return service.create_worker(session, principal, body)

    return create_once(session, principal, key, request, body, create, "/v1/placements/workers/{id}", etag_header)


@router.get("/workers", summary="List workers")
def list_workers(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="This council's records (council HR: its own)")] = None,
    census_year: HeldInYear = None,
    swe_number: Annotated[SweNumber | None, Query(description="This SWE number, in any spelling")] = None,
) -> Page[WorkerPublic]:
    workers, total = service.list_workers(
        session, principal, page, council=council, census_year=census_year, swe_number=swe_number
    )
    return make_page(workers, total, page)


@router.get("/workers/{worker_id}", summary="Read a worker", **READ)
def get_worker(worker_id: uuid.UUID, response: Response, session: SessionDep, principal: Reader) -> WorkerPublic:
    return tagged(response, service.get_worker(session, principal, worker_id))


@router.patch("/workers/{worker_id}", summary="Change a worker's personal fields", **CHANGED_OR_CONFLICT)
def update_worker(
    worker_id: uuid.UUID,
    body: WorkerUpdate,
    response: Response,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> WorkerPublic:
    return tagged(response, service.update_worker(session, principal, worker_id, body, if_match))


@router.post(
    "/workers/{worker_id}/swe-number-corrections",
    summary="Correct the SWE number a council's record was kept under",
    **CHANGED_OR_CONFLICT,
)
def correct_swe_number(
    worker_id: uuid.UUID,
    body: SweNumberCorrection,
    response: Response,
    session: SessionDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> WorkerPublic:
    """Only this council's record changes (and so its spells); audited with the number it replaced."""
    return tagged(response, service.correct_swe_number(session, principal, worker_id, body, if_match))
