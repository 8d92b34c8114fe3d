"""The one definition of a move between the academy's member councils, as the SQL placements and analytics both run.

A move is a person (their SWE number, whichever council's record holds it) who left a member council A in
census year N and whose first start at another member council B came within the window after leaving:
- leaving A: A's return for year N holds an employed (not agency) spell of theirs ending in year N; a person
  who left A more than once that year left it on the last of those days, with the FTE of every spell of
  theirs that ended (as A's return for N held it);
- joining B: the earliest start of any spell of theirs (employed or agency) at a member council other than A,
  after the day they left and at most the window's days after it; on a tie, an employed post before agency
  work, then the lower council code. A later start elsewhere in the window is not this move.
So one person gives at most one move from each council they left in a year, and a chain A, B, C is A to B
(and B to C in the year they left B).

Placements owns these tables; only the columns named here are read.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Boolean, Date, Integer, Numeric, String, Uuid, and_, case, column, func, select, table
from sqlalchemy.sql import Select, Subquery
from sqlmodel import Session

from services.common.census_calendar import census_reference_date, census_year_start

_employment_year = table(
    "employment_year",
    column("employment_id", Uuid), column("council", String), column("census_year", Integer),
    column("agency", Boolean), column("end_date", Date), column("fte", Numeric),
)  # fmt: skip
_employment = table(
    "employment",
    column("id", Uuid), column("worker_id", Uuid), column("council", String), column("agency", Boolean),
    column("start_date", Date), column("end_date", Date), column("leaver_destination", Integer),
    column("org_role", Integer),
)  # fmt: skip
_worker = table("worker", column("id", Uuid), column("swe_number", String))
# Each council keeps its own record of a person; the person is the SWE number on it. No other column of a
# council's record is read.
spells = (
    select(*_employment.c, _worker.c.swe_number.label("person"))
    .join(_worker, _worker.c.id == _employment.c.worker_id)
    .subquery("spells")
)


def add_days(value, days: int, dialect: str):
    """date + days, portably (SQLite keeps dates as text)."""
    if dialect == "sqlite":
        return func.date(value, f"+{int(days)} days")
    return value + timedelta(days=days)


def leavers(census_year: int, members: list[str], *columns) -> Subquery:
    """Employed leavers of census year N at member councils, one row per council and person: the day they
    left, the FTE they left; plus any aggregate `columns` over their leaving spells (`spells.c`)."""
    ey, s = _employment_year.c, spells.c
    return (
        select(
            ey.council,
            s.person,
            func.max(ey.end_date).label("left_on"),
            func.sum(func.coalesce(ey.fte, 0)).label("fte"),
            *columns,
        )
        .select_from(_employment_year)
        .join(spells, s.id == ey.employment_id)
        .where(
            ey.census_year == census_year,
            ey.agency.is_(False),
            ey.end_date >= census_year_start(census_year),
            ey.end_date <= census_reference_date(census_year),
            ey.council.in_(members),
        )
        .group_by(ey.council, s.person)
        .subquery("leavers")
    )


def first_moves(left: Subquery, members: list[str], window_days: int, dialect: str, everyone: bool = False) -> Select:
    """Each leaver of `left` (from `leavers`) who moved, with the council they moved to: their columns and
    to_council, started_on, to_agency. With `everyone`, those who did not move too, with no to_council."""
    later = spells.alias("later")
    ranked = (
        select(
            *left.c,
            later.c.council.label("to_council"),
            later.c.start_date.label("started_on"),
            later.c.agency.label("to_agency"),
            func.row_number()
            .over(
                partition_by=(left.c.council, left.c.person),
                order_by=(later.c.start_date, later.c.agency, later.c.council),
            )
            .label("choice"),
        )
        .select_from(left)
        .join(
            later,
            and_(
                later.c.person == left.c.person,
                later.c.council != left.c.council,
                later.c.council.in_(members),
                later.c.start_date > left.c.left_on,
                later.c.start_date <= add_days(left.c.left_on, window_days, dialect),
            ),
            isouter=everyone,
        )
        .subquery("ranked")
    )
    return select(*(c for c in ranked.c if c.name != "choice")).where(ranked.c.choice == 1)


def census_fte(value) -> Decimal:
    """An FTE sum at the census's six places (SQLite sums NUMERIC as floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class Move:
    swe_number: str
    from_council: str
    to_council: str
    left_on: date
    started_on: date
    fte: Decimal  # what the return of the council they left held for them that year
    to_agency: bool

    @property
    def days_between(self) -> int:
        return (self.started_on - self.left_on).days


@dataclass(frozen=True)
class MovePair:
    """The moves of a census year from one council to another."""

    from_council: str
    to_council: str
    headcount: int
    fte: Decimal
    agency_headcount: int


def _moves(session: Session, census_year: int, members: list[str], window_days: int) -> Subquery:
    dialect = session.get_bind().dialect.name
    return first_moves(leavers(census_year, members), members, window_days, dialect).subquery("moves")


def moves(session: Session, census_year: int, members: list[str], window_days: int) -> list[Move]:
    """Each move of census year N, by origin, destination and SWE number."""
    m = _moves(session, census_year, members, window_days).c
    query = select(m.person, m.council, m.to_council, m.left_on, m.started_on, m.fte, m.to_agency).order_by(
        m.council, m.to_council, m.person
    )
    return [
        Move(person, origin, destination, left_on, started_on, census_fte(fte), bool(to_agency))
        for person, origin, destination, left_on, started_on, fte, to_agency in session.execute(query)
    ]


def move_pairs(session: Session, census_year: int, members: list[str], window_days: int) -> list[MovePair]:
    """The origin-destination pairs of census year N's moves: people, FTE they left, of whom to agency work."""
    m = _moves(session, census_year, members, window_days).c
    query = (
        select(
            m.council,
            m.to_council,
            func.count(),
            func.coalesce(func.sum(m.fte), 0),
            func.coalesce(func.sum(case((m.to_agency.is_(True), 1), else_=0)), 0),
        )
        .group_by(m.council, m.to_council)
        .order_by(m.council, m.to_council)
    )
    return [
        MovePair(origin, destination, people, census_fte(fte), agency)
        for origin, destination, people, fte, agency in session.execute(query)
    ]
