"""Movement between the region's councils, and the agency engagement check built on each person's history."""

from dataclasses import asdict

from sqlalchemy import select
from sqlmodel import Session

from services.common.audit import audit
from services.common.auth import Principal
from services.common.models import Council
from services.common.moves import move_pairs, moves
from services.common.rounding import half_up
from services.common.settings import get_settings
from services.placements.access import council_to_read
from services.placements.models import Employment, Worker
from services.placements.movements.schemas import (
    AgencyCheckRequest,
    AgencyCheckResult,
    Flow,
    MovementReport,
    MoveOut,
)
from services.placements.rules import AgencyPolicy, SpellFact, check_agency_engagement


def member_councils(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Council.code).where(Council.academy_member)))


def movement_report(session: Session, principal: Principal, census_year: int, window_days: int) -> MovementReport:
    """Census year N's moves between member councils, each (for a council: those into or out of it) and by
    origin and destination, as defined in services/common/moves.py (analytics counts the same)."""
    own = council_to_read(principal, None)
    members = sorted(member_councils(session))
    each = moves(session, census_year, members, window_days)
    pairs = move_pairs(session, census_year, members, window_days)
    shown = [m for m in each if own is None or own in (m.from_council, m.to_council)]
    audit(session, principal, "read", "worker_swe", sorted({m.swe_number for m in shown}))
    return MovementReport(
        census_year=census_year,
        movement_window_days=window_days,
        moves=[MoveOut(**asdict(m), days_between=m.days_between) for m in shown],
        matrix=[Flow(**asdict(pair) | {"fte": half_up(pair.fte)}) for pair in pairs],
    )


def agency_check(session: Session, principal: Principal, body: AgencyCheckRequest, council: str) -> AgencyCheckResult:
    """May `council` engage this person as an agency worker from the proposed start (services/placements/rules.py),
    and is the person known to the region at all."""
    settings = get_settings()
    policy = AgencyPolicy(
        regional_months=settings.agency_regional_months,
        national_months=settings.agency_national_months,
        min_pq_years=settings.agency_min_pq_years,
    )
    spells = session.execute(
        select(Employment).join(Worker, Worker.id == Employment.worker_id).where(Worker.swe_number == body.swe_number)
    ).scalars()
    history = [SpellFact(s.council, s.agency, s.start_date, s.end_date, s.reason_leave) for s in spells]
    decision = check_agency_engagement(history, council, body.proposed_start, member_councils(session), policy)
    audit(session, principal, "read", "worker_swe", body.swe_number)
    return AgencyCheckResult(
        swe_number=body.swe_number, council=council, proposed_start=body.proposed_start,
        allowed=decision.allowed, known_to_region=bool(history), rules=[asdict(rule) for rule in decision.rules],
    )  # fmt: skip
