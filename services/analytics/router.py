"""Analytics endpoints: thin; the logic lives in the domain modules."""

from datetime import date
from typing import Annotated

from fastapi import Header, Query, Response

from services.analytics import benchmarks, charts, movements, retention, workforce
from services.analytics.schemas import BenchmarkReport, MovementReport, RetentionReport, WorkforceReport
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.census_calendar import census_year_of
from services.common.db import SessionDep
from services.common.errors import InvalidInput
from services.common.settings import get_settings

router = service_router("analytics")
CensusYear = Annotated[int | None, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
CouncilCode = Annotated[str | None, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]


def census_years(census_year: int | None, from_census_year: int | None, to_census_year: int | None) -> list[int]:
    if census_year is not None and (from_census_year is not None or to_census_year is not None):
        raise InvalidInput("Give either census_year or from_census_year and to_census_year, not both.")
    first, last = (census_year, census_year) if census_year is not None else (from_census_year, to_census_year)
    if first is None or last is None:
        raise InvalidInput(
            "Give census_year=N, or from_census_year and to_census_year for a series.",
            errors=[{"loc": ["query", "census_year"], "code": "missing", "message": "Field required"}],
        )
    if last < first or last - first > 30:
        raise InvalidInput("to_census_year must be at or after from_census_year, at most 30 years later.")
    return list(range(first, last + 1))


AsOf = Annotated[
    date | None,
    Query(
        description="The 12 months to this date instead of census year N to 30 September "
        "(instead of census_year, from_census_year and to_census_year)"
    ),
]


def as_of_date(as_of: date, *census_years_given: int | None) -> date:
    if any(year is not None for year in census_years_given):
        raise InvalidInput(
            "Give either as_of or a census year, not both.",
            errors=[{"loc": ["query", "as_of"], "code": "conflict", "message": "as_of excludes census_year"}],
        )
    if not 2010 <= as_of.year <= 2100:
        raise InvalidInput(
            "as_of must fall between 2010 and 2100.",
            errors=[{"loc": ["query", "as_of"], "code": "out_of_range", "message": "2010 to 2100"}],
        )
    return as_of


@router.get("/workforce", response_model=WorkforceReport, tags=["workforce"])
def workforce_measures(
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: CensusYear = None,
    from_census_year: CensusYear = None,
    to_census_year: CensusYear = None,
    council: CouncilCode = None,
    as_of: AsOf = None,
) -> WorkforceReport:
    """The DfE's measures for each council with records and for its region computed from them (naming the
    councils missing), beside the region and England as the DfE published them (`source`). A year with no
    records for the area asked is left out and listed; when no year asked has any, a 404 names those there are.

    With `as_of`, the same measures for the 12 months to that date: in post on that date, starters
    and leavers in the 12 months to it (one "year", the census year the date falls in)."""
    if as_of is not None:
        day = as_of_date(as_of, census_year, from_census_year, to_census_year)
        areas = workforce.workforce_areas(session, principal, [], council, as_of=day)
        year = census_year_of(day)
        return WorkforceReport(from_census_year=year, to_census_year=year, as_of=day.isoformat(), areas=areas)
    years = census_years(census_year, from_census_year, to_census_year)
    areas = workforce.workforce_areas(session, principal, years, council)
    missing = workforce.years_without_records(areas, years)
    return WorkforceReport(
        from_census_year=years[0], to_census_year=years[-1], census_years_without_records=missing, areas=areas
    )


RequiredCensusYear = Annotated[int, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
Council = Annotated[str, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]


@router.get("/retention", response_model=RetentionReport, tags=["retention"])
def retention_measures(
    session: SessionDep, principal: CurrentPrincipal, census_year: RequiredCensusYear, council: CouncilCode = None
) -> RetentionReport:
    """Retention, regional retention, stability, leaver destinations and time in service, per member
    council and for the region: what matching people across the region's councils shows."""
    workforce.require_records(session, principal, census_year, council)
    window = get_settings().movement_window_days
    return retention.retention_report(session, principal, census_year, council, window)


@router.get("/movements", response_model=MovementReport, tags=["retention"])
def movement_matrix(
    session: SessionDep, principal: CurrentPrincipal, census_year: RequiredCensusYear
) -> MovementReport:
    """Moves between member councils in census year N (headcount and FTE), with each council's net flow."""
    workforce.require_records(session, principal, census_year, None)
    return movements.movement_report(session, principal, census_year, get_settings().movement_window_days)


@router.get("/benchmarks", response_model=BenchmarkReport, tags=["workforce"])
def benchmark(
    session: SessionDep, principal: CurrentPrincipal, census_year: RequiredCensusYear, council: Council
) -> BenchmarkReport:
    """The council's computed measures beside the DfE's published figures for it, its region and
    England; a published symbol (x, z, u, c, low, empty) is a null with that reason."""
    return benchmarks.benchmark_report(session, principal, census_year, council)


SVG, BYTES = "image/svg+xml", "application/octet-stream"
SVG_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/charts/turnover.svg",
    response_class=Response,
    responses={200: {"content": {SVG: SVG_FILE, BYTES: SVG_FILE}, "description": "An SVG line chart"}},
    tags=["charts"],
)
def turnover_chart(
    session: SessionDep,
    principal: CurrentPrincipal,
    council: Council,
    from_census_year: CensusYear = None,
    to_census_year: CensusYear = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """The council's turnover_rate_fte against its region and England over the census years, as SVG.
    Without from_census_year or to_census_year, the years the council's records hold. The same bytes come as
    application/octet-stream to a client that accepts that and not SVG (as generated clients ask)."""
    svg = charts.turnover_chart(session, principal, council, from_census_year, to_census_year)
    as_bytes = accept is not None and BYTES in accept and SVG not in accept
    return Response(content=svg, media_type=BYTES if as_bytes else SVG)
