"""Regional opportunities: development posts, secondments and vacancies councils post, the region's
social workers browse and register interest in, and each council sees who registered for its own."""

import uuid
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.careers.access import own_swe
from services.careers.framework.index import FrameworkIndex, load_framework
from services.careers.framework.local_grades import council_to_write
from services.careers.models import CareerRecord, Opportunity, OpportunityInterest
from services.careers.opportunities import schemas
from services.careers.records.service import level_history, level_in_force
from services.common.audit import audit
from services.common.auth import Principal, Role
from services.common.errors import Conflict, Forbidden, NotFound, invalid
from services.common.models import Council, utcnow
from services.common.pagination import PageParams, paginate
from services.common.rows import flush_or_conflict, get_or_404

NOT_FOUND = "No opportunity with this id was found."


def _is_owner(principal: Principal, opportunity: Opportunity) -> bool:
    return principal.role is Role.academy_admin or (
        principal.role is Role.council_hr and principal.council == opportunity.council
    )


def _public(
    session: Session,
    principal: Principal,
    index: FrameworkIndex,
    rows: list[Opportunity],
    today: date,
) -> list[schemas.OpportunityPublic]:
    ids = [row.id for row in rows]
    councils = sorted({row.council for row in rows})
    names: dict[str, str] = {}
    if councils:
        found = session.exec(select(Council.code, Council.name).where(col(Council.code).in_(councils))).all()
        names = {code: name for code, name in found}
    registered: set[uuid.UUID] = set()
    if principal.role is Role.social_worker and ids:
        registered = set(
            session.exec(
                select(OpportunityInterest.opportunity_id).where(
                    col(OpportunityInterest.opportunity_id).in_(ids),
                    OpportunityInterest.swe_number == own_swe(principal),
                )
            )
        )
    counts: dict[uuid.UUID, int] = {}
    owned = [row.id for row in rows if _is_owner(principal, row)]
    if owned:
        counts = dict(
            session.exec(
                select(OpportunityInterest.opportunity_id, func.count())
                .where(col(OpportunityInterest.opportunity_id).in_(owned))
                .group_by(OpportunityInterest.opportunity_id)
            ).all()
        )
    return [
        schemas.OpportunityPublic(
            id=row.id,
            council=row.council,
            council_name=names.get(row.council, row.council),
            kind=schemas.OpportunityKind(row.kind),
            title=row.title,
            level=index.level_ref(row.level_id),
            pathway=index.pathway_ref(row.pathway_id),
            closing_on=row.closing_on,
            open=row.closing_on >= today,
            description=row.description,
            created_at=row.created_at,
            registered=(row.id in registered) if principal.role is Role.social_worker else None,
            interest_count=counts.get(row.id, 0) if row.id in owned else None,
        )
        for row in rows
    ]


def list_opportunities(
    session: Session,
    principal: Principal,
    page: PageParams,
    today: date,
    *,
    level: str | None = None,
    pathway: str | None = None,
    council: str | None = None,
    kind: schemas.OpportunityKind | None = None,
    open_only: bool = True,
) -> tuple[list[schemas.OpportunityPublic], int]:
    """Opportunities across the region, closing soonest first."""
    index = load_framework(session)
    query = select(Opportunity)
    if level is not None:
        chosen, path = index.target(level, pathway, "query", pathway_required=False)
        query = query.where(Opportunity.level_id == chosen.id)
        if path is not None:
            query = query.where(Opportunity.pathway_id == path.id)
    elif pathway is not None:
        ids = [p.id for p in index.pathways if p.code == pathway]
        query = query.where(col(Opportunity.pathway_id).in_(ids))
    if council is not None:
        query = query.where(Opportunity.council == council)
    if kind is not None:
        query = query.where(Opportunity.kind == kind.value)
    if open_only:
        query = query.where(Opportunity.closing_on >= today)
    rows, total = paginate(session, query.order_by(Opportunity.closing_on, Opportunity.id), page)
    return _public(session, principal, index, rows, today), total


def get_opportunity(
    session: Session, principal: Principal, opportunity_id: uuid.UUID, today: date
) -> schemas.OpportunityPublic:
    return _public(
        session,
        principal,
        load_framework(session),
        [get_or_404(session, Opportunity, opportunity_id, NOT_FOUND)],
        today,
    )[0]


def _target(index: FrameworkIndex, level_code: str, pathway_code: str | None):
    level, pathway = index.target(level_code, pathway_code, pathway_required=False)
    return level.id, pathway.id if pathway else None


def create_opportunity(
    session: Session, principal: Principal, data: schemas.OpportunityCreate, today: date
) -> schemas.OpportunityPublic:
    council = council_to_write(session, principal, data.council)
    if data.closing_on < today:
        raise invalid(["body", "closing_on"], "closed", "the closing date has passed")
    index = load_framework(session)
    level_id, pathway_id = _target(index, data.level, data.pathway)
    opportunity = Opportunity(
        council=council,
        kind=data.kind.value,
        title=data.title,
        level_id=level_id,
        pathway_id=pathway_id,
        closing_on=data.closing_on,
        description=data.description,
        posted_by=principal.subject,
    )
    session.add(opportunity)
    session.flush()
    return _public(session, principal, index, [opportunity], today)[0]


def _owned(session: Session, principal: Principal, opportunity_id: uuid.UUID) -> Opportunity:
    """An opportunity the principal's council posted (academy staff: any); another council's is 404. The role
    is checked before the lookup, so that a social worker's 403 is the same whether the id exists or not."""
    if principal.role not in (Role.council_hr, Role.academy_admin):
        raise Forbidden("Only the council that posted an opportunity may do this.")
    opportunity = get_or_404(session, Opportunity, opportunity_id, NOT_FOUND)
    if not _is_owner(principal, opportunity):
        raise NotFound(NOT_FOUND)
    return opportunity


def update_opportunity(
    session: Session, principal: Principal, opportunity_id: uuid.UUID, data: schemas.OpportunityUpdate, today: date
) -> schemas.OpportunityPublic:
    opportunity = _owned(session, principal, opportunity_id)
    index = load_framework(session)
    changes = data.model_dump(exclude_unset=True)
    if "level" in changes or "pathway" in changes:
        current_level = index.level_by_id[opportunity.level_id].code
        current_pathway = index.pathway_code(opportunity.pathway_id)
        opportunity.level_id, opportunity.pathway_id = _target(
            index, changes.pop("level", current_level), changes.pop("pathway", current_pathway)
        )
    if "kind" in changes:
        changes["kind"] = changes["kind"].value
    opportunity.sqlmodel_update(changes, update={"updated_at": utcnow()})
    session.add(opportunity)
    session.flush()
    return _public(session, principal, index, [opportunity], today)[0]


# --- Interest ----------------------------------------------------------------------------------


def register_interest(
    session: Session, principal: Principal, opportunity_id: uuid.UUID, data: schemas.InterestCreate, today: date
) -> schemas.InterestPublic:
    swe_number = own_swe(principal)
    opportunity = get_or_404(session, Opportunity, opportunity_id, NOT_FOUND)
    if opportunity.closing_on < today:
        raise Conflict(f"This opportunity closed on {opportunity.closing_on}.")
    conflict = "You have already registered interest in this opportunity."
    taken = select(OpportunityInterest.id).where(
        OpportunityInterest.opportunity_id == opportunity.id, OpportunityInterest.swe_number == swe_number
    )
    if session.exec(taken).first():
        raise Conflict(conflict)
    interest = OpportunityInterest(opportunity_id=opportunity.id, swe_number=swe_number, note=data.note)
    session.add(interest)
    flush_or_conflict(session, conflict)
    audit(session, principal, "create", "opportunity_interest", str(interest.id))
    return _interest_public(session, load_framework(session), [interest], today)[0]


def withdraw_interest(session: Session, principal: Principal, opportunity_id: uuid.UUID) -> None:
    swe_number = own_swe(principal)
    interest = session.exec(
        select(OpportunityInterest).where(
            OpportunityInterest.opportunity_id == opportunity_id, OpportunityInterest.swe_number == swe_number
        )
    ).first()
    if interest is None:
        raise NotFound("You have not registered interest in this opportunity.")
    session.delete(interest)
    session.flush()


def _interest_public(
    session: Session, index: FrameworkIndex, rows: list[OpportunityInterest], today: date
) -> list[schemas.InterestPublic]:
    numbers = {row.swe_number for row in rows}
    records = (
        session.exec(select(CareerRecord).where(col(CareerRecord.swe_number).in_(numbers))).all() if numbers else []
    )
    levels = {}
    for record in records:
        current = level_in_force(level_history(session, record.id), today)
        if current:
            levels[record.swe_number] = index.level_ref(current.level_id)
    return [
        schemas.InterestPublic(
            id=row.id,
            opportunity_id=row.opportunity_id,
            swe_number=row.swe_number,
            note=row.note,
            registered_at=row.registered_at,
            level=levels.get(row.swe_number),
        )
        for row in rows
    ]


def list_interest(
    session: Session, principal: Principal, opportunity_id: uuid.UUID, page: PageParams, today: date
) -> tuple[list[schemas.InterestPublic], int]:
    """Who registered for one of the principal's council's opportunities (academy staff: any)."""
    opportunity = _owned(session, principal, opportunity_id)
    query = (
        select(OpportunityInterest)
        .where(OpportunityInterest.opportunity_id == opportunity.id)
        .order_by(OpportunityInterest.registered_at, OpportunityInterest.id)
    )
    rows, total = paginate(session, query, page)
    audit(session, principal, "read", "opportunity_interest", [str(row.id) for row in rows])
    return _interest_public(session, load_framework(session), rows, today), total
