"""Analytics endpoints: thin; the logic lives in the domain modules."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from services.analytics import charts, projections, tables
from services.analytics.measures import benchmarks, rankings
from services.analytics.measures.areas import require_records, workforce_areas, years_without_records
from services.analytics.retention import movements, survival
from services.analytics.retention import report as retention
from services.analytics.schemas import (
    BenchmarkReport,
    MovementReport,
    ProjectionReport,
    RankingReport,
    RankSeries,
    RetentionCurveReport,
    RetentionReport,
    WorkforceReport,
)
from services.common.app import service_router
from services.common.auth import CurrentPrincipal, Principal
from services.common.census_calendar import census_year_of
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.errors import InvalidInput, invalid
from services.common.reference import WEST_MIDLANDS
from services.common.settings import get_settings

router = service_router("analytics")

# --- Tables as CSV: the same answer as text/csv to a client that accepts that and not JSON ------------------

CSV, JSON = "text/csv", "application/json"
CSV_TABLE = {200: {"content": {CSV: {"schema": {"type": "string"}}}, "description": "The answer, or its table as CSV"}}
Accept = Annotated[str | None, Header(include_in_schema=False)]


def answer(report: BaseModel, accept: str | None, file_name: str, table: str, *inner: str):
    """The report as JSON, or as a CSV file of its table (`tables.rows_of`) when asked for with Accept."""
    if accept is None or CSV not in accept or JSON in accept:
        return report
    return Response(
        tables.to_csv(tables.rows_of(report, table, *inner)),
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file_name}.csv"'},
    )


CensusYear = Annotated[int | None, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
CouncilCode = Annotated[str | None, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]


def census_years(census_year: int | None, from_census_year: int | None, to_census_year: int | None) -> list[int]:
    if census_year is not None and (from_census_year is not None or to_census_year is not None):
        raise InvalidInput("Give either census_year or from_census_year and to_census_year, not both.")
    first, last = (census_year, census_year) if census_year is not None else (from_census_year, to_census_year)
    if first is None or last is None:
        raise invalid(
            ["query", "census_year"],
            "missing",
            "Field required",
            detail="Give census_year=N, or from_census_year and to_census_year for a series.",
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
        raise invalid(
            ["query", "as_of"],
            "conflict",
            "as_of excludes census_year",
            detail="Give either as_of or a census year, not both.",
        )
    if not 2010 <= as_of.year <= 2100:
        raise invalid(
            ["query", "as_of"], "out_of_range", "2010 to 2100", detail="as_of must fall between 2010 and 2100."
        )
    return as_of


@router.get("/workforce", response_model=WorkforceReport, responses=CSV_TABLE, tags=["workforce"])
def workforce_measures(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    census_year: CensusYear = None,
    from_census_year: CensusYear = None,
    to_census_year: CensusYear = None,
    council: CouncilCode = None,
    as_of: AsOf = None,
    accept: Accept = None,
) -> WorkforceReport:
    """The DfE's measures for each council with records and for its region computed from them (naming the
    councils missing), beside the region and England as the DfE published them (`source`). A year with no
    records for the area asked is left out and listed; when no year asked has any, a 404 names those there are.

    With `as_of`, the same measures for the 12 months to that date: in post on that date, starters
    and leavers in the 12 months to it (one "year", the census year the date falls in)."""
    if as_of is not None:
        day = as_of_date(as_of, census_year, from_census_year, to_census_year)
        areas = workforce_areas(session, principal, [], council, as_of=day, today=today)
        year = census_year_of(day)
        report = WorkforceReport(from_census_year=year, to_census_year=year, as_of=day.isoformat(), areas=areas)
        return answer(report, accept, f"workforce-{day.isoformat()}", "areas")
    years = census_years(census_year, from_census_year, to_census_year)
    areas = workforce_areas(session, principal, years, council, today=today)
    missing = years_without_records(areas, years)
    report = WorkforceReport(
        from_census_year=years[0], to_census_year=years[-1], census_years_without_records=missing, areas=areas
    )
    return answer(report, accept, f"workforce-{years[0]}-{years[-1]}", "areas")


RequiredCensusYear = Annotated[int, Query(ge=2010, le=2100, description="Census year N: 1 Oct N-1 to 30 Sep N")]
Council = Annotated[str, Query(pattern=r"^[0-9]{3}$", description="DfE code of one council")]


@router.get("/retention", response_model=RetentionReport, responses=CSV_TABLE, tags=["retention"])
def retention_measures(
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: RequiredCensusYear,
    council: CouncilCode = None,
    accept: Accept = None,
) -> RetentionReport:
    """Retention, regional retention, stability, leaver destinations and time in service, per member
    council and for the region: what matching people across the region's councils shows."""
    require_records(session, principal, census_year, council)
    window = get_settings().movement_window_days
    report = retention.retention_report(session, principal, census_year, council, window)
    return answer(report, accept, f"retention-{census_year}", "areas")


@router.get("/movements", response_model=MovementReport, responses=CSV_TABLE, tags=["retention"])
def movement_matrix(
    session: SessionDep, principal: CurrentPrincipal, census_year: RequiredCensusYear, accept: Accept = None
) -> MovementReport:
    """Moves between member councils in census year N (headcount and FTE), with each council's net flow."""
    require_records(session, principal, census_year, None)
    report = movements.movement_report(session, principal, census_year, get_settings().movement_window_days)
    return answer(report, accept, f"movements-{census_year}", "moves")


@router.get("/benchmarks", response_model=BenchmarkReport, responses=CSV_TABLE, tags=["workforce"])
def benchmark(
    session: SessionDep,
    principal: CurrentPrincipal,
    census_year: RequiredCensusYear,
    council: Council,
    accept: Accept = None,
) -> BenchmarkReport:
    """The council's computed measures beside the DfE's published figures for it, its region and
    England; a published symbol (x, z, u, c, low, empty) is a null with that reason."""
    report = benchmarks.benchmark_report(session, principal, census_year, council)
    return answer(report, accept, f"benchmarks-{council}-{census_year}", "measures")


SVG, BYTES = "image/svg+xml", "application/octet-stream"
SVG_FILE = {"schema": {"type": "string", "format": "binary"}}


def svg(picture: bytes, accept: str | None) -> Response:
    """SVG, or the same bytes as application/octet-stream to a client that accepts that and not SVG."""
    as_bytes = accept is not None and BYTES in accept and SVG not in accept
    return Response(content=picture, media_type=BYTES if as_bytes else SVG)


@router.get(
    "/charts/turnover.svg",
    response_class=Response,
    responses={200: {"content": {SVG: SVG_FILE, BYTES: SVG_FILE}, "description": "An SVG line chart"}},
    tags=["charts"],
)
def turnover_chart(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    council: Council,
    from_census_year: CensusYear = None,
    to_census_year: CensusYear = None,
    accept: Accept = None,
) -> Response:
    """The council's turnover_rate_fte against its region and England over the census years, as SVG.
    Without from_census_year or to_census_year, the years the council's records hold. The same bytes come as
    application/octet-stream to a client that accepts that and not SVG (as generated clients ask)."""
    return svg(charts.turnover_chart(session, principal, council, from_census_year, to_census_year, today), accept)


RankedMeasure = Annotated[rankings.RankedMeasure, Query(description="A DfE rate; for each, lower is better")]
RankingLevel = Annotated[rankings.RankingLevel, Query(description="rank England's regions or its councils")]


@router.get("/rankings", response_model=RankingReport, responses=CSV_TABLE, tags=["benchmarks"])
def rank_areas(
    session: SessionDep,
    principal: CurrentPrincipal,
    measure: RankedMeasure,
    census_year: RequiredCensusYear,
    level: RankingLevel = "region",
    accept: Accept = None,
) -> RankingReport:
    """Every English region (the nine) or council ranked on a DfE rate as published, 1 the lowest (best); ties
    share the better rank and the next skips (1, 2, 2, 4); a suppressed value keeps its reason, unranked. The
    academy's councils and region carry their own computed figure and where it would rank."""
    report = rankings.ranking_report(session, principal, measure, census_year, level)
    return answer(report, accept, f"rankings-{measure}-{level}-{census_year}", "rows")


AreaCode = Annotated[
    str,
    Query(pattern=r"^([0-9]{3}|E12[0-9]{6})$", description="ONS code of a region, or DfE code of a council"),
]


@dataclass
class RankSeriesQuery:
    measure: RankedMeasure
    code: AreaCode = WEST_MIDLANDS
    from_census_year: CensusYear = None
    to_census_year: CensusYear = None


def rank_series(
    session: SessionDep, principal: CurrentPrincipal, query: Annotated[RankSeriesQuery, Depends()]
) -> RankSeries:
    """The answer of /rankings/series, which /charts/rank.svg draws."""
    return rankings.rank_series(
        session, principal, query.measure, query.code, query.from_census_year, query.to_census_year
    )


RankSeriesAnswer = Annotated[RankSeries, Depends(rank_series)]


@router.get("/rankings/series", response_model=RankSeries, responses=CSV_TABLE, tags=["benchmarks"])
def rank_over_time(series: RankSeriesAnswer, accept: Accept = None) -> RankSeries:
    """One region's (by default the West Midlands') or council's published rank in each census year, with the
    rank its computed figure would have. Without years, every year published."""
    return answer(series, accept, f"rank-{series.measure}-{series.code}", "points")


@dataclass
class CurveQuery:
    council: CouncilCode = None
    org_role: Annotated[int | None, Query(ge=1, le=6, description="only spells of this OrgRole (1 to 6)")] = None
    started_census_year: Annotated[
        int | None, Query(ge=2017, le=2100, description="only spells started in this census year")
    ] = None


def retention_curves(
    session: SessionDep, principal: CurrentPrincipal, today: Today, query: Annotated[CurveQuery, Depends()]
) -> RetentionCurveReport:
    """The answer of /retention-curve, which /charts/retention-curve.svg draws."""
    window = get_settings().movement_window_days
    return survival.retention_curves(
        session, principal, query.council, query.org_role, query.started_census_year, window, today
    )


CurvesAnswer = Annotated[RetentionCurveReport, Depends(retention_curves)]


@router.get("/retention-curve", response_model=RetentionCurveReport, responses=CSV_TABLE, tags=["retention"])
def retention_curve(report: CurvesAnswer, accept: Accept = None) -> RetentionCurveReport:
    """Kaplan-Meier curves of the share of permanent social workers still in post t years after starting on or
    after 1 October 2016: with the council (or, none named, with whichever member council they started at) and
    in the region. Each curve has its 95% exponential Greenwood band, those at risk, and its median."""
    return answer(report, accept, f"retention-curve-{report.code}", "curves", "points")


@dataclass
class ProjectionQuery:
    council: CouncilCode = None
    years: Annotated[int, Query(ge=1, le=10, description="census years to project")] = 3
    history_years: Annotated[int, Query(ge=1, le=9, description="recent census years whose flows drive it")] = 3

    def project(
        self, session: Session, principal: Principal, today: date, target_vacancy_rate: float | None
    ) -> ProjectionReport:
        target = None if target_vacancy_rate is None else Decimal(str(target_vacancy_rate))
        window = get_settings().movement_window_days
        return projections.projection_report(
            session, principal, self.council, self.years, self.history_years, target, window, today
        )


TargetVacancyRate = Annotated[
    float | None, Query(ge=0, le=99.9, description="a vacancy rate (FTE, %) to reach by the last year projected")
]


@router.get("/projections", response_model=ProjectionReport, responses=CSV_TABLE, tags=["workforce"])
def project_workforce(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    query: Annotated[ProjectionQuery, Depends()],
    target_vacancy_rate: TargetVacancyRate = None,
    accept: Accept = None,
) -> ProjectionReport:
    """In-post headcount and FTE projected for each member council (or the one asked) and the region, from recent
    leaver rates, moves between member councils and starters from outside, with a band from past years' flows;
    and the starters needed to hold today's workforce or reach a target vacancy rate (docs/projections.md)."""
    report = query.project(session, principal, today, target_vacancy_rate)
    return answer(report, accept, f"projections-{query.council or 'west-midlands'}", "areas", "years")


SVG_CHART = {200: {"content": {SVG: SVG_FILE, BYTES: SVG_FILE}, "description": "An SVG chart"}}


@router.get("/charts/rank.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def rank_chart(series: RankSeriesAnswer, accept: Accept = None) -> Response:
    """The rank over the census years (1 at the top), as /rankings/series gives it, as SVG."""
    return svg(charts.render_rank(series), accept)


@router.get("/charts/retention-curve.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def retention_curve_chart(report: CurvesAnswer, accept: Accept = None) -> Response:
    """The retention curves of /retention-curve with their bands, as SVG."""
    return svg(charts.render_retention_curves(report), accept)


@router.get("/charts/projection.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def projection_chart(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: Today,
    query: Annotated[ProjectionQuery, Depends()],
    measure: Annotated[Literal["fte", "headcount"], Query(description="in-post FTE or headcount")] = "fte",
    accept: Accept = None,
) -> Response:
    """The council's (or, none named, the region's) projection of /projections with its band, as SVG."""
    report = query.project(session, principal, today, None)
    code = query.council or next(area.code for area in report.areas if area.level == "region")
    return svg(charts.render_projection(report, code, measure), accept)
