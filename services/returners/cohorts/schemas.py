"""Request and response models of the cohort endpoints."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from services.common.dates import end_before_start
from services.common.updates import Changes
from services.returners.fields import HoursPerDay, Input, Years


def cohort_problems(opens: date, closes: date, minimum: int, maximum: int) -> list[tuple[str, str, str]]:
    """What makes a cohort inconsistent: (field, code, message) for each rule it breaks."""
    problems = []
    if end_before_start(opens, closes):
        problems.append(("intake_closes", "intake_closes_before_it_opens", "intake_closes is before intake_opens"))
    if maximum < minimum:
        problems.append(("max_years_away", "years_away_range", "max_years_away is below min_years_away"))
    return problems


class CohortFields(Input):
    intake_opens: date | None = None
    intake_closes: date | None = None
    starts_on: date | None = None
    capacity: int | None = Field(default=None, ge=0, le=10_000, description="Places on the cohort")
    min_years_away: int | None = Field(default=None, ge=0, le=60)
    max_years_away: int | None = Field(default=None, ge=0, le=60)
    min_statutory_practice_years: Years | None = None
    hours_per_day: HoursPerDay | None = None


class CohortCreate(CohortFields):
    name: str = Field(min_length=1, max_length=120)
    intake_opens: date
    intake_closes: date
    capacity: int = Field(ge=0, le=10_000, description="Places on the cohort")
    min_years_away: int = Field(default=2, ge=0, le=60)
    max_years_away: int = Field(default=10, ge=0, le=60)
    min_statutory_practice_years: Years = Decimal(2)
    hours_per_day: HoursPerDay | None = Field(default=None, description="Default from settings (7)")

    @model_validator(mode="after")
    def _consistent(self) -> "CohortCreate":
        for _field, code, message in cohort_problems(
            self.intake_opens, self.intake_closes, self.min_years_away, self.max_years_away
        ):
            raise PydanticCustomError(code, message)
        return self


class CohortUpdate(CohortFields, Changes):
    """Only the fields sent change; only the start date may be cleared."""

    nullable = frozenset({"starts_on"})
    name: str | None = Field(default=None, min_length=1, max_length=120)


class CohortPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    intake_opens: date
    intake_closes: date
    starts_on: date | None
    capacity: int
    min_years_away: int
    max_years_away: int
    min_statutory_practice_years: Decimal
    hours_per_day: Decimal
    created_at: datetime
    updated_at: datetime
