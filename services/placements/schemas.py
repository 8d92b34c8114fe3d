"""Request and response models of the placements API: councils, imports, movements, agency checks."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field, field_validator

from services.common.swe import normalise_swe


class CouncilPublic(BaseModel):
    code: str
    ons_code: str
    name: str
    region_code: str
    region_name: str
    academy_member: bool


class ProblemItem(BaseModel):
    """One problem in a census file, where it is and how bad."""

    location: str = Field(description="'line 7' in CSV, '/Message/CSWWWorker[3]' in XML")
    field: str | None = Field(description="census element name")
    value: str | None
    code: str
    message: str
    severity: str = Field(description="error (rejects the file) or warning")


class Counts(BaseModel):
    create: int
    update: int
    unchanged: int


class ImportSummary(BaseModel):
    records: int
    workers: Counts
    spells: Counts
    spells_ended: int
    year_records: Counts = Field(description="what this census year holds for each spell")
    year_records_removed: int = Field(description="spells an earlier return for this year held and this one does not")
    vacancies: str
    changes_anything: bool


class Removals(BaseModel):
    """What applying the file does to the records already held for the council's census year."""

    year_records_held: int = Field(description="records held for this council and census year before the file")
    year_records_removed: int = Field(description="of those, the ones the file no longer holds")
    max_removed_share: float = Field(description="the share that may be removed without confirm_removals")
    confirmation_required: bool = Field(
        description="whether applying needs confirm_removals=year_records_removed (too many, or all, removed)"
    )


class ImportReport(BaseModel):
    id: uuid.UUID | None = Field(description="the import's id in the history; none for a dry run")
    status: str = Field(description="applied, unchanged (the file changes nothing) or dry_run")
    message: str
    council: str
    census_year: int
    file_sha256: str
    removals: Removals
    would_be_refused: str | None = Field(
        None, description="dry run: why applying the file as sent would be refused (and write nothing)"
    )
    summary: ImportSummary
    warnings: list[ProblemItem]


class ImportHistoryItem(BaseModel):
    id: uuid.UUID
    council: str
    census_year: int
    file_name: str
    file_kind: str
    file_sha256: str
    record_count: int
    status: str
    principal: str
    created_at: datetime
    summary: ImportSummary
    problems: list[ProblemItem]


class MoveOut(BaseModel):
    """A person who left `from_council` and whose first start at another member council within the
    window was at `to_council` (docs/architecture.md, "Moves")."""

    swe_number: str
    from_council: str
    to_council: str
    left_on: date = Field(description="the last day at the council they left")
    started_on: date
    days_between: int
    fte: Decimal = Field(description="the FTE they left, as that council's return held it (census places)")
    to_agency: bool


class Flow(BaseModel):
    """The moves from one council to another: the same pairs and counts as analytics' movement matrix."""

    from_council: str
    to_council: str
    headcount: int
    fte: Decimal = Field(description="FTE the people left, to one decimal place (half up), as the DfE publishes")
    agency_headcount: int = Field(description="of whom started as agency workers")


class MovementReport(BaseModel):
    census_year: int
    movement_window_days: int = Field(description="a start within this many days of leaving is a move")
    moves: list[MoveOut] = Field(description="each move (for a council: the moves into or out of it)")
    matrix: list[Flow] = Field(description="origin-destination pairs across the whole region")


class AgencyCheckRequest(BaseModel):
    swe_number: str = Field(max_length=20)
    council: str = Field(max_length=3, description="the council that would engage the agency worker")
    proposed_start: date

    @field_validator("swe_number")
    @classmethod
    def _normalised(cls, value: str) -> str:
        return normalise_swe(value)


class RuleOutcomeOut(BaseModel):
    rule: str
    passed: bool
    detail: str
    deciding_dates: dict[str, date | None]
    exception: str | None


class AgencyCheckResult(BaseModel):
    swe_number: str
    council: str
    proposed_start: date
    allowed: bool
    known_to_region: bool
    rules: list[RuleOutcomeOut]
