"""The endpoints of the workforce projections: the answer and its chart."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, Query, Response
from sqlmodel import Session

from services.analytics import charts
from services.analytics.answers import (
    CSV_TABLE,
    SVG_CHART,
    Accept,
    CouncilCode,
    answer,
    svg,
)
from services.analytics.projections import report as projections
from services.analytics.projections.schemas import ProjectionReport
from services.common.app import service_router
from services.common.auth import CurrentPrincipal, Principal
from services.common.clock import Today
from services.common.db import SessionDep
from services.common.settings import get_settings

router = service_router("analytics")


@dataclass
class ProjectionQuery:
    council: CouncilCode = None
    years: Annotated[int, Query(ge=1, le=10, description="census years to project")] = 3
    history_years: Annotated[int, Query(ge=1, le=9, description="recent census years whose flows drive it")] = 3


@dataclass
class Projection:
    """The projection asked for, as /projections answers it (with a target, when given) and its chart draws it."""

    session: Session
    principal: Principal
    today: date
    query: ProjectionQuery

    def report(self, target_vacancy_rate: float | None = None) -> ProjectionReport:
        target = None if target_vacancy_rate is None else Decimal(str(target_vacancy_rate))
        window, q = get_settings().movement_window_days, self.query
        return projections.projection_report(
            self.session, self.principal, q.council, q.years, q.history_years, target, window, self.today
        )


def projection(
    session: SessionDep, principal: CurrentPrincipal, today: Today, query: Annotated[ProjectionQuery, Depends()]
) -> Projection:
    return Projection(session, principal, today, query)


ProjectionAsked = Annotated[Projection, Depends(projection)]
TargetVacancyRate = Annotated[
    float | None, Query(ge=0, le=99.9, description="a vacancy rate (FTE, %) to reach by the last year projected")
]


@router.get("/projections", responses=CSV_TABLE, tags=["workforce"])
def project_workforce(
    asked: ProjectionAsked, target_vacancy_rate: TargetVacancyRate = None, accept: Accept = None
) -> ProjectionReport:
    """In-post headcount and FTE projected for each member council (or the one asked) and the region, from recent
    leaver rates, moves between member councils and starters from outside, with a band from past years' flows;
    and the starters needed to hold today's workforce or reach a target vacancy rate (docs/projections.md)."""
    report = asked.report(target_vacancy_rate)
    return answer(report, accept, f"projections-{asked.query.council or 'west-midlands'}", "areas", "years")


@router.get("/charts/projection.svg", response_class=Response, responses=SVG_CHART, tags=["charts"])
def projection_chart(
    asked: ProjectionAsked,
    measure: Annotated[Literal["fte", "headcount"], Query(description="in-post FTE or headcount")] = "fte",
    accept: Accept = None,
) -> Response:
    """The council's (or, none named, the region's) projection of /projections with its band, as SVG."""
    report = asked.report()
    code = asked.query.council or next(area.code for area in report.areas if area.level == "region")
    return svg(charts.render_projection(report, code, measure), accept)
