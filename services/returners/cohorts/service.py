"""Cohorts: intakes of the programme with their eligibility rules held as data."""

import uuid
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.common.auth import Principal
from services.common.errors import Conflict, NotFound, invalid_fields
from services.common.models import utcnow
from services.common.pagination import PageParams, paginate
from services.common.settings import get_settings
from services.returners.cohorts.schemas import CohortCreate, CohortPublic, CohortUpdate, cohort_problems
from services.returners.models import Cohort
from services.returners.rules import CohortRules

COHORT_NOT_FOUND = "No cohort with this id was found."


def cohort_rules(cohort: Cohort) -> CohortRules:
    return CohortRules(
        min_years_away=cohort.min_years_away,
        max_years_away=cohort.max_years_away,
        min_statutory_practice_years=cohort.min_statutory_practice_years,
        hours_per_day=cohort.hours_per_day,
    )


def get_cohort_row(session: Session, cohort_id: uuid.UUID, for_update: bool = False) -> Cohort:
    query = select(Cohort).where(Cohort.id == cohort_id)
    if for_update:
        query = query.with_for_update()
    cohort = session.exec(query).first()
    if cohort is None:
        raise NotFound(COHORT_NOT_FOUND)
    return cohort


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A cohort called {name!r} already exists.")


def _check_name_free(session: Session, name: str, cohort_id: uuid.UUID | None = None) -> None:
    query = select(Cohort.id).where(Cohort.name == name)
    if cohort_id is not None:
        query = query.where(Cohort.id != cohort_id)
    if session.exec(query).first() is not None:
        raise _name_taken(name)


def _save(session: Session, cohort: Cohort) -> None:
    """Flush the cohort; a name another request took since the check is a 409 too. The name is read before the
    flush: a failed flush ends the transaction, and the row's attributes can no longer be loaded."""
    name = cohort.name
    session.add(cohort)
    try:
        session.flush()
    except IntegrityError:
        raise _name_taken(name)


def create_cohort(session: Session, principal: Principal, data: CohortCreate) -> CohortPublic:
    _check_name_free(session, data.name)
    cohort = Cohort(
        **data.model_dump(exclude={"hours_per_day"}),
        hours_per_day=(data.hours_per_day or get_settings().returners_default_hours_per_day).quantize(Decimal("0.01")),
        created_by=principal.subject,
    )
    _save(session, cohort)
    return CohortPublic.model_validate(cohort)


def list_cohorts(session: Session, page: PageParams) -> tuple[list[CohortPublic], int]:
    rows, total = paginate(session, select(Cohort).order_by(Cohort.intake_opens.desc(), Cohort.id), page)
    return [CohortPublic.model_validate(row) for row in rows], total


def get_cohort(session: Session, cohort_id: uuid.UUID) -> CohortPublic:
    return CohortPublic.model_validate(get_cohort_row(session, cohort_id))


def update_cohort(session: Session, cohort_id: uuid.UUID, data: CohortUpdate) -> CohortPublic:
    cohort = get_cohort_row(session, cohort_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is not None and changes["name"] != cohort.name:
        _check_name_free(session, changes["name"], cohort_id)
    cohort.sqlmodel_update(changes)
    problems = cohort_problems(cohort.intake_opens, cohort.intake_closes, cohort.min_years_away, cohort.max_years_away)
    if problems:
        raise invalid_fields(
            "The cohort would be inconsistent.",
            [(["body", field], code, message) for field, code, message in problems],
        )
    cohort.updated_at = utcnow()
    _save(session, cohort)
    return CohortPublic.model_validate(cohort)
