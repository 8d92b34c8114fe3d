"""Request and response models of the returners endpoints."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from services.returners.rules import Action, ActivityKind, Stage, normalise_registration

CouncilCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", min_length=3, max_length=3, description="DfE LA code")]
Email = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Matched without regard to case"),
    AfterValidator(lambda value: value.strip().lower()),
]


def _quantized(places: int) -> AfterValidator:
    """Held with the column's scale, so an answer shows the same digits before and after a reload."""
    exponent = Decimal(1).scaleb(-places)
    return AfterValidator(lambda value: value.quantize(exponent))


Years = Annotated[
    Decimal, Field(ge=0, le=99, decimal_places=1, description="years, at most 1 decimal place"), _quantized(1)
]
HoursPerDay = Annotated[
    Decimal, Field(gt=0, le=24, decimal_places=2, description="Hours in an updating day"), _quantized(2)
]
EARLIEST = date(1950, 1, 1)


def _registration(value: str) -> str:
    try:
        return normalise_registration(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_registration_number", "{reason}", {"reason": str(exc)}) from None


def _past(value: date) -> date:
    if not EARLIEST <= value <= date.today():
        raise PydanticCustomError(
            "date_out_of_range", "the date must be between {low} and today", {"low": str(EARLIEST)}
        )
    return value


RegistrationNumber = Annotated[
    str,
    Field(max_length=32, description="HCPC or SWE number in any spelling (SW000123, sw 123); stored as SW123"),
    AfterValidator(_registration),
]
PastDate = Annotated[date, AfterValidator(_past)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Cohorts -----------------------------------------------------------------------------------


class CohortFields(_Input):
    intake_opens: date | None = None
    intake_closes: date | None = None
    starts_on: date | None = None
    capacity: int | None = Field(default=None, ge=0, le=10_000, description="Places on the cohort")
    min_years_away: int | None = Field(default=None, ge=0, le=60)
    max_years_away: int | None = Field(default=None, ge=0, le=60)
    min_statutory_practice_years: Years | None = None
    hours_per_day: HoursPerDay | None = None


class CohortCreate(CohortFields):
    name: str = Field(min_length=1, max_length=120)
    intake_opens: date
    intake_closes: date
    capacity: int = Field(ge=0, le=10_000, description="Places on the cohort")
    min_years_away: int = Field(default=2, ge=0, le=60)
    max_years_away: int = Field(default=10, ge=0, le=60)
    min_statutory_practice_years: Years = Decimal(2)
    hours_per_day: HoursPerDay | None = Field(default=None, description="Default from settings (7)")

    @model_validator(mode="after")
    def _consistent(self) -> "CohortCreate":
        _check_cohort(self.intake_opens, self.intake_closes, self.min_years_away, self.max_years_away)
        return self


class CohortUpdate(CohortFields):
    """Only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=120)


def _check_cohort(opens: date, closes: date, minimum: int, maximum: int) -> None:
    if closes < opens:
        raise PydanticCustomError("intake_closes_before_it_opens", "intake_closes is before intake_opens")
    if maximum < minimum:
        raise PydanticCustomError("years_away_range", "max_years_away is below min_years_away")


class CohortPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    intake_opens: date
    intake_closes: date
    starts_on: date | None
    capacity: int
    min_years_away: int
    max_years_away: int
    min_statutory_practice_years: Decimal
    hours_per_day: Decimal
    created_at: datetime
    updated_at: datetime


# --- Enquiries and applicants ------------------------------------------------------------------


class EnquiryCreate(_Input):
    """The minimum a person gives to hear about the programme."""

    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=32, pattern=r"^[0-9 +()-]{6,32}$")
    region: str | None = Field(default=None, min_length=1, max_length=60)
    consent: Literal[True] = Field(description="Consent to hold these details and contact you about the programme")


class EnquiryReceived(BaseModel):
    status: Literal["received"] = "received"
    detail: str = "Thank you. The academy will email you about the Return to Social Work programme."


class ApplicationCreate(_Input):
    cohort_id: uuid.UUID
    registration_number: RegistrationNumber = Field(description="The previous HCPC or SWE registration number")
    date_last_practised: PastDate
    date_left_register: PastDate
    years_statutory_practice: Years
    applied_on: PastDate | None = Field(default=None, description="Default: today")


class RuleCheckPublic(BaseModel):
    rule: str
    passed: bool
    detail: str


class EligibilityPublic(BaseModel):
    eligible: bool
    decided_by: str = Field(description="The rule that decided: the first one failed, or all_rules_met")
    reason: str
    regulator: str = Field(description="HCPC or SWE: the rule in force on the application date")
    regulator_rule: str
    counted_from: date
    counted_from_field: str
    application_date: date
    complete_years_away: int
    days_beyond: int
    updating_band: str
    updating_days_required: int = Field(description="0, 30 or 60")
    updating_hours_required: Decimal
    hours_per_day: Decimal
    checks: list[RuleCheckPublic]


class HostPlacementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    council: str
    matched_at: datetime
    released_at: datetime | None


class EmploymentSummary(BaseModel):
    council: str
    start_date: date
    agency: bool
    fte: Decimal | None
    org_role: int | None
    placements_worker_id: uuid.UUID | None
    placements_employment_id: uuid.UUID | None


class ApplicantPublic(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    phone: str | None
    region: str | None
    stage: Stage
    stage_since: date
    enquiry_count: int
    cohort_id: uuid.UUID | None
    registration_number: str | None
    date_last_practised: date | None
    date_left_register: date | None
    years_statutory_practice: Decimal | None
    applied_on: date | None
    eligibility: EligibilityPublic | None
    restoration_applied_on: date | None
    host_placement: HostPlacementPublic | None
    employment: EmploymentSummary | None
    allowed_actions: list[Action]
    created_at: datetime
    updated_at: datetime


class ApplicantCreate(_Input):
    """An enquiry keyed in by academy staff (a paper or phone enquiry)."""

    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=32, pattern=r"^[0-9 +()-]{6,32}$")
    region: str | None = Field(default=None, min_length=1, max_length=60)


class TalentPoolEntry(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    phone: str | None
    region: str | None
    cohort_id: uuid.UUID | None
    years_statutory_practice: Decimal | None
    date_last_practised: date | None
    in_pool_since: date


# --- Stage transitions -------------------------------------------------------------------------

# Actions the transitions endpoint takes; apply and employ carry data and have endpoints of their own.
ManualAction = Literal[
    "shortlist",
    "assess",
    "offer",
    "start_checks",
    "start_training",
    "start_supervised_practice",
    "apply_for_restoration",
    "restore",
    "withdraw",
    "rule_not_eligible",
    "not_select",
]


class TransitionCreate(_Input):
    action: ManualAction
    effective_on: PastDate | None = Field(
        default=None, description="The day it happened (default today); not before the current stage began"
    )
    note: str | None = Field(default=None, max_length=500)


class StageEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    from_stage: Stage | None
    to_stage: Stage
    action: str
    effective_on: date
    note: str | None
    actor: str
    actor_role: str
    recorded_at: datetime


# --- Updating log ------------------------------------------------------------------------------

SupervisorRegulator = Literal["SWE", "HCPC", "SSSC", "SCW", "NISCC"]


class UpdatingActivityCreate(_Input):
    """One piece of updating; supervised practice names its supervisor, study does not."""

    kind: ActivityKind
    started_on: PastDate
    ended_on: PastDate
    hours: Annotated[Decimal, Field(gt=0, le=5000, decimal_places=2), _quantized(2)]
    description: str | None = Field(default=None, max_length=500)
    supervisor_name: str | None = Field(default=None, min_length=1, max_length=200)
    supervisor_regulator: SupervisorRegulator | None = None
    supervisor_registration_number: str | None = Field(default=None, min_length=1, max_length=32)
    supervisor_years_registered: Years | None = None
    supervisor_fitness_to_practise_sanction: bool | None = Field(
        default=None, description="Whether the supervisor has any fitness-to-practise sanction"
    )

    @model_validator(mode="after")
    def _consistent(self) -> "UpdatingActivityCreate":
        if self.ended_on < self.started_on:
            raise PydanticCustomError("ended_before_started", "ended_on is before started_on")
        if self.hours > 24 * ((self.ended_on - self.started_on).days + 1):
            raise PydanticCustomError("too_many_hours", "more hours than the dates hold")
        supervisor = [name for name in SUPERVISOR_FIELDS if getattr(self, name) is not None]
        if self.kind is ActivityKind.supervised_practice and len(supervisor) < len(SUPERVISOR_FIELDS):
            missing = ", ".join(name for name in SUPERVISOR_FIELDS if name not in supervisor)
            raise PydanticCustomError(
                "supervisor_required",
                "supervised practice needs the supervisor's {missing}",
                {"missing": missing},
            )
        if self.kind is not ActivityKind.supervised_practice and supervisor:
            raise PydanticCustomError("supervisor_not_expected", "only supervised practice has a supervisor")
        return self


SUPERVISOR_FIELDS = (
    "supervisor_name",
    "supervisor_regulator",
    "supervisor_registration_number",
    "supervisor_years_registered",
    "supervisor_fitness_to_practise_sanction",
)


class UpdatingActivityPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ActivityKind
    started_on: date
    ended_on: date
    hours: Decimal
    description: str | None
    supervisor_name: str | None
    supervisor_regulator: str | None
    supervisor_registration_number: str | None
    supervisor_years_registered: Decimal | None
    recorded_by: str
    recorded_at: datetime


class ExcludedActivityPublic(BaseModel):
    activity_id: str
    reason: str


class UpdatingProgressPublic(BaseModel):
    window_start: date
    window_end: date
    window_ends_at: str = Field(description="restoration application, or today before one is made")
    required_days: int
    hours_per_day: Decimal
    days_by_kind: dict[str, Decimal]
    private_study_cap_days: Decimal
    private_study_days_counted: Decimal
    counted_days: Decimal
    remaining_days: Decimal
    complete: bool
    excluded: list[ExcludedActivityPublic]


# --- Host councils -----------------------------------------------------------------------------


class HostOfferCreate(_Input):
    council: CouncilCode
    places: int = Field(ge=0, le=1000)


class HostOfferUpdate(_Input):
    places: int = Field(ge=0, le=1000)


class HostOfferPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    council: str
    places: int
    places_taken: int
    created_at: datetime
    updated_at: datetime


class HostMatchCreate(_Input):
    council: CouncilCode


# --- Into employment ---------------------------------------------------------------------------


class EmploymentCreate(_Input):
    """Recording "employed": placements gets the worker and the spell."""

    council: CouncilCode
    start_date: date
    agency: bool = Field(description="Agency (true) or employed directly (false)")
    fte: Annotated[Decimal, Field(ge=0, le=1, decimal_places=6), _quantized(6)] | None = None
    org_role: int | None = Field(default=None, ge=1, le=6, description="census OrgRole code (1 to 6)")
    swe_number: RegistrationNumber | None = Field(
        default=None, description="The number on restoration, when it differs from the previous one"
    )
    note: str | None = Field(default=None, max_length=500)


# --- Outcomes ----------------------------------------------------------------------------------


class StageCount(BaseModel):
    stage: Stage
    current: int = Field(description="Applicants in this stage now")
    reached: int = Field(description="Applicants who ever reached it")


class StageConversion(BaseModel):
    from_stage: Stage
    to_stage: Stage
    conversion: float | None = Field(description="reached(to) / reached(from); null when none reached from")
    median_days: float | None = Field(description="Median days from reaching one to reaching the next")


class Retention(BaseModel):
    months: int
    due: int = Field(description="Employed returners whose start was at least this long ago")
    still_in_post: int
    rate: float | None


class CohortOutcomes(BaseModel):
    cohort_id: uuid.UUID
    as_of: date
    applicants: int
    stages: list[StageCount]
    off_ramps: list[StageCount]
    conversions: list[StageConversion]
    retention: list[Retention]
