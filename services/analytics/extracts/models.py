"""Analytics' own tables: the DfE extracts it produced, and the claims that make each scheduled
job and period run exactly once however many analytics instances are up."""

import uuid
from datetime import date, datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.models import utcnow


class ExtractRun(SQLModel, table=True):
    """One produced extract: its file, where it came from, and whether it was delivered."""

    __tablename__ = "extract_run"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=16, index=True, description="csww or retention")
    period: str = Field(max_length=16, index=True, description="2025 (census year) or 2026-10 (12 months to its end)")
    census_year: int = Field(index=True)
    as_of: date | None = None
    council: str | None = Field(default=None, max_length=3, index=True)
    status: str = Field(
        max_length=16, index=True, description="succeeded, failed, or superseded (a later run of the same extract)"
    )
    errors: str | None = Field(default=None, sa_column=Column(Text), description="why validation failed")
    file_name: str = Field(max_length=120)
    media_type: str = Field(max_length=40)
    size: int = 0
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    trigger: str = Field(max_length=16, description="schedule or manual")
    requested_by: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    delivery_status: str = Field(default="none", max_length=16, description="none, pending, retrying, delivered")
    delivery_attempts: int = 0
    next_delivery_at: datetime | None = None
    delivered_at: datetime | None = None
    delivery_error: str | None = Field(default=None, max_length=500)
    superseded_by: uuid.UUID | None = Field(
        default=None, foreign_key="extract_run.id", description="the later extract of the same kind, council and period"
    )
    superseded_at: datetime | None = None


class ScheduledRun(SQLModel, table=True):
    """The claim on one job (kind and council) for one period: inserted by exactly one instance."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_scheduled_run_job_period"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    job: str = Field(max_length=40, description="csww:330, retention:region")
    period: str = Field(max_length=16)
    status: str = Field(max_length=16, description="running, waiting (for a return), succeeded or failed")
    claimed_by: str = Field(max_length=80)
    claimed_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    attempts: int = 1
    next_attempt_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    waiting_for: str | None = Field(default=None, max_length=500, description="what the extract needs first")
    extract_id: uuid.UUID | None = Field(default=None, foreign_key="extract_run.id")
