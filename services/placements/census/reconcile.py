"""Reconciling a census return into the records held: one history per person, chunk by chunk."""

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from services.common.census_calendar import census_reference_date
from services.common.models import utcnow
from services.placements.census.bulk import insert_rows, random_ids
from services.placements.census.fields import CensusRecord, Vacancies
from services.placements.models import YEAR_FIGURES, CouncilVacancy, Employment, EmploymentYear, Worker

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


_worker_values = attrgetter(*WORKER_FIELDS)
_year_figures = attrgetter(*YEAR_FIGURES)


class Reconciler:
    """Applies (or, for a dry run, only counts) one council's return for one year, chunk by chunk."""

    def __init__(self, session: Session, council: str, census_year: int, apply: bool):
        self.session, self.council, self.year, self.apply = session, council, census_year, apply
        self.summary = ImportSummary()
        # Workers a dry run would have created in an earlier chunk (an applied chunk's are stored).
        self.new_workers: dict[str, uuid.UUID] = {}
        self.kept_year_rows: set[int] = set()  # UUID.int: compact, and hashed in C
        self.gone: list[uuid.UUID] | None = None  # the year's rows this return no longer holds
        self.now = utcnow()
        self.ids = random_ids()
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

    def _write(
        self, table: Table, inserts: list[dict[str, Any]], updates: list[dict[str, Any]], changed: Iterable[str]
    ) -> None:
        """Insert the new rows, and update the stored ones (each by its `_id`) in the columns `changed`."""
        if not self.apply:
            return
        if inserts:
            insert_rows(self.session, table, inserts)
        if updates:
            columns = {name: bindparam(name) for name in changed}
            self.session.execute(update(table).where(table.c.id == bindparam("_id")).values(columns), updates)

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
        self._write(table, inserts, updates, (*WORKER_FIELDS, "version", "updated_at"))
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
        self._write(table, inserts, updates, (*SPELL_FIELDS, "version", "updated_at"))
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
        self._write(table, inserts, updates, (*YEAR_FIELDS, "source"))

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
                stored.sqlmodel_update(values)
        else:
            self.summary.vacancies = "unchanged"
