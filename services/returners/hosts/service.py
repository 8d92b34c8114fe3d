"""Host councils: supervised-practice places each member council offers per cohort, and matching applicants
to them within that capacity, safely when two matches race for the last place."""

import uuid

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, NotFound, invalid
from services.common.models import Council, utcnow
from services.returners.access import visible_applicant
from services.returners.cohorts.service import get_cohort_row
from services.returners.hosts.schemas import (
    HostMatchCreate,
    HostOfferCreate,
    HostOfferPublic,
    HostOfferUpdate,
    HostPlacementPublic,
)
from services.returners.models import HostOffer, HostPlacement
from services.returners.rules import MATCHABLE, Stage

OFFER_NOT_FOUND = "This council offers no places in this cohort."


def check_member_council(session: Session, code: str, field: str = "council") -> None:
    council = session.get(Council, code)
    if council is None or not council.academy_member:
        raise invalid(
            ["body", field],
            "unknown_council",
            f"{code} is not a member",
            detail=f"Council {code} is not one of the academy's councils.",
        )


def _own_council(principal: Principal, council: str) -> None:
    """A council's HR records its own council's offer; academy staff any council's."""
    if principal.role is Role.council_hr and council != principal.council:
        raise Forbidden("You may offer places only for your own council.")


def _insert(session: Session, row: HostOffer | HostPlacement, conflict: str) -> None:
    """Add the row in a savepoint; a uniqueness another request claimed first is a 409 saying `conflict`."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(conflict)


def _offer_query(principal: Principal, cohort_id: uuid.UUID):
    query = select(HostOffer).where(HostOffer.cohort_id == cohort_id)
    if principal.role is Role.council_hr:
        query = query.where(HostOffer.council == principal.council)
    return query


def create_offer(
    session: Session, principal: Principal, cohort_id: uuid.UUID, data: HostOfferCreate
) -> HostOfferPublic:
    _own_council(principal, data.council)
    cohort = get_cohort_row(session, cohort_id)
    check_member_council(session, data.council)
    conflict = f"Council {data.council} already offers places in this cohort; change the number instead."
    if session.exec(_offer_query(principal, cohort.id).where(HostOffer.council == data.council)).first():
        raise Conflict(conflict)
    offer = HostOffer(cohort_id=cohort.id, council=data.council, places=data.places)
    _insert(session, offer, conflict)
    return HostOfferPublic.model_validate(offer)


def list_offers(session: Session, principal: Principal, cohort_id: uuid.UUID) -> list[HostOfferPublic]:
    get_cohort_row(session, cohort_id)
    rows = session.exec(_offer_query(principal, cohort_id).order_by(HostOffer.council))
    return [HostOfferPublic.model_validate(row) for row in rows]


def update_offer(
    session: Session, principal: Principal, cohort_id: uuid.UUID, council: str, data: HostOfferUpdate
) -> HostOfferPublic:
    _own_council(principal, council)
    # Conditional, like a match: never below the places already taken, even against a concurrent match.
    changed = session.exec(
        update(HostOffer)
        .where(
            col(HostOffer.cohort_id) == cohort_id,
            col(HostOffer.council) == council,
            col(HostOffer.places_taken) <= data.places,
        )
        .values(places=data.places, updated_at=utcnow())
    )
    offer = session.exec(
        select(HostOffer).where(HostOffer.cohort_id == cohort_id, HostOffer.council == council)
    ).first()
    if offer is None:
        raise NotFound(OFFER_NOT_FOUND)
    if changed.rowcount == 0:
        raise Conflict(f"{offer.places_taken} place(s) are already taken; the offer cannot go below that.")
    session.refresh(offer)
    return HostOfferPublic.model_validate(offer)


def take_place(session: Session, offer_id: uuid.UUID) -> bool:
    """Take one place if one is free. One conditional statement, so two concurrent matches cannot both
    take the last place: the database serialises the row update and the second finds none left."""
    taken = session.exec(
        update(HostOffer)
        .where(col(HostOffer.id) == offer_id, col(HostOffer.places_taken) < col(HostOffer.places))
        .values(places_taken=HostOffer.places_taken + 1, updated_at=utcnow())
    )
    return taken.rowcount == 1


def active_placement(session: Session, applicant_id: uuid.UUID) -> HostPlacement | None:
    return session.exec(
        select(HostPlacement).where(
            HostPlacement.applicant_id == applicant_id, col(HostPlacement.released_at).is_(None)
        )
    ).first()


def match(
    session: Session,
    principal: Principal,
    applicant_id: uuid.UUID,
    data: HostMatchCreate,
) -> HostPlacementPublic:
    """Give the applicant one of the council's places in their cohort: 409 when none is left."""
    applicant = visible_applicant(session, principal, applicant_id, for_update=True)
    if Stage(applicant.stage) not in MATCHABLE:
        stages = ", ".join(sorted(stage.value for stage in MATCHABLE))
        raise Conflict(f"A host is matched in stages {stages}; the applicant is {applicant.stage}.")
    if session.exec(select(HostPlacement.id).where(HostPlacement.applicant_id == applicant.id)).first():
        raise Conflict("The applicant is already matched to a host council.")
    check_member_council(session, data.council)
    offer = session.exec(
        select(HostOffer).where(HostOffer.cohort_id == applicant.cohort_id, HostOffer.council == data.council)
    ).first()
    if offer is None:
        raise Conflict(f"Council {data.council} offers no places in the applicant's cohort.")
    if not take_place(session, offer.id):
        raise Conflict(f"Council {data.council} has no supervised-practice place left in this cohort.")
    placement = HostPlacement(
        applicant_id=applicant.id, host_offer_id=offer.id, council=offer.council, matched_by=principal.subject
    )
    # Matched by a concurrent request: a 409, and the request rolls back the place taken.
    _insert(session, placement, "The applicant is already matched to a host council.")
    audit(session, principal, "update", "applicant", str(applicant.id))
    return HostPlacementPublic.model_validate(placement)


def release(session: Session, applicant_id: uuid.UUID) -> None:
    """Give a leaving applicant's place back to their host."""
    placement = active_placement(session, applicant_id)
    if placement is None:
        return
    placement.released_at = utcnow()
    session.add(placement)
    session.exec(
        update(HostOffer)
        .where(col(HostOffer.id) == placement.host_offer_id, col(HostOffer.places_taken) > 0)
        .values(places_taken=HostOffer.places_taken - 1, updated_at=utcnow())
    )
