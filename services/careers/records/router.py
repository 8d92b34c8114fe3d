"""Career records: the worker's own screens, and the workers council HR (their employer) and academy
staff read and manage."""

from fastapi import Request
from fastapi.responses import JSONResponse

from services.careers.access import check_can_manage
from services.careers.dependencies import (
    CREATED,
    UNAVAILABLE,
    ManagedWorker,
    Me,
    ReadableWorker,
    Staff,
)
from services.careers.placements_client import Placements, WorkerEmployment
from services.careers.records import service
from services.careers.records.next_step import next_step
from services.careers.records.schemas import (
    AsyeReviewCreate,
    CareerRecordCreate,
    CareerRecordPublic,
    CareerRecordUpdate,
    LevelChangeCreate,
    NextStep,
)
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.idempotency import IdempotencyKey, create_once

# Every endpoint here looks the worker up in placements first.
mine = service_router("careers", "my career", responses=UNAVAILABLE)
workers = service_router("careers", "workers", responses=UNAVAILABLE)
routers = [mine, workers]


@mine.get("/me", summary="My career: level, local grade, experience, ASYE progress and history")
def my_record(me: Me, session: SessionDep, principal: CurrentPrincipal) -> CareerRecordPublic:
    return service.read_record(session, principal, me)


@mine.get("/me/next-step", summary="What my next level needs: each requirement met or not, and what is missing")
def my_next_step(me: Me, session: SessionDep) -> NextStep:
    return next_step(session, me)


@workers.post(
    "/workers",
    response_model=CareerRecordPublic,
    summary="Start a worker's career record at the level they hold",
    **CREATED,
)
def create_record(
    body: CareerRecordCreate,
    request: Request,
    principal: Staff,
    client: Placements,
    today: Today,
    session: SessionDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    worker = WorkerEmployment(client, body.swe_number, today)
    check_can_manage(principal, worker)

    def create() -> CareerRecordPublic:
        return service.create_record(session, principal, worker, body)

    return create_once(session, principal, key, request, body, create, "/v1/careers/workers/{swe_number}")


@workers.get("/workers/{swe_number}", summary="A worker's career record")
def worker_record(worker: ReadableWorker, session: SessionDep, principal: CurrentPrincipal) -> CareerRecordPublic:
    return service.read_record(session, principal, worker)


@workers.patch("/workers/{swe_number}", summary="Change a worker's qualification and ASYE start dates")
def update_worker_record(
    body: CareerRecordUpdate, worker: ManagedWorker, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    return service.update_record(session, principal, worker, body)


@workers.post(
    "/workers/{swe_number}/levels",
    status_code=201,
    summary="Record a level reached by recruitment, or a correction",
)
def record_level(
    body: LevelChangeCreate, worker: ManagedWorker, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    return service.record_level_change(session, principal, worker, body)


@workers.post(
    "/workers/{swe_number}/asye-reviews",
    summary="Record an ASYE review (a passed 12-month review moves the worker up)",
    **CREATED,
)
def record_asye_review(
    body: AsyeReviewCreate, worker: ManagedWorker, session: SessionDep, principal: Staff
) -> CareerRecordPublic:
    return service.record_asye_review(session, principal, worker, body)


@workers.get("/workers/{swe_number}/next-step", summary="What a worker's next level needs")
def worker_next_step(worker: ReadableWorker, session: SessionDep) -> NextStep:
    return next_step(session, worker)
