"""Request and response models of the DfE extracts API."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class ExtractRequest(BaseModel):
    kind: Literal["csww", "retention"]
    year: int = Field(ge=2010, le=2100, description="census year N")
    council: str | None = Field(None, max_length=3, description="DfE code; required for csww")


class ExtractPublic(BaseModel):
    id: uuid.UUID
    kind: str
    period: str
    census_year: int
    as_of: date | None
    council: str | None
    status: str
    errors: list[str]
    file_name: str
    media_type: str
    size: int
    sha256: str
    trigger: str
    requested_by: str
    created_at: datetime
    delivery_status: str
    delivery_attempts: int
    next_delivery_at: datetime | None
    delivered_at: datetime | None
    delivery_error: str | None


class ScheduledRunPublic(BaseModel):
    job: str
    period: str
    status: str
    claimed_by: str
    claimed_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    extract_id: uuid.UUID | None
