"""Enquiries: the public form (anyone, no token) and one keyed in by academy staff. Either makes an
applicant in the enquiry stage."""

from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import Conflict
from services.common.logging import current_request_id
from services.common.models import AuditEvent, utcnow
from services.returners.applicants.schemas import ApplicantCreate, ApplicantPublic, EnquiryCreate
from services.returners.applicants.service import applicant_public
from services.returners.applicants.stages import ENQUIRE, record_event
from services.returners.models import Applicant
from services.returners.rules import Stage

PUBLIC_ENQUIRY = "public-enquiry"


def _enquired(session: Session, applicant: Applicant, actor: str, actor_role: str, on: date) -> bool:
    """Record a new applicant and their enquiry event; False when the email was recorded meanwhile."""
    try:
        with session.begin_nested():
            session.add(applicant)
            session.flush()
            record_event(session, applicant, ENQUIRE, Stage.enquiry, actor, actor_role, on)
            session.flush()
    except IntegrityError:
        return False
    return True


def submit_enquiry(session: Session, data: EnquiryCreate, today: date) -> None:
    """Record an enquiry, or a repeat of one on the person who already enquired with this email. The
    caller gets the same answer either way; a repeat never changes the details held."""
    existing = session.exec(select(Applicant).where(Applicant.email == data.email)).first()
    if existing is None:
        applicant = Applicant(
            **data.model_dump(exclude={"consent"}), consent_at=utcnow(), stage=Stage.enquiry.value, stage_since=today
        )
        if _enquired(session, applicant, PUBLIC_ENQUIRY, "public", today):
            _audit_public(session, "create", applicant)
            return
        # the same email enquired at the same moment: this one is the repeat
        existing = session.exec(select(Applicant).where(Applicant.email == data.email)).one()
    # One statement, so two repeats at the same moment both count.
    session.exec(
        update(Applicant)
        .where(col(Applicant.id) == existing.id)
        .values(enquiry_count=Applicant.enquiry_count + 1, last_enquiry_at=utcnow())
    )
    _audit_public(session, "repeat-enquiry", existing)


def _audit_public(session: Session, action: str, applicant: Applicant) -> None:
    """Audited as the public form: no principal signed in (so not through `audit`, which needs one)."""
    session.add(
        AuditEvent(
            principal=PUBLIC_ENQUIRY,
            role="public",
            action=action,
            entity="applicant",
            entity_id=str(applicant.id),
            request_id=current_request_id(),
        )
    )


def create_applicant(
    session: Session,
    principal: Principal,
    data: ApplicantCreate,
    enquired_on: date,
) -> ApplicantPublic:
    """An enquiry keyed in by academy staff, who may be told the email is already known; made on
    `enquired_on`: today, or the day it was made when keyed in later (the demo's history)."""
    if session.exec(select(Applicant.id).where(Applicant.email == data.email)).first() is not None:
        raise Conflict("An applicant with this email is already recorded.")
    applicant = Applicant(**data.model_dump(), consent_at=utcnow(), stage=Stage.enquiry.value, stage_since=enquired_on)
    if not _enquired(session, applicant, principal.subject, principal.role.value, enquired_on):
        raise Conflict("An applicant with this email is already recorded.")
    audit(session, principal, "create", "applicant", str(applicant.id))
    return applicant_public(session, applicant)
