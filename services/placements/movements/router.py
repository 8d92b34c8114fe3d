"""Movement endpoints: the moves between member councils in a census year, and the agency engagement check (thin)."""

from typing import Annotated

from fastapi import Query

from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.db import SessionDep
from services.common.settings import get_settings
from services.placements.access import check_known_council, council_to_write
from services.placements.api import CensusYear
from services.placements.movements import service
from services.placements.movements.schemas import AgencyCheckRequest, AgencyCheckResult, MovementReport

router = service_router("placements", "movements")


@router.get("/movements")
def movements_in_year(
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: CensusYear,
    window_days: Annotated[int | None, Query(ge=1, le=730, description="Days from an end to a start")] = None,
) -> MovementReport:
    window = window_days or get_settings().movement_window_days
    return service.movement_report(session, principal, census_year, window)


@router.post("/agency-checks")
def agency_check(body: AgencyCheckRequest, session: SessionDep, principal: CurrentPrincipal) -> AgencyCheckResult:
    council = council_to_write(principal, body.council)
    check_known_council(session, council)
    return service.agency_check(session, principal, body, council)
