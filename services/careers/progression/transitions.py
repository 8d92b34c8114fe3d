"""Taking a transition of a progression application: first decided in plain functions (who may, the next
state, what the action needs, what changes, whether the worker's level changes), then acted on in one place.

Who may take it answers 403, whether the state allows it 409 (naming the actions that are allowed), what the
action needs 422."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from services.careers.evidence.service import owned_evidence
from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.models import CareerLevel, CareerRecord, EvidenceItem, ProgressionApplication
from services.careers.placements_client import WorkerEmployment, WorkerFor
from services.careers.progression.schemas import ApplicationPublic
from services.careers.progression.service import (
    ENTITY,
    EVIDENCE_IDS,
    add_event,
    application_public,
    attach,
    attached_evidence,
    may_act_as,
    visible_application,
)
from services.careers.records.service import NO_RECORD, add_level
from services.careers.rules import (
    ACTORS,
    Action,
    Actor,
    ApplicationState,
    missing_evidence,
    next_state,
)
from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, invalid
from services.common.models import utcnow
from services.common.rows import get_or_404
from services.common.transitions import InvalidTransition

WHO_MAY = {
    Actor.worker: "Only the worker the application is for",
    Actor.council: "Only HR of the council the worker is in post at",
    Actor.panel: "Only the panel (HR of the worker's council, or academy staff)",
}


@dataclass(frozen=True)
class LevelReached:
    level: CareerLevel
    pathway_id: uuid.UUID | None
    effective_on: date


@dataclass(frozen=True)
class Step:
    """What taking the action will write, decided before anything is."""

    action: Action
    from_state: ApplicationState
    to_state: ApplicationState
    changes: dict[str, Any]
    note: str | None
    evidence: list[EvidenceItem] | None = None  # replaces the attached evidence when given
    level_reached: LevelReached | None = None


# --- Deciding ----------------------------------------------------------------------------------


def check_actor(
    principal: Principal, application: ProgressionApplication, worker: WorkerEmployment, action: Action
) -> None:
    actor = ACTORS[action]
    if not may_act_as(principal, actor, application, worker):
        raise Forbidden(f"{WHO_MAY[actor]} may do this.")


def following_state(application: ProgressionApplication, action: Action) -> ApplicationState:
    """The state the action leads to; else 409 with the state and the actions it allows."""
    from_state = ApplicationState(application.state)
    try:
        return next_state(from_state, action)
    except InvalidTransition as exc:
        raise Conflict(str(exc), state=from_state.value, allowed=[a.value for a in exc.allowed])


def check_evidence(index: FrameworkIndex, application: ProgressionApplication, evidence: list[EvidenceItem]) -> None:
    """A submission carries evidence, and of each kind the level (on its pathway) needs."""
    level = index.level_by_id[application.target_level_id]
    pathway = index.pathway_by_id.get(application.target_pathway_id) if application.target_pathway_id else None
    requirement = index.requirement(level, pathway)
    kinds = {item.kind for item in evidence}
    lacking = missing_evidence(requirement.evidence_kinds if requirement else [], kinds)
    if not kinds or lacking:
        raise invalid(
            EVIDENCE_IDS,
            "evidence_missing",
            "attach evidence of each kind the level needs" + (f"; missing: {', '.join(lacking)}" if lacking else ""),
        )


def changes_for(
    principal: Principal,
    worker: WorkerEmployment,
    action: Action,
    to_state: ApplicationState,
    feedback: str | None,
    effective_on: date | None,
) -> dict[str, Any]:
    """The application's columns the action sets (the version and time aside)."""
    changes: dict[str, Any] = {"state": to_state.value}
    if action is Action.submit:
        if worker.council is None:
            raise Conflict("No council has you in post today, so no council can endorse this application.")
        changes["council"] = worker.council
        changes["feedback"] = None
    elif action in (Action.return_, Action.decline):
        if not feedback:
            raise invalid(["body", "feedback"], "missing", "say why: feedback is required")
        changes["feedback"] = feedback
    elif action is Action.approve:
        if effective_on is None:
            raise invalid(["body", "effective_on"], "missing", "the approval needs an effective date")
        changes["effective_on"] = effective_on
    if principal.role is Role.council_hr and ACTORS[action] is not Actor.worker:
        changes["council"] = principal.council
    return changes


def decide(
    session: Session,
    index: FrameworkIndex,
    principal: Principal,
    application: ProgressionApplication,
    worker: WorkerEmployment,
    action: Action,
    *,
    note: str | None = None,
    feedback: str | None = None,
    effective_on: date | None = None,
    evidence_ids: list[uuid.UUID] | None = None,
) -> Step:
    """Everything the action will do, or why it may not be taken. Reads only."""
    check_actor(principal, application, worker, action)
    to_state = following_state(application, action)
    evidence = None
    if action is Action.submit:
        if evidence_ids is not None:
            evidence = owned_evidence(session, application.swe_number, evidence_ids, EVIDENCE_IDS)
        check_evidence(index, application, attached_evidence(session, application.id) if evidence is None else evidence)
    changes = changes_for(principal, worker, action, to_state, feedback, effective_on)
    level_reached = None
    if action is Action.approve:
        level = index.level_by_id[application.target_level_id]
        level_reached = LevelReached(level, application.target_pathway_id, changes["effective_on"])
    return Step(
        action=action,
        from_state=ApplicationState(application.state),
        to_state=to_state,
        changes=changes,
        note=note or feedback,
        evidence=evidence,
        level_reached=level_reached,
    )


# --- Acting ------------------------------------------------------------------------------------


def act(
    session: Session, principal: Principal, application: ProgressionApplication, worker: WorkerEmployment, step: Step
) -> None:
    """Write what `step` decided: the application (only one of two concurrent transitions from the same
    version wins; the other is a 409), its evidence, the event, the level reached, the audit."""
    result = session.exec(
        update(ProgressionApplication)
        .where(
            col(ProgressionApplication.id) == application.id,
            col(ProgressionApplication.version) == application.version,
        )
        .values(**step.changes, version=application.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise Conflict("The application changed meanwhile; read it again.")
    session.refresh(application)
    if step.evidence is not None:
        attach(session, application, step.evidence)
    add_event(session, principal, application, step.action.value, step.from_state, step.to_state, step.note)
    if step.level_reached is not None:
        reached = step.level_reached
        record = get_or_404(session, CareerRecord, application.record_id, NO_RECORD)
        add_level(
            session,
            principal,
            worker,
            record,
            reached.level,
            reached.pathway_id,
            reached.effective_on,
            "progression",
            application.id,
        )
    session.flush()
    audit(session, principal, "update", ENTITY, str(application.id))


def transition(
    session: Session,
    principal: Principal,
    application: ProgressionApplication,
    worker: WorkerEmployment,
    action: Action,
    **details,
) -> ApplicationPublic:
    """Take `action` (with its note, feedback, effective date or evidence): decide, then act."""
    index = load_framework(session)
    act(
        session,
        principal,
        application,
        worker,
        decide(session, index, principal, application, worker, action, **details),
    )
    return application_public(session, principal, application, worker, index)


def transition_by_id(
    session: Session, principal: Principal, application_id: uuid.UUID, worker_for: WorkerFor, action: Action, **details
) -> ApplicationPublic:
    application, worker = visible_application(session, principal, application_id, worker_for, for_update=True)
    return transition(session, principal, application, worker, action, **details)
