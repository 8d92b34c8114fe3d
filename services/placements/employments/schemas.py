"""Request and response models of the employment endpoints: a spell, and what each census year holds for it."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from services.common import clock
from services.common.census_calendar import census_reference_date, census_year_of
from services.common.dates import END_BEFORE_START, end_before_start
from services.common.updates import Changes
from services.placements.workers.schemas import CouncilCode, StrictInput, SweNumber, census_code, code_field

# Spell dates: no career in the register predates this, and a bound keeps per-year rows few.
EARLIEST_SPELL_DATE = date(1950, 1, 1)
MAX_INT4 = 2_147_483_647  # the largest count a PostgreSQL integer column holds


def latest_spell_date() -> date:
    """Spell dates may run to the end of next census year (a starter or leaver already agreed)."""
    return census_reference_date(census_year_of(clock.today()) + 1)


def _quantized(places: int) -> Any:
    """Stored with the column's scale, so an answer shows the same digits before and after a reload."""
    exponent = Decimal(1).scaleb(-places)
    return AfterValidator(lambda value: value.quantize(exponent))


def _spell_date(value: date) -> date:
    latest = latest_spell_date()
    if not EARLIEST_SPELL_DATE <= value <= latest:
        raise PydanticCustomError(
            "date_out_of_range",
            "the date must be between {low} and {high}",
            {"low": str(EARLIEST_SPELL_DATE), "high": str(latest)},
        )
    return value


SpellDate = Annotated[date, AfterValidator(_spell_date)]
OrgRole = Annotated[
    int,
    code_field(
        "OrgRole",
        "1 senior manager, 2 middle manager, 3 first line manager, 4 senior practitioner, 5 case holder, "
        "6 qualified without cases",
    ),
    census_code("OrgRole"),
]
StartOrigin = Annotated[
    int, code_field("StartOrigin", "where a starter came from (1 to 10)"), census_code("StartOrigin")
]
LeaverDestination = Annotated[
    int, code_field("LeaverDestination", "where a leaver went (1 to 9)"), census_code("LeaverDestination")
]
ReasonLeave = Annotated[int, code_field("ReasonLeave", "why the spell ended (1 to 10)"), census_code("ReasonLeave")]
ReasonAbsence = Annotated[
    str,
    Field(max_length=3),
    code_field("ReasonAbsence", "reason for absence on 30 September"),
    census_code("ReasonAbsence"),
]
KssStatus = Annotated[
    int, code_field("CFKSSstatus", "post-qualifying standard held (1 to 4)"), census_code("CFKSSstatus")
]
Fte = Annotated[
    Decimal,
    Field(ge=0, le=1, decimal_places=6, description="0 to 1, at most 6 decimal places"),
    _quantized(6),
]
WorkingDaysLost = Annotated[
    Decimal, Field(ge=0, le=366, decimal_places=2, description="days, at most 2 places"), _quantized(2)
]
ContractWeeks = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("99999.9"), decimal_places=1, description="weeks, at most 1 decimal place"),
    _quantized(1),
]
Cases30 = Annotated[int, Field(ge=0, le=MAX_INT4, description="cases held on 30 September")]


class YearFigures(StrictInput):
    """What one census year's return holds for a spell beyond its dates."""

    fte: Fte | None = None
    fte30: Fte | None = None
    cases30: Cases30 | None = None
    working_days_lost: WorkingDaysLost | None = None
    contract_weeks: ContractWeeks | None = None
    absent_30_sept: bool | None = None
    reason_absence: ReasonAbsence | None = None
    kss_status: KssStatus | None = None


class EmploymentCreate(YearFigures):
    """A spell at a council; name the worker by swe_number (created if new) or by worker_id."""

    swe_number: SweNumber | None = None
    worker_id: uuid.UUID | None = None
    council: CouncilCode
    agency: bool = False
    org_role: OrgRole | None = None
    start_date: SpellDate
    start_origin: StartOrigin | None = None
    end_date: SpellDate | None = None
    reason_leave: ReasonLeave | None = None
    leaver_destination: LeaverDestination | None = None

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if end_before_start(start, end):
            raise PydanticCustomError(
                END_BEFORE_START, "the end date is before the start date {start}", {"start": str(start)}
            )
        return end

    @field_validator("reason_leave", "leaver_destination")
    @classmethod
    def _leaver_fields_need_end(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and "end_date" in info.data and info.data["end_date"] is None:
            raise PydanticCustomError(
                "leaver_fields_without_end_date",
                "{field} is given but end_date is not: only leavers have one",
                {"field": info.field_name},
            )
        return value

    @model_validator(mode="after")
    def _one_worker(self) -> "EmploymentCreate":
        if (self.swe_number is None) == (self.worker_id is None):
            raise PydanticCustomError("worker_required", "give exactly one of swe_number and worker_id")
        return self


class EmploymentUpdate(YearFigures, Changes):
    """Changes to a spell and to what census year `census_year` holds for it (default: the current year)."""

    nullable = frozenset(
        {"absent_30_sept", "cases30", "census_year", "contract_weeks", "fte", "fte30", "kss_status", "org_role",
         "reason_absence", "start_origin", "working_days_lost"}
    )  # fmt: skip

    census_year: int | None = Field(default=None, ge=1950, description="The census year the figures belong to")
    agency: bool | None = None
    org_role: OrgRole | None = None
    start_origin: StartOrigin | None = None


class LeaverCreate(StrictInput):
    end_date: SpellDate = Field(description="The last day in post")
    reason_leave: ReasonLeave | None = None
    leaver_destination: LeaverDestination | None = None


class EmploymentYearPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    census_year: int
    source: str = Field(description="import (a census return) or api")
    agency: bool
    org_role: int | None
    end_date: date | None
    fte: Decimal | None
    fte30: Decimal | None
    cases30: int | None
    working_days_lost: Decimal | None
    contract_weeks: Decimal | None
    absent_30_sept: bool | None
    reason_absence: str | None
    kss_status: int | None


class EmploymentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    worker_id: uuid.UUID
    council: str
    agency: bool
    org_role: int | None
    start_date: date
    start_origin: int | None
    end_date: date | None
    reason_leave: int | None
    leaver_destination: int | None
    version: int = Field(description="Sent back as the ETag; send it in If-Match to update")
    created_at: datetime
    updated_at: datetime
    years: list[EmploymentYearPublic] = Field(description="The census years that hold this spell, oldest first")
