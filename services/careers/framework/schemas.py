"""The framework's and local grades' requests and answers."""

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from services.careers.fields import Code, CouncilCode, Description, Input, Name, Output
from services.careers.rules import EvidenceKind, HowReached
from services.common.updates import Changes

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


class LevelUpdate(Input, Changes):
    name: Name | None = None
    rank: int | None = Field(default=None, ge=1, le=100)
    typical_local_grade: str | None = Field(default=None, max_length=200)
    description: Description | None = None

    nullable = frozenset({"description", "typical_local_grade"})


class PathwayCreate(Input):
    code: Code
    name: Name
    description: Description | None = None


class PathwayUpdate(Input, Changes):
    name: Name | None = None
    description: Description | None = None

    nullable = frozenset({"description"})


class RequirementCreate(Input):
    level: Code
    pathway: Code | None = None
    min_pq_years: Years
    min_cpd_hours: Hours
    evidence_kinds: list[EvidenceKind] = Field(default_factory=list, max_length=10)
    how_reached: HowReached


class RequirementUpdate(Input, Changes):
    min_pq_years: Years | None = None
    min_cpd_hours: Hours | None = None
    evidence_kinds: list[EvidenceKind] | None = Field(default=None, max_length=10)
    how_reached: HowReached | None = None


class PcfDomainCreate(Input):
    code: Code
    name: Name
    position: int = Field(ge=1, le=100)
    description: Description | None = None


class PcfDomainUpdate(Input, Changes):
    name: Name | None = None
    position: int | None = Field(default=None, ge=1, le=100)
    description: Description | None = None

    nullable = frozenset({"description"})


class KssStandardCreate(Input):
    code: Code
    name: Name
    level: Code | None = None
    description: Description | None = None


class KssStandardUpdate(Input, Changes):
    name: Name | None = None
    level: Code | None = None
    description: Description | None = None

    nullable = frozenset({"description", "level"})


class LocalGradeCreate(Input):
    council: CouncilCode | None = Field(default=None, description="Default: your own council")
    name: Name
    level: Code
    pathway: Code | None = None


class LocalGradeUpdate(Input, Changes):
    name: Name | None = None
    level: Code | None = None
    pathway: Code | None = None

    nullable = frozenset({"pathway"})


class LocalGradePublic(BaseModel):
    id: uuid.UUID
    council: str
    name: str
    level: str
    pathway: str | None
