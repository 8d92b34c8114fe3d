"""Request and response models of the host council endpoints."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.returners.fields import CouncilCode, Input


class HostOfferCreate(Input):
    council: CouncilCode
    places: int = Field(ge=0, le=1000)


class HostOfferUpdate(Input):
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


class HostMatchCreate(Input):
    council: CouncilCode


class HostPlacementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    council: str
    matched_at: datetime
    released_at: datetime | None
