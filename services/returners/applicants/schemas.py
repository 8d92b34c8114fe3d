"""Request and response models of the applicant endpoints: enquiries, the application and its
eligibility, the stage funnel and the talent pool."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass

from services.returners.fields import Email, Input, PastDate, RegistrationNumber, Years
from services.returners.handover.schemas import EmploymentSummary
from services.returners.hosts.schemas import HostPlacementPublic
from services.returners.rules import Action, Eligibility, RuleCheck, Stage

# --- Enquiries ---------------------------------------------------------------------------------


class _Contact(Input):
    name: str = Field(min_length=1, max_length=200)
    email: Email
    phone: str | None = Field(default=None, max_length=32, pattern=r"^[0-9 +()-]{6,32}$")
    region: str | None = Field(default=None, min_length=1, max_length=60)


class EnquiryCreate(_Contact):
    """The minimum a person gives to hear about the programme."""

    consent: Literal[True] = Field(description="Consent to hold these details and contact you about the programme")


class EnquiryReceived(BaseModel):
    status: Literal["received"] = "received"
    detail: str = "Thank you. The academy will email you about the Return to Social Work programme."


class ApplicantCreate(_Contact):
    """An enquiry keyed in by academy staff (a paper or phone enquiry)."""


# --- The application and its eligibility -------------------------------------------------------


class ApplicationCreate(Input):
    cohort_id: uuid.UUID
    registration_number: RegistrationNumber = Field(description="The previous HCPC or SWE registration number")
    date_last_practised: PastDate
    date_left_register: PastDate
    years_statutory_practice: Years
    applied_on: PastDate | None = Field(default=None, description="Default: today")


# The rule's decision as served: its fields are the rule's (services/returners/rules.py); the answer
# adds descriptions, and gives the regulator as text.
@dataclass(frozen=True)
class RuleCheckPublic(RuleCheck):
    pass


@dataclass(frozen=True)
class EligibilityPublic(Eligibility):
    decided_by: Annotated[str, Field(description="The rule that decided: the first one failed, or all_rules_met")]
    regulator: Annotated[str, Field(description="HCPC or SWE: the rule in force on the application date")]
    updating_days_required: Annotated[int, Field(description="0, 30 or 60")]
    checks: list[RuleCheckPublic]


# The decision as the applicant's row stores it (JSON), read back as the answer.
STORED_ELIGIBILITY = TypeAdapter(EligibilityPublic)


# --- Applicants --------------------------------------------------------------------------------


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


class TransitionCreate(Input):
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
