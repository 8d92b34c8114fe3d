"""Census imports: check a council's return for a year, then reconcile it into one history per person."""

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select
from sqlmodel.sql.expression import SelectOfScalar

from services.common.auth import Principal
from services.common.census_calendar import census_reference_date
from services.common.errors import Conflict, InvalidInput
from services.common.models import utcnow
from services.common.settings import get_settings
from services.placements.census import CensusRecord, Problem, Vacancies, iter_census
from services.placements.models import CouncilVacancy, Employment, EmploymentYear, ImportBatch, Worker

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


_worker_values = attrgetter(*WORKER_FIELDS)
_year_figures = attrgetter(*YEAR_FIGURES)


_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits uuid.uuid4 sets
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _random_ids() -> Iterator[uuid.UUID]:
    """Random UUIDs as uuid.uuid4 makes them (16 random bytes, version 4), one read per thousand."""
    while True:
        raw = os.urandom(16 * 1024)
        for at in range(0, len(raw), 16):
            yield uuid.UUID(int=int.from_bytes(raw[at : at + 16], "big") & _UUID4_CLEAR | _UUID4_SET)


def _insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) as one executemany of a Core insert would, only faster.

    SQLAlchemy's executemany builds and processes a parameter dictionary per row, and on PostgreSQL
    runs an INSERT per row. Here each column's own bind processing is applied once per value and the
    rows go to the driver as they are: to SQLite as one executemany, to PostgreSQL (psycopg) as one
    COPY; a database error still comes out as SQLAlchemy's exception. Another driver, or a column
    left to its Python-side default, takes the Core insert.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    fast = (dialect.name, dialect.driver, dialect.paramstyle) in (
        ("sqlite", "pysqlite", "qmark"),
        ("postgresql", "psycopg", "pyformat"),
    )
    if not fast or any(column.default is not None for column in table.c if column.key not in rows[0]):
        session.execute(insert(table), rows)
        return
    columns = [table.c[name] for name in names]
    processors = [
        (at, process)
        for at, column in enumerate(columns)
        if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]

    in_order = itemgetter(*names)

    def bound(row: dict[str, Any]) -> list[Any]:
        values = list(in_order(row))
        for at, process in processors:
            values[at] = process(values[at])
        return values

    quote = dialect.identifier_preparer
    target = f"{quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)})"
    # Only quoted table and column names go into the SQL; the values are parameters.
    if dialect.name == "sqlite":
        sql = f"INSERT INTO {target} VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        connection.exec_driver_sql(sql, [tuple(bound(row)) for row in rows])
        return
    sql = f"COPY {target} FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(bound(row))
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
    finally:
        cursor.close()


class _Reconciler:
    """Applies (or, for a dry run, only counts) one council's return for one year, chunk by chunk."""

    def __init__(self, session: Session, council: str, census_year: int, apply: bool):
        self.session, self.council, self.year, self.apply = session, council, census_year, apply
        self.summary = ImportSummary()
        # Workers a dry run would have created in an earlier chunk (an applied chunk's are stored).
        self.new_workers: dict[str, uuid.UUID] = {}
        self.kept_year_rows: set[int] = set()  # UUID.int: compact, and hashed in C
        self.gone: list[uuid.UUID] | None = None  # the year's rows this return no longer holds
        self.now = utcnow()
        self.ids = _random_ids()
        # Chunks are applied while the rest of the file is still being checked: inside a savepoint,
        # rolled back if an error turns up later.
        self.savepoint: SessionTransaction | None = None
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def chunk(self, records: list[CensusRecord]) -> None:
        if self.apply and self.savepoint is None:
            self.savepoint = self.session.begin_nested()
        self.summary.records += len(records)
        workers, stored_workers = self._workers(records)
        spells, stored_spells = self._spells(records, workers, stored_workers)
        self._years(records, workers, spells, stored_spells)

    def _among(self, column: ColumnElement, values: list[Any]) -> ColumnElement[bool]:
        """`column IN values`; on PostgreSQL `= ANY` of one array parameter, not a parameter per
        value (a two-thousand-value IN list costs more to send and plan than the query itself)."""
        if self.postgres:
            return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
        return column.in_(values)

    def _execute(self, statement, rows: list[dict[str, Any]]) -> None:
        if self.apply and rows:
            self.session.execute(statement, rows)

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if self.apply and rows:
            _insert_rows(self.session, table, rows)

    def _workers(self, records: list[CensusRecord]) -> tuple[dict[str, uuid.UUID], list[uuid.UUID]]:
        """The id of the council's own record of each person, and the ids of those already stored (only
        they can have spells)."""
        latest: dict[str, tuple] = {}
        for record in records:  # a person with two spells in one file: the later record's values win
            values = _worker_values(record)
            held = latest.get(record.swe_number)
            if held is not None:
                values = tuple(old if new is None else new for old, new in zip(held, values, strict=True))
            latest[record.swe_number] = values
        table = Worker.__table__
        query = select(
            table.c.swe_number, table.c.id, table.c.version, *(table.c[name] for name in WORKER_FIELDS)
        ).where(table.c.council == self.council, self._among(table.c.swe_number, list(latest)))
        stored = {row[0]: row for row in self.session.execute(query)}
        ids: dict[str, uuid.UUID] = {}
        known = []
        inserts, updates = [], []
        counts = self.summary.workers
        for number, values in latest.items():
            row = stored.get(number)
            if row is not None:
                ids[number] = row[1]
                known.append(row[1])
                current = row[3:]
                pairs = tuple(zip(current, values, strict=True))
                if any(new is not None and new != old for old, new in pairs):
                    merged = (new if new is not None and new != old else old for old, new in pairs)
                    updates.append(
                        dict(zip(WORKER_FIELDS, merged, strict=True))
                        | {"_id": row[1], "version": row[2] + 1, "updated_at": self.now}
                    )
                    counts.update += 1
                else:
                    counts.unchanged += 1
            elif number in self.new_workers:
                ids[number] = self.new_workers[number]
            else:
                ids[number] = worker_id = next(self.ids)
                if not self.apply:
                    self.new_workers[number] = worker_id
                inserts.append(dict(zip(WORKER_FIELDS, values, strict=True)) | {
                    "id": worker_id, "council": self.council, "swe_number": number, "version": 1,
                    "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                counts.create += 1
        self._insert(table, inserts)
        columns = {k: bindparam(k) for k in (*WORKER_FIELDS, "version", "updated_at")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)
        return ids, known

    def _spells(
        self, records: list[CensusRecord], workers: dict[str, uuid.UUID], known: list[uuid.UUID]
    ) -> tuple[dict[tuple, uuid.UUID], list[uuid.UUID]]:
        """Each record's spell id, and the ids of those already stored (only they can have years)."""
        table = Employment.__table__
        stored = {}
        if known:  # a worker not stored yet has no spell
            query = select(table).where(table.c.council == self.council, self._among(table.c.worker_id, known))
            stored = {(row.worker_id, row.start_date): row for row in self.session.execute(query)}
        newest_year = {}
        if stored:
            newest_year = dict(
                self.session.execute(
                    select(EmploymentYear.employment_id, func.max(EmploymentYear.census_year))
                    .where(self._among(EmploymentYear.employment_id, [row.id for row in stored.values()]))
                    .group_by(EmploymentYear.employment_id)
                ).all()
            )
        ids, inserts, updates, matched = {}, [], [], []
        counts = self.summary.spells
        reference = census_reference_date(self.year)
        for record in records:
            key = (workers[record.swe_number], record.role_start_date)
            values = {
                "agency": bool(record.agency_worker),
                "org_role": record.org_role,
                "end_date": record.role_end_date,
                "start_origin": record.start_origin,
                "leaver_destination": record.leaver_destination,
                "reason_leave": record.reason_leave,
            }
            row = stored.get(key)
            if row is None:
                ids[key] = spell_id = next(self.ids)
                inserts.append(values | {
                    "id": spell_id, "worker_id": key[0], "council": self.council, "start_date": key[1],
                    "version": 1, "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
                counts.create += 1
                self.summary.spells_ended += values["end_date"] is not None
                continue
            ids[key] = row.id
            matched.append(row.id)
            current = {name: getattr(row, name) for name in SPELL_FIELDS}
            wanted = dict(current)
            if values["end_date"] is not None:
                wanted.update({k: values[k] for k in ("end_date", "leaver_destination", "reason_leave")})
            elif current["end_date"] is not None and current["end_date"] <= reference:
                # this year's return holds the spell in post on 30 September: an earlier end was wrong
                wanted.update(end_date=None, leaver_destination=None, reason_leave=None)
            if self.year >= newest_year.get(row.id, 0):  # the newest return says what the spell is now
                wanted.update({k: values[k] for k in ("agency", "org_role", "start_origin") if values[k] is not None})
            if wanted != current:
                updates.append(wanted | {"_id": row.id, "version": row.version + 1, "updated_at": self.now})
                counts.update += 1
                self.summary.spells_ended += current["end_date"] is None and wanted["end_date"] is not None
            else:
                counts.unchanged += 1
        self._insert(table, inserts)
        columns = {k: bindparam(k) for k in (*SPELL_FIELDS, "version", "updated_at")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)
        return ids, matched

    def _years(
        self,
        records: list[CensusRecord],
        workers: dict[str, uuid.UUID],
        spells: dict[tuple, uuid.UUID],
        known: list[uuid.UUID],
    ) -> None:
        table = EmploymentYear.__table__
        stored = {}
        if known:  # a spell not stored yet has no year
            query = select(table).where(table.c.census_year == self.year, self._among(table.c.employment_id, known))
            stored = {row.employment_id: row for row in self.session.execute(query)}
        inserts, updates = [], []
        counts = self.summary.year_records
        kept = self.kept_year_rows
        new_year = (*YEAR_FIELDS, "id", "employment_id")
        constant = {"council": self.council, "census_year": self.year, "source": "import"}
        for record in records:
            spell_id = spells[(workers[record.swe_number], record.role_start_date)]
            figures = (bool(record.agency_worker), record.org_role, record.role_end_date, *_year_figures(record))
            row = stored.get(spell_id)
            if row is None:
                row_id = next(self.ids)
                kept.add(row_id.int)
                inserts.append(dict(zip(new_year, (*figures, row_id, spell_id), strict=True)) | constant)
                counts.create += 1
                continue
            kept.add(row.id.int)
            if row.source != "import" or any(
                getattr(row, name) != value for name, value in zip(YEAR_FIELDS, figures, strict=True)
            ):
                updates.append(dict(zip(YEAR_FIELDS, figures, strict=True)) | {"_id": row.id, "source": "import"})
                counts.update += 1
            else:
                counts.unchanged += 1
        self._insert(table, inserts)
        columns = {k: bindparam(k) for k in (*YEAR_FIELDS, "source")}
        self._execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)

    def discard(self) -> None:
        """Undo what the chunks applied so far (the file has an error)."""
        if self.savepoint is not None:
            self.savepoint.rollback()

    def removed(self) -> int:
        """How many of the year's stored rows this return no longer holds (finish drops them)."""
        table = EmploymentYear.__table__
        existing = self.session.scalars(
            select(table.c.id).where(table.c.council == self.council, table.c.census_year == self.year)
        )
        self.gone = [row_id for row_id in existing if row_id.int not in self.kept_year_rows]
        self.summary.year_records_removed = len(self.gone)
        return len(self.gone)

    def finish(self, vacancies: Vacancies | None) -> None:
        """Drop the year rows this return no longer holds; record its vacancy block."""
        table = EmploymentYear.__table__
        if self.gone is None:
            self.removed()
        gone = self.gone or []
        if self.apply:
            for start in range(0, len(gone), CHUNK):
                self.session.execute(delete(table).where(self._among(table.c.id, gone[start : start + CHUNK])))
        if vacancies is not None:
            self._vacancies(vacancies)
        if self.savepoint is not None:
            self.savepoint.commit()

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
    reconciler: _Reconciler, items: Iterable[CensusRecord | Vacancies | Problem]
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


class NoRecords(InvalidInput):
    slug = "census-file-has-no-records"


class RemovalsNotConfirmed(Conflict):
    slug = "removals-not-confirmed"


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
    reconciler = _Reconciler(session, council, census_year, apply=not dry_run)
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
        select(CouncilVacancy).where(CouncilVacancy.council == council, CouncilVacancy.census_year == census_year)
    ).first()
    if row is None:
        return None
    return Vacancies(row.number_of_vacancies, row.agency_fte_covering, row.agency_headcount)
