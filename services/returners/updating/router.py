"""Updating endpoints: log supervised practice or study, read the log and the progress it makes."""

import uuid

from services.common.app import service_router
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.pagination import Page, PageDep, page_of
from services.returners.dependencies import CONFLICT, CREATED, Admin, Reader
from services.returners.updating import service as updating
from services.returners.updating.schemas import (
    UpdatingActivityCreate,
    UpdatingActivityPublic,
    UpdatingProgressPublic,
)

router = service_router("returners", "updating")


@router.post(
    "/applicants/{applicant_id}/updating-activities",
    summary="Log supervised practice, formal study or private study",
    **CREATED,
)
def log_activity(
    applicant_id: uuid.UUID, body: UpdatingActivityCreate, session: SessionDep, principal: Admin
) -> UpdatingActivityPublic:
    return updating.log_activity(session, principal, applicant_id, body)


@router.get("/applicants/{applicant_id}/updating-activities", summary="The updating log")
def list_activities(
    applicant_id: uuid.UUID, session: SessionDep, principal: Reader, page: PageDep
) -> Page[UpdatingActivityPublic]:
    return page_of(updating.list_activities(session, principal, applicant_id), page)


@router.get(
    "/applicants/{applicant_id}/updating-progress",
    summary="Days counted toward the required updating, and why any activity does not count",
    responses=CONFLICT,
)
def get_progress(
    applicant_id: uuid.UUID, session: SessionDep, principal: Reader, today: Today
) -> UpdatingProgressPublic:
    return updating.progress(session, principal, applicant_id, today)
