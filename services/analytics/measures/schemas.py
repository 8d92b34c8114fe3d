"""Response models of the DfE measures: areas with the DfE's measures under the DfE's column names, a
council's benchmark, and England's rankings."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["council", "region", "national"]
Source = Literal["computed", "published"]


class WorkforceArea(BaseModel):
    """One area (council, region or England) in one census year. A null measure has a reason.

    `computed` areas are the platform's own figures from the records it holds, and name the councils they
    cover; `published` ones are the DfE's figures as published (England is always published: the platform
    holds only its member councils)."""

    code: str = Field(description="DfE code for a council; ONS code for the region and England")
    name: str = Field(description="a computed region missing councils says how many it covers")
    level: Level
    census_year: int
    source: Source = Field(description="computed from the records here, or the DfE's published figure")
    provisional: bool = Field(
        False, description="computed for a census year still in progress: the figures change as records arrive"
    )
    councils: list[str] | None = Field(None, description="computed: the councils whose records it sums")
    missing_councils: list[str] | None = Field(
        None, description="a computed region: its councils with no records for the year, left out of its figures"
    )
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
    from_census_year: int
    to_census_year: int
    as_of: str | None = Field(None, description="the 12 months to this date, when asked")
    census_years_without_records: list[int] = Field(
        default_factory=list, description="years asked for with no records for the area asked: no computed areas"
    )
    areas: list[WorkforceArea]


# --- Benchmarks against the DfE's published figures -------------------------------------------


class Figure(BaseModel):
    """A number, or no number and why (a published symbol is kept as its reason, never a zero)."""

    value: Decimal | None = None
    reason: str | None = None


class BenchmarkRow(BaseModel):
    measure: str = Field(description="the DfE's column name")
    computed: Figure = Field(description="the council's figure computed from the records")
    published: Figure = Field(description="the DfE's published figure for the council")
    region: Figure = Field(description="the DfE's published figure for the council's region")
    england: Figure = Field(description="the DfE's published figure for England")


class BenchmarkReport(BaseModel):
    census_year: int
    code: str
    name: str
    region_code: str
    region_name: str
    measures: list[BenchmarkRow]


# --- Rankings against all of England ------------------------------------------------------------------------


class ComputedRank(BaseModel):
    """The academy's own figure for an area, computed from its records, and where it would stand among the
    published values (ties share the better rank)."""

    source: Source = "computed"
    value: Decimal | None = None
    rank: int | None = None
    reason: str | None = Field(None, description="why there is no value")
    councils: list[str] = Field(default_factory=list, description="the councils whose records it sums")
    missing_councils: list[str] = Field(default_factory=list, description="of the area's councils, those with none")


class RankingRow(BaseModel):
    """One region or council as the DfE published it, with its rank (1 is the best); no value, no rank."""

    code: str = Field(description="ONS code of a region; DfE code of a council (two when published together)")
    name: str
    level: Literal["region", "council"]
    source: Source = "published"
    value: Decimal | None = None
    rank: int | None = None
    reason: str | None = Field(None, description="why there is no value (a published symbol's meaning)")
    computed: ComputedRank | None = Field(None, description="the academy's own figure, for its councils and region")


class RankingReport(BaseModel):
    measure: str
    census_year: int
    level: Literal["region", "council"]
    better: Literal["lower"] = Field(description="which way the measure counts: the lowest value ranks 1")
    direction: str
    ties: str
    ranked: int
    unranked: int
    rows: list[RankingRow] = Field(description="ranked best first, then the unranked by code")


class RankPoint(BaseModel):
    census_year: int
    value: Decimal | None = None
    rank: int | None = None
    out_of: int = Field(description="how many areas were ranked that year")
    reason: str | None = None
    computed: ComputedRank | None = None


class RankSeries(BaseModel):
    measure: str
    code: str
    name: str
    level: Literal["region", "council"]
    better: Literal["lower"]
    direction: str
    from_census_year: int
    to_census_year: int
    points: list[RankPoint]
