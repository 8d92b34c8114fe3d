"""Response models of the region's matched view: retention, moves between member councils, retention curves."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from services.analytics.measures.schemas import Source
from services.common.move_schemas import MovePairPublic

# --- Retention, stability, leaver destinations and time in service (beyond the DfE) ---------------

Destination = Literal["moved_in_region", "agency_in_region", "moved_elsewhere", "left_social_work", "not_known"]
ServiceBandName = Literal["under_2", "2_to_5", "5_to_10", "10_to_20", "20_and_over"]
MOVE_WINDOW = "a start within this many days of leaving is a move"
LEFT_FTE = "the FTE they held at the council they left"  # what the FTE of a move is, and of its sums


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
    movement_window_days: int = Field(description=MOVE_WINDOW)
    areas: list[RetentionArea]


# --- Movement between member councils ----------------------------------------------------------


class Move(MovePairPublic):
    """Employed leavers of council `from_council` in year N whose next start was at `to_council`."""

    fte: Decimal = Field(description=LEFT_FTE)


class CouncilFlow(BaseModel):
    """One member council's moves in and out in census year N. Its FTE figures are rounded (one place, half up)
    once, from the unrounded sums: a net may differ by 0.1 from the rounded figures it comes from."""

    code: str = Field(description="DfE code of the council")
    name: str
    moved_in_headcount: int = Field(description="employed leavers of another member council whose next start was here")
    moved_in_fte: Decimal = Field(description=LEFT_FTE)
    moved_out_headcount: int = Field(description="employed leavers of this council whose next start was at another")
    moved_out_fte: Decimal = Field(description=LEFT_FTE)
    net_headcount: int = Field(description="in minus out")
    net_fte: Decimal = Field(description="in minus out")


class MovementReport(BaseModel):
    """Moves between member councils in census year N; each FTE total is rounded once, from the unrounded sum."""

    census_year: int = Field(description="census year N: the moves of those who left in it")
    movement_window_days: int = Field(description=MOVE_WINDOW)
    moves: list[Move] = Field(description="the origin-destination matrix's non-empty cells")
    councils: list[CouncilFlow] = Field(description="every member council, with moves or not")
    total_headcount: int = Field(description="moves between member councils in the year")
    total_fte: Decimal = Field(description=LEFT_FTE)


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
