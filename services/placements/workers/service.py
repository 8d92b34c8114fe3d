"""A council's records of workers, changed one at a time through the API."""

import uuid

from sqlalchemy import exists
from sqlmodel import Session, select

from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import Conflict, NotFound, invalid
from services.common.pagination import PageParams, paginate
from services.common.rows import flush_or_conflict
from services.placements.access import (
    check_member_council,
    check_writer,
    council_to_read,
    council_to_write,
    worker_scope,
)
from services.placements.models import Employment, EmploymentYear, Worker
from services.placements.versions import check_if_match, touch
from services.placements.workers.schemas import SweNumberCorrection, WorkerCreate, WorkerPublic, WorkerUpdate

# One body for "missing" and "not yours", so a 404 never tells another council's records exist.
WORKER_NOT_FOUND = "No worker with this id was found."


def visible_worker(session: Session, principal: Principal, worker_id: uuid.UUID) -> Worker:
    worker = session.exec(select(Worker).where(Worker.id == worker_id, worker_scope(principal))).first()
    if worker is None:
        raise NotFound(WORKER_NOT_FOUND)
    return worker


def _own_record(session: Session, council: str, swe_number: str) -> uuid.UUID | None:
    return session.exec(select(Worker.id).where(Worker.council == council, Worker.swe_number == swe_number)).first()


def _already_recorded(council: str, swe_number: str, worker_id: uuid.UUID) -> Conflict:
    """409 for a number this council has recorded itself: it learns only what it already holds."""
    return Conflict(
        f"Council {council} already has a record of SWE number {swe_number}; "
        "to add a spell for them, create an employment with this swe_number.",
        worker_id=str(worker_id),
    )


def create_worker(session: Session, principal: Principal, data: WorkerCreate) -> WorkerPublic:
    """The council's own record of a person. Whether another council holds the same number changes
    nothing in the answer: that council's record stays its own."""
    if data.council is None and principal.role is not Role.council_hr:
        raise invalid(["body", "council"], "missing", "Field required", detail="Name the council whose record this is.")
    council = council_to_write(principal, data.council)
    check_member_council(session, council)
    if (existing := _own_record(session, council, data.swe_number)) is not None:
        raise _already_recorded(council, data.swe_number, existing)
    worker = Worker.model_validate(data.model_dump() | {"council": council})
    session.add(worker)
    flush_or_conflict(session, f"Council {council} recorded SWE number {data.swe_number} at the same time; retry.")
    audit(session, principal, "create", "worker", str(worker.id))
    return WorkerPublic.model_validate(worker)


def get_worker(session: Session, principal: Principal, worker_id: uuid.UUID) -> WorkerPublic:
    worker = visible_worker(session, principal, worker_id)
    audit(session, principal, "read", "worker", str(worker.id))
    return WorkerPublic.model_validate(worker)


def list_workers(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    council: str | None = None,
    census_year: int | None = None,
    swe_number: str | None = None,
) -> tuple[list[WorkerPublic], int]:
    """The worker records of `council` (a council's HR: its own), optionally those held in `census_year`."""
    query = select(Worker).where(worker_scope(principal))
    if principal.role is Role.council_hr:  # another council's code: 404
        council = council_to_read(principal, council)
    if council is not None:
        query = query.where(Worker.council == council)
    if census_year is not None:
        query = query.where(
            exists().where(
                Employment.worker_id == Worker.id,
                EmploymentYear.employment_id == Employment.id,
                EmploymentYear.census_year == census_year,
            )
        )
    if swe_number is not None:
        query = query.where(Worker.swe_number == swe_number)
    rows, total = paginate(session, query.order_by(Worker.swe_number, Worker.id), page)
    if rows:
        audit(session, principal, "read", "worker", [str(worker.id) for worker in rows])
    return [WorkerPublic.model_validate(worker) for worker in rows], total


def _worker_to_change(session: Session, principal: Principal, worker_id: uuid.UUID, if_match: str | None) -> Worker:
    check_writer(principal)
    worker = visible_worker(session, principal, worker_id)
    check_if_match(worker.version, if_match)
    return worker


def update_worker(
    session: Session,
    principal: Principal,
    worker_id: uuid.UUID,
    data: WorkerUpdate,
    if_match: str | None = None,
) -> WorkerPublic:
    worker = _worker_to_change(session, principal, worker_id, if_match)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return WorkerPublic.model_validate(worker)
    worker.sqlmodel_update(changes)
    touch(worker)
    session.add(worker)
    session.flush()
    audit(session, principal, "update", "worker", str(worker.id))
    return WorkerPublic.model_validate(worker)


def correct_swe_number(
    session: Session,
    principal: Principal,
    worker_id: uuid.UUID,
    data: SweNumberCorrection,
    if_match: str | None = None,
) -> WorkerPublic:
    """A council's record was kept under the wrong SWE number: its own record (and so its spells) takes the
    right one. No other council's record changes; the audit trail keeps the number it replaced."""
    worker = _worker_to_change(session, principal, worker_id, if_match)
    if data.swe_number == worker.swe_number:
        return WorkerPublic.model_validate(worker)
    if worker.council is not None and (existing := _own_record(session, worker.council, data.swe_number)):
        raise _already_recorded(worker.council, data.swe_number, existing)
    wrong = worker.swe_number
    worker.swe_number = data.swe_number
    touch(worker)
    session.add(worker)
    flush_or_conflict(session, f"SWE number {data.swe_number} was recorded at the same time; retry.")
    audit(session, principal, "correct_swe_number", "worker", str(worker.id))
    audit(session, principal, "correct_swe_number_from", "worker_swe", wrong)
    return WorkerPublic.model_validate(worker)
