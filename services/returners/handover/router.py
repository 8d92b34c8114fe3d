"""The hand-over endpoint: record that a restored returner is employed."""

import uuid

from services.common.app import service_router
from services.common.clock import Today
from services.common.db import SessionDep
from services.returners.applicants.schemas import ApplicantPublic
from services.returners.dependencies import CONFLICT, UNAVAILABLE, Admin
from services.returners.handover import service as handover
from services.returners.handover.schemas import EmploymentCreate
from services.returners.placements_client import Placements

router = service_router("returners", "stages")


@router.post(
    "/applicants/{applicant_id}/employment",
    summary="Record that a restored returner is employed: placements records the worker and the spell",
    responses={**CONFLICT, **UNAVAILABLE},
)
def record_employed(
    applicant_id: uuid.UUID,
    body: EmploymentCreate,
    session: SessionDep,
    principal: Admin,
    placements: Placements,
    today: Today,
) -> ApplicantPublic:
    return handover.record_employed(session, principal, applicant_id, body, placements, today)
