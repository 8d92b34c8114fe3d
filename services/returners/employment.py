"""Into employment: recording "employed" hands the worker and the spell to placements first, and changes
the stage only once placements holds both, so nothing is ever left half done."""

import uuid
from datetime import date

import httpx
from sqlmodel import Session

from services.common.audit import audit
from services.common.auth import Principal
from services.common.db import release_reads
from services.returners import placements_api
from services.returners.access import visible_applicant
from services.returners.applicants import applicant_public, check_transition, move
from services.returners.hosts import check_member_council
from services.returners.rules import Action
from services.returners.schemas import ApplicantPublic, EmploymentCreate


def record_employed(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: EmploymentCreate,
    placements: httpx.Client,
    request_id: str | None,
) -> ApplicantPublic:
    """Placements is called before anything is written here, and outside any transaction of ours: when
    it cannot be reached the answer is 503 and the stage stays as it was. A worker recorded before the
    spell call failed is harmless: the retry sends the same idempotency keys, gets the same worker back
    and completes the spell. The applicant is read again, locked, before the stage changes."""
    applicant = visible_applicant(session, principal, applicant_id)
    check_transition(applicant, Action.employ)
    check_member_council(session, data.council)
    swe_number = data.swe_number or applicant.registration_number
    release_reads(session)
    worker_id = placements_api.record_worker(placements, applicant_id, swe_number, data.council)
    employment_id = placements_api.record_employment(
        placements,
        applicant_id,
        worker_id,
        council=data.council,
        start_date=data.start_date,
        agency=data.agency,
        fte=data.fte,
        org_role=data.org_role,
    )
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    check_transition(applicant, Action.employ)
    applicant.employed_council = data.council
    applicant.employed_from = data.start_date
    applicant.employed_agency = data.agency
    applicant.employed_fte = data.fte
    applicant.employed_org_role = data.org_role
    applicant.placements_worker_id = worker_id
    applicant.placements_employment_id = employment_id
    # The day it took effect: the start date, unless that is still to come (today) or before the
    # current stage began (a transition never goes back in time).
    effective_on = max(applicant.stage_since, min(data.start_date, date.today()))
    move(session, principal, applicant, Action.employ, effective_on, data.note)
    audit(session, principal, "update", "applicant", str(applicant.id), request_id)
    return applicant_public(session, applicant)
