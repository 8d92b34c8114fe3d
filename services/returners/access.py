"""Who sees which applicants: academy staff everyone, a council's HR those placed with it and the pool."""

import uuid

from sqlalchemy import ColumnElement, exists, false, or_, true
from sqlmodel import Session, select

from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.returners.models import Applicant, HostPlacement
from services.returners.rules import TALENT_POOL

# One answer for "missing" and "not yours", so a 404 never tells a council who else is on the programme.
APPLICANT_NOT_FOUND = "No applicant with this id was found."


def applicant_scope(principal: Principal) -> ColumnElement[bool]:
    """Academy staff see everyone; a council's HR those placed with it (host or employer) and the
    talent pool; anyone else no one."""
    if principal.is_regional:
        return true()
    if principal.role is Role.council_hr:
        return or_(
            exists().where(HostPlacement.applicant_id == Applicant.id, HostPlacement.council == principal.council),
            Applicant.employed_council == principal.council,
            Applicant.stage == TALENT_POOL.value,
        )
    return false()


def visible_applicant(
    session: Session, principal: Principal, applicant_id: uuid.UUID, for_update: bool = False
) -> Applicant:
    query = select(Applicant).where(Applicant.id == applicant_id, applicant_scope(principal))
    if for_update:  # and what an earlier read of this request loaded is read again
        query = query.with_for_update().execution_options(populate_existing=True)
    applicant = session.exec(query).first()
    if applicant is None:
        raise NotFound(APPLICANT_NOT_FOUND)
    return applicant


def read_applicant(session: Session, principal: Principal, applicant_id: uuid.UUID) -> Applicant:
    """An applicant the principal may see, with the read audited (personal data)."""
    applicant = visible_applicant(session, principal, applicant_id)
    audit(session, principal, "read", "applicant", str(applicant.id))
    return applicant
