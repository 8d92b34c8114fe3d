"""Request and response models of the updating log and progress."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from services.common.dates import end_before_start
from services.returners.fields import Input, PastDate, Years, quantized
from services.returners.rules import ActivityKind, UpdatingProgress

SupervisorRegulator = Literal["SWE", "HCPC", "SSSC", "SCW", "NISCC"]


class UpdatingActivityCreate(Input):
    """One piece of updating; supervised practice names its supervisor, study does not."""

    kind: ActivityKind
    started_on: PastDate
    ended_on: PastDate
    hours: Annotated[Decimal, Field(gt=0, le=5000, decimal_places=2), quantized(2)]
    description: str | None = Field(default=None, max_length=500)
    supervisor_name: str | None = Field(default=None, min_length=1, max_length=200)
    supervisor_regulator: SupervisorRegulator | None = None
    supervisor_registration_number: str | None = Field(default=None, min_length=1, max_length=32)
    supervisor_years_registered: Years | None = None
    supervisor_fitness_to_practise_sanction: bool | None = Field(
        default=None, description="Whether the supervisor has any fitness-to-practise sanction"
    )

    @model_validator(mode="after")
    def _consistent(self) -> "UpdatingActivityCreate":
        if end_before_start(self.started_on, self.ended_on):
            raise PydanticCustomError("ended_before_started", "ended_on is before started_on")
        if self.hours > 24 * ((self.ended_on - self.started_on).days + 1):
            raise PydanticCustomError("too_many_hours", "more hours than the dates hold")
        supervisor = [name for name in SUPERVISOR_FIELDS if getattr(self, name) is not None]
        if self.kind is ActivityKind.supervised_practice and len(supervisor) < len(SUPERVISOR_FIELDS):
            missing = ", ".join(name for name in SUPERVISOR_FIELDS if name not in supervisor)
            raise PydanticCustomError(
                "supervisor_required",
                "supervised practice needs the supervisor's {missing}",
                {"missing": missing},
            )
        if self.kind is not ActivityKind.supervised_practice and supervisor:
            raise PydanticCustomError("supervisor_not_expected", "only supervised practice has a supervisor")
        return self


SUPERVISOR_FIELDS = (
    "supervisor_name",
    "supervisor_regulator",
    "supervisor_registration_number",
    "supervisor_years_registered",
    "supervisor_fitness_to_practise_sanction",
)


class UpdatingActivityPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ActivityKind
    started_on: date
    ended_on: date
    hours: Decimal
    description: str | None
    supervisor_name: str | None
    supervisor_regulator: str | None
    supervisor_registration_number: str | None
    supervisor_years_registered: Decimal | None
    recorded_by: str
    recorded_at: datetime


class ExcludedActivityPublic(BaseModel):
    activity_id: str
    reason: str


# The rule's progress as served: its fields are the rule's (services/returners/rules.py); the answer adds a
# description, and names each activity left out by its id.
@dataclass(frozen=True)
class UpdatingProgressPublic(UpdatingProgress):
    window_ends_at: Annotated[str, Field(description="restoration application, or today before one is made")]
    excluded: list[ExcludedActivityPublic]
