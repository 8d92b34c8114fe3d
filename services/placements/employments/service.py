"""Employment spells changed one at a time through the API, and the census years that hold them."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.census_calendar import census_reference_date, census_year_of, census_year_start
from services.common.dates import END_BEFORE_START, end_before_start
from services.common.errors import Conflict, InvalidInput, NotFound, invalid
from services.common.pagination import PageParams, paginate
from services.common.rows import flush_or_conflict
from services.placements.access import (
    check_member_council,
    check_writer,
    council_to_read,
    council_to_write,
    employment_scope,
    worker_scope,
)
from services.placements.employments.schemas import (
    EmploymentCreate,
    EmploymentPublic,
    EmploymentUpdate,
    EmploymentYearPublic,
    LeaverCreate,
)
from services.placements.models import YEAR_FIGURES, Employment, EmploymentYear, ImportBatch, Worker
from services.placements.versions import check_if_match, touch
from services.placements.workers.service import WORKER_NOT_FOUND

EMPLOYMENT_NOT_FOUND = "No employment with this id was found."
IMPORT, API = "import", "api"
# Figures that hold from one year to the next when the API has to add a year the spell was in post;
# the 30 September snapshot and the year's totals belong to one year and start empty.
CARRIED_FORWARD = ("agency", "org_role", "fte", "kss_status")


def in_post_during(start: date, end: date | None, census_year: int) -> bool:
    """Was a spell from `start` to `end` (None: still in post) in post at any time in census year N?"""
    return start <= census_reference_date(census_year) and (end is None or end >= census_year_start(census_year))


def api_census_years(start: date, end: date | None, today: date) -> range:
    """The census years a spell created through the API is held in: from its start to its end (or today).

    A spell that starts in a later census year than today's is held by its start year.
    """
    first = census_year_of(start)
    return range(first, max(first, census_year_of(end or today)) + 1)


def returned_years(session: Session, council: str) -> set[int]:
    """Census years whose return the council has imported: closed to API changes, which would
    otherwise revise figures the DfE has already taken from that return."""
    query = select(ImportBatch.census_year).where(ImportBatch.council == council).distinct()
    return set(session.exec(query))


def visible_employment(session: Session, principal: Principal, employment_id: uuid.UUID) -> Employment:
    employment = session.exec(
        select(Employment).where(Employment.id == employment_id, employment_scope(principal))
    ).first()
    if employment is None:
        raise NotFound(EMPLOYMENT_NOT_FOUND)
    return employment


def _spell_to_change(
    session: Session, principal: Principal, employment_id: uuid.UUID, if_match: str | None
) -> Employment:
    check_writer(principal)
    employment = visible_employment(session, principal, employment_id)
    check_if_match(employment.version, if_match)
    return employment


def _years_of(session: Session, employment_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[EmploymentYear]]:
    ids = list(employment_ids)
    found: dict[uuid.UUID, list[EmploymentYear]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(EmploymentYear)
            .where(col(EmploymentYear.employment_id).in_(ids))
            .order_by(EmploymentYear.employment_id, EmploymentYear.census_year)
        )
        for row in rows:
            found[row.employment_id].append(row)
    return found


def _years_by_census_year(session: Session, employment: Employment) -> dict[int, EmploymentYear]:
    return {row.census_year: row for row in _years_of(session, [employment.id])[employment.id]}


def _public(employment: Employment, years: list[EmploymentYear]) -> EmploymentPublic:
    return EmploymentPublic.model_validate(
        {
            **employment.model_dump(),
            "years": [EmploymentYearPublic.model_validate(year) for year in years],
        }
    )


def _employment_public(session: Session, employment: Employment) -> EmploymentPublic:
    return _public(employment, _years_of(session, [employment.id])[employment.id])


def _worker_for_spell(session: Session, principal: Principal, data: EmploymentCreate) -> Worker:
    """The spell's council's own record of the worker: by id (a record of that council the caller may see;
    any other answers 404), or by SWE number, made when the council has no record of them yet."""
    if data.worker_id is not None:
        worker = session.exec(
            select(Worker).where(Worker.id == data.worker_id, Worker.council == data.council, worker_scope(principal))
        ).first()
        if worker is None:
            raise NotFound(WORKER_NOT_FOUND)
        return worker
    if data.swe_number is None:  # the schema requires one of the two
        raise InvalidInput("Give exactly one of swe_number and worker_id.")
    worker = session.exec(
        select(Worker).where(Worker.council == data.council, Worker.swe_number == data.swe_number)
    ).first()
    if worker is None:
        worker = Worker(council=data.council, swe_number=data.swe_number)
        session.add(worker)
        flush_or_conflict(session, f"SWE number {data.swe_number} was recorded at the same time; retry.")
        audit(session, principal, "create", "worker", str(worker.id))
    return worker


def create_employment(
    session: Session,
    principal: Principal,
    data: EmploymentCreate,
    today: date,
) -> EmploymentPublic:
    """A new spell, held through the API in every census year from its start to its end (or today)."""
    council_to_write(principal, data.council)
    check_member_council(session, data.council)
    worker = _worker_for_spell(session, principal, data)
    duplicate = session.exec(
        select(Employment.id).where(
            Employment.worker_id == worker.id,
            Employment.council == data.council,
            Employment.start_date == data.start_date,
        )
    ).first()
    conflict = f"This worker already has a spell at council {data.council} starting on {data.start_date}."
    if duplicate is not None:
        raise Conflict(conflict)
    employment = Employment(
        worker_id=worker.id,
        council=data.council,
        agency=data.agency,
        org_role=data.org_role,
        start_date=data.start_date,
        start_origin=data.start_origin,
        end_date=data.end_date,
        reason_leave=data.reason_leave,
        leaver_destination=data.leaver_destination,
    )
    session.add(employment)
    flush_or_conflict(session, conflict)
    end_year = census_year_of(data.end_date) if data.end_date else None
    figures = data.model_dump(include=set(YEAR_FIGURES))
    years = [
        EmploymentYear(
            employment_id=employment.id,
            council=employment.council,
            census_year=year,
            agency=employment.agency,
            org_role=employment.org_role,
            end_date=data.end_date if year == end_year else None,
            source=API,
            **figures,
        )
        for year in api_census_years(data.start_date, data.end_date, today)
        if year not in returned_years(session, employment.council)
    ]
    session.add_all(years)
    session.flush()
    return _public(employment, years)


def get_employment(session: Session, principal: Principal, employment_id: uuid.UUID) -> EmploymentPublic:
    return _employment_public(session, visible_employment(session, principal, employment_id))


def list_employments(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    council: str | None = None,
    census_year: int | None = None,
    in_post_on: date | None = None,
    agency: bool | None = None,
    role: int | None = None,
    worker_id: uuid.UUID | None = None,
    swe_number: str | None = None,
) -> tuple[list[EmploymentPublic], int]:
    """Spells, oldest start first. With `census_year`, agency and role are what that year held. By SWE
    number, a council sees its own spells of that person; academy staff and services every council's."""
    query: SelectOfScalar[Employment] = select(Employment).where(employment_scope(principal))
    if principal.role is Role.council_hr:
        council = council_to_read(principal, council)
    if council is not None:
        query = query.where(Employment.council == council)
    if worker_id is not None:
        query = query.where(Employment.worker_id == worker_id)
    if swe_number is not None:
        query = query.where(col(Employment.worker_id).in_(select(Worker.id).where(Worker.swe_number == swe_number)))
    if in_post_on is not None:
        query = query.where(
            Employment.start_date <= in_post_on,
            or_(col(Employment.end_date).is_(None), col(Employment.end_date) >= in_post_on),
        )
    if census_year is not None:
        held = exists().where(EmploymentYear.employment_id == Employment.id, EmploymentYear.census_year == census_year)
        if agency is not None:
            held = held.where(EmploymentYear.agency == agency)
        if role is not None:
            held = held.where(EmploymentYear.org_role == role)
        query = query.where(held)
    else:
        if agency is not None:
            query = query.where(Employment.agency == agency)
        if role is not None:
            query = query.where(Employment.org_role == role)
    rows, total = paginate(session, query.order_by(Employment.start_date, Employment.id), page)
    years = _years_of(session, [employment.id for employment in rows])
    return [_public(employment, years[employment.id]) for employment in rows], total


def _year_row(
    session: Session, employment: Employment, years: dict[int, EmploymentYear], census_year: int
) -> EmploymentYear:
    """The row of `census_year`, added if missing, with any years between the spell's latest row and it.

    A spell the API holds in post keeps being held each year; added rows carry the standing figures
    of the nearest earlier year. Years before the spell's first row are not filled in: a return that
    first brings in someone with an old start date does not revise earlier years.
    """
    if census_year in years:
        return years[census_year]
    earlier = [year for year in years if year < census_year]
    first = max(earlier) + 1 if earlier else census_year
    for year in range(first, census_year + 1):
        if earlier:
            carried = {name: getattr(years[max(earlier)], name) for name in CARRIED_FORWARD}
        else:
            carried = {"agency": employment.agency, "org_role": employment.org_role}
        row = EmploymentYear(
            employment_id=employment.id, council=employment.council, census_year=year, source=API, **carried
        )
        session.add(row)
        years[year] = row
        earlier.append(year)
    return years[census_year]


def update_employment(
    session: Session,
    principal: Principal,
    employment_id: uuid.UUID,
    data: EmploymentUpdate,
    today: date,
    if_match: str | None = None,
) -> EmploymentPublic:
    """Change a spell and what census year `data.census_year` (default: the current one) holds for it."""
    employment = _spell_to_change(session, principal, employment_id, if_match)
    changes = data.model_dump(exclude_unset=True)
    current_year = census_year_of(today)
    census_year = changes.pop("census_year", None) or current_year
    start_origin_sent = "start_origin" in changes
    start_origin = changes.pop("start_origin", None)
    if not changes and not start_origin_sent:
        return _employment_public(session, employment)
    if changes:
        if census_year > current_year + 1 or not in_post_during(
            employment.start_date, employment.end_date, census_year
        ):
            raise invalid(
                ["body", "census_year"],
                "not_in_post",
                f"the spell ({employment.start_date} to {employment.end_date or 'now'}) "
                f"was not in post in census year {census_year}, or that year is still to come",
                detail=f"The spell was not in post in census year {census_year}.",
            )
        years = _years_by_census_year(session, employment)
        row = _year_row(session, employment, years, census_year)
        row.sqlmodel_update(changes)
        session.add(row)
        if census_year == max(years):  # the spell's own agency and role are its latest year's
            employment.sqlmodel_update({name: changes[name] for name in ("agency", "org_role") if name in changes})
    if start_origin_sent:
        employment.start_origin = start_origin
    touch(employment)
    session.add(employment)
    session.flush()
    return _employment_public(session, employment)


def record_leaver(
    session: Session,
    principal: Principal,
    employment_id: uuid.UUID,
    data: LeaverCreate,
    if_match: str | None = None,
) -> EmploymentPublic:
    """End a spell: the year of the end date holds it as a leaver, and later years no longer hold it.

    Later years held by a census return cannot be undone here: that return said the spell was in post.
    """
    employment = _spell_to_change(session, principal, employment_id, if_match)
    if employment.end_date is not None:
        raise Conflict(f"This spell already ended on {employment.end_date}.")
    if end_before_start(employment.start_date, data.end_date):
        raise invalid(
            ["body", "end_date"],
            END_BEFORE_START,
            f"the end date is before the start date {employment.start_date}",
            detail="The end date is before the start date.",
        )
    end_year = census_year_of(data.end_date)
    years = _years_by_census_year(session, employment)
    held_by_import = sorted(year for year, row in years.items() if year > end_year and row.source == IMPORT)
    if held_by_import:
        year = held_by_import[0]
        raise Conflict(
            f"Census year {year}'s return holds this spell in post, after the end date {data.end_date} "
            f"(census year {end_year}); correct the return for {year} instead.",
            census_years=held_by_import,
        )
    for year in [year for year in years if year > end_year]:
        session.delete(years.pop(year))
    row = _year_row(session, employment, years, end_year)
    row.end_date = data.end_date
    session.add(row)
    employment.sqlmodel_update(data.model_dump())  # the end date, and why and where they left
    touch(employment)
    session.add(employment)
    session.flush()
    return _employment_public(session, employment)
