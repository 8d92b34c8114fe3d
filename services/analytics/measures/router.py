"""Endpoints of the DfE measures: the workforce areas, a council's benchmark, England's rankings, and their charts."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response

from services.analytics import charts
from services.analytics.answers import (
    ALL_YEARS,
    BYTES,
    CSV_TABLE,
    SVG,
    SVG_CHART,
    SVG_FILE,
    Accept,
    CensusYear,
    CensusYearSeries,
    Council,
    CouncilCode,
    RequiredCensusYear,
    answer,
    svg,
)
from services.analytics.census_years import FIRST, LAST, MOST_YEARS
from services.analytics.measures import benchmarks, rankings
from services.analytics.measures.areas import workforce_areas, years_without_records
from services.analytics.measures.schemas import BenchmarkReport, RankingReport, RankSeries, WorkforceReport
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.census_calendar import census_year_of
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.errors import InvalidInput, invalid
from services.common.reference import WEST_MIDLANDS

router = service_router("analytics")


AsOf = Annotated[
    date | None,
    Query(
        description="The 12 months to this date instead of census year N to 30 September "
        "(instead of census_year, from_census_year and to_census_year)"
    ),
]


@dataclass
class WorkforceQuery:
    """What /workforce is asked for: one census year, a series of them, or the 12 months to a date (`as_of`)."""

    census_year: CensusYear = None
    years: CensusYearSeries = ALL_YEARS
    council: CouncilCode = None
    as_of: AsOf = None

    def as_of_date(self) -> date | None:
        """`as_of`, when it is given (and no census year with it)."""
        if self.as_of is None:
            return None
        if self.census_year is not None or self.years.given:
            raise invalid(
                ["query", "as_of"],
                "conflict",
                "as_of excludes census_year",
                detail="Give either as_of or a census year, not both.",
            )
        if not FIRST <= self.as_of.year <= LAST:
            problem, detail = f"{FIRST} to {LAST}", f"as_of must fall between {FIRST} and {LAST}."
            raise invalid(["query", "as_of"], "out_of_range", problem, detail=detail)
        return self.as_of

    def census_years(self) -> list[int]:
        """census_year alone, or from_census_year to to_census_year (both given)."""
        if self.census_year is not None and self.years.given:
            raise InvalidInput("Give either census_year or from_census_year and to_census_year, not both.")
        if self.census_year is not None:
            return [self.census_year]
        if self.years.from_census_year is None or self.years.to_census_year is None:
            raise invalid(
                ["query", "census_year"],
                "missing",
                "Field required",
                detail="Give census_year=N, or from_census_year and to_census_year for a series.",
            )
        return self.years.series(most=MOST_YEARS)


WorkforceAsked = Annotated[WorkforceQuery, Depends()]


@router.get("/workforce", responses=CSV_TABLE, tags=["workforce"])
def workforce_measures(
    session: SessionDep, principal: CurrentPrincipal, today: Today, query: WorkforceAsked, accept: Accept = None
) -> WorkforceReport:
    """The DfE's measures for each council with records and for its region computed from them (naming the
    councils missing), beside the region and England as the DfE published them (`source`). A year with no
    records for the area asked is left out and listed; when no year asked has any, a 404 names those there are.

    With `as_of`, the same measures for the 12 months to that date: in post on that date, starters
    and leavers in the 12 months to it (one "year", the census year the date falls in)."""
    if (day := query.as_of_date()) is not None:
        areas = workforce_areas(session, principal, [], query.council, as_of=day, today=today)
        year = census_year_of(day)
        report = WorkforceReport(from_census_year=year, to_census_year=year, as_of=day.isoformat(), areas=areas)
        return answer(report, accept, f"workforce-{day.isoformat()}", "areas")
    years = query.census_years()
    areas = workforce_areas(session, principal, years, query.council, today=today)
    missing = years_without_records(areas, years)
    report = WorkforceReport(
        from_census_year=years[0], to_census_year=years[-1], census_years_without_records=missing, areas=areas
    )
    return answer(report, accept, f"workforce-{years[0]}-{years[-1]}", "areas")


@router.get("/benchmarks", responses=CSV_TABLE, tags=["workforce"])
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


RankedMeasure = Annotated[rankings.RankedMeasure, Query(description="A DfE rate; for each, lower is better")]
RankingLevel = Annotated[rankings.RankingLevel, Query(description="rank England's regions or its councils")]


@router.get("/rankings", responses=CSV_TABLE, tags=["benchmarks"])
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
    years: CensusYearSeries = ALL_YEARS


def rank_series(
    session: SessionDep, principal: CurrentPrincipal, query: Annotated[RankSeriesQuery, Depends()]
) -> RankSeries:
    """The answer of /rankings/series, which /charts/rank.svg draws."""
    return rankings.rank_series(session, principal, query.measure, query.code, query.years)


RankSeriesAnswer = Annotated[RankSeries, Depends(rank_series)]


@router.get("/rankings/series", responses=CSV_TABLE, tags=["benchmarks"])
def rank_over_time(series: RankSeriesAnswer, accept: Accept = None) -> RankSeries:
    """One region's (by default the West Midlands') or council's published rank in each census year, with the
    rank its computed figure would have. Without years, every year published."""
    return answer(series, accept, f"rank-{series.measure}-{series.code}", "points")


@dataclass
class TurnoverQuery:
    council: Council
    years: CensusYearSeries = ALL_YEARS


TurnoverAsked = Annotated[TurnoverQuery, Depends()]


@router.get(
    "/charts/turnover.svg",
    response_class=Response,
    responses={200: {"content": {SVG: SVG_FILE, BYTES: SVG_FILE}, "description": "An SVG line chart"}},
    tags=["charts"],
)
def turnover_chart(
    session: SessionDep, principal: CurrentPrincipal, today: Today, query: TurnoverAsked, accept: Accept = None
) -> Response:
    """The council's turnover_rate_fte against its region and England over the census years, as SVG.
    Without from_census_year or to_census_year, the years the council's records hold. The same bytes come as
    application/octet-stream to a client that accepts that and not SVG (as generated clients ask)."""
    return svg(charts.turnover_chart(session, principal, query.council, query.years, today), accept)


@router.get("/charts/rank.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def rank_chart(series: RankSeriesAnswer, accept: Accept = None) -> Response:
    """The rank over the census years (1 at the top), as /rankings/series gives it, as SVG."""
    return svg(charts.render_rank(series), accept)
