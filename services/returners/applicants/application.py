"""The application: eligibility decided against the cohort's rules and kept with its explanation."""

import json
import uuid
from dataclasses import asdict
from datetime import date

from fastapi.encoders import jsonable_encoder
from sqlmodel import Session

from services.common.audit import audit
from services.common.auth import Principal
from services.common.errors import NotFound, invalid_fields
from services.common.settings import get_settings
from services.returners.access import visible_applicant
from services.returners.applicants.schemas import (
    STORED_ELIGIBILITY,
    ApplicantPublic,
    ApplicationCreate,
    EligibilityPublic,
)
from services.returners.applicants.stages import check_transition, record_event, updated
from services.returners.cohorts.service import cohort_rules, get_cohort_row
from services.returners.rules import Action, ApplicationFacts, assess_eligibility


def submit_application(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: ApplicationCreate,
    today: date,
) -> ApplicantPublic:
    """Record the application, decide eligibility against the cohort's rules, and move the applicant to
    applied (eligible) or not eligible, keeping the explanation."""
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    check_transition(applicant, Action.apply)
    cohort = get_cohort_row(session, data.cohort_id)
    applied_on = data.applied_on or today
    problems = []
    if not cohort.intake_opens <= applied_on <= cohort.intake_closes:
        problems.append(
            (
                ["body", "applied_on"],
                "outside_intake",
                f"the cohort takes applications from {cohort.intake_opens} to {cohort.intake_closes}",
            )
        )
    for field in ("date_last_practised", "date_left_register"):
        if getattr(data, field) > applied_on:
            problems.append(
                (["body", field], "after_application", f"{field} is after the application date {applied_on}")
            )
    if problems:
        raise invalid_fields("The application cannot be taken as it is.", problems)
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
    applicant.sqlmodel_update(
        data.model_dump()
        | {
            "applied_on": applied_on,
            "eligible": decision.eligible,
            "updating_days_required": decision.updating_days_required,
            "eligibility": json.dumps(jsonable_encoder(asdict(decision))),
        }
    )
    action = Action.apply if decision.eligible else Action.rule_not_eligible
    record_event(
        session,
        applicant,
        action.value,
        check_transition(applicant, action),
        principal.subject,
        principal.role.value,
        effective_on=max(applied_on, applicant.stage_since),
        note=decision.reason[:500],
    )
    return updated(session, principal, applicant)


def eligibility(session: Session, principal: Principal, applicant_id: uuid.UUID) -> EligibilityPublic:
    applicant = visible_applicant(session, principal, applicant_id)
    if applicant.eligibility is None:
        raise NotFound("This applicant has not applied yet, so there is no eligibility decision.")
    audit(session, principal, "read", "applicant", str(applicant.id))
    return STORED_ELIGIBILITY.validate_json(applicant.eligibility)
