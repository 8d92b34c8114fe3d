"""Request and response models of the census imports and exports."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


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
