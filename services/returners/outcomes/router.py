"""The outcomes endpoint: a cohort's funnel counts, conversions and retention."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query

from services.common.app import service_router
from services.common.auth import Role
from services.common.clock import Today
from services.common.db import SessionDep
from services.returners.dependencies import UNAVAILABLE, InRange
from services.returners.outcomes import service as outcomes
from services.returners.outcomes.schemas import CohortOutcomes
from services.returners.placements_client import Placements

# Academy staff only; the principal is not needed beyond that.
router = service_router("returners", "cohorts", roles=[Role.academy_admin])


@router.get(
    "/cohorts/{cohort_id}/outcomes",
    summary="Counts, conversion and median days between stages, and retention at 6 and 12 months",
    responses=UNAVAILABLE,
)
def cohort_outcomes(
    cohort_id: uuid.UUID,
    session: SessionDep,
    placements: Placements,
    today: Today,
    as_of: Annotated[
        date | None,
        Query(description="Retention as on this day (default today), 1950 to 2100"),
        InRange,
    ] = None,
) -> CohortOutcomes:
    return outcomes.cohort_outcomes(session, cohort_id, placements, as_of or today)
