"""The evidence portfolio's requests and answers."""

import uuid
from datetime import date, datetime

from pydantic import Field

from services.careers.fields import Description, Input, Output, Title
from services.careers.rules import EvidenceKind


class EvidenceCreate(Input):
    kind: EvidenceKind
    title: Title
    dated_on: date
    description: Description | None = None
    reference: str | None = Field(default=None, max_length=500, description="Where the document is")


class EvidencePublic(Output):
    id: uuid.UUID
    swe_number: str
    kind: EvidenceKind
    title: str
    dated_on: date
    description: str | None
    reference: str | None
    created_at: datetime
