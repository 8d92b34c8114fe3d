"""Career records', ASYE reviews' and next steps' requests and answers."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from services.careers.fields import Code, Input, LongText, SweNumber
from services.careers.framework.schemas import LevelRef, PathwayRef
from services.careers.rules import EvidenceKind, HowReached


class RecordReason(StrEnum):
    recruitment = "recruitment"
    correction = "correction"


class CareerRecordCreate(Input):
    """Start a worker's career record at the level they hold now."""

    swe_number: SweNumber
    level: Code
    pathway: Code | None = None
    effective_on: date = Field(description="Since when they hold it (not in the future)")
    qualified_on: date | None = None
    asye_started_on: date | None = Field(default=None, description="For a newly qualified worker")


class CareerRecordUpdate(Input):
    qualified_on: date | None = None
    asye_started_on: date | None = None


class LevelChangeCreate(Input):
    """A level reached outside a progression application: by recruitment, or a correction."""

    level: Code
    pathway: Code | None = None
    effective_on: date
    reason: RecordReason


class LevelChangePublic(BaseModel):
    id: uuid.UUID
    level: LevelRef
    pathway: PathwayRef | None
    effective_on: date
    reason: str
    application_id: uuid.UUID | None
    council: str | None = Field(description="Where the worker was employed when it was recorded")
    recorded_by: str
    recorded_at: datetime


class AsyeOutcome(StrEnum):
    on_track = "on_track"
    concerns = "concerns"
    passed = "passed"
    failed = "failed"


class AsyeReviewCreate(Input):
    month: int = Field(description="3, 6, 9 or 12")
    outcome: AsyeOutcome = Field(description="on_track or concerns at 3, 6, 9 months; passed or failed at 12")
    reviewed_on: date
    notes: LongText | None = None


class AsyeReviewStatus(BaseModel):
    month: int
    due_on: date
    outcome: AsyeOutcome | None
    reviewed_on: date | None
    notes: str | None
    overdue: bool


class AsyeProgress(BaseModel):
    started_on: date
    reviews: list[AsyeReviewStatus]
    next_review: AsyeReviewStatus | None
    status: str = Field(description="in_progress, passed or failed")


class ExperiencePublic(BaseModel):
    days: int = Field(description="Days of registered social work, employed or agency, overlaps once")
    years: Decimal = Field(description="days / 365, rounded down")
    councils: list[str] = Field(description="Councils with a spell, from placements")
    councils_in_post: list[str] = Field(description="Councils where a spell is in post today")


class CareerRecordPublic(BaseModel):
    """The career screen: level, local grade, experience, ASYE progress and the history of levels."""

    id: uuid.UUID
    swe_number: str
    level: LevelRef | None
    pathway: PathwayRef | None
    local_grade: str | None = Field(description="What the council the worker is in post at calls this level")
    qualified_on: date | None
    experience: ExperiencePublic
    asye: AsyeProgress | None
    history: list[LevelChangePublic] = Field(description="Oldest first, including any still to take effect")
    created_at: datetime
    updated_at: datetime


# --- Next step ---------------------------------------------------------------------------------


class RequirementCheckPublic(BaseModel):
    requirement: str = Field(description="post_qualifying_years, cpd_hours_last_12_months or evidence")
    evidence_kind: EvidenceKind | None = None
    required: Decimal | None = None
    actual: Decimal | None = None
    met: bool
    missing: str | None


class NextStepOption(BaseModel):
    level: LevelRef
    pathway: PathwayRef | None
    how_reached: HowReached | None
    requirements: list[RequirementCheckPublic]
    all_met: bool
    missing: list[str]
    can_apply: bool = Field(description="Reached by panel, and no application for it is open")
    open_application_id: uuid.UUID | None


class NextStep(BaseModel):
    swe_number: str
    level: LevelRef | None
    pathway: PathwayRef | None
    experience: ExperiencePublic
    cpd_hours_last_12_months: Decimal
    options: list[NextStepOption] = Field(description="Empty at the top of the framework")
