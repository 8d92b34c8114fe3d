"""The CPD log's requests and answers."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from services.careers.fields import Code, Input, LongText, Name, Output, Title
from services.careers.rules import CpdYearCheck
from services.common.pagination import Page
from services.common.updates import Changes


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


class CpdFields(Input):
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


class CpdUpdate(CpdFields, Changes):
    activity_on: date | None = None
    hours: Decimal | None = Field(default=None, gt=0, le=500, decimal_places=1)
    kind: CpdKind | None = None
    title: Title | None = None
    peer_reflection: bool | None = None

    nullable = frozenset({"evidence_description", "evidence_reference", "pcf_domains", "peer_name", "reflection"})


class CpdPublic(Output):
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


# The rule's check as served: its fields are the rule's (services/careers/rules.py); the answer adds descriptions.
@dataclass(frozen=True)
class RegistrationYearCheck(CpdYearCheck):
    """The SWE CPD requirement for one registration year (1 December to 30 November)."""

    year: Annotated[int, Field(description="Named by the year it ends: 2026 is 1 Dec 2025 to 30 Nov 2026")]
    days_left: Annotated[int, Field(description="Counting today: 1 on 30 November, 0 once the year is over")]


class CpdLog(Page[CpdPublic]):
    """The CPD screen: the registration year's check and that year's records, newest first."""

    registration_year: RegistrationYearCheck
    hours_last_12_months: Decimal
