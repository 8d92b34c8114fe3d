"""Beyond the DfE: people matched across the region's councils.

A person is an SWE number, whichever council's record holds it. "The region" is the academy's: the member
councils passed in as `members`. Retention (who of those in post a year ago is in post now, there or
anywhere in the region), continuous service, and where each council's leavers went.
"""

from decimal import Decimal

from sqlalchemy import Date, and_, case, func, literal, select
from sqlmodel import Session

from services.analytics.workforce.tables import (
    as_decimal,
    count_if,
    dialect_name,
    employment,
    employment_year,
    sum_if,
)
from services.common import moves
from services.common.census_calendar import census_reference_date


def _in_post_around(year: int, members: list[str]):
    """Each person at each member council with what 30 Sep N-1 and 30 Sep N found them doing there, from
    those years' records: the FTE they held employed on 30 Sep N-1 (all their roles), whether they were
    employed in post on 30 Sep N-1, and on 30 Sep N whether they were employed in post there and whether
    they were employed, or an agency worker, in post at any member council.

    One pass over the two years' records, grouped, then matched across councils by window: no subquery is
    joined to another, so a planner without statistics has nothing to recompute row by row."""
    ey, e = employment_year.c, employment.c
    before = and_(ey.census_year == year - 1, ey.agency.is_(False))
    employed_now = and_(ey.census_year == year, ey.agency.is_(False))
    agency_now = and_(ey.census_year == year, ey.agency.is_(True))
    here = (
        select(
            ey.council,
            e.person,
            sum_if(before, func.coalesce(ey.fte30, ey.fte, 0)).label("fte"),
            func.max(case((before, 1), else_=0)).label("employed_before"),
            func.max(case((employed_now, 1), else_=0)).label("stayed"),
            func.max(case((agency_now, 1), else_=0)).label("agency_here"),
        )
        .select_from(employment_year)
        .join(employment, e.id == ey.employment_id)
        .where(ey.census_year.in_((year - 1, year)), ey.end_date.is_(None), ey.council.in_(members))
        .group_by(ey.council, e.person)
        .subquery("here")
    )
    h = here.c
    return select(
        *h,
        func.max(h.stayed).over(partition_by=h.person).label("employed_now"),
        func.max(h.agency_here).over(partition_by=h.person).label("agency_now"),
    ).subquery("in_post_around")


def _retention_columns(people):
    """Of `people` (employed in post on 30 Sep N-1): all of them, then those employed in post anywhere in the
    region on 30 Sep N, else in post there as an agency worker; headcount and the FTE they held before."""
    p = people.c
    in_region_employed = p.employed_now == 1
    in_region_agency = and_(p.employed_now == 0, p.agency_now == 1)
    return (
        func.count().label("headcount"),
        func.coalesce(func.sum(p.fte), 0).label("fte"),
        count_if(in_region_employed).label("employed_headcount"),
        sum_if(in_region_employed, p.fte).label("employed_fte"),
        count_if(in_region_agency).label("agency_headcount"),
        sum_if(in_region_agency, p.fte).label("agency_fte"),
    )


def retention_counts(session: Session, year: int, members: list[str]) -> tuple[dict[str, dict], dict]:
    """Who of those employed in post on 30 Sep N-1 is in post on 30 Sep N: per member council (still
    there; anywhere in the region employed; else anywhere in the region as an agency worker), and
    for the region with each person counted once. FTE is what they held on 30 Sep N-1."""
    around = _in_post_around(year, members)
    a = around.c
    still_there = a.stayed == 1
    per_council = (
        select(
            a.council,
            *_retention_columns(around),
            count_if(still_there).label("stayed_headcount"),
            sum_if(still_there, a.fte).label("stayed_fte"),
        )
        .where(a.employed_before == 1)
        .group_by(a.council)
    )
    councils_found = {row["council"]: dict(row) for row in session.execute(per_council).mappings()}
    people = (
        select(
            a.person,
            func.sum(a.fte).label("fte"),
            func.max(a.employed_now).label("employed_now"),
            func.max(a.agency_now).label("agency_now"),
        )
        .where(a.employed_before == 1)
        .group_by(a.person)
        .subquery("people")
    )
    region = select(*_retention_columns(people))
    return councils_found, dict(session.execute(region).mappings().one())


# A spell that starts within this many days of the person's last spell at the council ending (a new
# role, often after a weekend) continues their service there; a longer gap starts it again.
SERVICE_GAP_DAYS = 7
SERVICE_BANDS = ((0, "under_2"), (2, "2_to_5"), (5, "5_to_10"), (10, "10_to_20"), (20, "20_and_over"))


def service_counts(session: Session, year: int, members: list[str]) -> dict[str, dict]:
    """Per member council, the employed people in post on 30 Sep N by completed years of continuous
    service at that council: headcount and FTE per band, and those with at least one year.

    Service begins with the first of an unbroken run of the person's spells at the council (employed
    or agency, any role; a gap over SERVICE_GAP_DAYS breaks it), counting only spells a census year
    up to N held, so a later return never changes year N. Completed years on 30 Sep N: at least k
    years when the run began on or before 30 Sep N-k."""
    ey, e = employment_year.c, employment.c
    # Each spell a census year up to N held, with year N's record of it when that has it in post employed
    # on 30 Sep N, in one pass over the records: joined to the spells before the windows below rather
    # than to their result, which a planner without statistics would recompute for every record.
    in_post = and_(ey.census_year == year, ey.end_date.is_(None), ey.agency.is_(False))
    held_by_then = (
        select(
            ey.employment_id,
            func.max(case((in_post, ey.council))).label("counted_at"),
            func.sum(case((in_post, func.coalesce(ey.fte30, ey.fte, 0)))).label("fte"),
        )
        .where(ey.census_year <= year, ey.council.in_(members))  # a spell's records are at its council
        .group_by(ey.employment_id)
        .subquery("held_by_then")
    )
    h = held_by_then.c
    spells = (
        select(e.id, e.person, e.council, e.start_date, e.end_date, h.counted_at, h.fte)
        .join(held_by_then, h.employment_id == e.id)
        .where(e.council.in_(members), e.start_date <= census_reference_date(year))
        .subquery("spells")
    )
    s = spells.c
    person_at_council = (s.person, s.council)
    earlier = {"partition_by": person_at_council, "order_by": (s.start_date, s.id), "rows": (None, -1)}
    earlier_end = func.max(s.end_date).over(**earlier)
    earlier_open = func.max(case((s.end_date.is_(None), 1), else_=0)).over(**earlier)
    earlier_count = func.count().over(**earlier)
    begins_run = case(
        (earlier_count == 0, 1),
        (earlier_open == 1, 0),
        (s.start_date > moves.add_days(earlier_end, SERVICE_GAP_DAYS, dialect_name(session)), 1),
        else_=0,
    )
    flagged = select(*s, begins_run.label("begins_run")).subquery("flagged")
    f = flagged.c
    numbered = select(
        *f,
        func.sum(f.begins_run)
        .over(partition_by=(f.person, f.council), order_by=(f.start_date, f.id), rows=(None, 0))
        .label("run"),
    ).subquery("numbered")
    n = numbered.c
    runs = select(
        n.counted_at,
        n.person,
        n.fte,
        func.min(n.start_date).over(partition_by=(n.person, n.council, n.run)).label("service_start"),
    ).subquery("runs")
    r = runs.c
    people = (
        select(
            r.counted_at.label("council"),
            r.person,
            func.min(r.service_start).label("service_start"),
            func.sum(r.fte).label("fte"),
        )
        .where(r.counted_at.is_not(None))
        .group_by(r.counted_at, r.person)
        .subquery("people")
    )
    p = people.c

    def served(years_: int):
        return p.service_start <= literal(census_reference_date(year - years_), Date)

    columns = [
        func.count().label("headcount"),
        func.coalesce(func.sum(p.fte), 0).label("fte"),
        count_if(served(1)).label("year_or_more_headcount"),
        sum_if(served(1), p.fte).label("year_or_more_fte"),
    ]
    bounds = [low for low, _ in SERVICE_BANDS[1:]] + [None]
    for (low, band), high in zip(SERVICE_BANDS, bounds, strict=True):
        within = and_(served(low), ~served(high)) if high is not None else served(low)
        columns += [count_if(within).label(f"{band}_headcount"), sum_if(within, p.fte).label(f"{band}_fte")]
    query = select(p.council, *columns).group_by(p.council)
    return {row["council"]: dict(row) for row in session.execute(query).mappings()}


DESTINATIONS = ("moved_in_region", "agency_in_region", "moved_elsewhere", "left_social_work", "not_known")


def destination_counts(
    session: Session, year: int, members: list[str], window_days: int
) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """(council, destination) -> (headcount, FTE) of that council's employed leavers in year N.

    Matched records first: a leaver who moved (services/common/moves.py) moved in the region, or went to
    agency work in it when the move was to agency work; else an agency spell at their own council within
    the window is agency work in the region; else the council's LeaverDestination code (the most specific
    of their spells': moved elsewhere, left social work, not known)."""
    s = moves.spells.c
    coded = case(
        (s.leaver_destination.between(1, 4), 3), (s.leaver_destination.in_((5, 6)), 4), else_=5
    )  # indexes into DESTINATIONS, from 1
    leavers = moves.leavers(year, members, func.min(coded).label("coded"))
    dialect = dialect_name(session)
    # every leaver once, with their move if they made one: one pass, so PostgreSQL does not run the moves
    # again for each leaver
    outcome = moves.first_moves(leavers, members, window_days, dialect, everyone=True).subquery("outcome")
    o = outcome.c
    later = moves.spells.alias("later")
    agency_at_their_council = (
        select(literal(1))
        .where(
            later.c.person == o.person,
            later.c.council == o.council,
            later.c.agency.is_(True),
            later.c.start_date > o.left_on,
            later.c.start_date <= moves.add_days(o.left_on, window_days, dialect),
        )
        .exists()
    )
    classified = select(
        o.council,
        o.fte,
        case(
            (o.to_agency.is_(False), 1),
            (o.to_agency.is_(True), 2),
            (agency_at_their_council, 2),
            else_=o.coded,
        ).label("destination"),
    ).subquery("classified")
    c = classified.c
    query = select(c.council, c.destination, func.count(), func.coalesce(func.sum(c.fte), 0)).group_by(
        c.council, c.destination
    )
    return {
        (code, DESTINATIONS[index - 1]): (people, as_decimal(fte))
        for code, index, people, fte in session.execute(query)
    }
