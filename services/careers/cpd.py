"""A worker's CPD log with the SWE registration-year check, and their evidence portfolio."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.careers.framework import invalid, known_pcf_codes
from services.careers.models import ApplicationEvidence, CpdRecord, EvidenceItem
from services.careers.rules import (
    CpdFact,
    check_registration_year,
    cpd_hours_last_12_months,
    registration_year_ending,
    registration_year_of,
)
from services.careers.schemas import (
    CpdCreate,
    CpdLog,
    CpdPublic,
    CpdUpdate,
    EvidenceCreate,
    EvidencePublic,
    RegistrationYearCheck,
)
from services.common.census_calendar import add_months
from services.common.errors import Conflict, NotFound
from services.common.models import utcnow
from services.common.pagination import PageParams, make_page, paginate

CPD_NOT_FOUND = "No CPD record with this id was found."
EVIDENCE_NOT_FOUND = "No evidence with this id was found."


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
    return RegistrationYearCheck.model_validate(check, from_attributes=True)


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
    record = session.get(CpdRecord, cpd_id)
    if record is None or record.swe_number != swe_number:
        raise NotFound(CPD_NOT_FOUND)
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
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    return CpdPublic.model_validate(record)


def delete_cpd(session: Session, swe_number: str, cpd_id: uuid.UUID) -> None:
    session.delete(_own_cpd(session, swe_number, cpd_id))
    session.flush()


# --- Evidence ----------------------------------------------------------------------------------


def list_evidence(session: Session, swe_number: str, page: PageParams) -> tuple[list[EvidencePublic], int]:
    query = (
        select(EvidenceItem)
        .where(EvidenceItem.swe_number == swe_number)
        .order_by(col(EvidenceItem.dated_on).desc(), EvidenceItem.id)
    )
    rows, total = paginate(session, query, page)
    return [EvidencePublic.model_validate(row) for row in rows], total


def evidence_kinds_held(session: Session, swe_number: str) -> frozenset[str]:
    return frozenset(session.exec(select(EvidenceItem.kind).where(EvidenceItem.swe_number == swe_number).distinct()))


def create_evidence(session: Session, swe_number: str, data: EvidenceCreate, today: date) -> EvidencePublic:
    if data.dated_on > today:
        raise invalid(["body", "dated_on"], "date_in_future", "evidence cannot be dated after today")
    item = EvidenceItem(
        swe_number=swe_number, **data.model_dump(mode="json", exclude={"dated_on"}), dated_on=data.dated_on
    )
    session.add(item)
    session.flush()
    return EvidencePublic.model_validate(item)


def delete_evidence(session: Session, swe_number: str, evidence_id: uuid.UUID) -> None:
    """Evidence attached to an application stays while the application keeps it."""
    item = session.get(EvidenceItem, evidence_id)
    if item is None or item.swe_number != swe_number:
        raise NotFound(EVIDENCE_NOT_FOUND)
    attached = select(ApplicationEvidence.id).where(ApplicationEvidence.evidence_id == evidence_id)
    if session.exec(attached).first():
        raise Conflict("This evidence is attached to a progression application and cannot be deleted.")
    session.delete(item)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("This evidence is attached to a progression application and cannot be deleted.")


def owned_evidence(session: Session, swe_number: str, ids: list[uuid.UUID], loc: list[str | int]) -> list[EvidenceItem]:
    """The worker's own evidence items with these ids; any other id is invalid input."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = session.exec(
        select(EvidenceItem).where(col(EvidenceItem.id).in_(wanted), EvidenceItem.swe_number == swe_number)
    ).all()
    found = {row.id for row in rows}
    unknown = [str(i) for i in wanted if i not in found]
    if unknown:
        raise invalid(loc, "unknown_evidence", f"no evidence of yours has the id {', '.join(unknown)}")
    return sorted(rows, key=lambda row: wanted.index(row.id))
