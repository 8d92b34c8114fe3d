"""The CPD log: the worker's own, and a worker's as their employer or academy staff read it."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from services.careers.access import own_swe
from services.careers.cpd import service
from services.careers.cpd.schemas import CpdCreate, CpdLog, CpdPublic, CpdUpdate
from services.careers.dependencies import IDEMPOTENCY, UNAVAILABLE, ReadableWorker, Worker
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once
from services.common.pagination import PageDep

mine = service_router("careers", "my CPD")
workers = service_router("careers", "workers", responses=UNAVAILABLE)
routers = [mine, workers]

RegistrationYear = Annotated[
    int | None,
    Query(ge=2020, le=2100, description="Registration year, named by the year it ends (default: this one)"),
]


@mine.get(
    "/me/cpd",
    summary="My CPD for a registration year, with the SWE check: days left and what is missing",
)
def my_cpd(
    principal: CurrentPrincipal, session: SessionDep, page: PageDep, today: Today, year: RegistrationYear = None
) -> CpdLog:
    return service.cpd_log(session, own_swe(principal), page, today, year)


@mine.post("/me/cpd", status_code=201, response_model=CpdPublic, summary="Log CPD", responses=IDEMPOTENCY)
def create_my_cpd(
    body: CpdCreate, request: Request, principal: Worker, session: SessionDep, today: Today, key: IdempotencyKey = None
) -> JSONResponse:
    swe_number = own_swe(principal)

    def create() -> CpdPublic:
        return service.create_cpd(session, swe_number, body, today)

    return create_once(session, principal, key, request, body, create, "/v1/careers/me/cpd/{id}")


@mine.get("/me/cpd/{cpd_id}", summary="One of my CPD records")
def my_cpd_record(cpd_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> CpdPublic:
    return service.get_cpd(session, own_swe(principal), cpd_id)


@mine.patch("/me/cpd/{cpd_id}", summary="Change a CPD record")
def update_my_cpd(
    cpd_id: uuid.UUID, body: CpdUpdate, principal: CurrentPrincipal, session: SessionDep, today: Today
) -> CpdPublic:
    return service.update_cpd(session, own_swe(principal), cpd_id, body, today)


@mine.delete("/me/cpd/{cpd_id}", status_code=204, summary="Delete a CPD record")
def delete_my_cpd(cpd_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    service.delete_cpd(session, own_swe(principal), cpd_id)
    return Response(status_code=204)


@workers.get("/workers/{swe_number}/cpd", summary="A worker's CPD for a registration year, with the SWE check")
def worker_cpd(
    worker: ReadableWorker,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: RegistrationYear = None,
) -> CpdLog:
    return service.read_worker_cpd_log(session, principal, worker.swe_number, page, worker.today, year)
