"""Exports: a council's records for a census year as census CSV or CSWW XML, each person's record audited."""

import io
import tempfile
from collections.abc import Iterator

from sqlalchemy import select
from sqlmodel import Session

from services.common import clock
from services.common.audit import audit
from services.common.auth import Principal
from services.placements.census.fields import CensusRecord, CensusReturn, Vacancies
from services.placements.census.reconcile import CHUNK
from services.placements.census.writers import write_census_csv, write_census_xml
from services.placements.models import CouncilVacancy, Employment, EmploymentYear, Worker


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


def census_csv(session: Session, principal: Principal, council: str, census_year: int) -> str:
    records = list(held_in_year(session, council, census_year))
    out = io.StringIO(newline="")
    write_census_csv(records, out)
    audit(session, principal, "export", "worker_swe", sorted({r.swe_number for r in records}))
    return out.getvalue()


def census_xml(session: Session, principal: Principal, council: str, census_year: int) -> tempfile.SpooledTemporaryFile:
    """The return written to a spooled file, read from its start; the caller closes it."""
    spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - the caller closes it

    def records() -> Iterator[CensusRecord]:
        read: list[str] = []  # audited a thousand at a time, so memory does not grow with the council
        for record in held_in_year(session, council, census_year):
            read.append(record.swe_number)
            if len(read) == 1000:
                audit(session, principal, "export", "worker_swe", read)
                read = []
            yield record
        audit(session, principal, "export", "worker_swe", read)

    census_return = CensusReturn(census_year, council, vacancies_for(session, council, census_year), records())
    write_census_xml(census_return, spooled, generated_at=clock.now())
    spooled.seek(0)
    return spooled
