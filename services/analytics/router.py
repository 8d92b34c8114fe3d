"""Analytics endpoints: thin; the logic lives in the domain modules."""

from typing import Annotated

from fastapi import Query

from services.analytics import workforce
from services.analytics.schemas import WorkforceReport
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.db import SessionDep
from services.common.errors import InvalidInput

router = service_router("analytics")
Year = Annotated[int | None, Query(ge=2010, le=2100, description="Census year N, to 30 September N")]
CouncilCode = Annotated[str | None, Query(max_length=3, description="DfE code of one council")]


def census_years(year: int | None, from_year: int | None, to_year: int | None) -> list[int]:
    if year is not None and (from_year is not None or to_year is not None):
        raise InvalidInput("Give either year or from_year and to_year, not both.")
    first, last = (year, year) if year is not None else (from_year, to_year)
    if first is None or last is None:
        raise InvalidInput(
            "Give year=N, or from_year and to_year for a series.",
            errors=[{"loc": ["query", "year"], "code": "missing", "message": "Field required"}],
        )
    if last < first or last - first > 30:
        raise InvalidInput("to_year must be at or after from_year, at most 30 years later.")
    return list(range(first, last + 1))


@router.get("/workforce", response_model=WorkforceReport, tags=["workforce"])
def workforce_measures(
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year = None,
    from_year: Year = None,
    to_year: Year = None,
    council: CouncilCode = None,
) -> WorkforceReport:
    """The DfE's published measures for each council with records, its region and England."""
    years = census_years(year, from_year, to_year)
    areas = workforce.workforce_areas(session, principal, years, council)
    return WorkforceReport(from_year=years[0], to_year=years[-1], areas=areas)
