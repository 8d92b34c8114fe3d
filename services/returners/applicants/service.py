"""Reading applicants: the answer an applicant is given as, one applicant, the lists (a council's HR sees
those placed with it and the talent pool) and the stage history."""

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common.audit import audit
from services.common.auth import Principal
from services.common.pagination import PageParams, paginate
from services.returners.access import applicant_scope, read_applicant
from services.returners.applicants.schemas import (
    STORED_ELIGIBILITY,
    ApplicantPublic,
    StageEventPublic,
    TalentPoolEntry,
)
from services.returners.handover.schemas import EmploymentSummary
from services.returners.hosts.schemas import HostPlacementPublic
from services.returners.models import Applicant, HostPlacement, StageEvent
from services.returners.rules import MOVES, TALENT_POOL, Stage


def applicant_public(session: Session, applicant: Applicant) -> ApplicantPublic:
    placement = session.exec(select(HostPlacement).where(HostPlacement.applicant_id == applicant.id)).first()
    employment = None
    if applicant.employed_council is not None and applicant.employed_from is not None:
        employment = EmploymentSummary(
            council=applicant.employed_council,
            start_date=applicant.employed_from,
            agency=bool(applicant.employed_agency),
            fte=applicant.employed_fte,
            org_role=applicant.employed_org_role,
            placements_worker_id=applicant.placements_worker_id,
            placements_employment_id=applicant.placements_employment_id,
        )
    return ApplicantPublic(
        **applicant.model_dump(exclude={"eligibility", "stage"}),
        stage=Stage(applicant.stage),
        eligibility=STORED_ELIGIBILITY.validate_json(applicant.eligibility) if applicant.eligibility else None,
        host_placement=HostPlacementPublic.model_validate(placement) if placement else None,
        employment=employment,
        allowed_actions=MOVES.allowed(Stage(applicant.stage)),
    )


def get_applicant(session: Session, principal: Principal, applicant_id: uuid.UUID) -> ApplicantPublic:
    return applicant_public(session, read_applicant(session, principal, applicant_id))


def _audited_page(session: Session, principal: Principal, query, page: PageParams) -> tuple[list[Applicant], int]:
    rows, total = paginate(session, query, page)
    if rows:
        audit(session, principal, "read", "applicant", [str(row.id) for row in rows])
    return rows, total


def list_applicants(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    cohort_id: uuid.UUID | None = None,
    stage: Stage | None = None,
) -> tuple[list[ApplicantPublic], int]:
    query = select(Applicant).where(applicant_scope(principal))
    if cohort_id is not None:
        query = query.where(Applicant.cohort_id == cohort_id)
    if stage is not None:
        query = query.where(Applicant.stage == stage.value)
    rows, total = _audited_page(session, principal, query.order_by(Applicant.created_at, Applicant.id), page)
    return [applicant_public(session, row) for row in rows], total


def talent_pool(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    region: str | None = None,
    cohort_id: uuid.UUID | None = None,
) -> tuple[list[TalentPoolEntry], int]:
    """Applicants not taken on by selection, whom member councils may recruit from."""
    query = select(Applicant).where(Applicant.stage == TALENT_POOL.value)
    if region is not None:
        query = query.where(func.lower(Applicant.region) == region.lower())
    if cohort_id is not None:
        query = query.where(Applicant.cohort_id == cohort_id)
    rows, total = _audited_page(
        session, principal, query.order_by(col(Applicant.stage_since).desc(), Applicant.id), page
    )
    entries = [
        TalentPoolEntry(
            **row.model_dump(include=set(TalentPoolEntry.model_fields) - {"in_pool_since"}),
            in_pool_since=row.stage_since,
        )
        for row in rows
    ]
    return entries, total


def stage_events(session: Session, principal: Principal, applicant_id: uuid.UUID) -> list[StageEventPublic]:
    applicant = read_applicant(session, principal, applicant_id)
    events = session.exec(
        select(StageEvent)
        .where(StageEvent.applicant_id == applicant.id)
        .order_by(StageEvent.recorded_at, StageEvent.effective_on, StageEvent.id)
    )
    return [StageEventPublic.model_validate(event) for event in events]
