"""What careers' routes share: the worker a request is about (their spells fetched from placements before the
request's transaction begins), the roles that may call, and the answers documented beside the common ones."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from services.careers.access import check_can_manage, check_can_read, own_swe
from services.careers.placements_client import Placements, WorkerEmployment, WorkerFor
from services.common.app import service_router
from services.common.auth import CurrentPrincipal, Principal, Role, require_roles
from services.common.clock import Today
from services.common.errors import PROBLEM_MEDIA_TYPE, Problem, invalid
from services.common.swe import normalise_swe


def careers_router(
    tag: str, *, roles: Sequence[Role] = (), responses: dict[int | str, dict[str, Any]] | None = None
) -> APIRouter:
    """A router of careers endpoints that share one tag, the heading the API's documents list them under.
    With `roles`, only those roles may call any of its endpoints; `responses` are answers every one of them
    may give, beside the common ones."""
    router = service_router("careers")
    router.tags.append(tag)
    if roles:
        router.dependencies.append(Depends(require_roles(*roles)))
    # A new dict: the one service_router gives is the platform's, shared by every router.
    router.responses = {**router.responses, **(responses or {})}
    return router


Staff = Annotated[Principal, Depends(require_roles(Role.council_hr, Role.academy_admin))]
Worker = Annotated[Principal, Depends(require_roles(Role.social_worker))]


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


CONFLICT = {409: _problem("Conflict: already recorded, or not allowed in the current state")}
UNAVAILABLE = {503: _problem("Placements, which holds the employment history, cannot be reached")}
IDEMPOTENCY = {409: _problem("Conflict: the Idempotency-Key was used for a different request")}


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
