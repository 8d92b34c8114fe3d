"""The stage funnel: moving an applicant by the transition table, with what a stage needs that the table
cannot know (cohort capacity, a host matched, updating done), and the event each move records."""

import uuid
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import Conflict, invalid
from services.common.models import utcnow
from services.common.transitions import InvalidTransition
from services.returners.access import visible_applicant
from services.returners.applicants.schemas import ApplicantPublic, TransitionCreate
from services.returners.applicants.service import applicant_public
from services.returners.cohorts.service import get_cohort_row
from services.returners.hosts import service as hosts
from services.returners.models import Applicant, StageEvent
from services.returners.rules import HOLDING_A_PLACE, MOVES, Action, Stage
from services.returners.updating import service as updating

ENQUIRE = "enquire"


def record_event(
    session: Session,
    applicant: Applicant,
    action: str,
    to_stage: Stage,
    actor: str,
    actor_role: str,
    effective_on: date,
    note: str | None = None,
) -> StageEvent:
    event = StageEvent(
        applicant_id=applicant.id,
        from_stage=applicant.stage if action != ENQUIRE else None,
        to_stage=to_stage.value,
        action=action,
        effective_on=effective_on,
        note=note,
        actor=actor,
        actor_role=actor_role,
    )
    applicant.stage = to_stage.value
    applicant.stage_since = event.effective_on
    applicant.updated_at = utcnow()
    session.add(applicant)
    session.add(event)
    return event


def _conflict_for(error: InvalidTransition) -> Conflict:
    return Conflict(
        str(error) + ".",
        stage=error.state.value,
        action=error.action.value,
        allowed_actions=[action.value for action in error.allowed],
    )


def check_transition(applicant: Applicant, action: Action) -> Stage:
    try:
        return MOVES.next(Stage(applicant.stage), action)
    except InvalidTransition as error:
        raise _conflict_for(error)


def move(
    session: Session,
    principal: Principal,
    applicant: Applicant,
    action: Action,
    effective_on: date,
    note: str | None = None,
) -> StageEvent:
    """Apply one funnel action, taking effect on `effective_on`, to an applicant already loaded for update:
    the transition table first, then what the stage needs that the table cannot know (capacity, a host,
    updating done)."""
    target = check_transition(applicant, action)
    if effective_on < applicant.stage_since:
        raise invalid(
            ["body", "effective_on"],
            "before_current_stage",
            "too early",
            detail=f"The effective date is before the current stage began ({applicant.stage_since}).",
        )
    if target is Stage.offered:
        _check_cohort_capacity(session, applicant)
    elif target is Stage.supervised_practice and hosts.active_placement(session, applicant.id) is None:
        raise Conflict("Match the applicant to a host council before supervised practice starts.")
    elif target is Stage.restoration_applied:
        progress = updating.progress_for(session, applicant, effective_on)
        if not progress.complete:
            raise Conflict(
                f"Updating is not complete: {progress.counted_days} of {progress.required_days} day(s) count "
                f"in the 12 months to {effective_on}.",
                remaining_days=str(progress.remaining_days),
            )
        applicant.restoration_applied_on = effective_on
    elif target is Stage.withdrawn:
        hosts.release(session, applicant.id)
    return record_event(
        session, applicant, action.value, target, principal.subject, principal.role.value, effective_on, note
    )


def _check_cohort_capacity(session: Session, applicant: Applicant) -> None:
    cohort = get_cohort_row(session, applicant.cohort_id, for_update=True)
    holding = session.exec(
        select(func.count())
        .select_from(Applicant)
        .where(
            Applicant.cohort_id == cohort.id,
            col(Applicant.stage).in_([stage.value for stage in HOLDING_A_PLACE]),
        )
    ).one()
    if holding >= cohort.capacity:
        raise Conflict(f"The cohort {cohort.name!r} is full: all {cohort.capacity} place(s) are offered.")


def updated(session: Session, principal: Principal, applicant: Applicant) -> ApplicantPublic:
    """The change to an applicant audited, and the applicant as answered."""
    audit(session, principal, "update", "applicant", str(applicant.id))
    return applicant_public(session, applicant)


def transition(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: TransitionCreate,
    today: date,
) -> ApplicantPublic:
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    move(session, principal, applicant, Action(data.action), data.effective_on or today, data.note)
    return updated(session, principal, applicant)
