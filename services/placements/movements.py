"""Movement between the region's councils, and the agency engagement check built on each person's history."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from services.common.census_calendar import census_reference_date, census_year_start
from services.common.models import Council
from services.placements.models import Employment, EmploymentYear, Worker
from services.placements.rules import AgencyDecision, AgencyPolicy, SpellFact, check_agency_engagement


@dataclass(frozen=True)
class Move:
    swe_number: str
    from_council: str
    to_council: str
    left_on: date
    started_on: date
    days_between: int
    fte: Decimal
    to_agency: bool


def member_councils(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Council.code).where(Council.academy_member)))


def moves_in_year(session: Session, year: int, window_days: int) -> list[Move]:
    """Each end at council A in census year `year` followed by a start at another member council B
    within `window_days`. The FTE moved is what A's return held for the leaver that year."""
    members = member_councils(session)
    left, joined = aliased(Employment), aliased(Employment)
    joiner = aliased(Worker)  # the joining council's own record: the same person, by SWE number
    first, last = census_year_start(year), census_reference_date(year)
    query = (
        select(Worker.swe_number, left, joined.council, joined.start_date, joined.agency, EmploymentYear.fte)
        .join(left, left.worker_id == Worker.id)
        .join(joiner, joiner.swe_number == Worker.swe_number)
        .join(
            joined,
            and_(
                joined.worker_id == joiner.id,
                joined.council != left.council,
                joined.start_date > left.end_date,
                joined.start_date <= last + timedelta(days=window_days),
            ),
        )
        .outerjoin(EmploymentYear, and_(EmploymentYear.employment_id == left.id, EmploymentYear.census_year == year))
        .where(
            left.end_date.between(first, last),
            left.council.in_(members),
            joined.council.in_(members),
            left.agency.is_(False),
        )
        .order_by(left.council, joined.council, Worker.swe_number, joined.start_date)
    )
    moves, seen = [], set()
    for swe, spell, to_council, started_on, to_agency, fte in session.execute(query):
        gap = (started_on - spell.end_date).days
        if gap > window_days or spell.id in seen:  # the first start after leaving is the move
            continue
        seen.add(spell.id)
        moves.append(
            Move(swe, spell.council, to_council, spell.end_date, started_on, gap, fte or Decimal(0), to_agency)
        )
    return moves


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
