"""Opportunities' and registered interest's requests and answers."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from services.careers.fields import Code, CouncilCode, Input, LongText, Title
from services.careers.framework.schemas import LevelRef, PathwayRef
from services.common.updates import Changes


class OpportunityKind(StrEnum):
    development_post = "development_post"
    secondment = "secondment"
    vacancy = "vacancy"


class OpportunityCreate(Input):
    council: CouncilCode | None = Field(default=None, description="Default: your own council")
    kind: OpportunityKind
    title: Title
    level: Code
    pathway: Code | None = None
    closing_on: date
    description: LongText


class OpportunityUpdate(Input, Changes):
    kind: OpportunityKind | None = None
    title: Title | None = None
    level: Code | None = None
    pathway: Code | None = None
    closing_on: date | None = None
    description: LongText | None = None

    nullable = frozenset({"pathway"})


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


class InterestCreate(Input):
    note: Annotated[str, Field(max_length=1000)] | None = None


class InterestPublic(BaseModel):
    id: uuid.UUID
    opportunity_id: uuid.UUID
    swe_number: str
    note: str | None
    registered_at: datetime
    level: LevelRef | None = Field(description="The worker's current level, when they have a career record")
