"""Whose career data a principal may reach: a social worker their own, council HR the workers their council
employs now (rules.employer, from placements' spells), academy staff everyone. Anyone else's answers 404,
like a missing one."""

from services.careers.placements_client import WorkerEmployment
from services.common.auth import Principal, Role
from services.common.errors import Forbidden, NotFound
from services.common.swe import normalise_swe

NO_WORKER = "No career data for this worker was found."


def own_swe(principal: Principal) -> str:
    """The SWE number of the social worker making the request."""
    if principal.role is not Role.social_worker:
        raise Forbidden("Only a social worker has their own career record; use /v1/careers/workers/{swe_number}.")
    try:
        return normalise_swe(principal.worker or "")
    except ValueError:
        raise Forbidden("Your token names no social worker (its worker claim is missing or invalid).")


def is_own(principal: Principal, swe_number: str) -> bool:
    if principal.role is not Role.social_worker or not principal.worker:
        return False
    try:
        return normalise_swe(principal.worker) == swe_number
    except ValueError:
        return False


def works_at_own_council(principal: Principal, worker: WorkerEmployment) -> bool:
    """Council HR: is their council the worker's employer now (rules.employer, from placements' spells)?"""
    return principal.role is Role.council_hr and principal.council == worker.employer


def check_can_read(principal: Principal, worker: WorkerEmployment) -> None:
    if principal.role is Role.social_worker:
        if not is_own(principal, worker.swe_number):
            raise NotFound(NO_WORKER)
    elif principal.role is Role.council_hr:
        if not works_at_own_council(principal, worker):
            raise NotFound(NO_WORKER)
    elif not principal.is_regional:
        raise Forbidden("Your role may not read career records.")


def check_can_manage(principal: Principal, worker: WorkerEmployment) -> None:
    """Record levels and ASYE reviews: council HR for workers in post at their council, academy staff any."""
    if principal.role is Role.social_worker:
        if not is_own(principal, worker.swe_number):
            raise NotFound(NO_WORKER)
        raise Forbidden("Your council's HR records levels and ASYE reviews.")
    check_can_read(principal, worker)
