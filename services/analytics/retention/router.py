"""Endpoints of what the region's matched view shows: retention, moves between member councils, retention
curves, and their charts."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Response

from services.analytics import charts
from services.analytics.answers import (
    CSV_TABLE,
    SVG_CHART,
    Accept,
    CouncilCode,
    RequiredCensusYear,
    answer,
    svg,
)
from services.analytics.measures.areas import require_records
from services.analytics.retention import movements, survival
from services.analytics.retention import report as retention
from services.analytics.retention.schemas import MovementReport, RetentionCurveReport, RetentionReport
from services.common.app import service_router
from services.common.auth import CurrentPrincipal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.settings import get_settings

router = service_router("analytics")


@router.get("/retention", responses=CSV_TABLE, tags=["retention"])
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


@router.get("/movements", responses=CSV_TABLE, tags=["retention"])
def movement_matrix(
    session: SessionDep, principal: CurrentPrincipal, census_year: RequiredCensusYear, accept: Accept = None
) -> MovementReport:
    """Moves between member councils in census year N (headcount and FTE), with each council's net flow."""
    require_records(session, principal, census_year, None)
    report = movements.movement_report(session, principal, census_year, get_settings().movement_window_days)
    return answer(report, accept, f"movements-{census_year}", "moves")


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


@router.get("/retention-curve", responses=CSV_TABLE, tags=["retention"])
def retention_curve(report: CurvesAnswer, accept: Accept = None) -> RetentionCurveReport:
    """Kaplan-Meier curves of the share of permanent social workers still in post t years after starting on or
    after 1 October 2016: with the council (or, none named, with whichever member council they started at) and
    in the region. Each curve has its 95% exponential Greenwood band, those at risk, and its median."""
    return answer(report, accept, f"retention-curve-{report.code}", "curves", "points")


@router.get("/charts/retention-curve.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def retention_curve_chart(report: CurvesAnswer, accept: Accept = None) -> Response:
    """The retention curves of /retention-curve with their bands, as SVG."""
    return svg(charts.render_retention_curves(report), accept)
