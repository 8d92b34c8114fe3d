"""Into employment: recording "employed" hands the worker and the spell to placements first, and changes
the stage only once placements holds both, so nothing is ever left half done. What to send and record is
decided in `decisions`; this is the one place that reads, calls and writes."""

import uuid
from datetime import date

from sqlmodel import Session

from services.common.auth import Principal
from services.common.db import release_reads
from services.returners.access import visible_applicant
from services.returners.applicants.schemas import ApplicantPublic
from services.returners.applicants.stages import check_transition, move, updated
from services.returners.handover.decisions import employed_fields, employed_on, plan_handover
from services.returners.handover.schemas import EmploymentCreate
from services.returners.hosts.service import check_member_council
from services.returners.placements_client import PlacementsClient
from services.returners.rules import Action


def record_employed(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: EmploymentCreate,
    placements: PlacementsClient,
    today: date,
) -> ApplicantPublic:
    """Placements is called before anything is written here, and outside any transaction of ours: when
    it cannot be reached the answer is 503 and the stage stays as it was. A worker recorded before the
    spell call failed is harmless: the retry sends the same idempotency keys, gets the same worker back
    and completes the spell. The applicant is read again, locked, before the stage changes."""
    applicant = visible_applicant(session, principal, applicant_id)
    check_transition(applicant, Action.employ)
    check_member_council(session, data.council)
    handover = plan_handover(data, applicant.registration_number)
    release_reads(session)
    worker_id = placements.record_worker(applicant_id, handover.swe_number, handover.council)
    employment_id = placements.record_employment(applicant_id, worker_id, **handover.spell())
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    check_transition(applicant, Action.employ)
    applicant.sqlmodel_update(employed_fields(handover, worker_id, employment_id))
    on = employed_on(applicant.stage_since, handover.start_date, today)
    move(session, principal, applicant, Action.employ, on, data.note)
    return updated(session, principal, applicant)
