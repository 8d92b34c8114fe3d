"""Response models of the workforce projections."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.analytics.measures.schemas import Source

# --- Projections -----------------------------------------------------------------------------------------------

LOWER = (
    "bottom of the band: the lowest of the central projection and of each history year's flows replayed alone "
    "(a scenario range, not a probability interval)"
)
UPPER = "top of the band: the highest of the central projection and of each history year's flows replayed alone"


class ProjectionYear(BaseModel):
    """One projected census year; numbers to one decimal place. A needed figure below 0 means the flows in
    alone would take the area above the stock asked for."""

    census_year: int = Field(description="census year N projected: the figures are for 30 September N")
    inpost_headcount: Decimal = Field(description="employed social workers in post, projected at the central rates")
    inpost_headcount_lower: Decimal = Field(description=LOWER)
    inpost_headcount_upper: Decimal = Field(description=UPPER)
    inpost_fte: Decimal = Field(description="their FTE, projected at the central FTE rates")
    inpost_fte_lower: Decimal = Field(description=LOWER)
    inpost_fte_upper: Decimal = Field(description=UPPER)
    starters_needed_to_hold_headcount: Decimal = Field(description="starters (moves in included) to hold today's")
    starters_from_outside_needed_to_hold_headcount: Decimal = Field(description="of them, from outside the region")
    starters_needed_to_hold_fte: Decimal = Field(description="starters' FTE (moves in included) to hold today's FTE")
    starters_from_outside_needed_to_hold_fte: Decimal = Field(description="of it, from outside the region")
    target_inpost_fte: Decimal | None = Field(None, description="on the way to the target vacancy rate, when asked")
    starters_needed_for_target_fte: Decimal | None = Field(
        None, description="starters' FTE (moves in included) to be at target_inpost_fte, when asked"
    )
    starters_from_outside_needed_for_target_fte: Decimal | None = Field(
        None, description="of it, from outside the region"
    )


class ProjectionArea(BaseModel):
    code: str
    name: str
    level: Literal["council", "region"]
    source: Source = "computed"
    councils: list[str]
    missing_councils: list[str] = Field(default_factory=list, description="no records in the base census year")
    base_census_year: int
    inpost_headcount: int = Field(description="in post on 30 September of the base census year")
    inpost_fte: Decimal
    vacancy_fte: Decimal | None = None
    leaver_rate_headcount: Decimal | None = Field(None, description="central leavers per 100 of the opening stock")
    leaver_rate_fte: Decimal | None = None
    years: list[ProjectionYear]


class ProjectionReport(BaseModel):
    base_census_year: int = Field(description="the latest ended census year with records: the projection's start")
    history_census_years: list[int] = Field(description="the census years whose flows drive it")
    years: int
    target_vacancy_rate: Decimal | None = None
    movement_window_days: int
    method: str = Field(description="where the method and its assumptions are written down")
    areas: list[ProjectionArea]
