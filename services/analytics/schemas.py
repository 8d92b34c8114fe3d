"""Response models of the analytics API: areas with the DfE's measures under the DfE's column names."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.common.move_schemas import MovePairPublic

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


# --- Retention, stability, leaver destinations and time in service (beyond the DfE) ---------------

Destination = Literal["moved_in_region", "agency_in_region", "moved_elsewhere", "left_social_work", "not_known"]
ServiceBandName = Literal["under_2", "2_to_5", "5_to_10", "10_to_20", "20_and_over"]


class LeaverDestination(BaseModel):
    """Where one council's (or the region's) employed leavers of the year went."""

    destination: Destination
    label: str
    headcount: int | None = None
    fte: Decimal | None = None
    share_headcount: Decimal | None = Field(None, description="percentage of the leavers (headcount)")


class ServiceBand(BaseModel):
    """Employed people in post on 30 September by completed years of continuous service at the council."""

    band: ServiceBandName
    label: str
    headcount: int | None = None
    fte: Decimal | None = None
    share_headcount: Decimal | None = Field(None, description="percentage of those in post (headcount)")


class RetentionArea(BaseModel):
    """One member council, or the academy's region, in census year N. A null figure has a reason."""

    code: str = Field(description="DfE code for a council; ONS code for the region")
    name: str
    level: Literal["council", "region"]
    census_year: int
    in_post_last_year_fte: Decimal | None = Field(
        None, description="employed in post on 30 Sep N-1 (region: sum of its councils)"
    )
    in_post_last_year_headcount: int | None = None
    retained_fte: Decimal | None = Field(None, description="of those, still employed there on 30 Sep N")
    retained_headcount: int | None = None
    retention_rate_fte: Decimal | None = None
    retention_rate_headcount: Decimal | None = None
    regional_base_fte: Decimal | None = Field(
        None, description="employed in post on 30 Sep N-1 at the council (region: anywhere in it, once each)"
    )
    regional_base_headcount: int | None = None
    retained_employed_fte: Decimal | None = Field(
        None, description="of those, employed anywhere in the region on 30 Sep N"
    )
    retained_employed_headcount: int | None = None
    retained_agency_fte: Decimal | None = Field(
        None, description="of the rest, agency workers anywhere in the region on 30 Sep N"
    )
    retained_agency_headcount: int | None = None
    regional_retention_rate_fte: Decimal | None = Field(None, description="employed or agency, in the region")
    regional_retention_rate_headcount: Decimal | None = None
    inpost_fte: Decimal | None = Field(None, description="employed in post on 30 Sep N")
    inpost_headcount: int | None = None
    year_or_more_headcount: int | None = Field(None, description="of those, with a year's service or more")
    stability_index: Decimal | None = Field(
        None, description="percentage of those in post with at least one year's service at the council"
    )
    service_bands: list[ServiceBand]
    leavers_fte: Decimal | None = Field(None, description="employed leavers in year N")
    leavers_headcount: int | None = None
    leaver_destinations: list[LeaverDestination]
    reasons: dict[str, str] = Field(default_factory=dict, description="why a figure is null")


class RetentionReport(BaseModel):
    census_year: int
    movement_window_days: int = Field(description="a start within this many days of leaving is a move")
    areas: list[RetentionArea]


# --- Movement between member councils ----------------------------------------------------------


class Move(MovePairPublic):
    """Employed leavers of council `from_council` in year N whose next start was at `to_council`."""

    fte: Decimal = Field(description="FTE the leavers held at the council they left")


class CouncilFlow(BaseModel):
    code: str
    name: str
    moved_in_headcount: int
    moved_in_fte: Decimal
    moved_out_headcount: int
    moved_out_fte: Decimal
    net_headcount: int = Field(description="in minus out")
    net_fte: Decimal


class MovementReport(BaseModel):
    census_year: int
    movement_window_days: int
    moves: list[Move] = Field(description="the origin-destination matrix's non-empty cells")
    councils: list[CouncilFlow]
    total_headcount: int
    total_fte: Decimal


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


# --- Retention curves -----------------------------------------------------------------------------------------


class SurvivalPoint(BaseModel):
    years: float = Field(description="time since starting, in years of 365.25 days")
    survival: float = Field(description="Kaplan-Meier estimate of the share still in post")
    lower: float = Field(description="lower end of the confidence band")
    upper: float
    at_risk: int = Field(description="subjects still observed at this time")
    events: int = Field(description="of them, who left at this time")
    censored: int = Field(description="of them, observed until this time only (still in post)")


class RetentionCurve(BaseModel):
    stay: Literal["council", "region"]
    label: str
    subjects: int
    events: int
    censored: int
    median_years: float | None = Field(None, description="median time in post, where the estimate reaches 0.5")
    median_reason: str | None = None
    points: list[SurvivalPoint]


class RetentionCurveReport(BaseModel):
    code: str = Field(description="DfE code of the council, or ONS code of the region")
    name: str
    level: Literal["council", "region"]
    source: Source = "computed"
    councils: list[str]
    org_role: int | None = Field(None, description="only spells of this OrgRole, when asked")
    started_census_year: int | None = Field(None, description="only spells started in this census year, when asked")
    data_from: date = Field(description="spells that started before this day are left out")
    censored_at: dict[str, date] = Field(
        description="per council, the latest 30 September with records: a spell open then is censored there "
        "(for staying in the region, the latest of them)"
    )
    movement_window_days: int
    confidence: float
    band: str = Field(description="how the confidence band is computed")
    curves: list[RetentionCurve]


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
