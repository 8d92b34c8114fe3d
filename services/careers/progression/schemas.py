"""Progression applications' requests and answers, and the body of each transition."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel

from services.careers.evidence.schemas import EvidencePublic
from services.careers.fields import Code, Input, LongText, Output
from services.careers.framework.schemas import LevelRef, PathwayRef
from services.careers.rules import Action, ApplicationState


class ApplicationCreate(Input):
    level: Code
    pathway: Code | None = None
    statement: LongText | None = None
    evidence_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ApplicationUpdate(Input):
    statement: LongText | None = None
    evidence_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)


# --- Transitions: the body of each old path (/submit, /withdraw...), and with `action` of /transitions --


class SubmitBody(Input):
    evidence_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=50, description="Replaces the attached evidence when given"
    )
    note: LongText | None = None


class NoteBody(Input):
    note: LongText | None = None


class FeedbackBody(Input):
    feedback: Annotated[str, Field(min_length=1, max_length=4000)]


class ApproveBody(Input):
    effective_on: date = Field(description="The day the worker holds the new level from")
    note: LongText | None = None


class SubmitTransition(SubmitBody):
    """The worker submits, with evidence of each kind the level needs"""

    action: Literal["submit"]


class WithdrawTransition(NoteBody):
    """The worker withdraws it before the panel decides"""

    action: Literal["withdraw"]


class EndorseTransition(NoteBody):
    """The worker's council endorses it for the panel"""

    action: Literal["endorse"]


class ReturnTransition(FeedbackBody):
    """The worker's council returns it with feedback"""

    action: Literal["return"]


class ApproveTransition(ApproveBody):
    """The panel approves it: the worker holds the level from the effective date"""

    action: Literal["approve"]


class DeclineTransition(FeedbackBody):
    """The panel declines it, with feedback"""

    action: Literal["decline"]


class ApplicationTransition(RootModel):
    """One step of the application, chosen by `action`: each action takes its own fields."""

    root: Annotated[
        SubmitTransition
        | WithdrawTransition
        | EndorseTransition
        | ReturnTransition
        | ApproveTransition
        | DeclineTransition,
        Field(discriminator="action"),
    ]


# Each action's body on /transitions; its base class is the body of the action's old path.
TRANSITION_BODIES: dict[Action, type[Input]] = {
    Action.submit: SubmitTransition,
    Action.withdraw: WithdrawTransition,
    Action.endorse: EndorseTransition,
    Action.return_: ReturnTransition,
    Action.approve: ApproveTransition,
    Action.decline: DeclineTransition,
}


# --- Answers -----------------------------------------------------------------------------------


class ApplicationEventPublic(Output):
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
