"""The framework's and local grades' requests and answers."""

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from services.careers.fields import Code, CouncilCode, Description, Input, Name, Output, not_null
from services.careers.rules import EvidenceKind, HowReached

Years = Annotated[Decimal, Field(ge=0, le=60, decimal_places=1)]
Hours = Annotated[Decimal, Field(ge=0, le=10000, decimal_places=1)]


class LevelRef(BaseModel):
    code: str
    name: str
    rank: int


class PathwayRef(BaseModel):
    code: str
    name: str


class PathwayPublic(Output):
    id: uuid.UUID
    code: str
    name: str
    description: str | None


class RequirementPublic(BaseModel):
    id: uuid.UUID
    level: str
    pathway: str | None
    min_pq_years: Decimal
    min_cpd_hours: Decimal = Field(description="Hours of CPD in the 12 months before")
    evidence_kinds: list[EvidenceKind]
    how_reached: HowReached


class LevelPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    rank: int
    typical_local_grade: str | None
    description: str | None
    pathways: list[PathwayPublic]
    requirements: list[RequirementPublic]


class PcfDomainPublic(Output):
    id: uuid.UUID
    code: str
    name: str
    position: int
    description: str | None


class KssStandardPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    level: str | None
    description: str | None


class Framework(BaseModel):
    """The whole framework in one answer: levels in order with their pathways and requirements."""

    levels: list[LevelPublic]
    pcf_domains: list[PcfDomainPublic]
    kss_standards: list[KssStandardPublic]
    evidence_kinds: list[EvidenceKind]


class LevelCreate(Input):
    code: Code
    name: Name
    rank: int = Field(ge=1, le=100)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: Description | None = None


class LevelUpdate(Input):
    name: Name | None = None
    rank: int | None = Field(default=None, ge=1, le=100)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: Description | None = None

    _required = field_validator("name", "rank")(not_null)


class PathwayCreate(Input):
    code: Code
    name: Name
    description: Description | None = None


class PathwayUpdate(Input):
    name: Name | None = None
    description: Description | None = None

    _required = field_validator("name")(not_null)


class RequirementCreate(Input):
    level: Code
    pathway: Code | None = None
    min_pq_years: Years
    min_cpd_hours: Hours
    evidence_kinds: list[EvidenceKind] = Field(default_factory=list, max_length=10)
    how_reached: HowReached


class RequirementUpdate(Input):
    min_pq_years: Years | None = None
    min_cpd_hours: Hours | None = None
    evidence_kinds: list[EvidenceKind] | None = Field(default=None, max_length=10)
    how_reached: HowReached | None = None

    _required = field_validator("min_pq_years", "min_cpd_hours", "evidence_kinds", "how_reached")(not_null)


class PcfDomainCreate(Input):
    code: Code
    name: Name
    position: int = Field(ge=1, le=100)
    description: Description | None = None


class PcfDomainUpdate(Input):
    name: Name | None = None
    position: int | None = Field(default=None, ge=1, le=100)
    description: Description | None = None

    _required = field_validator("name", "position")(not_null)


class KssStandardCreate(Input):
    code: Code
    name: Name
    level: Code | None = None
    description: Description | None = None


class KssStandardUpdate(Input):
    name: Name | None = None
    level: Code | None = None
    description: Description | None = None

    _required = field_validator("name")(not_null)


class LocalGradeCreate(Input):
    council: CouncilCode | None = Field(default=None, description="Default: your own council")
    name: Name
    level: Code
    pathway: Code | None = None


class LocalGradeUpdate(Input):
    name: Name | None = None
    level: Code | None = None
    pathway: Code | None = None

    _required = field_validator("name", "level")(not_null)


class LocalGradePublic(BaseModel):
    id: uuid.UUID
    council: str
    name: str
    level: str
    pathway: str | None
