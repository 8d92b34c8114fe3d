"""The evidence portfolio: the worker's own, and a worker's as their employer or academy staff read it."""

import uuid

from fastapi import Response

from services.careers.access import own_swe
from services.careers.dependencies import CONFLICT, UNAVAILABLE, ReadableWorker
from services.careers.evidence import service
from services.careers.evidence.schemas import EvidenceCreate, EvidencePublic
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, make_page

mine = service_router("careers", "my evidence")
workers = service_router("careers", "workers", responses=UNAVAILABLE)
routers = [mine, workers]


@mine.get("/me/evidence", summary="My evidence portfolio")
def my_evidence(principal: CurrentPrincipal, session: SessionDep, page: PageDep) -> Page[EvidencePublic]:
    items, total = service.list_evidence(session, own_swe(principal), page)
    return make_page(items, total, page)


@mine.post("/me/evidence", status_code=201, summary="Add evidence (its metadata: where the document is)")
def create_my_evidence(
    body: EvidenceCreate, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> EvidencePublic:
    return service.create_evidence(session, own_swe(principal), body, today)


@mine.delete(
    "/me/evidence/{evidence_id}",
    status_code=204,
    responses=CONFLICT,
    summary="Remove evidence not attached to an application",
)
def delete_my_evidence(evidence_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    service.delete_evidence(session, own_swe(principal), evidence_id)
    return Response(status_code=204)


@workers.get("/workers/{swe_number}/evidence", summary="A worker's evidence portfolio")
def worker_evidence(
    worker: ReadableWorker, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[EvidencePublic]:
    items, total = service.read_worker_evidence(session, principal, worker.swe_number, page)
    return make_page(items, total, page)
