"""Returners' tables: cohorts, applicants, their stage events and updating log, host offers and matches."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.models import Stamped, utcnow


class Cohort(Stamped, table=True):
    """One intake of the programme, with its eligibility rules as data."""

    __table_args__ = (
        CheckConstraint("min_years_away <= max_years_away", name="years_away_range"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    name: str = Field(max_length=120, unique=True)
    intake_opens: date
    intake_closes: date
    starts_on: date | None = None
    capacity: int
    min_years_away: int
    max_years_away: int
    min_statutory_practice_years: Decimal = Field(sa_column=Column(Numeric(4, 1), nullable=False))
    hours_per_day: Decimal = Field(sa_column=Column(Numeric(4, 2), nullable=False))
    created_by: str = Field(max_length=120)


class Applicant(Stamped, table=True):
    """A person who enquired, and what became of them: application, stage, host, employment."""

    name: str = Field(max_length=200)
    email: str = Field(max_length=254, unique=True, description="lower case, as matched")
    phone: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=60, index=True)
    consent_at: datetime
    enquiry_count: int = 1
    last_enquiry_at: datetime = Field(default_factory=utcnow)
    stage: str = Field(max_length=32, index=True)
    stage_since: date
    # The application
    cohort_id: uuid.UUID | None = Field(default=None, foreign_key="cohort.id", index=True)
    registration_number: str | None = Field(default=None, max_length=12)
    date_last_practised: date | None = None
    date_left_register: date | None = None
    years_statutory_practice: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 1)))
    applied_on: date | None = None
    eligible: bool | None = None
    updating_days_required: int | None = None
    eligibility: str | None = Field(default=None, sa_column=Column(Text), description="the explanation, JSON")
    # Later stages
    restoration_applied_on: date | None = None
    employed_council: str | None = Field(default=None, max_length=3, foreign_key="council.code", index=True)
    employed_from: date | None = None
    employed_agency: bool | None = None
    employed_fte: Decimal | None = Field(default=None, sa_column=Column(Numeric(9, 6)))
    employed_org_role: int | None = None
    placements_worker_id: uuid.UUID | None = None
    placements_employment_id: uuid.UUID | None = None


class StageEvent(SQLModel, table=True):
    """One transition of one applicant: who did it, when it was recorded and the day it took effect."""

    __tablename__ = "stage_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    applicant_id: uuid.UUID = Field(foreign_key="applicant.id", index=True)
    from_stage: str | None = Field(default=None, max_length=32)
    to_stage: str = Field(max_length=32)
    action: str = Field(max_length=32)
    effective_on: date
    note: str | None = Field(default=None, max_length=500)
    actor: str = Field(max_length=120)
    actor_role: str = Field(max_length=32)
    recorded_at: datetime = Field(default_factory=utcnow)


class UpdatingActivity(SQLModel, table=True):
    """Supervised practice, formal study or private study logged toward restoration."""

    __tablename__ = "updating_activity"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    applicant_id: uuid.UUID = Field(foreign_key="applicant.id", index=True)
    kind: str = Field(max_length=32)
    started_on: date
    ended_on: date
    hours: Decimal = Field(sa_column=Column(Numeric(7, 2), nullable=False))
    description: str | None = Field(default=None, max_length=500)
    supervisor_name: str | None = Field(default=None, max_length=200)
    supervisor_regulator: str | None = Field(default=None, max_length=8)
    supervisor_registration_number: str | None = Field(default=None, max_length=32)
    supervisor_years_registered: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 1)))
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)


class HostOffer(Stamped, table=True):
    """Supervised-practice places one member council offers in one cohort, and how many are taken."""

    __tablename__ = "host_offer"
    __table_args__ = (
        UniqueConstraint("cohort_id", "council", name="uq_host_offer_cohort_council"),
        CheckConstraint("places_taken >= 0 AND places_taken <= places", name="within_places"),
    )

    cohort_id: uuid.UUID = Field(foreign_key="cohort.id", index=True)
    council: str = Field(max_length=3, foreign_key="council.code")
    places: int
    places_taken: int = 0


class HostPlacement(SQLModel, table=True):
    """An applicant matched to a host council's place (released when they leave the programme)."""

    __tablename__ = "host_placement"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    applicant_id: uuid.UUID = Field(foreign_key="applicant.id", unique=True)
    host_offer_id: uuid.UUID = Field(foreign_key="host_offer.id", index=True)
    council: str = Field(max_length=3, foreign_key="council.code", index=True)
    matched_by: str = Field(max_length=120)
    matched_at: datetime = Field(default_factory=utcnow)
    released_at: datetime | None = None
