"""Census imports: check a council's return for a year, then reconcile it into one history per person.

The file is read once (services/placements/census/readers.py) and reconciled as it is checked
(reconcile.py); here is what decides whether it is applied, refused or only reported, and the history.
"""

import hashlib
import io
import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select
from sqlmodel.sql.expression import SelectOfScalar

from services.common import csv_cells
from services.common.audit import audit
from services.common.auth import Principal
from services.common.census_calendar import census_reference_date, census_year_of
from services.common.errors import Conflict, InvalidInput, NotFound, invalid
from services.common.settings import get_settings
from services.placements.access import council_to_read
from services.placements.census.fields import CensusRecord, Vacancies
from services.placements.census.metrics import measured_import
from services.placements.census.problems import Problem
from services.placements.census.readers import iter_census
from services.placements.census.reconcile import CHUNK, ImportSummary, Reconciler
from services.placements.census.schemas import ImportHistoryItem, ImportReport, ProblemItem
from services.placements.census.schemas import Removals as RemovalsOut
from services.placements.models import EmploymentYear, ImportBatch


@dataclass(frozen=True)
class Removals:
    """What applying a return does to the records already held for its council and census year."""

    held: int
    removed: int
    max_share: float

    @property
    def need_confirmation(self) -> bool:
        # A year's records are a closed set (everyone employed in it), so a corrected return for the
        # same year drops a few records; losing them all, or many, is a wrong or partial file.
        return self.removed > 0 and (self.removed == self.held or self.removed > self.max_share * self.held)


@dataclass
class ImportOutcome:
    batch_id: uuid.UUID | None
    status: str  # applied, unchanged, dry_run, rejected
    council: str
    census_year: int
    file_sha256: str
    summary: ImportSummary
    problems: list[Problem]
    removals: Removals | None = None  # None for a rejected file
    would_be_refused: str | None = None  # a dry run: why applying the file would be refused

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.is_error)


def check_census_file(
    data: bytes, *, kind: str | None, census_year: int, council: str
) -> tuple[list[Problem], Vacancies | None]:
    """The checks alone: every problem in the file, without keeping its records (import_census
    checks and applies in the same read)."""
    problems, vacancies = [], None
    for item in iter_census(data, kind=kind, census_year=census_year, council=council):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, Vacancies):
            vacancies = item
    return problems, vacancies


def _check_and_reconcile(
    reconciler: Reconciler, items: Iterable[CensusRecord | Vacancies | Problem]
) -> tuple[list[Problem], Vacancies | None]:
    """One read of the file: check every item and reconcile the records, chunk by chunk, as they come.

    The first error stops the reconciling (the checking goes on, so every problem is reported);
    the caller then rolls back whatever the chunks before it wrote. A failure while reconciling is
    held back until the end of the file, because a file with an error is rejected whatever else.
    """
    problems: list[Problem] = []
    vacancies: Vacancies | None = None
    chunk: list[CensusRecord] = []
    stopped = False
    failure: Exception | None = None
    for item in items:
        if isinstance(item, CensusRecord):
            if stopped:
                continue
            chunk.append(item)
            if len(chunk) < CHUNK:
                continue
            try:
                reconciler.chunk(chunk)
            except Exception as exc:
                failure, stopped = exc, True
            chunk = []
        elif isinstance(item, Problem):
            problems.append(item)
            stopped = stopped or item.is_error
        else:
            vacancies = item
    if failure is not None and not any(problem.is_error for problem in problems):
        raise failure
    if chunk and not stopped:
        reconciler.chunk(chunk)
    return problems, vacancies


class NoRecords(InvalidInput, slug="census-file-has-no-records"):
    """A census file that holds no records."""


class RemovalsNotConfirmed(Conflict, slug="removals-not-confirmed"):
    """A return that would remove too many of the year's records, without `confirm_removals` giving that number."""


def _refusal(
    council: str, census_year: int, records: int, removals: Removals, confirm_removals: int | None
) -> InvalidInput | Conflict | None:
    """Why a checked return must not be applied as sent, or None.

    A file with no records is refused whatever the caller says. Removals past the share need
    `confirm_removals` to give their exact number: a number read from the dry run or from this
    refusal, so a file or a year that changed since it was read is refused again.
    """
    held = f"{removals.removed} of the {removals.held} records held for council {council}'s census year {census_year}"
    if records == 0:
        message = "the file holds no worker records; a return lists everyone employed in the year"
        return NoRecords(
            f"The file holds no worker records, so it is refused; applied, it would remove {held}.",
            errors=[{"loc": ["body", "file"], "code": "no_records", "message": message}],
            year_records_held=removals.held,
            year_records_removed=removals.removed,
        )
    if confirm_removals is not None and confirm_removals != removals.removed:
        code = "confirmation_mismatch"
        detail = f"confirm_removals={confirm_removals}, but this return would remove {held}"
    elif confirm_removals is None and removals.need_confirmation:
        how_many = "all of them" if removals.removed == removals.held else f"more than {removals.max_share:.0%}"
        code, detail = "confirmation_required", f"This return would remove {held} ({how_many})"
    else:
        return None
    return RemovalsNotConfirmed(
        f"{detail}; nothing was written. Check the file; to apply it as it is, send it again with "
        f"confirm_removals={removals.removed}.",
        errors=[{"loc": ["query", "confirm_removals"], "code": code, "message": detail}],
        year_records_held=removals.held,
        year_records_removed=removals.removed,
        confirm_removals=removals.removed,
    )


def import_census(
    session: Session,
    principal: Principal,
    *,
    data: bytes,
    file_name: str,
    kind: str | None,
    census_year: int,
    council: str,
    dry_run: bool,
    confirm_removals: int | None = None,
) -> ImportOutcome:
    """Check the whole file; if it has no error, reconcile it (or, for a dry run, say what would change).

    The file is read once: its records are reconciled as they are checked (a file of up to CHUNK
    records is checked to its end first), inside a savepoint that is rolled back if any error turns
    up, so a file with an error writes nothing at all. A file with no records, or one that would
    remove more of the year's records than the settings allow without `confirm_removals`, raises
    and writes nothing; a dry run says so instead.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    held = session.scalar(
        select(func.count())
        .select_from(EmploymentYear)
        .where(EmploymentYear.council == council, EmploymentYear.census_year == census_year)
    )
    reconciler = Reconciler(session, council, census_year, apply=not dry_run)
    items = iter_census(data, kind=kind, census_year=census_year, council=council)
    problems, vacancies = _check_and_reconcile(reconciler, items)
    if any(problem.is_error for problem in problems):
        reconciler.discard()
        return ImportOutcome(None, "rejected", council, census_year, sha256, ImportSummary(), problems)
    removals = Removals(held or 0, reconciler.removed(), get_settings().import_max_removed_share)
    refusal = _refusal(council, census_year, reconciler.summary.records, removals, confirm_removals)
    if refusal is not None and not dry_run:
        reconciler.discard()
        raise refusal
    reconciler.finish(vacancies)
    summary = reconciler.summary
    if dry_run:
        return ImportOutcome(
            None, "dry_run", council, census_year, sha256, summary, problems, removals, refusal and refusal.detail
        )
    status = "applied" if summary.changes_anything else "unchanged"
    batch = ImportBatch(
        council=council,
        census_year=census_year,
        file_name=file_name[:255],
        file_kind=kind or ("xml" if data.lstrip()[:1] == b"<" else "csv"),
        file_sha256=sha256,
        record_count=summary.records,
        dry_run=False,
        status=status,
        summary=json.dumps(summary.as_dict()),
        problems=json.dumps([asdict(problem) for problem in problems]),
        principal=principal.subject,
    )
    session.add(batch)
    session.flush()
    return ImportOutcome(batch.id, status, council, census_year, sha256, summary, problems, removals)


def newest_first(council: str | None) -> SelectOfScalar[ImportBatch]:
    query = sqlmodel_select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id)
    return query.where(ImportBatch.council == council) if council else query


def check_year_ended(census_year: int, today: date) -> None:
    """A return is imported for a census year that has ended."""
    if census_year >= census_year_of(today):
        ends = census_reference_date(census_year).isoformat()
        raise invalid(
            ["query", "census_year"], "census_year_not_ended", "not ended",
            detail=f"Census year {census_year} has not ended yet (it ends {ends}).",
        )  # fmt: skip


def import_file(session: Session, principal: Principal, today: date, **file: Any) -> ImportOutcome:
    """A census file sent to the API (`file` as import_census takes it), for a census year that has ended:
    imported as import_census does, measured for /metrics, and audited."""
    with measured_import() as counted:
        check_year_ended(file["census_year"], today)
        outcome = import_census(session, principal, **file)
        counted(outcome.status, outcome.summary.records, outcome.errors)
    if outcome.batch_id:
        audit(session, principal, "import", "import_batch", str(outcome.batch_id))
    return outcome


def report(outcome: ImportOutcome) -> ImportReport:
    """What the API answers for a file that was not rejected."""
    messages = {
        "applied": "The return was applied.",
        "unchanged": "This file changes nothing: every record is already held as it says.",
        "dry_run": "Dry run: nothing was written.",
    }
    removals = outcome.removals  # held by every outcome but a rejected file's
    if removals is None:
        raise ValueError("a rejected file has no report")
    message = messages[outcome.status]
    if outcome.status == "dry_run":
        message += _what_applying_does(outcome, removals)
    return ImportReport(
        id=outcome.batch_id, status=outcome.status, message=message, council=outcome.council,
        census_year=outcome.census_year, file_sha256=outcome.file_sha256,
        removals=RemovalsOut(
            year_records_held=removals.held, year_records_removed=removals.removed,
            max_removed_share=removals.max_share, confirmation_required=removals.need_confirmation,
        ),
        would_be_refused=outcome.would_be_refused, summary=outcome.summary.as_dict(),
        warnings=[ProblemItem(**asdict(p)) for p in outcome.problems if not p.is_error],
    )  # fmt: skip


def _what_applying_does(outcome: ImportOutcome, removals: Removals) -> str:
    """The dry run's word on removals, first: they are what a wrong file destroys."""
    if outcome.summary.records == 0:
        return " The file holds no worker records: applying it would be refused."
    if not removals.removed:
        return ""
    removed = (
        f" Applying it would remove {removals.removed} of the {removals.held} records held for council "
        f"{outcome.council}'s census year {outcome.census_year}"
    )
    if outcome.would_be_refused:
        return f"{removed}, and would be refused unless sent with confirm_removals={removals.removed}."
    return f"{removed}."


def visible_batch(session: Session, principal: Principal, import_id: uuid.UUID) -> ImportBatch:
    """An import in the history, if the principal may read its council's records; otherwise not found."""
    batch = session.get(ImportBatch, import_id)
    allowed = council_to_read(principal, None)
    if batch is None or (allowed and batch.council != allowed):
        raise NotFound("No such import.")
    return batch


def history_item(batch: ImportBatch) -> ImportHistoryItem:
    return ImportHistoryItem.model_validate(
        batch.model_dump() | {"summary": json.loads(batch.summary), "problems": json.loads(batch.problems)}
    )


def report_csv(batch: ImportBatch) -> str:
    """An import's problems as CSV, one a row."""
    out = io.StringIO(newline="")
    columns = ["location", "field", "value", "code", "severity", "message"]
    writer = csv_cells.writer(out)  # a problem's value is the file's own text, formulas included
    writer.writerow(columns)
    writer.writerows([problem.get(name) for name in columns] for problem in json.loads(batch.problems))
    return out.getvalue()
