"""The updating log (supervised practice, formal and private study) and progress toward the days the
regulator requires before restoring someone to the register."""

import uuid
from dataclasses import asdict
from datetime import date

from sqlmodel import Session, select

from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import Conflict, invalid
from services.returners.access import read_applicant, visible_applicant
from services.returners.models import Applicant, Cohort, UpdatingActivity
from services.returners.rules import (
    UPDATING_STAGES,
    ActivityKind,
    LoggedActivity,
    Stage,
    UpdatingProgress,
    supervisor_refusal,
    updating_progress,
)
from services.returners.updating.schemas import (
    ExcludedActivityPublic,
    UpdatingActivityCreate,
    UpdatingActivityPublic,
    UpdatingProgressPublic,
)


def log_activity(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: UpdatingActivityCreate,
) -> UpdatingActivityPublic:
    applicant = visible_applicant(session, principal, applicant_id)
    if Stage(applicant.stage) not in UPDATING_STAGES:
        raise Conflict(f"Updating is logged from application to restoration; the applicant is {applicant.stage}.")
    if data.kind is ActivityKind.supervised_practice:
        refusal = supervisor_refusal(
            data.supervisor_years_registered, bool(data.supervisor_fitness_to_practise_sanction)
        )
        if refusal is not None:
            field, reason = refusal
            raise invalid(["body", field], "supervisor_not_eligible", reason, detail=reason)
    activity = UpdatingActivity(
        **data.model_dump(exclude={"supervisor_fitness_to_practise_sanction"}),
        applicant_id=applicant.id,
        recorded_by=principal.subject,
    )
    activity.kind = data.kind.value
    session.add(activity)
    session.flush()
    audit(session, principal, "update", "applicant", str(applicant.id))
    return UpdatingActivityPublic.model_validate(activity)


def _activities(session: Session, applicant_id: uuid.UUID) -> list[UpdatingActivity]:
    return list(
        session.exec(
            select(UpdatingActivity)
            .where(UpdatingActivity.applicant_id == applicant_id)
            .order_by(UpdatingActivity.started_on, UpdatingActivity.id)
        )
    )


def list_activities(session: Session, principal: Principal, applicant_id: uuid.UUID) -> list[UpdatingActivityPublic]:
    applicant = read_applicant(session, principal, applicant_id)
    return [UpdatingActivityPublic.model_validate(row) for row in _activities(session, applicant.id)]


RESTORATION_APPLICATION = "restoration application"


def progress_for(
    session: Session, applicant: Applicant, window_end: date, ends_at: str = RESTORATION_APPLICATION
) -> UpdatingProgress:
    """Progress in the 12 months to `window_end` (`ends_at` says what that day is)."""
    if applicant.cohort_id is None or applicant.updating_days_required is None:
        raise Conflict("The applicant has not applied yet, so no updating is required of them.")
    cohort = session.get(Cohort, applicant.cohort_id)
    return updating_progress(
        (
            LoggedActivity(str(row.id), ActivityKind(row.kind), row.started_on, row.ended_on, row.hours)
            for row in _activities(session, applicant.id)
        ),
        applicant.updating_days_required,
        cohort.hours_per_day,
        window_end,
        ends_at,
    )


def progress(session: Session, principal: Principal, applicant_id: uuid.UUID, today: date) -> UpdatingProgressPublic:
    """Progress to the restoration application, or to today before one is made."""
    applicant = read_applicant(session, principal, applicant_id)
    if applicant.restoration_applied_on is not None:
        result = progress_for(session, applicant, applicant.restoration_applied_on)
    else:
        result = progress_for(session, applicant, today, "today")
    excluded = [ExcludedActivityPublic(activity_id=item.reference, reason=item.reason) for item in result.excluded]
    return UpdatingProgressPublic(**asdict(result) | {"excluded": excluded})
