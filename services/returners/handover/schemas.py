"""Request and response models of the hand-over into employment."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from services.returners.fields import CouncilCode, Input, RegistrationNumber, quantized


class EmploymentCreate(Input):
    """Recording "employed": placements gets the worker and the spell."""

    council: CouncilCode
    start_date: date
    agency: bool = Field(description="Agency (true) or employed directly (false)")
    fte: Annotated[Decimal, Field(ge=0, le=1, decimal_places=6), quantized(6)] | None = None
    org_role: int | None = Field(default=None, ge=1, le=6, description="census OrgRole code (1 to 6)")
    swe_number: RegistrationNumber | None = Field(
        default=None, description="The number on restoration, when it differs from the previous one"
    )
    note: str | None = Field(default=None, max_length=500)


class EmploymentSummary(BaseModel):
    council: str
    start_date: date
    agency: bool
    fte: Decimal | None
    org_role: int | None
    placements_worker_id: uuid.UUID | None
    placements_employment_id: uuid.UUID | None
