"""A worker's CPD log with the SWE registration-year check."""

import uuid
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from services.careers.cpd.schemas import CpdCreate, CpdLog, CpdPublic, CpdUpdate, RegistrationYearCheck
from services.careers.framework.service import known_pcf_codes
from services.careers.models import CpdRecord
from services.careers.rules import (
    CpdFact,
    check_registration_year,
    cpd_hours_last_12_months,
)
from services.common.audit import audit
from services.common.auth import Principal
from services.common.dates import add_months
from services.common.errors import NotFound, invalid
from services.common.models import utcnow
from services.common.pagination import PageParams, make_page, paginate
from services.common.registration_year import registration_year_ending, registration_year_of
from services.common.rows import get_or_404

NOT_FOUND = "No CPD record with this id was found."


def _facts(session: Session, swe_number: str, since: date, until: date) -> list[CpdFact]:
    rows = session.exec(
        select(CpdRecord.activity_on, CpdRecord.hours, CpdRecord.peer_reflection).where(
            CpdRecord.swe_number == swe_number, CpdRecord.activity_on >= since, CpdRecord.activity_on <= until
        )
    )
    return [CpdFact(activity_on, Decimal(hours), peer) for activity_on, hours, peer in rows]


def hours_last_12_months(session: Session, swe_number: str, today: date) -> Decimal:
    return cpd_hours_last_12_months(_facts(session, swe_number, add_months(today, -12), today), today)


def registration_year_check(
    session: Session, swe_number: str, today: date, year: int | None = None
) -> RegistrationYearCheck:
    year = registration_year_of(today) if year is None else year
    starts_on, ends_on = registration_year_ending(year)
    check = check_registration_year(_facts(session, swe_number, starts_on, ends_on), today, year)
    return RegistrationYearCheck(**asdict(check))


def cpd_log(session: Session, swe_number: str, page: PageParams, today: date, year: int | None = None) -> CpdLog:
    """One registration year's check and records (default: the year today is in), newest first."""
    check = registration_year_check(session, swe_number, today, year)
    query = (
        select(CpdRecord)
        .where(
            CpdRecord.swe_number == swe_number,
            CpdRecord.activity_on >= check.starts_on,
            CpdRecord.activity_on <= check.ends_on,
        )
        .order_by(col(CpdRecord.activity_on).desc(), col(CpdRecord.created_at).desc(), CpdRecord.id)
    )
    rows, total = paginate(session, query, page)
    listed = make_page([CpdPublic.model_validate(row) for row in rows], total, page)
    return CpdLog(
        **listed.model_dump(),
        registration_year=check,
        hours_last_12_months=hours_last_12_months(session, swe_number, today),
    )


def read_worker_cpd_log(
    session: Session, principal: Principal, swe_number: str, page: PageParams, today: date, year: int | None = None
) -> CpdLog:
    """Another person's reading of a worker's CPD log, audited."""
    log = cpd_log(session, swe_number, page, today, year)
    audit(session, principal, "read", "cpd_record", [str(item.id) for item in log.items])
    return log


def _check_fields(session: Session, activity_on: date | None, pcf_domains: list[str] | None, today: date) -> None:
    if activity_on is not None and activity_on > today:
        raise invalid(["body", "activity_on"], "date_in_future", "a CPD activity cannot be dated after today")
    if pcf_domains:
        unknown = sorted(set(pcf_domains) - known_pcf_codes(session, pcf_domains))
        if unknown:
            raise invalid(["body", "pcf_domains"], "unknown_pcf_domain", f"unknown PCF domains: {', '.join(unknown)}")


def create_cpd(session: Session, swe_number: str, data: CpdCreate, today: date) -> CpdPublic:
    _check_fields(session, data.activity_on, data.pcf_domains, today)
    fields = data.model_dump(mode="json", exclude={"activity_on", "hours"})
    record = CpdRecord(
        swe_number=swe_number,
        activity_on=data.activity_on,
        hours=data.hours,
        **{**fields, "pcf_domains": list(dict.fromkeys(data.pcf_domains or []))},
    )
    session.add(record)
    session.flush()
    return CpdPublic.model_validate(record)


def _own_cpd(session: Session, swe_number: str, cpd_id: uuid.UUID) -> CpdRecord:
    record = get_or_404(session, CpdRecord, cpd_id, NOT_FOUND)
    if record.swe_number != swe_number:
        raise NotFound(NOT_FOUND)
    return record


def get_cpd(session: Session, swe_number: str, cpd_id: uuid.UUID) -> CpdPublic:
    return CpdPublic.model_validate(_own_cpd(session, swe_number, cpd_id))


def update_cpd(session: Session, swe_number: str, cpd_id: uuid.UUID, data: CpdUpdate, today: date) -> CpdPublic:
    record = _own_cpd(session, swe_number, cpd_id)
    changes = data.model_dump(exclude_unset=True)
    _check_fields(session, changes.get("activity_on"), changes.get("pcf_domains"), today)
    if "pcf_domains" in changes:
        changes["pcf_domains"] = list(dict.fromkeys(changes["pcf_domains"] or []))
    if "kind" in changes:
        changes["kind"] = changes["kind"].value
    record.sqlmodel_update(changes, update={"updated_at": utcnow()})
    session.add(record)
    session.flush()
    return CpdPublic.model_validate(record)


def delete_cpd(session: Session, swe_number: str, cpd_id: uuid.UUID) -> None:
    session.delete(_own_cpd(session, swe_number, cpd_id))
    session.flush()
