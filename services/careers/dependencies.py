"""What careers' routes share: the worker a request is about (their spells fetched from placements before the
request's transaction begins), the roles that may call, and the answers documented beside the common ones."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path

from services.careers.access import check_can_manage, check_can_read, own_swe
from services.careers.placements_client import Placements, WorkerEmployment, WorkerFor
from services.common.auth import CurrentPrincipal, Principal, Role, require_roles
from services.common.clock import Today
from services.common.errors import invalid, problem_response_doc
from services.common.swe import normalise_swe

Staff = Annotated[Principal, Depends(require_roles(Role.council_hr, Role.academy_admin))]
Worker = Annotated[Principal, Depends(require_roles(Role.social_worker))]


CONFLICT = {409: problem_response_doc(409, "Conflict: already recorded, or not allowed in the current state")}
CREATED = {"status_code": 201, "responses": CONFLICT}  # a create: 201, or 409; @router.post(path, **CREATED)
UNAVAILABLE = {503: problem_response_doc(503, "Placements, which holds the employment history, cannot be reached")}
IDEMPOTENCY = {409: problem_response_doc(409, "Conflict: the Idempotency-Key was used for a different request")}


# --- The worker a request is about -------------------------------------------------------------


def _me(principal: CurrentPrincipal, client: Placements, today: Today) -> WorkerEmployment:
    return WorkerEmployment(client, own_swe(principal), today)


def _swe_in_path(
    swe_number: Annotated[str, Path(max_length=32, description="SWE number, any spelling")],
) -> str:
    try:
        return normalise_swe(swe_number)
    except ValueError as exc:
        raise invalid(["path", "swe_number"], "invalid_swe_number", str(exc))


def _worker_checked(check: Callable[[Principal, WorkerEmployment], None]):
    """The worker named in the path, once `check` allows the principal to reach them."""

    def worker(
        principal: CurrentPrincipal,
        client: Placements,
        today: Today,
        swe_number: Annotated[str, Depends(_swe_in_path)],
    ) -> WorkerEmployment:
        found = WorkerEmployment(client, swe_number, today)
        check(principal, found)
        return found

    return worker


def _worker_lookup(client: Placements, today: Today) -> WorkerFor:
    return lambda swe_number: WorkerEmployment(client, swe_number, today)


Me = Annotated[WorkerEmployment, Depends(_me)]
ReadableWorker = Annotated[WorkerEmployment, Depends(_worker_checked(check_can_read))]
ManagedWorker = Annotated[WorkerEmployment, Depends(_worker_checked(check_can_manage))]
WorkerLookup = Annotated[WorkerFor, Depends(_worker_lookup)]
