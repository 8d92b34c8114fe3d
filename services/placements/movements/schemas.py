"""Request and response models of the movements between councils and the agency engagement check."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, field_validator

from services.common.swe import normalise_swe


class MoveOut(BaseModel):
    """A person who left `from_council` and whose first start at another member council within the
    window was at `to_council` (docs/architecture.md, "Moves")."""

    swe_number: str
    from_council: str
    to_council: str
    left_on: date = Field(description="the last day at the council they left")
    started_on: date
    days_between: int
    fte: Decimal = Field(description="the FTE they left, as that council's return held it (census places)")
    to_agency: bool


class Flow(BaseModel):
    """The moves from one council to another: the same pairs and counts as analytics' movement matrix."""

    from_council: str
    to_council: str
    headcount: int
    fte: Decimal = Field(description="FTE the people left, to one decimal place (half up), as the DfE publishes")
    agency_headcount: int = Field(description="of whom started as agency workers")


class MovementReport(BaseModel):
    census_year: int
    movement_window_days: int = Field(description="a start within this many days of leaving is a move")
    moves: list[MoveOut] = Field(description="each move (for a council: the moves into or out of it)")
    matrix: list[Flow] = Field(description="origin-destination pairs across the whole region")


class AgencyCheckRequest(BaseModel):
    swe_number: str = Field(max_length=20)
    council: str = Field(max_length=3, description="the council that would engage the agency worker")
    proposed_start: date

    @field_validator("swe_number")
    @classmethod
    def _normalised(cls, value: str) -> str:
        return normalise_swe(value)


class RuleOutcomeOut(BaseModel):
    rule: str
    passed: bool
    detail: str
    deciding_dates: dict[str, date | None]
    exception: str | None


class AgencyCheckResult(BaseModel):
    swe_number: str
    council: str
    proposed_start: date
    allowed: bool
    known_to_region: bool
    rules: list[RuleOutcomeOut]
