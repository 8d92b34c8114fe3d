"""A worker's evidence: listed, added, removed while no application holds it, and attached to applications."""

import uuid
from datetime import date

from sqlmodel import Session, col, select

from services.careers.evidence.schemas import EvidenceCreate, EvidencePublic
from services.careers.models import ApplicationEvidence, EvidenceItem
from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import Conflict, NotFound, invalid
from services.common.pagination import PageParams, paginate
from services.common.rows import flush_or_conflict

NOT_FOUND = "No evidence with this id was found."
ATTACHED = "This evidence is attached to a progression application and cannot be deleted."


def list_evidence(session: Session, swe_number: str, page: PageParams) -> tuple[list[EvidencePublic], int]:
    query = (
        select(EvidenceItem)
        .where(EvidenceItem.swe_number == swe_number)
        .order_by(col(EvidenceItem.dated_on).desc(), EvidenceItem.id)
    )
    rows, total = paginate(session, query, page)
    return [EvidencePublic.model_validate(row) for row in rows], total


def read_worker_evidence(
    session: Session, principal: Principal, swe_number: str, page: PageParams
) -> tuple[list[EvidencePublic], int]:
    """Another person's reading of a worker's portfolio, audited."""
    items, total = list_evidence(session, swe_number, page)
    audit(session, principal, "read", "evidence_item", [str(item.id) for item in items])
    return items, total


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
        raise NotFound(NOT_FOUND)
    attached = select(ApplicationEvidence.id).where(ApplicationEvidence.evidence_id == evidence_id)
    if session.exec(attached).first():
        raise Conflict(ATTACHED)
    session.delete(item)
    flush_or_conflict(session, ATTACHED)


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
