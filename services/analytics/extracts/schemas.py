"""Request and response models of the DfE extracts API."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from services.common import clock
from services.common.census_calendar import census_year_of
from services.common.reference import ACADEMY_MEMBERS

ExtractKind = Literal["csww", "retention"]
ExtractStatus = Literal["succeeded", "failed", "superseded"]
FIRST_CENSUS_YEAR = 2010
COUNCIL_PATTERN = r"^[0-9]{3}$"
PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"  # census year N, or the 12 months to the end of a month
PERIOD = "2025 (census year) or 2026-08 (12 months to it)"


def last_ended_census_year(today: date) -> int:
    """Census year N ends on 30 September N: the year today falls in has not ended, the one before has."""
    return census_year_of(today) - 1


class ExtractRequest(BaseModel):
    kind: ExtractKind
    census_year: int = Field(
        ge=FIRST_CENSUS_YEAR, le=2100, description="Census year N, one that has ended (30 September N has passed)"
    )
    council: str | None = Field(
        None,
        pattern=COUNCIL_PATTERN,
        validate_default=True,
        description="DfE code of a member council: required for csww, left out for retention (the region's)",
    )

    @field_validator("census_year")
    @classmethod
    def _year_has_ended(cls, year: int) -> int:
        # A return of a year still running (or not begun) would be stored, and delivered, as if it were final.
        last = last_ended_census_year(clock.today())  # a validator takes no dependency: the common clock
        if year > last:
            raise ValueError(f"census year {year} has not ended; the latest that has is {last}")
        return year

    @field_validator("council")
    @classmethod
    def _council_fits_kind(cls, council: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "csww" and council is None:
            raise ValueError("a csww extract is one council's return: name the council")
        if kind == "csww" and council not in ACADEMY_MEMBERS:
            raise ValueError(f"{council} is not one of the academy's member councils")
        if kind == "retention" and council is not None:
            raise ValueError("a retention extract covers the whole region: leave council out")
        return council


class ExtractPublic(BaseModel):
    id: uuid.UUID
    kind: str
    period: str = Field(description=PERIOD)
    census_year: int
    as_of: date | None
    council: str | None
    status: str = Field(description="succeeded, failed, or superseded by a later run of the same extract")
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
    superseded_by: uuid.UUID | None = Field(
        description="the extract of the same kind, council and period that replaced this one: the current one"
    )
    superseded_at: datetime | None


class ScheduledRunPublic(BaseModel):
    job: str = Field(description="the extract: csww:<DfE code of the council> or retention:region")
    period: str = Field(description=PERIOD)
    status: str = Field(description="running, waiting (for the returns it is built from), succeeded or failed")
    claimed_by: str = Field(description="the analytics instance that took it last (host:pid, or as configured)")
    claimed_at: datetime = Field(description="when that instance took it")
    heartbeat_at: datetime = Field(description="when the instance running it last said it was alive")
    attempts: int = Field(description="runs so far: the first, retries and takeovers (not a wait asked again)")
    next_attempt_at: datetime | None = Field(
        description="after a failure, when it may be retried (no retry once the configured attempts are spent)"
    )
    last_error: str | None = Field(description="why the last run failed: the exception, or the extract's errors")
    waiting_for: str | None = Field(description="why it waits: the returns not in yet (asked again each tick)")
    extract_id: uuid.UUID | None = Field(description="the extract the last run produced (succeeded or failed)")
