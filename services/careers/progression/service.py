"""Progression applications: who sees which, how they read, and the worker's drafts.

The transitions are data (rules.TRANSITIONS) taken in progression/transitions.py. A declined application is
final: the worker resubmits by opening a new draft for the same level, which links back to the declined one
(`resubmission_of`)."""

import uuid

from sqlmodel import Session, col, func, select

from services.careers.access import is_own, own_swe
from services.careers.evidence.schemas import EvidencePublic
from services.careers.evidence.service import owned_evidence
from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.models import (
    ApplicationEvent,
    ApplicationEvidence,
    CareerLevel,
    CareerPathway,
    CareerRecord,
    EvidenceItem,
    ProgressionApplication,
)
from services.careers.placements_client import WorkerEmployment, WorkerFor
from services.careers.progression.schemas import (
    ApplicationCreate,
    ApplicationEventPublic,
    ApplicationPublic,
    ApplicationSummary,
    ApplicationUpdate,
)
from services.careers.records.service import get_record, next_level_rank
from services.careers.rules import ACTORS, APPLICATION, EDITABLE, OPEN, Action, Actor, ApplicationState, HowReached
from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.db import release_reads
from services.common.errors import Conflict, Forbidden, NotFound, invalid
from services.common.models import utcnow
from services.common.pagination import PageParams, paginate

NOT_FOUND = "No progression application with this id was found."
ENTITY = "progression_application"
EVIDENCE_IDS = ["body", "evidence_ids"]


# --- Reading -----------------------------------------------------------------------------------


def attached_evidence(session: Session, application_id: uuid.UUID) -> list[EvidenceItem]:
    return list(
        session.exec(
            select(EvidenceItem)
            .join(ApplicationEvidence, col(ApplicationEvidence.evidence_id) == EvidenceItem.id)
            .where(ApplicationEvidence.application_id == application_id)
            .order_by(EvidenceItem.dated_on, EvidenceItem.id)
        )
    )


def _events(session: Session, application_id: uuid.UUID) -> list[ApplicationEvent]:
    return list(
        session.exec(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.sequence)
        )
    )


def may_act_as(
    principal: Principal, actor: Actor, application: ProgressionApplication, worker: WorkerEmployment
) -> bool:
    if actor is Actor.worker:
        return is_own(principal, application.swe_number)
    works_here = principal.role is Role.council_hr and principal.council in worker.councils_in_post
    if actor is Actor.council:
        return works_here
    return works_here or principal.role is Role.academy_admin


def allowed_actions(
    principal: Principal, application: ProgressionApplication, worker: WorkerEmployment
) -> list[Action]:
    possible = APPLICATION.allowed(ApplicationState(application.state))
    return [action for action in possible if may_act_as(principal, ACTORS[action], application, worker)]


def application_public(
    session: Session,
    principal: Principal,
    application: ProgressionApplication,
    worker: WorkerEmployment,
    index: FrameworkIndex | None = None,
) -> ApplicationPublic:
    index = index or load_framework(session)
    return ApplicationPublic.model_validate(
        {
            **_columns(index, application),
            "evidence": [EvidencePublic.model_validate(item) for item in attached_evidence(session, application.id)],
            "events": [ApplicationEventPublic.model_validate(event) for event in _events(session, application.id)],
            "allowed_actions": allowed_actions(principal, application, worker),
        }
    )


def visible_application(
    session: Session,
    principal: Principal,
    application_id: uuid.UUID,
    worker_for: WorkerFor,
    *,
    for_update: bool = False,
) -> tuple[ProgressionApplication, WorkerEmployment]:
    """The application, if the principal may see it: the worker's own; council HR of the council handling
    it or of the worker's employer now; academy staff any. Otherwise 404, as if it did not exist.

    The worker's spells come from placements, so the read of the application ends before that call; to
    change it, it is read again, locked, in the transaction that will write."""
    application = session.get(ProgressionApplication, application_id)
    if application is None:
        raise NotFound(NOT_FOUND)
    release_reads(session)
    worker = worker_for(application.swe_number)
    if for_update:
        session.refresh(application, with_for_update=True)
    if principal.role is Role.social_worker:
        visible = is_own(principal, application.swe_number)
    elif principal.role is Role.council_hr:
        visible = application.council == principal.council or principal.council == worker.employer
    else:
        visible = principal.is_regional
    if not visible:
        raise NotFound(NOT_FOUND)
    return application, worker


def read_application(
    session: Session, principal: Principal, application_id: uuid.UUID, worker_for: WorkerFor
) -> ApplicationPublic:
    application, worker = visible_application(session, principal, application_id, worker_for)
    audit(session, principal, "read", ENTITY, str(application.id))
    return application_public(session, principal, application, worker)


def _columns(index: FrameworkIndex, row: ProgressionApplication) -> dict[str, object]:
    """The application's own columns, with the level and pathway it aims at named as the framework names them."""
    return {
        **row.model_dump(),
        "level": index.level_ref(row.target_level_id),
        "pathway": index.pathway_ref(row.target_pathway_id),
    }


def _summary(index: FrameworkIndex, row: ProgressionApplication) -> ApplicationSummary:
    return ApplicationSummary.model_validate(_columns(index, row))


def list_applications(
    session: Session,
    principal: Principal,
    page: PageParams,
    state: ApplicationState | None = None,
    council: str | None = None,
    swe_number: str | None = None,
) -> tuple[list[ApplicationSummary], int]:
    """A social worker's own; a council's queue (those it handles); everything for academy staff."""
    query = select(ProgressionApplication)
    if principal.role is Role.social_worker:
        query = query.where(ProgressionApplication.swe_number == own_swe(principal))
    elif principal.role is Role.council_hr:
        if council and council != principal.council:
            return [], 0
        query = query.where(ProgressionApplication.council == principal.council)
    elif not principal.is_regional:
        raise Forbidden("Your role may not read progression applications.")
    elif council:
        query = query.where(ProgressionApplication.council == council)
    if state is not None:
        query = query.where(ProgressionApplication.state == state.value)
    if swe_number is not None:
        query = query.where(ProgressionApplication.swe_number == swe_number)
    query = query.order_by(col(ProgressionApplication.updated_at).desc(), ProgressionApplication.id)
    rows, total = paginate(session, query, page)
    index = load_framework(session)
    return [_summary(index, row) for row in rows], total


def list_worker_applications(
    session: Session, swe_number: str, page: PageParams
) -> tuple[list[ApplicationSummary], int]:
    query = (
        select(ProgressionApplication)
        .where(ProgressionApplication.swe_number == swe_number)
        .order_by(col(ProgressionApplication.created_at).desc(), ProgressionApplication.id)
    )
    rows, total = paginate(session, query, page)
    index = load_framework(session)
    return [_summary(index, row) for row in rows], total


# --- Writing: events, evidence, drafts ---------------------------------------------------------


def add_event(
    session: Session,
    principal: Principal,
    application: ProgressionApplication,
    action: str,
    from_state: ApplicationState | None,
    to_state: ApplicationState,
    note: str | None,
) -> None:
    sequence = session.exec(
        select(func.count()).select_from(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
    ).one()
    session.add(
        ApplicationEvent(
            application_id=application.id,
            action=action,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value,
            actor=principal.subject,
            actor_role=principal.role.value,
            actor_council=principal.council,
            note=note,
            sequence=sequence + 1,
        )
    )


def attach(session: Session, application: ProgressionApplication, evidence: list[EvidenceItem]) -> None:
    for link in session.exec(select(ApplicationEvidence).where(ApplicationEvidence.application_id == application.id)):
        session.delete(link)
    session.flush()
    session.add_all(ApplicationEvidence(application_id=application.id, evidence_id=item.id) for item in evidence)


def _check_target(
    session: Session, index: FrameworkIndex, record: CareerRecord, data: ApplicationCreate, worker: WorkerEmployment
) -> tuple[CareerLevel, CareerPathway | None]:
    level, pathway = index.target(data.level, data.pathway)
    following = next_level_rank(session, index, record, worker.today)
    if level.rank != following:
        names = ", ".join(lv.code for lv in index.levels if lv.rank == following) or "none: you are at the top"
        raise invalid(["body", "level"], "not_next_level", f"you can apply only for the next level ({names})")
    index.check_reached(
        level,
        pathway,
        HowReached.panel,
        ["body", "level"],
        "not_reached_by_panel",
        lambda how: f"{how or 'not by application'}, not by a progression application",
    )
    return level, pathway


def create_draft(
    session: Session, principal: Principal, worker: WorkerEmployment, data: ApplicationCreate
) -> ApplicationPublic:
    record = get_record(session, worker.swe_number)
    index = load_framework(session)
    level, pathway = _check_target(session, index, record, data, worker)
    already_open = session.exec(
        select(ProgressionApplication.id).where(
            ProgressionApplication.record_id == record.id,
            col(ProgressionApplication.state).in_([state.value for state in OPEN]),
        )
    ).first()
    if already_open is not None:
        raise Conflict(
            "You already have a progression application open; withdraw it or wait for its decision.",
            application_id=str(already_open),
        )
    pathway_id = pathway.id if pathway else None
    declined = session.exec(
        select(ProgressionApplication.id)
        .where(
            ProgressionApplication.record_id == record.id,
            ProgressionApplication.target_level_id == level.id,
            ProgressionApplication.target_pathway_id == pathway_id
            if pathway_id
            else col(ProgressionApplication.target_pathway_id).is_(None),
            ProgressionApplication.state == ApplicationState.declined.value,
        )
        .order_by(col(ProgressionApplication.updated_at).desc())
    ).first()
    evidence = owned_evidence(session, worker.swe_number, data.evidence_ids, EVIDENCE_IDS)
    application = ProgressionApplication(
        record_id=record.id,
        swe_number=worker.swe_number,
        target_level_id=level.id,
        target_pathway_id=pathway_id,
        state=ApplicationState.draft.value,
        statement=data.statement,
        resubmission_of=declined,
    )
    session.add(application)
    session.flush()
    attach(session, application, evidence)
    add_event(session, principal, application, "create", None, ApplicationState.draft, None)
    session.flush()
    audit(session, principal, "create", ENTITY, str(application.id))
    return application_public(session, principal, application, worker, index)


def update_draft(
    session: Session, principal: Principal, application_id: uuid.UUID, worker_for: WorkerFor, data: ApplicationUpdate
) -> ApplicationPublic:
    application, worker = visible_application(session, principal, application_id, worker_for, for_update=True)
    if not is_own(principal, application.swe_number):
        raise Forbidden("Only the worker changes their application.")
    if ApplicationState(application.state) not in EDITABLE:
        raise Conflict(f"An application that is {application.state} cannot be changed.")
    changes = data.model_dump(exclude_unset=True)
    if "evidence_ids" in changes:
        ids = changes.pop("evidence_ids") or []
        attach(session, application, owned_evidence(session, application.swe_number, ids, EVIDENCE_IDS))
    application.sqlmodel_update(changes, update={"updated_at": utcnow()})
    session.add(application)
    session.flush()
    return application_public(session, principal, application, worker)
