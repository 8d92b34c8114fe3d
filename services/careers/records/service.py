"""A social worker's career record: their level history (the level in force today is their level), ASYE
reviews and experience from placements. Reads by anyone but the worker and every change are audited here."""

import uuid
from datetime import date

from sqlmodel import Session, select

from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.framework.local_grades import local_grade_for
from services.careers.models import AsyeReview, CareerLevel, CareerRecord, LevelChange
from services.careers.placements_client import WorkerEmployment
from services.careers.records.schemas import (
    AsyeProgress,
    AsyeReviewCreate,
    AsyeReviewStatus,
    CareerRecordCreate,
    CareerRecordPublic,
    CareerRecordUpdate,
    ExperiencePublic,
    LevelChangeCreate,
    LevelChangePublic,
)
from services.careers.rules import (
    ASYE_REVIEW_MONTHS,
    HowReached,
    LevelChangeFact,
    asye_review_due,
    current_change,
    outcomes_for,
    review_order_problem,
)
from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import Conflict, NotFound, invalid
from services.common.models import utcnow

NO_RECORD = "There is no career record for this worker yet: their council's HR starts it with their level."
ENTITY = "career_record"


def find_record(session: Session, swe_number: str) -> CareerRecord | None:
    return session.exec(select(CareerRecord).where(CareerRecord.swe_number == swe_number)).first()


def get_record(session: Session, swe_number: str) -> CareerRecord:
    record = find_record(session, swe_number)
    if record is None:
        raise NotFound(NO_RECORD, code="no_career_record")
    return record


def level_history(session: Session, record_id: uuid.UUID) -> list[LevelChange]:
    """Oldest first by effective date; two on one day in the order they were recorded."""
    return list(
        session.exec(
            select(LevelChange)
            .where(LevelChange.record_id == record_id)
            .order_by(LevelChange.effective_on, LevelChange.recorded_at, LevelChange.id)
        )
    )


def level_in_force(history: list[LevelChange], today: date) -> LevelChange | None:
    facts = [LevelChangeFact(0, change.effective_on, order) for order, change in enumerate(history)]
    chosen = current_change(facts, today)
    return history[chosen.order] if chosen else None


def current_level_of(session: Session, record: CareerRecord, today: date) -> LevelChange | None:
    return level_in_force(level_history(session, record.id), today)


def next_level_rank(session: Session, index: FrameworkIndex, record: CareerRecord, on: date) -> int | None:
    """The rank of the level above the one the worker holds on `on` (None at the top)."""
    current = current_level_of(session, record, on)
    return index.rank_after(current.level_id if current else None)


def add_level(
    session: Session,
    principal: Principal,
    worker: WorkerEmployment,
    record: CareerRecord,
    level: CareerLevel,
    pathway_id: uuid.UUID | None,
    effective_on: date,
    reason: str,
    application_id: uuid.UUID | None = None,
) -> LevelChange:
    change = LevelChange(
        record_id=record.id,
        level_id=level.id,
        pathway_id=pathway_id,
        effective_on=effective_on,
        reason=reason,
        application_id=application_id,
        council=principal.council if principal.role is Role.council_hr else worker.council,
        recorded_by=principal.subject,
    )
    session.add(change)
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    return change


# --- The record as the front end shows it ------------------------------------------------------


def experience_public(worker: WorkerEmployment) -> ExperiencePublic:
    experience = worker.experience
    return ExperiencePublic(
        days=experience.days,
        years=experience.years,
        councils=experience.councils,
        councils_in_post=worker.councils_in_post,
    )


def _asye_progress(session: Session, record: CareerRecord, today: date) -> AsyeProgress | None:
    if record.asye_started_on is None:
        return None
    reviews = {r.month: r for r in session.exec(select(AsyeReview).where(AsyeReview.record_id == record.id))}
    statuses = []
    for month in ASYE_REVIEW_MONTHS:
        due_on = asye_review_due(record.asye_started_on, month)
        review = reviews.get(month)
        statuses.append(
            AsyeReviewStatus(
                month=month,
                due_on=due_on,
                outcome=review.outcome if review else None,
                reviewed_on=review.reviewed_on if review else None,
                notes=review.notes if review else None,
                overdue=review is None and due_on < today,
            )
        )
    final = reviews.get(ASYE_REVIEW_MONTHS[-1])
    return AsyeProgress(
        started_on=record.asye_started_on,
        reviews=statuses,
        next_review=next((s for s in statuses if s.outcome is None), None),
        status=final.outcome if final else "in_progress",
    )


def _change_public(index: FrameworkIndex, change: LevelChange) -> LevelChangePublic:
    return LevelChangePublic(
        id=change.id,
        level=index.level_ref(change.level_id),
        pathway=index.pathway_ref(change.pathway_id),
        effective_on=change.effective_on,
        reason=change.reason,
        application_id=change.application_id,
        council=change.council,
        recorded_by=change.recorded_by,
        recorded_at=change.recorded_at,
    )


def record_view(session: Session, worker: WorkerEmployment, record: CareerRecord | None = None) -> CareerRecordPublic:
    record = record or get_record(session, worker.swe_number)
    index = load_framework(session)
    history = level_history(session, record.id)
    current = level_in_force(history, worker.today)
    return CareerRecordPublic(
        id=record.id,
        swe_number=record.swe_number,
        level=index.level_ref(current.level_id) if current else None,
        pathway=index.pathway_ref(current.pathway_id) if current else None,
        local_grade=local_grade_for(session, worker.council, current.level_id, current.pathway_id) if current else None,
        qualified_on=record.qualified_on,
        experience=experience_public(worker),
        asye=_asye_progress(session, record, worker.today),
        history=[_change_public(index, change) for change in history],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def read_record(session: Session, principal: Principal, worker: WorkerEmployment) -> CareerRecordPublic:
    view = record_view(session, worker)
    audit(session, principal, "read", ENTITY, str(view.id))
    return view


def _audited_view(
    session: Session, principal: Principal, action: str, worker: WorkerEmployment, record: CareerRecord
) -> CareerRecordPublic:
    audit(session, principal, action, ENTITY, str(record.id))
    return record_view(session, worker, record)


# --- Starting and changing a record (council HR, academy staff) -------------------------------


def _not_after_today(value: date | None, today: date, loc: list[str | int]) -> None:
    if value is not None and value > today:
        raise invalid(loc, "date_in_future", "this date cannot be after today")


def create_record(
    session: Session, principal: Principal, worker: WorkerEmployment, data: CareerRecordCreate
) -> CareerRecordPublic:
    if find_record(session, worker.swe_number) is not None:
        raise Conflict(f"{worker.swe_number} already has a career record; record level changes on it.")
    for name in ("effective_on", "qualified_on", "asye_started_on"):
        _not_after_today(getattr(data, name), worker.today, ["body", name])
    level, pathway = load_framework(session).target(data.level, data.pathway)
    record = CareerRecord(
        swe_number=worker.swe_number, qualified_on=data.qualified_on, asye_started_on=data.asye_started_on
    )
    session.add(record)
    session.flush()
    add_level(session, principal, worker, record, level, pathway.id if pathway else None, data.effective_on, "initial")
    return _audited_view(session, principal, "create", worker, record)


def update_record(
    session: Session, principal: Principal, worker: WorkerEmployment, data: CareerRecordUpdate
) -> CareerRecordPublic:
    record = get_record(session, worker.swe_number)
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        _not_after_today(value, worker.today, ["body", name])
    record.sqlmodel_update(changes, update={"updated_at": utcnow()})
    session.add(record)
    session.flush()
    return _audited_view(session, principal, "update", worker, record)


def record_level_change(
    session: Session, principal: Principal, worker: WorkerEmployment, data: LevelChangeCreate
) -> CareerRecordPublic:
    """A level reached by recruitment (only to a level the framework says is reached that way), or a
    correction. Panel levels are reached through a progression application, never here."""
    record = get_record(session, worker.swe_number)
    index = load_framework(session)
    level, pathway = index.target(data.level, data.pathway)
    if data.reason.value == "recruitment":
        index.check_reached(
            level,
            pathway,
            HowReached.recruitment,
            ["body", "reason"],
            "not_reached_by_recruitment",
            lambda how: (
                (how or "not by recruitment") + (": through a progression application" if how == "panel" else "")
            ),
        )
    add_level(
        session, principal, worker, record, level, pathway.id if pathway else None, data.effective_on, data.reason.value
    )
    return _audited_view(session, principal, "update", worker, record)


def record_asye_review(
    session: Session, principal: Principal, worker: WorkerEmployment, data: AsyeReviewCreate
) -> CareerRecordPublic:
    """Record a review in order; a passed 12-month review moves the worker to the level the framework
    reaches automatically after the ASYE, from the review's date."""
    record = get_record(session, worker.swe_number)
    if record.asye_started_on is None:
        raise Conflict("Record when the worker's ASYE started (asye_started_on) before its reviews.")
    if data.month not in ASYE_REVIEW_MONTHS:
        raise invalid(["body", "month"], "invalid_month", "ASYE reviews are at 3, 6, 9 and 12 months")
    if data.outcome.value not in outcomes_for(data.month):
        allowed = " or ".join(sorted(outcomes_for(data.month)))
        raise invalid(["body", "outcome"], "invalid_outcome", f"the {data.month}-month review's outcome is {allowed}")
    _not_after_today(data.reviewed_on, worker.today, ["body", "reviewed_on"])
    if data.reviewed_on < record.asye_started_on:
        raise invalid(["body", "reviewed_on"], "before_asye", "the review cannot be before the ASYE started")
    done = session.exec(select(AsyeReview.month).where(AsyeReview.record_id == record.id)).all()
    problem = review_order_problem(data.month, done)
    if problem:
        raise Conflict(problem[0].upper() + problem[1:] + ".")
    session.add(
        AsyeReview(
            record_id=record.id,
            month=data.month,
            outcome=data.outcome.value,
            reviewed_on=data.reviewed_on,
            notes=data.notes,
            recorded_by=principal.subject,
        )
    )
    session.flush()
    if data.outcome.value == "passed":
        _progress_automatically(session, principal, worker, record, data.reviewed_on)
    return _audited_view(session, principal, "update", worker, record)


def _progress_automatically(
    session: Session, principal: Principal, worker: WorkerEmployment, record: CareerRecord, on: date
) -> None:
    index = load_framework(session)
    following = next_level_rank(session, index, record, on)
    for level in index.levels:
        requirement = index.requirement(level, None)
        if level.rank == following and requirement and requirement.how_reached == HowReached.automatic:
            add_level(session, principal, worker, record, level, None, on, "asye_passed")
            return
