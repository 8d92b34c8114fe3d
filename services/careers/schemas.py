"""Request and response models of the careers API: the framework, career records, CPD, evidence,
progression applications and regional opportunities."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from services.careers.rules import Action, ApplicationState, EvidenceKind, HowReached
from services.common.pagination import Page
from services.common.swe import normalise_swe


def _swe(value: str) -> str:
    try:
        return normalise_swe(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_swe_number", "{reason}", {"reason": str(exc)}) from None


def _not_null(value):
    if value is None:
        raise PydanticCustomError("null_not_allowed", "this field cannot be null; leave it out to keep it")
    return value


SweNumber = Annotated[
    str,
    Field(max_length=32, description="Social Work England number in any spelling (SW123, sw 0123)"),
    AfterValidator(_swe),
]
CouncilCode = Annotated[str, Field(pattern=r"^[0-9]{3}$", description="DfE LA code")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=2000)]
LongText = Annotated[str, Field(max_length=4000)]
Years = Annotated[Decimal, Field(ge=0, le=60, decimal_places=1)]
Hours = Annotated[Decimal, Field(ge=0, le=10000, decimal_places=1)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- The framework -----------------------------------------------------------------------------


class PathwayPublic(_Output):
    id: uuid.UUID
    code: str
    name: str
    description: str | None


class RequirementPublic(BaseModel):
    id: uuid.UUID
    level: str
    pathway: str | None
    min_pq_years: Decimal
    min_cpd_hours: Decimal = Field(description="Hours of CPD in the 12 months before")
    evidence_kinds: list[EvidenceKind]
    how_reached: HowReached


class LevelPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    rank: int
    typical_local_grade: str | None
    description: str | None
    pathways: list[PathwayPublic]
    requirements: list[RequirementPublic]


class PcfDomainPublic(_Output):
    id: uuid.UUID
    code: str
    name: str
    position: int
    description: str | None


class KssStandardPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    level: str | None
    description: str | None


class Framework(BaseModel):
    """The whole framework in one answer: levels in order with their pathways and requirements."""

    levels: list[LevelPublic]
    pcf_domains: list[PcfDomainPublic]
    kss_standards: list[KssStandardPublic]
    evidence_kinds: list[EvidenceKind]


class LevelCreate(_Input):
    code: Code
    name: Name
    rank: int = Field(ge=1, le=100)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: Description | None = None


class LevelUpdate(_Input):
    name: Name | None = None
    rank: int | None = Field(default=None, ge=1, le=100)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: Description | None = None

    _required = field_validator("name", "rank")(_not_null)


class PathwayCreate(_Input):
    code: Code
    name: Name
    description: Description | None = None


class PathwayUpdate(_Input):
    name: Name | None = None
    description: Description | None = None

    _required = field_validator("name")(_not_null)


class RequirementCreate(_Input):
    level: Code
    pathway: Code | None = None
    min_pq_years: Years
    min_cpd_hours: Hours
    evidence_kinds: list[EvidenceKind] = Field(default_factory=list, max_length=10)
    how_reached: HowReached


class RequirementUpdate(_Input):
    min_pq_years: Years | None = None
    min_cpd_hours: Hours | None = None
    evidence_kinds: list[EvidenceKind] | None = Field(default=None, max_length=10)
    how_reached: HowReached | None = None

    _required = field_validator("min_pq_years", "min_cpd_hours", "evidence_kinds", "how_reached")(_not_null)


class PcfDomainCreate(_Input):
    code: Code
    name: Name
    position: int = Field(ge=1, le=100)
    description: Description | None = None


class PcfDomainUpdate(_Input):
    name: Name | None = None
    position: int | None = Field(default=None, ge=1, le=100)
    description: Description | None = None

    _required = field_validator("name", "position")(_not_null)


class KssStandardCreate(_Input):
    code: Code
    name: Name
    level: Code | None = None
    description: Description | None = None


class KssStandardUpdate(_Input):
    name: Name | None = None
    level: Code | None = None
    description: Description | None = None

    _required = field_validator("name")(_not_null)


class LocalGradeCreate(_Input):
    council: CouncilCode | None = Field(default=None, description="Default: your own council")
    name: Name
    level: Code
    pathway: Code | None = None


class LocalGradeUpdate(_Input):
    name: Name | None = None
    level: Code | None = None
    pathway: Code | None = None

    _required = field_validator("name", "level")(_not_null)


class LocalGradePublic(BaseModel):
    id: uuid.UUID
    council: str
    name: str
    level: str
    pathway: str | None


# --- Career records ----------------------------------------------------------------------------


class RecordReason(StrEnum):
    recruitment = "recruitment"
    correction = "correction"


class CareerRecordCreate(_Input):
    """Start a worker's career record at the level they hold now."""

    swe_number: SweNumber
    level: Code
    pathway: Code | None = None
    effective_on: date = Field(description="Since when they hold it (not in the future)")
    qualified_on: date | None = None
    asye_started_on: date | None = Field(default=None, description="For a newly qualified worker")


class CareerRecordUpdate(_Input):
    qualified_on: date | None = None
    asye_started_on: date | None = None


class LevelChangeCreate(_Input):
    """A level reached outside a progression application: by recruitment, or a correction."""

    level: Code
    pathway: Code | None = None
    effective_on: date
    reason: RecordReason


class LevelRef(BaseModel):
    code: str
    name: str
    rank: int


class PathwayRef(BaseModel):
    code: str
    name: str


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


class AsyeReviewCreate(_Input):
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


# --- CPD and evidence --------------------------------------------------------------------------


class CpdKind(StrEnum):
    course = "course"
    training = "training"
    supervision = "supervision"
    peer_learning = "peer_learning"
    reading = "reading"
    research = "research"
    conference = "conference"
    e_learning = "e_learning"
    shadowing = "shadowing"
    other = "other"


class CpdFields(_Input):
    reflection: LongText | None = None
    peer_name: Name | None = None
    pcf_domains: list[Code] | None = Field(default=None, max_length=9, description="PCF domain codes")
    evidence_description: str | None = Field(default=None, max_length=500)
    evidence_reference: str | None = Field(default=None, max_length=500, description="Where the document is")


class CpdCreate(CpdFields):
    activity_on: date
    hours: Decimal = Field(gt=0, le=500, decimal_places=1)
    kind: CpdKind
    title: Title
    peer_reflection: bool = False


class CpdUpdate(CpdFields):
    activity_on: date | None = None
    hours: Decimal | None = Field(default=None, gt=0, le=500, decimal_places=1)
    kind: CpdKind | None = None
    title: Title | None = None
    peer_reflection: bool | None = None

    _required = field_validator("activity_on", "hours", "kind", "title", "peer_reflection")(_not_null)


class CpdPublic(_Output):
    id: uuid.UUID
    swe_number: str
    activity_on: date
    hours: Decimal
    kind: str
    title: str
    reflection: str | None
    peer_reflection: bool
    peer_name: str | None
    pcf_domains: list[str]
    evidence_description: str | None
    evidence_reference: str | None
    created_at: datetime
    updated_at: datetime


class RegistrationYearCheck(BaseModel):
    """The SWE CPD requirement for one registration year (1 December to 30 November)."""

    year: int = Field(description="Named by the year it ends: 2026 is 1 Dec 2025 to 30 Nov 2026")
    starts_on: date
    ends_on: date
    days_left: int = Field(description="Counting today: 1 on 30 November, 0 once the year is over")
    records: int
    records_required: int
    peer_reflected: int
    peer_reflected_required: int
    met: bool
    missing: list[str]


class CpdLog(Page[CpdPublic]):
    """The CPD screen: the registration year's check and that year's records, newest first."""

    registration_year: RegistrationYearCheck
    hours_last_12_months: Decimal


class EvidenceCreate(_Input):
    kind: EvidenceKind
    title: Title
    dated_on: date
    description: Description | None = None
    reference: str | None = Field(default=None, max_length=500, description="Where the document is")


class EvidencePublic(_Output):
    id: uuid.UUID
    swe_number: str
    kind: EvidenceKind
    title: str
    dated_on: date
    description: str | None
    reference: str | None
    created_at: datetime


# --- Progression applications ------------------------------------------------------------------


class ApplicationCreate(_Input):
    level: Code
    pathway: Code | None = None
    statement: LongText | None = None
    evidence_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ApplicationUpdate(_Input):
    statement: LongText | None = None
    evidence_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)


class SubmitBody(_Input):
    evidence_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=50, description="Replaces the attached evidence when given"
    )
    note: LongText | None = None


class NoteBody(_Input):
    note: LongText | None = None


class FeedbackBody(_Input):
    feedback: Annotated[str, Field(min_length=1, max_length=4000)]


class ApproveBody(_Input):
    effective_on: date = Field(description="The day the worker holds the new level from")
    note: LongText | None = None


class ApplicationEventPublic(_Output):
    action: str
    from_state: ApplicationState | None
    to_state: ApplicationState
    actor: str
    actor_role: str
    actor_council: str | None
    note: str | None
    occurred_at: datetime


class ApplicationPublic(BaseModel):
    id: uuid.UUID
    swe_number: str
    level: LevelRef
    pathway: PathwayRef | None
    state: ApplicationState
    statement: str | None
    council: str | None = Field(description="The council handling it")
    effective_on: date | None
    feedback: str | None
    resubmission_of: uuid.UUID | None = Field(description="The declined application this one follows")
    evidence: list[EvidencePublic]
    events: list[ApplicationEventPublic] = Field(description="Every transition, oldest first")
    allowed_actions: list[Action] = Field(description="What you may do next")
    version: int
    created_at: datetime
    updated_at: datetime


class ApplicationSummary(BaseModel):
    id: uuid.UUID
    swe_number: str
    level: LevelRef
    pathway: PathwayRef | None
    state: ApplicationState
    council: str | None
    updated_at: datetime


# --- Opportunities -----------------------------------------------------------------------------


class OpportunityKind(StrEnum):
    development_post = "development_post"
    secondment = "secondment"
    vacancy = "vacancy"


class OpportunityCreate(_Input):
    council: CouncilCode | None = Field(default=None, description="Default: your own council")
    kind: OpportunityKind
    title: Title
    level: Code
    pathway: Code | None = None
    closing_on: date
    description: LongText


class OpportunityUpdate(_Input):
    kind: OpportunityKind | None = None
    title: Title | None = None
    level: Code | None = None
    pathway: Code | None = None
    closing_on: date | None = None
    description: LongText | None = None

    _required = field_validator("kind", "title", "level", "closing_on", "description")(_not_null)


class OpportunityPublic(BaseModel):
    id: uuid.UUID
    council: str
    council_name: str
    kind: OpportunityKind
    title: str
    level: LevelRef
    pathway: PathwayRef | None
    closing_on: date
    open: bool
    description: str
    created_at: datetime
    registered: bool | None = Field(description="For a social worker: whether you registered interest")
    interest_count: int | None = Field(description="For the council that posted it: how many registered")


class InterestCreate(_Input):
    note: Annotated[str, Field(max_length=1000)] | None = None


class InterestPublic(BaseModel):
    id: uuid.UUID
    opportunity_id: uuid.UUID
    swe_number: str
    note: str | None
    registered_at: datetime
    level: LevelRef | None = Field(description="The worker's current level, when they have a career record")
