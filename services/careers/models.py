"""Careers' tables: the framework (levels, pathways, requirements, PCF domains, KSS standards, local
grades), each social worker's career record and level history, ASYE reviews, CPD, evidence,
progression applications with their transitions, and regional opportunities."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field

from services.common.models import Keyed, Stamped, utcnow

# --- The framework -----------------------------------------------------------------------------


class CareerLevel(Keyed, table=True):
    """A PCF level; `rank` orders them (student 1 to strategic 6)."""

    __tablename__ = "career_level"

    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    rank: int = Field(index=True)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class CareerPathway(Keyed, table=True):
    """A pathway within a level (the advanced level's practitioner, educator and manager pathways)."""

    __tablename__ = "career_pathway"
    __table_args__ = (UniqueConstraint("level_id", "code", name="uq_career_pathway_level_code"),)

    level_id: uuid.UUID = Field(foreign_key="career_level.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    description: str | None = Field(default=None, max_length=2000)


class LevelRequirement(Keyed, table=True):
    """What reaching a level (on a pathway, or on the level as a whole) needs, and how it is reached."""

    __tablename__ = "level_requirement"
    __table_args__ = (UniqueConstraint("level_id", "pathway_id", name="uq_level_requirement_level_pathway"),)

    level_id: uuid.UUID = Field(foreign_key="career_level.id", index=True)
    pathway_id: uuid.UUID | None = Field(default=None, foreign_key="career_pathway.id")
    min_pq_years: Decimal = Field(sa_column=Column(Numeric(4, 1), nullable=False))
    min_cpd_hours: Decimal = Field(sa_column=Column(Numeric(6, 1), nullable=False))
    evidence_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    how_reached: str = Field(max_length=16, description="automatic, panel or recruitment")


class PcfDomain(Keyed, table=True):
    """One of the nine domains of the Professional Capabilities Framework."""

    __tablename__ = "pcf_domain"

    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    position: int
    description: str | None = Field(default=None, max_length=2000)


class KssStandard(Keyed, table=True):
    """A post-qualifying standard (knowledge and skills statement) and the level it belongs to."""

    __tablename__ = "kss_standard"

    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    level_id: uuid.UUID | None = Field(default=None, foreign_key="career_level.id")
    description: str | None = Field(default=None, max_length=2000)


class LocalGrade(Keyed, table=True):
    """A council's own grade and the level (and pathway) it maps to."""

    __tablename__ = "local_grade"
    __table_args__ = (UniqueConstraint("council", "name", name="uq_local_grade_council_name"),)

    council: str = Field(max_length=3, foreign_key="council.code", index=True)
    name: str = Field(max_length=120)
    level_id: uuid.UUID = Field(foreign_key="career_level.id")
    pathway_id: uuid.UUID | None = Field(default=None, foreign_key="career_pathway.id")


# --- A social worker's career ------------------------------------------------------------------


class CareerRecord(Stamped, table=True):
    """One social worker's career, keyed by SWE number: it stays with them from council to council."""

    __tablename__ = "career_record"

    swe_number: str = Field(max_length=12, unique=True)
    qualified_on: date | None = None
    asye_started_on: date | None = None


class LevelChange(Keyed, table=True):
    """One step of a worker's level history; the latest in force on a day is their level that day."""

    __tablename__ = "level_change"

    record_id: uuid.UUID = Field(foreign_key="career_record.id", index=True)
    level_id: uuid.UUID = Field(foreign_key="career_level.id")
    pathway_id: uuid.UUID | None = Field(default=None, foreign_key="career_pathway.id")
    effective_on: date
    reason: str = Field(max_length=20, description="initial, asye_passed, progression, recruitment, correction")
    application_id: uuid.UUID | None = Field(default=None, foreign_key="progression_application.id")
    council: str | None = Field(default=None, max_length=3, description="Where the worker was then")
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)


class AsyeReview(Keyed, table=True):
    """A review of the assessed and supported year in employment, at 3, 6, 9 or 12 months."""

    __tablename__ = "asye_review"
    __table_args__ = (UniqueConstraint("record_id", "month", name="uq_asye_review_record_month"),)

    record_id: uuid.UUID = Field(foreign_key="career_record.id", index=True)
    month: int
    outcome: str = Field(max_length=16)
    reviewed_on: date
    notes: str | None = Field(default=None, max_length=4000)
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow)


class CpdRecord(Stamped, table=True):
    """One continuing professional development activity a worker logged."""

    __tablename__ = "cpd_record"
    __table_args__ = (Index("ix_cpd_record_swe_number_activity_on", "swe_number", "activity_on"),)

    swe_number: str = Field(max_length=12)
    activity_on: date
    hours: Decimal = Field(sa_column=Column(Numeric(5, 1), nullable=False))
    kind: str = Field(max_length=30)
    title: str = Field(max_length=200)
    reflection: str | None = Field(default=None, max_length=4000)
    peer_reflection: bool = False
    peer_name: str | None = Field(default=None, max_length=120)
    pcf_domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evidence_description: str | None = Field(default=None, max_length=500)
    evidence_reference: str | None = Field(default=None, max_length=500)


class EvidenceItem(Keyed, table=True):
    """A piece of evidence in a worker's portfolio (its metadata: the document stays where it is)."""

    __tablename__ = "evidence_item"

    swe_number: str = Field(max_length=12, index=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=200)
    dated_on: date
    description: str | None = Field(default=None, max_length=2000)
    reference: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


# --- Progression -------------------------------------------------------------------------------


class ProgressionApplication(Stamped, table=True):
    """A worker's application to progress to a level; its state changes only through its transitions."""

    __tablename__ = "progression_application"

    record_id: uuid.UUID = Field(foreign_key="career_record.id", index=True)
    swe_number: str = Field(max_length=12, index=True)
    target_level_id: uuid.UUID = Field(foreign_key="career_level.id")
    target_pathway_id: uuid.UUID | None = Field(default=None, foreign_key="career_pathway.id")
    state: str = Field(max_length=12, index=True)
    statement: str | None = Field(default=None, max_length=4000)
    council: str | None = Field(
        default=None, max_length=3, index=True, description="The council handling it (set on submission)"
    )
    effective_on: date | None = None
    feedback: str | None = Field(default=None, max_length=4000)
    resubmission_of: uuid.UUID | None = Field(default=None, foreign_key="progression_application.id")
    version: int = 1


class ApplicationEvidence(Keyed, table=True):
    """Evidence attached to an application."""

    __tablename__ = "application_evidence"
    __table_args__ = (UniqueConstraint("application_id", "evidence_id", name="uq_application_evidence_pair"),)

    application_id: uuid.UUID = Field(foreign_key="progression_application.id", index=True)
    evidence_id: uuid.UUID = Field(foreign_key="evidence_item.id", index=True)


class ApplicationEvent(Keyed, table=True):
    """One transition of an application: who did what, when, and from which state to which."""

    __tablename__ = "application_event"

    application_id: uuid.UUID = Field(foreign_key="progression_application.id", index=True)
    action: str = Field(max_length=12)
    from_state: str | None = Field(default=None, max_length=12)
    to_state: str = Field(max_length=12)
    actor: str = Field(max_length=120)
    actor_role: str = Field(max_length=32)
    actor_council: str | None = Field(default=None, max_length=3)
    note: str | None = Field(default=None, max_length=4000)
    occurred_at: datetime = Field(default_factory=utcnow)
    sequence: int = Field(description="Order within the application")


# --- Regional opportunities --------------------------------------------------------------------


class Opportunity(Stamped, table=True):
    """A development post, secondment or vacancy a council offers the region's social workers."""

    __tablename__ = "opportunity"

    council: str = Field(max_length=3, foreign_key="council.code", index=True)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=200)
    level_id: uuid.UUID = Field(foreign_key="career_level.id", index=True)
    pathway_id: uuid.UUID | None = Field(default=None, foreign_key="career_pathway.id")
    closing_on: date = Field(index=True)
    description: str = Field(max_length=4000)
    posted_by: str = Field(max_length=120)


class OpportunityInterest(Keyed, table=True):
    """A social worker's registered interest in an opportunity."""

    __tablename__ = "opportunity_interest"
    __table_args__ = (UniqueConstraint("opportunity_id", "swe_number", name="uq_opportunity_interest_worker"),)

    opportunity_id: uuid.UUID = Field(foreign_key="opportunity.id", index=True)
    swe_number: str = Field(max_length=12, index=True)
    note: str | None = Field(default=None, max_length=1000)
    registered_at: datetime = Field(default_factory=utcnow)
