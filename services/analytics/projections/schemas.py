"""Response models of the workforce projections."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.analytics.measures.schemas import Source

# --- Projections -----------------------------------------------------------------------------------------------


class ProjectionYear(BaseModel):
    """One projected census year; numbers to one decimal place. A needed figure below 0 means the flows in
    alone would take the area above the stock asked for."""

    census_year: int
    inpost_headcount: Decimal
    inpost_headcount_lower: Decimal
    inpost_headcount_upper: Decimal
    inpost_fte: Decimal
    inpost_fte_lower: Decimal
    inpost_fte_upper: Decimal
    starters_needed_to_hold_headcount: Decimal = Field(description="starters (moves in included) to hold today's")
    starters_from_outside_needed_to_hold_headcount: Decimal = Field(description="of them, from outside the region")
    starters_needed_to_hold_fte: Decimal
    starters_from_outside_needed_to_hold_fte: Decimal
    target_inpost_fte: Decimal | None = Field(None, description="on the way to the target vacancy rate, when asked")
    starters_needed_for_target_fte: Decimal | None = None
    starters_from_outside_needed_for_target_fte: Decimal | None = None


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
