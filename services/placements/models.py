"""Placements' tables: workers, their employment spells, what each census year held, vacancies, imports."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common.models import utcnow


class Worker(SQLModel, table=True):
    """One council's record of one person: the normalised SWE number and the census's personal fields, as
    that council recorded them. Another council that employs the same person keeps a record of its own;
    the two are matched by SWE number only where the domain needs it (docs/architecture.md, "Tenancy")."""

    __table_args__ = (UniqueConstraint("council", "swe_number", name="uq_worker_council_swe_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # None only for records made before records had a council (visible to academy staff alone).
    council: str | None = Field(default=None, max_length=3, foreign_key="council.code", index=True)
    swe_number: str = Field(max_length=12, index=True)
    birth_date: date | None = None
    gender: int | None = None
    ethnicity: str | None = Field(default=None, max_length=4)
    qual_inst: str | None = Field(default=None, max_length=100)
    qual_level: int | None = None
    step_up_grad: bool | None = None
    frontline_grad: bool | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Employment(SQLModel, table=True):
    """One spell of one person at one council: the same spell when council, person and start date match."""

    __table_args__ = (UniqueConstraint("worker_id", "council", "start_date", name="uq_employment_spell"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    worker_id: uuid.UUID = Field(foreign_key="worker.id", index=True)
    council: str = Field(max_length=3, foreign_key="council.code", index=True)
    agency: bool = False
    org_role: int | None = None
    start_date: date = Field(index=True)
    start_origin: int | None = None
    end_date: date | None = Field(default=None, index=True)
    leaver_destination: int | None = None
    reason_leave: int | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# What a census year holds for a spell beyond its agency, role and end (EmploymentYear's figures).
YEAR_FIGURES = (
    "fte", "fte30", "cases30", "working_days_lost", "contract_weeks", "absent_30_sept", "reason_absence",
    "kss_status",
)  # fmt: skip


class EmploymentYear(SQLModel, table=True):
    """What census year N held for a spell: year N's figures are computed from these rows alone."""

    __tablename__ = "employment_year"
    __table_args__ = (
        UniqueConstraint("employment_id", "census_year", name="uq_employment_year_spell_year"),
        Index("ix_employment_year_council_census_year", "council", "census_year"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    employment_id: uuid.UUID = Field(foreign_key="employment.id", index=True)
    council: str = Field(max_length=3, foreign_key="council.code")
    census_year: int
    agency: bool = False
    org_role: int | None = None
    end_date: date | None = None  # the end this year's record held (a leaver that year)
    fte: Decimal | None = Field(default=None, sa_column=Column(Numeric(9, 6)))
    fte30: Decimal | None = Field(default=None, sa_column=Column(Numeric(9, 6)))
    cases30: int | None = None
    working_days_lost: Decimal | None = Field(default=None, sa_column=Column(Numeric(8, 2)))
    contract_weeks: Decimal | None = Field(default=None, sa_column=Column(Numeric(6, 1)))
    absent_30_sept: bool | None = None
    reason_absence: str | None = Field(default=None, max_length=3)
    kss_status: int | None = None
    source: str = Field(default="api", max_length=8, description="import or api")


class CouncilVacancy(SQLModel, table=True):
    """A council's vacancy block on a census date."""

    __tablename__ = "council_vacancy"
    __table_args__ = (UniqueConstraint("council", "census_year", name="uq_council_vacancy_council_year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    council: str = Field(max_length=3, foreign_key="council.code")
    census_year: int
    number_of_vacancies: Decimal = Field(sa_column=Column(Numeric(9, 2), nullable=False))
    agency_fte_covering: Decimal = Field(sa_column=Column(Numeric(9, 2), nullable=False))
    agency_headcount: int


class ImportBatch(SQLModel, table=True):
    """One census file sent to placements: what it held, what it changed, and its report."""

    __tablename__ = "import_batch"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    council: str = Field(max_length=3, foreign_key="council.code", index=True)
    census_year: int
    file_name: str = Field(max_length=255)
    file_kind: str = Field(max_length=4)
    file_sha256: str = Field(max_length=64)
    record_count: int
    dry_run: bool
    status: str = Field(max_length=16, description="applied, unchanged, rejected or dry_run")
    summary: str = Field(sa_column=Column(Text, nullable=False), description="JSON difference summary")
    problems: str = Field(sa_column=Column(Text, nullable=False), description="JSON list of problems")
    principal: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, index=True)
