"""Response models of the analytics API: areas with the DfE's measures under the DfE's column names."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["council", "region", "national"]


class WorkforceArea(BaseModel):
    """One area (council, region or England) in one census year. A null measure has a reason."""

    code: str = Field(description="DfE code for a council; ONS code for the region and England")
    name: str
    level: Level
    year: int
    inpost_fte: Decimal | None = None
    inpost_headcount: int | None = None
    starters_fte: Decimal | None = None
    starters_headcount: int | None = None
    leavers_fte: Decimal | None = None
    leavers_headcount: int | None = None
    turnover_rate_fte: Decimal | None = None
    turnover_rate_headcount: Decimal | None = None
    agency_fte: Decimal | None = None
    agency_headcount: int | None = None
    agency_rate_fte: Decimal | None = None
    agency_rate_headcount: Decimal | None = None
    agency_cover_fte: Decimal | None = None
    agency_cover_rate_fte: Decimal | None = None
    vacancy_fte: Decimal | None = None
    vacancy_rate_fte: Decimal | None = None
    vacancy_agency_cover_rate_fte: Decimal | None = None
    case_holders_fte: Decimal | None = None
    cases: int | None = None
    caseload_fte: Decimal | None = None
    working_days_lost_fte: Decimal | None = None
    absence_rate_fte: Decimal | None = None
    reasons: dict[str, str] = Field(default_factory=dict, description="why a measure is null")


class WorkforceReport(BaseModel):
    from_year: int
    to_year: int
    as_of: str | None = Field(None, description="the 12 months to this date, when asked")
    areas: list[WorkforceArea]
