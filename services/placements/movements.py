"""Movement between the region's councils, and the agency engagement check built on each person's history."""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from services.common.models import Council
from services.common.moves import Move, MovePair, move_pairs, moves
from services.placements.models import Employment, Worker
from services.placements.rules import AgencyDecision, AgencyPolicy, SpellFact, check_agency_engagement


def member_councils(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Council.code).where(Council.academy_member)))


def moves_in_year(session: Session, census_year: int, window_days: int) -> tuple[list[Move], list[MovePair]]:
    """Census year N's moves between member councils, each and by origin and destination, as defined in
    services/common/moves.py (analytics counts the same)."""
    members = sorted(member_councils(session))
    return moves(session, census_year, members, window_days), move_pairs(session, census_year, members, window_days)


def agency_check(
    session: Session, swe_number: str, council: str, proposed_start: date, policy: AgencyPolicy
) -> tuple[AgencyDecision, bool]:
    """The decision, and whether the person is known to the region at all."""
    spells = session.execute(
        select(Employment).join(Worker, Worker.id == Employment.worker_id).where(Worker.swe_number == swe_number)
    ).scalars()
    history = [SpellFact(s.council, s.agency, s.start_date, s.end_date, s.reason_leave) for s in spells]
    decision = check_agency_engagement(history, council, proposed_start, member_councils(session), policy)
    return decision, bool(history)
