"""Worker endpoints: a council's record of a person, one change at a time (thin)."""

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.common.app import service_router
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, fingerprint, idempotent
from services.common.pagination import Page, PageDep, make_page
from services.placements.api import CONFLICT, ETAG_HEADER, PRECONDITION, HeldInYear, IfMatch, Reader, Writer
from services.placements.versions import etag
from services.placements.workers import service
from services.placements.workers.schemas import (
    CouncilCode,
    SweNumber,
    SweNumberCorrection,
    WorkerCreate,
    WorkerPublic,
    WorkerUpdate,
)

router = service_router("placements")


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _created(body: dict[str, Any]) -> dict[str, str]:
    return {"ETag": etag(body["version"]), "Location": f"/v1/placements/workers/{body['id']}"}


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
            service.create_worker(session, principal, body, _request_id(request)).model_dump(mode="json"),
        ),
        headers=_created,
    )


@router.get("/workers", response_model=Page[WorkerPublic], tags=["workers"], summary="List workers")
def list_workers(
    request: Request,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    council: Annotated[CouncilCode | None, Query(description="This council's records (council HR: its own)")] = None,
    census_year: HeldInYear = None,
    swe_number: Annotated[SweNumber | None, Query(description="This SWE number, in any spelling")] = None,
) -> Page[WorkerPublic]:
    workers, total = service.list_workers(
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
    worker = service.get_worker(session, principal, worker_id, _request_id(request))
    response.headers["ETag"] = etag(worker.version)
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
    worker = service.update_worker(session, principal, worker_id, body, if_match, _request_id(request))
    response.headers["ETag"] = etag(worker.version)
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
    worker = service.correct_swe_number(session, principal, worker_id, body, if_match, _request_id(request))
    response.headers["ETag"] = etag(worker.version)
    return worker
