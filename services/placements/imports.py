"""Census imports: check a council's return for a year, then reconcile it into one history per person."""

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select
from sqlmodel.sql.expression import SelectOfScalar

from services.common.auth import Principal
from services.common.models import utcnow
from services.placements.census import CensusRecord, Problem, Vacancies, iter_census
from services.placements.models import CouncilVacancy, Employment, EmploymentYear, ImportBatch, Worker
from services.placements.rules import census_reference_date

CHUNK = 2000
WORKER_FIELDS = (
    "birth_date",
    "gender",
    "ethnicity",
    "qual_inst",
    "qual_level",
    "step_up_grad",
    "frontline_grad",
)
SPELL_FIELDS = ("agency", "org_role", "start_origin", "end_date", "leaver_destination", "reason_leave")
YEAR_FIGURES = (
    "fte", "fte30", "cases30", "working_days_lost", "contract_weeks", "absent_30_sept", "reason_absence",
    "kss_status",
)  # fmt: skip
YEAR_FIELDS = ("agency", "org_role", "end_date", *YEAR_FIGURES)


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    """What applying a return does: workers and spells created, updated, ended or unchanged."""

    records: int = 0
    workers: Counts = field(default_factory=Counts)
    spells: Counts = field(default_factory=Counts)
    spells_ended: int = 0
    year_records: Counts = field(default_factory=Counts)
    year_records_removed: int = 0
    vacancies: str = "absent"  # create, update, unchanged or absent

    @property
    def changes_anything(self) -> bool:
        changed = (self.workers, self.spells, self.year_records)
        return (
            any(c.create or c.update for c in changed)
            or self.year_records_removed > 0
            or self.vacancies in ("create", "update")
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"changes_anything": self.changes_anything}


@dataclass
class ImportOutcome:
    batch_id: uuid.UUID | None
    status: str  # applied, unchanged, dry_run, rejected
    council: str
    census_year: int
    file_sha256: str
    summary: ImportSummary
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.is_error)


def _record_values(record: CensusRecord) -> dict[str, dict[str, Any]]:
    held = {
        "agency": bool(record.agency_worker),
        "org_role": record.org_role,
        "end_date": record.role_end_date,
    }
    spell = held | {
        "start_origin": record.start_origin,
        "leaver_destination": record.leaver_destination,
        "reason_leave": record.reason_leave,
    }
    year = held | {name: getattr(record, name) for name in YEAR_FIGURES}
    worker = {name: getattr(record, name) for name in WORKER_FIELDS}
    return {"worker": worker, "spell": spell, "year": year}


def _chunks(items: Iterable[CensusRecord], size: int) -> Iterator[list[CensusRecord]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Reconciler:
    """Applies (or, for a dry run, only counts) one council's return for one year, chunk by chunk."""

    def __init__(self, session: Session, council: str, census_year: int, apply: bool):
        self.session, self.council, self.year, self.apply = session, council, census_year, apply
        self.summary = ImportSummary()
        self.new_workers: dict[str, uuid.UUID] = {}
        self.kept_year_rows: set[uuid.UUID] = set()
        self.now = utcnow()

    def chunk(self, records: list[CensusRecord]) -> None:
        self.summary.records += len(records)
        workers = self._workers(records)
        spells = self._spells(records, workers)
        self._years(records, workers, spells)

    def _execute(self, statement, rows: list[dict[str, Any]]) -> None:
        if self.apply and rows:
            self.session.execute(statement, rows)

    def _workers(self, records: list[CensusRecord]) -> dict[str, uuid.UUID]:
        numbers = {r.swe_number for r in records}
        stored = {
            w.swe_number: w
            for w in self.session.scalars(select(Worker).where(Worker.swe_number.in_(numbers)))
        }
        ids, inserts, updates = {}, [], []
        latest: dict[str, dict[str, Any]] = {}
        for record in records:  # a person with two spells in one file: the later record's values win
            values = {k: v for k, v in _record_values(record)["worker"].items() if v is not None}
            latest.setdefault(record.swe_number, {}).update(values)
        for number, values in latest.items():
            worker = stored.get(number)
            if worker is not None:
                ids[number] = worker.id
                changed = {k: v for k, v in values.items() if getattr(worker, k) != v}
                if changed:
                    row = {k: getattr(worker, k) for k in WORKER_FIELDS} | changed
                    updates.append(
                        row | {"_id": worker.id, "version": worker.version + 1, "updated_at": self.now}
                    )
                    self.summary.workers.update += 1
                else:
                    self.summary.workers.unchanged += 1
            elif number in self.new_workers:
                ids[number] = self.new_workers[number]
            else:
                ids[number] = self.new_workers[number] = uuid.uuid4()
                inserts.append({k: None for k in WORKER_FIELDS} | values | {
                    "id": ids[number], "swe_number": number, "version": 1,
                    "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                self.summary.workers.create += 1
        table = Worker.__table__
        self._execute(insert(table), inserts)
        columns = {k: bindparam(k) for k in (*WORKER_FIELDS, "version", "updated_at")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)
        return ids

    def _spells(self, records: list[CensusRecord], workers: dict[str, uuid.UUID]) -> dict[tuple, uuid.UUID]:
        table = Employment.__table__
        query = select(table).where(
            table.c.council == self.council, table.c.worker_id.in_(set(workers.values()))
        )
        stored = {(row.worker_id, row.start_date): row for row in self.session.execute(query)}
        newest_year = dict(
            self.session.execute(
                select(EmploymentYear.employment_id, func.max(EmploymentYear.census_year))
                .where(EmploymentYear.employment_id.in_([row.id for row in stored.values()]))
                .group_by(EmploymentYear.employment_id)
            ).all()
        )
        ids, inserts, updates = {}, [], []
        reference = census_reference_date(self.year)
        for record in records:
            key = (workers[record.swe_number], record.role_start_date)
            values = _record_values(record)["spell"]
            row = stored.get(key)
            if row is None:
                ids[key] = uuid.uuid4()
                inserts.append(values | {
                    "id": ids[key], "worker_id": key[0], "council": self.council, "start_date": key[1],
                    "version": 1, "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                self.summary.spells.create += 1
                self.summary.spells_ended += values["end_date"] is not None
                continue
            ids[key] = row.id
            current = {name: getattr(row, name) for name in SPELL_FIELDS}
            wanted = dict(current)
            if values["end_date"] is not None:
                wanted.update({k: values[k] for k in ("end_date", "leaver_destination", "reason_leave")})
            elif current["end_date"] is not None and current["end_date"] <= reference:
                # this year's return holds the spell in post on 30 September: an earlier end was wrong
                wanted.update(end_date=None, leaver_destination=None, reason_leave=None)
            if self.year >= newest_year.get(row.id, 0):  # the newest return says what the spell is now
                wanted.update(
                    {k: values[k] for k in ("agency", "org_role", "start_origin") if values[k] is not None}
                )
            if wanted != current:
                updates.append(wanted | {"_id": row.id, "version": row.version + 1, "updated_at": self.now})
                self.summary.spells.update += 1
                self.summary.spells_ended += current["end_date"] is None and wanted["end_date"] is not None
            else:
                self.summary.spells.unchanged += 1
        self._execute(insert(table), inserts)
        columns = {k: bindparam(k) for k in (*SPELL_FIELDS, "version", "updated_at")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)
        return ids

    def _years(
        self, records: list[CensusRecord], workers: dict[str, uuid.UUID], spells: dict[tuple, uuid.UUID]
    ) -> None:
        table = EmploymentYear.__table__
        query = select(table).where(
            table.c.census_year == self.year, table.c.employment_id.in_(set(spells.values()))
        )
        stored = {row.employment_id: row for row in self.session.execute(query)}
        inserts, updates = [], []
        for record in records:
            spell_id = spells[(workers[record.swe_number], record.role_start_date)]
            values = _record_values(record)["year"]
            row = stored.get(spell_id)
            if row is None:
                row_id = uuid.uuid4()
                self.kept_year_rows.add(row_id)
                inserts.append(values | {
                    "id": row_id, "employment_id": spell_id, "council": self.council,
                    "census_year": self.year, "source": "import",
                })  # fmt: skip
                self.summary.year_records.create += 1
                continue
            self.kept_year_rows.add(row.id)
            if any(getattr(row, name) != values[name] for name in YEAR_FIELDS) or row.source != "import":
                updates.append(values | {"_id": row.id, "source": "import"})
                self.summary.year_records.update += 1
            else:
                self.summary.year_records.unchanged += 1
        self._execute(insert(table), inserts)
        columns = {k: bindparam(k) for k in (*YEAR_FIELDS, "source")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)

    def finish(self, vacancies: Vacancies | None) -> None:
        """Drop the year rows this return no longer holds; record its vacancy block."""
        table = EmploymentYear.__table__
        existing = self.session.scalars(
            select(table.c.id).where(table.c.council == self.council, table.c.census_year == self.year)
        ).all()
        gone = [row_id for row_id in existing if row_id not in self.kept_year_rows]
        self.summary.year_records_removed = len(gone)
        if self.apply:
            for start in range(0, len(gone), CHUNK):
                self.session.execute(delete(table).where(table.c.id.in_(gone[start : start + CHUNK])))
        if vacancies is not None:
            self._vacancies(vacancies)

    def _vacancies(self, vacancies: Vacancies) -> None:
        stored = self.session.scalars(
            select(CouncilVacancy).where(
                CouncilVacancy.council == self.council, CouncilVacancy.census_year == self.year
            )
        ).first()
        values = {
            "number_of_vacancies": vacancies.number_of_vacancies,
            "agency_fte_covering": vacancies.agency_fte_covering,
            "agency_headcount": vacancies.agency_headcount,
        }
        if stored is None:
            self.summary.vacancies = "create"
            if self.apply:
                self.session.add(CouncilVacancy(council=self.council, census_year=self.year, **values))
        elif any(getattr(stored, k) != v for k, v in values.items()):
            self.summary.vacancies = "update"
            if self.apply:
                for name, value in values.items():
                    setattr(stored, name, value)
        else:
            self.summary.vacancies = "unchanged"


def check_census_file(
    data: bytes, *, kind: str | None, census_year: int, council: str
) -> tuple[list[Problem], Vacancies | None]:
    """Validation first: every problem in the file, without keeping its records."""
    problems, vacancies = [], None
    for item in iter_census(data, kind=kind, census_year=census_year, council=council):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, Vacancies):
            vacancies = item
    return problems, vacancies


def _records(data: bytes, *, kind: str | None, census_year: int, council: str) -> Iterator[CensusRecord]:
    for item in iter_census(data, kind=kind, census_year=census_year, council=council):
        if isinstance(item, CensusRecord):
            yield item


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
) -> ImportOutcome:
    """Check the whole file; if it has no error, reconcile it (or, for a dry run, say what would change)."""
    sha256 = hashlib.sha256(data).hexdigest()
    problems, vacancies = check_census_file(data, kind=kind, census_year=census_year, council=council)
    if any(problem.is_error for problem in problems):
        return ImportOutcome(None, "rejected", council, census_year, sha256, ImportSummary(), problems)
    reconciler = _Reconciler(session, council, census_year, apply=not dry_run)
    for chunk in _chunks(_records(data, kind=kind, census_year=census_year, council=council), CHUNK):
        reconciler.chunk(chunk)
    reconciler.finish(vacancies)
    summary = reconciler.summary
    if dry_run:
        return ImportOutcome(None, "dry_run", council, census_year, sha256, summary, problems)
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
    return ImportOutcome(batch.id, status, council, census_year, sha256, summary, problems)


def newest_first(council: str | None) -> SelectOfScalar[ImportBatch]:
    query = sqlmodel_select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id)
    return query.where(ImportBatch.council == council) if council else query


def held_in_year(session: Session, council: str, census_year: int) -> Iterator[CensusRecord]:
    """The council's records for a census year, as census records (for export), in a stable order."""
    query = (
        select(Worker, Employment, EmploymentYear)
        .join(Employment, Employment.worker_id == Worker.id)
        .join(EmploymentYear, EmploymentYear.employment_id == Employment.id)
        .where(EmploymentYear.council == council, EmploymentYear.census_year == census_year)
        .order_by(Worker.swe_number, Employment.start_date)
        .execution_options(yield_per=CHUNK)
    )
    for worker, spell, year in session.execute(query):
        ended_this_year = year.end_date is not None
        yield CensusRecord(
            agency_worker=year.agency,
            swe_number=worker.swe_number,
            fte=year.fte,
            birth_date=worker.birth_date,
            gender=worker.gender,
            ethnicity=worker.ethnicity,
            qual_inst=worker.qual_inst,
            qual_level=worker.qual_level,
            step_up_grad=worker.step_up_grad,
            org_role=year.org_role,
            role_start_date=spell.start_date,
            start_origin=spell.start_origin,
            role_end_date=year.end_date,
            leaver_destination=spell.leaver_destination if ended_this_year else None,
            reason_leave=spell.reason_leave if ended_this_year else None,
            fte30=year.fte30,
            cases30=year.cases30,
            working_days_lost=year.working_days_lost,
            contract_weeks=year.contract_weeks,
            frontline_grad=worker.frontline_grad,
            absent_30_sept=year.absent_30_sept,
            reason_absence=year.reason_absence,
            kss_status=year.kss_status,
        )


def vacancies_for(session: Session, council: str, census_year: int) -> Vacancies | None:
    row = session.scalars(
        select(CouncilVacancy).where(
            CouncilVacancy.council == council, CouncilVacancy.census_year == census_year
        )
    ).first()
    if row is None:
        return None
    return Vacancies(row.number_of_vacancies, row.agency_fte_covering, row.agency_headcount)
