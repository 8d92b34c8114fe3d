"""Response models of a cohort's outcomes."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from services.returners.rules import Stage


class StageCount(BaseModel):
    stage: Stage
    current: int = Field(description="Applicants in this stage now")
    reached: int = Field(description="Applicants who ever reached it")


class StageConversion(BaseModel):
    from_stage: Stage
    to_stage: Stage
    conversion: float | None = Field(description="reached(to) / reached(from); null when none reached from")
    median_days: float | None = Field(description="Median days from reaching one to reaching the next")


class Retention(BaseModel):
    months: int
    due: int = Field(description="Employed returners whose start was at least this long ago")
    still_in_post: int
    rate: float | None


class CohortOutcomes(BaseModel):
    cohort_id: uuid.UUID
    as_of: date
    applicants: int
    stages: list[StageCount]
    off_ramps: list[StageCount]
    conversions: list[StageConversion]
    retention: list[Retention]
