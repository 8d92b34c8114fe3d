"""Applicants: the public enquiry, the application and its eligibility, the stage funnel, who sees whom."""

import json
import uuid
from dataclasses import asdict
from datetime import date

from fastapi.encoders import jsonable_encoder
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.models import AuditEvent, utcnow
from services.common.pagination import PageParams, paginate
from services.common.settings import get_settings
from services.returners import hosts, updating
from services.returners.access import applicant_scope, visible_applicant
from services.returners.cohorts import cohort_rules, get_cohort_row
from services.returners.models import Applicant, HostPlacement, StageEvent
from services.returners.rules import (
    HOLDING_A_PLACE,
    TALENT_POOL,
    Action,
    ApplicationFacts,
    InvalidTransition,
    Stage,
    allowed_actions,
    assess_eligibility,
    next_stage,
)
from services.returners.schemas import (
    ApplicantCreate,
    ApplicantPublic,
    ApplicationCreate,
    EligibilityPublic,
    EmploymentSummary,
    EnquiryCreate,
    HostPlacementPublic,
    StageEventPublic,
    TalentPoolEntry,
    TransitionCreate,
)

PUBLIC_ENQUIRY = "public-enquiry"


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
        eligibility=EligibilityPublic.model_validate_json(applicant.eligibility) if applicant.eligibility else None,
        host_placement=HostPlacementPublic.model_validate(placement) if placement else None,
        employment=employment,
        allowed_actions=allowed_actions(Stage(applicant.stage)),
    )


# --- Enquiries ---------------------------------------------------------------------------------


def _record_event(
    session: Session,
    applicant: Applicant,
    action: str,
    to_stage: Stage,
    actor: str,
    actor_role: str,
    effective_on: date | None = None,
    note: str | None = None,
) -> StageEvent:
    event = StageEvent(
        applicant_id=applicant.id,
        from_stage=applicant.stage if action != "enquire" else None,
        to_stage=to_stage.value,
        action=action,
        effective_on=effective_on or date.today(),
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


def submit_enquiry(session: Session, data: EnquiryCreate, request_id: str | None) -> None:
    """Record an enquiry, or a repeat of one on the person who already enquired with this email. The
    caller gets the same answer either way; a repeat never changes the details held."""
    existing = session.exec(select(Applicant).where(Applicant.email == data.email)).first()
    if existing is None:
        applicant = Applicant(
            name=data.name,
            email=data.email,
            phone=data.phone,
            region=data.region,
            consent_at=utcnow(),
            stage=Stage.enquiry.value,
            stage_since=date.today(),
        )
        try:
            with session.begin_nested():
                session.add(applicant)
                session.flush()
                _record_event(session, applicant, "enquire", Stage.enquiry, PUBLIC_ENQUIRY, "public")
                session.flush()
        except IntegrityError:  # the same email enquired at the same moment: this one is the repeat
            existing = session.exec(select(Applicant).where(Applicant.email == data.email)).one()
        else:
            _audit_public(session, "create", applicant.id, request_id)
            return
    # One statement, so two repeats at the same moment both count.
    session.exec(
        update(Applicant)
        .where(col(Applicant.id) == existing.id)
        .values(enquiry_count=Applicant.enquiry_count + 1, last_enquiry_at=utcnow())
    )
    _audit_public(session, "repeat-enquiry", existing.id, request_id)


def _audit_public(session: Session, action: str, applicant_id: uuid.UUID, request_id: str | None) -> None:
    session.add(
        AuditEvent(
            principal=PUBLIC_ENQUIRY,
            role="public",
            action=action,
            entity="applicant",
            entity_id=str(applicant_id),
            request_id=request_id,
        )
    )


def create_applicant(
    session: Session,
    principal: Principal,
    data: ApplicantCreate,
    request_id: str | None,
    enquired_on: date | None = None,
) -> ApplicantPublic:
    """An enquiry keyed in by academy staff, who may be told the email is already known; made today, or on
    the day it was made when keyed in later (the demo's history)."""
    if session.exec(select(Applicant.id).where(Applicant.email == data.email)).first() is not None:
        raise Conflict("An applicant with this email is already recorded.")
    enquired_on = enquired_on or date.today()
    applicant = Applicant(**data.model_dump(), consent_at=utcnow(), stage=Stage.enquiry.value, stage_since=enquired_on)
    try:
        with session.begin_nested():
            session.add(applicant)
            session.flush()
            _record_event(
                session, applicant, "enquire", Stage.enquiry, principal.subject, principal.role.value, enquired_on
            )
            session.flush()
    except IntegrityError:
        raise Conflict("An applicant with this email is already recorded.")
    audit(session, principal, "create", "applicant", str(applicant.id), request_id)
    return applicant_public(session, applicant)


# --- Reading -----------------------------------------------------------------------------------


def get_applicant(
    session: Session, principal: Principal, applicant_id: uuid.UUID, request_id: str | None
) -> ApplicantPublic:
    applicant = visible_applicant(session, principal, applicant_id)
    audit(session, principal, "read", "applicant", str(applicant.id), request_id)
    return applicant_public(session, applicant)


def list_applicants(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    cohort_id: uuid.UUID | None = None,
    stage: Stage | None = None,
    request_id: str | None = None,
) -> tuple[list[ApplicantPublic], int]:
    query = select(Applicant).where(applicant_scope(principal))
    if cohort_id is not None:
        query = query.where(Applicant.cohort_id == cohort_id)
    if stage is not None:
        query = query.where(Applicant.stage == stage.value)
    rows, total = paginate(session, query.order_by(Applicant.created_at, Applicant.id), page)
    if rows:
        audit(session, principal, "read", "applicant", [str(row.id) for row in rows], request_id)
    return [applicant_public(session, row) for row in rows], total


def talent_pool(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    region: str | None = None,
    cohort_id: uuid.UUID | None = None,
    request_id: str | None = None,
) -> tuple[list[TalentPoolEntry], int]:
    """Applicants not taken on by selection, whom member councils may recruit from."""
    query = select(Applicant).where(Applicant.stage == TALENT_POOL.value)
    if region is not None:
        query = query.where(func.lower(Applicant.region) == region.lower())
    if cohort_id is not None:
        query = query.where(Applicant.cohort_id == cohort_id)
    rows, total = paginate(session, query.order_by(col(Applicant.stage_since).desc(), Applicant.id), page)
    if rows:
        audit(session, principal, "read", "applicant", [str(row.id) for row in rows], request_id)
    entries = [
        TalentPoolEntry(
            **row.model_dump(include=set(TalentPoolEntry.model_fields) - {"in_pool_since"}),
            in_pool_since=row.stage_since,
        )
        for row in rows
    ]
    return entries, total


def stage_events(
    session: Session, principal: Principal, applicant_id: uuid.UUID, request_id: str | None
) -> list[StageEventPublic]:
    applicant = visible_applicant(session, principal, applicant_id)
    audit(session, principal, "read", "applicant", str(applicant.id), request_id)
    events = session.exec(
        select(StageEvent)
        .where(StageEvent.applicant_id == applicant.id)
        .order_by(StageEvent.recorded_at, StageEvent.effective_on, StageEvent.id)
    )
    return [StageEventPublic.model_validate(event) for event in events]


# --- The application and eligibility -----------------------------------------------------------


def _conflict_for(error: InvalidTransition) -> Conflict:
    return Conflict(
        str(error) + ".",
        stage=error.stage.value,
        action=error.action.value,
        allowed_actions=[action.value for action in error.allowed],
    )


def check_transition(applicant: Applicant, action: Action) -> Stage:
    try:
        return next_stage(Stage(applicant.stage), action)
    except InvalidTransition as error:
        raise _conflict_for(error)


def submit_application(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: ApplicationCreate,
    request_id: str | None,
) -> ApplicantPublic:
    """Record the application, decide eligibility against the cohort's rules, and move the applicant to
    applied (eligible) or not eligible, keeping the explanation."""
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    check_transition(applicant, Action.apply)
    cohort = get_cohort_row(session, data.cohort_id)
    applied_on = data.applied_on or date.today()
    problems = []
    if not cohort.intake_opens <= applied_on <= cohort.intake_closes:
        problems.append(
            (
                "applied_on",
                "outside_intake",
                f"the cohort takes applications from {cohort.intake_opens} to {cohort.intake_closes}",
            )
        )
    for field in ("date_last_practised", "date_left_register"):
        if getattr(data, field) > applied_on:
            problems.append((field, "after_application", f"{field} is after the application date {applied_on}"))
    if problems:
        raise InvalidInput(
            "The application cannot be taken as it is.",
            errors=[{"loc": ["body", field], "code": code, "message": message} for field, code, message in problems],
        )
    decision = assess_eligibility(
        ApplicationFacts(
            application_date=applied_on,
            date_last_practised=data.date_last_practised,
            date_left_register=data.date_left_register,
            years_statutory_practice=data.years_statutory_practice,
        ),
        cohort_rules(cohort),
        get_settings().returners_swe_rules_from,
    )
    applicant.cohort_id = cohort.id
    applicant.registration_number = data.registration_number
    applicant.date_last_practised = data.date_last_practised
    applicant.date_left_register = data.date_left_register
    applicant.years_statutory_practice = data.years_statutory_practice
    applicant.applied_on = applied_on
    applicant.eligible = decision.eligible
    applicant.updating_days_required = decision.updating_days_required
    applicant.eligibility = json.dumps(jsonable_encoder(asdict(decision)))
    action = Action.apply if decision.eligible else Action.rule_not_eligible
    _record_event(
        session,
        applicant,
        action.value,
        check_transition(applicant, action),
        principal.subject,
        principal.role.value,
        effective_on=applied_on if applied_on >= applicant.stage_since else applicant.stage_since,
        note=decision.reason[:500],
    )
    audit(session, principal, "update", "applicant", str(applicant.id), request_id)
    return applicant_public(session, applicant)


def eligibility(
    session: Session, principal: Principal, applicant_id: uuid.UUID, request_id: str | None
) -> EligibilityPublic:
    applicant = visible_applicant(session, principal, applicant_id)
    if applicant.eligibility is None:
        raise NotFound("This applicant has not applied yet, so there is no eligibility decision.")
    audit(session, principal, "read", "applicant", str(applicant.id), request_id)
    return EligibilityPublic.model_validate_json(applicant.eligibility)


# --- Transitions -------------------------------------------------------------------------------


def move(
    session: Session,
    principal: Principal,
    applicant: Applicant,
    action: Action,
    effective_on: date | None = None,
    note: str | None = None,
) -> StageEvent:
    """Apply one funnel action to an applicant already loaded for update: the transition table first,
    then what the stage needs that the table cannot know (capacity, a host, updating done)."""
    target = check_transition(applicant, action)
    effective_on = effective_on or date.today()
    if effective_on < applicant.stage_since:
        raise InvalidInput(
            f"The effective date is before the current stage began ({applicant.stage_since}).",
            errors=[{"loc": ["body", "effective_on"], "code": "before_current_stage", "message": "too early"}],
        )
    if target is Stage.offered:
        _check_cohort_capacity(session, applicant)
    elif target is Stage.supervised_practice and hosts.active_placement(session, applicant.id) is None:
        raise Conflict("Match the applicant to a host council before supervised practice starts.")
    elif target is Stage.restoration_applied:
        progress = updating.progress_for(session, applicant, window_end=effective_on)
        if not progress.complete:
            raise Conflict(
                f"Updating is not complete: {progress.counted_days} of {progress.required_days} day(s) count "
                f"in the 12 months to {effective_on}.",
                remaining_days=str(progress.remaining_days),
            )
        applicant.restoration_applied_on = effective_on
    elif target is Stage.withdrawn:
        hosts.release(session, applicant.id)
    return _record_event(
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


def transition(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: TransitionCreate,
    request_id: str | None,
) -> ApplicantPublic:
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    move(session, principal, applicant, Action(data.action), data.effective_on, data.note)
    audit(session, principal, "update", "applicant", str(applicant.id), request_id)
    return applicant_public(session, applicant)
