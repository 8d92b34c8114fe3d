"""Analytics' one window onto the workforce: set-based SQL over placements' tables, read only.

Placements owns these tables; this module names only the columns analytics reads, so a change to
placements' internals breaks here and nowhere else. Year N's figures use only the rows that census
year N holds (employment_year), exactly as the DfE computes each year from that year's return.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Numeric,
    String,
    Uuid,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy import distinct as sql_distinct
from sqlalchemy.sql import Select
from sqlmodel import Session

from services.analytics.measures import Totals
from services.common import moves
from services.common.census_calendar import census_reference_date, census_year_of, census_year_start

employment_year = table(
    "employment_year",
    column("employment_id", Uuid), column("council", String), column("census_year", Integer),
    column("agency", Boolean), column("end_date", Date), column("fte", Numeric), column("fte30", Numeric),
    column("cases30", Integer), column("working_days_lost", Numeric),
)  # fmt: skip
# Placements keeps each council's own record of a person (its tenancy); the person is their SWE number,
# which is how a spell at one council is matched to the same person's spell at another: a spell and its
# `person`, as services/common/moves.py reads it for moves.
employment = moves.spells
council_vacancy = table(
    "council_vacancy",
    column("council", String), column("census_year", Integer), column("number_of_vacancies", Numeric),
    column("agency_fte_covering", Numeric),
)  # fmt: skip
council = table(
    "council", column("code", String), column("ons_code", String), column("name", String),
    column("region_code", String), column("region_name", String), column("academy_member", Boolean),
)  # fmt: skip


def _years(years: Iterable[int]):
    """The census years asked for, with their first day and reference date, as a derived table."""
    rows = [
        select(
            literal(year, Integer).label("census_year"),
            literal(census_year_start(year), Date).label("first_day"),
            literal(census_reference_date(year), Date).label("reference_date"),
        )
        for year in sorted(set(years))
    ]
    return (rows[0].union_all(*rows[1:]) if len(rows) > 1 else rows[0]).subquery("years")


def _sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _people_if(condition, person):
    return func.count(sql_distinct(case((condition, person))))


def totals_query(years: Iterable[int], councils: Iterable[str] | None = None) -> Select:
    """One row per council and census year with every numerator and denominator of the DfE measures."""
    ey, e = employment_year.c, employment.c
    years_table = _years(years)
    y = years_table.c
    employed = ey.agency.is_(False)
    in_post = ey.end_date.is_(None)  # a spell that year's record holds without an end (30 Sep leavers left)
    started = and_(e.start_date >= y.first_day, e.start_date <= y.reference_date)
    left = and_(ey.end_date >= y.first_day, ey.end_date <= y.reference_date)
    fte_on_30_sept = func.coalesce(ey.fte30, ey.fte, 0)
    fte = func.coalesce(ey.fte, 0)
    days_lost = func.coalesce(ey.working_days_lost, 0)
    query = (
        select(
            ey.council,
            ey.census_year,
            _sum_if(and_(employed, in_post), fte_on_30_sept).label("inpost_fte"),
            _people_if(and_(employed, in_post), e.person).label("inpost_headcount"),
            _sum_if(and_(employed, started), fte).label("starters_fte"),
            _people_if(and_(employed, started), e.person).label("starters_headcount"),
            _sum_if(and_(employed, left), fte).label("leavers_fte"),
            _people_if(and_(employed, left), e.person).label("leavers_headcount"),
            _sum_if(and_(~employed, in_post), fte_on_30_sept).label("agency_fte"),
            _people_if(and_(~employed, in_post), e.person).label("agency_headcount"),
            _sum_if(and_(in_post, ey.cases30 > 0), fte_on_30_sept).label("case_holders_fte"),
            _sum_if(in_post, func.coalesce(ey.cases30, 0)).label("cases"),
            _sum_if(and_(employed, in_post), days_lost).label("working_days_lost_fte"),
        )
        .select_from(employment_year)
        .join(employment, e.id == ey.employment_id)
        .join(years_table, y.census_year == ey.census_year)
        .group_by(ey.council, ey.census_year)
    )
    if councils is not None:
        query = query.where(ey.council.in_(list(councils)))
    return query


def _decimal(value, places: int = 6) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to the census's precision.
    return Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-places))


@dataclass(frozen=True)
class CouncilRow:
    code: str
    ons_code: str
    name: str
    region_code: str
    region_name: str
    academy_member: bool


def councils(session: Session) -> dict[str, CouncilRow]:
    return {row.code: CouncilRow(*row) for row in session.execute(select(*council.c))}


def _totals(row) -> Totals:
    return Totals(
        inpost_fte=_decimal(row["inpost_fte"]),
        inpost_headcount=row["inpost_headcount"],
        starters_fte=_decimal(row["starters_fte"]),
        starters_headcount=row["starters_headcount"],
        leavers_fte=_decimal(row["leavers_fte"]),
        leavers_headcount=row["leavers_headcount"],
        agency_fte=_decimal(row["agency_fte"]),
        agency_headcount=row["agency_headcount"],
        case_holders_fte=_decimal(row["case_holders_fte"]),
        cases=int(row["cases"]),
        working_days_lost_fte=_decimal(row["working_days_lost_fte"], 2),
    )


def council_totals(
    session: Session, years: Iterable[int], councils_wanted: Iterable[str] | None = None
) -> dict[tuple[str, int], Totals]:
    """Totals per (council, census year), vacancy blocks included, for councils that sent records."""
    years = list(years)
    found: dict[tuple[str, int], Totals] = {}
    for row in session.execute(totals_query(years, councils_wanted)).mappings():
        found[(row["council"], row["census_year"])] = _totals(row)
    v = council_vacancy.c
    vacancies = select(v.council, v.census_year, v.number_of_vacancies, v.agency_fte_covering).where(
        v.census_year.in_(years)
    )
    for code, year, vacancy, cover in session.execute(vacancies):
        if councils_wanted is not None and code not in councils_wanted:
            continue
        totals = found.setdefault((code, year), Totals())
        totals.vacancy_fte, totals.agency_cover_fte = _decimal(vacancy, 2), _decimal(cover, 2)
    return found


# --- The 12 months to any date (as_of) ----------------------------------------------------------

import_batch = table(
    "import_batch", column("council", String), column("census_year", Integer), column("status", String),
)  # fmt: skip
RETURN_STATUSES = ("applied", "unchanged")  # a return that is in (a dry run or a rejected file is not)


def twelve_months_to(day: date) -> date:
    """First day of the 12 months ending on `day`: 30 Sep N gives 1 Oct N-1, 29 Feb 2024 gives 1 Mar 2023."""
    try:
        year_before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_before = date(day.year - 1, 2, 28)
    return year_before + timedelta(days=1)


def last_reference_year(day: date) -> int:
    """The census year of the latest 30 September at or before `day`."""
    return day.year if (day.month, day.day) >= (9, 30) else day.year - 1


def as_of_totals_query(as_of: date) -> Select:
    """One row per council: the DfE measures' numerators and denominators for the 12 months to `as_of`.

    The choices, where the census says nothing about a date other than 30 September:
    - each spell is read through its most recent year record at or before the census year of
      `as_of` (a record of a later year never changes the figures: the DfE's rule for years);
      employed or agency, FTE and cases (as on that record's 30 September) are that record's, and
      so are days lost (its census year's; workforce.py shows them only for a 30 September);
    - in post on `as_of`: started on or before it and not ended on or before it (a leaver on the
      day has left, as on 30 September), from the spells' own start and end dates. A spell whose
      council has sent a later return (up to that census year) that does not hold it is not in post:
      a return holds everyone employed at any time in its year, so a spell it leaves out had gone
      even when nobody sent its leaving date;
    - starters and leavers: spells that started or ended in the 12 months to `as_of`;
    - FTE in post is the record's FTE on 30 September (its contract FTE when it has none).
    On a 30 September these are exactly that census year's figures."""
    ey, e, b = employment_year.c, employment.c, import_batch.c
    census_year, first = census_year_of(as_of), twelve_months_to(as_of)
    latest = (
        select(ey.employment_id, func.max(ey.census_year).label("census_year"))
        .where(ey.census_year <= census_year)
        .group_by(ey.employment_id)
        .subquery("latest")
    )
    record = employment_year.alias("record")
    r = record.c
    last_return = (
        select(b.council, func.max(b.census_year).label("census_year"))
        .where(b.census_year <= census_year, b.status.in_(RETURN_STATUSES))
        .group_by(b.council)
        .subquery("last_return")
    )
    employed = r.agency.is_(False)
    in_post = and_(
        e.start_date <= as_of,
        or_(e.end_date.is_(None), e.end_date > as_of),
        or_(last_return.c.census_year.is_(None), r.census_year >= last_return.c.census_year),
    )
    started = and_(e.start_date >= first, e.start_date <= as_of)
    left = and_(e.end_date >= first, e.end_date <= as_of)
    fte_in_post = func.coalesce(r.fte30, r.fte, 0)
    fte = func.coalesce(r.fte, 0)
    return (
        select(
            e.council,
            literal(census_year, Integer).label("census_year"),
            _sum_if(and_(employed, in_post), fte_in_post).label("inpost_fte"),
            _people_if(and_(employed, in_post), e.person).label("inpost_headcount"),
            _sum_if(and_(employed, started), fte).label("starters_fte"),
            _people_if(and_(employed, started), e.person).label("starters_headcount"),
            _sum_if(and_(employed, left), fte).label("leavers_fte"),
            _people_if(and_(employed, left), e.person).label("leavers_headcount"),
            _sum_if(and_(~employed, in_post), fte_in_post).label("agency_fte"),
            _people_if(and_(~employed, in_post), e.person).label("agency_headcount"),
            _sum_if(and_(in_post, r.cases30 > 0), fte_in_post).label("case_holders_fte"),
            _sum_if(in_post, func.coalesce(r.cases30, 0)).label("cases"),
            _sum_if(and_(employed, in_post), func.coalesce(r.working_days_lost, 0)).label("working_days_lost_fte"),
        )
        .select_from(latest)
        .join(record, and_(r.employment_id == latest.c.employment_id, r.census_year == latest.c.census_year))
        .join(employment, e.id == r.employment_id)
        .outerjoin(last_return, last_return.c.council == e.council)
        .where(e.start_date <= as_of)
        .group_by(e.council)
    )


def council_totals_as_of(session: Session, as_of: date) -> dict[tuple[str, int], Totals]:
    """Totals per council for the 12 months to `as_of`, keyed (council, census year of `as_of`).

    Vacancies: each council's latest vacancy block whose 30 September is on or before `as_of`."""
    census_year = census_year_of(as_of)
    rows = session.execute(as_of_totals_query(as_of)).mappings()
    found = {(row["council"], census_year): _totals(row) for row in rows}
    v = council_vacancy.c
    latest = (
        select(v.council, func.max(v.census_year).label("census_year"))
        .where(v.census_year <= last_reference_year(as_of))
        .group_by(v.council)
        .subquery("latest_block")
    )
    blocks = select(v.council, v.number_of_vacancies, v.agency_fte_covering).join(
        latest, and_(latest.c.council == v.council, latest.c.census_year == v.census_year)
    )
    for code, vacancy, cover in session.execute(blocks):
        totals = found.setdefault((code, census_year), Totals())
        totals.vacancy_fte, totals.agency_cover_fte = _decimal(vacancy, 2), _decimal(cover, 2)
    return found


# --- Beyond the DfE: people matched across the region's councils --------------------------------
#
# A person is an SWE number, whichever council's record holds it. "The region" is the academy's:
# the member councils passed in as `members`.


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


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
            _sum_if(before, func.coalesce(ey.fte30, ey.fte, 0)).label("fte"),
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
        _count_if(in_region_employed).label("employed_headcount"),
        _sum_if(in_region_employed, p.fte).label("employed_fte"),
        _count_if(in_region_agency).label("agency_headcount"),
        _sum_if(in_region_agency, p.fte).label("agency_fte"),
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
            _count_if(still_there).label("stayed_headcount"),
            _sum_if(still_there, a.fte).label("stayed_fte"),
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


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


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
        _count_if(served(1)).label("year_or_more_headcount"),
        _sum_if(served(1), p.fte).label("year_or_more_fte"),
    ]
    bounds = [low for low, _ in SERVICE_BANDS[1:]] + [None]
    for (low, band), high in zip(SERVICE_BANDS, bounds, strict=True):
        within = and_(served(low), ~served(high)) if high is not None else served(low)
        columns += [_count_if(within).label(f"{band}_headcount"), _sum_if(within, p.fte).label(f"{band}_fte")]
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
        (code, DESTINATIONS[index - 1]): (people, _decimal(fte)) for code, index, people, fte in session.execute(query)
    }


def census_years_held(session: Session, council_code: str | None = None) -> list[int]:
    """The census years whose records (spells or a vacancy block) hold anything at the council, or at any."""
    ey, v = employment_year.c, council_vacancy.c
    spells = select(ey.census_year)
    blocks = select(v.census_year)
    if council_code is not None:
        spells, blocks = spells.where(ey.council == council_code), blocks.where(v.council == council_code)
    return sorted(set(session.scalars(spells.union(blocks))))


def councils_with_records(session: Session, census_year: int, councils: Iterable[str]) -> set[str]:
    """Which of `councils` have records of census year N: their return, or what their HR system sent for it."""
    ey = employment_year.c
    query = select(ey.council).where(ey.census_year == census_year, ey.council.in_(list(councils))).distinct()
    return set(session.scalars(query))


# --- Time in post: the spells behind the retention curves -----------------------------------------

FAR_FUTURE = date(3000, 1, 1)  # an open spell's end, for the running reach of a person's spells


def latest_reference_dates(session: Session, members: list[str], today: date) -> dict[str, date]:
    """Each member council's latest 30 September (not after `today`) whose census year its records hold."""
    ey = employment_year.c
    query = (
        select(ey.council, func.max(ey.census_year))
        .where(ey.council.in_(members), ey.census_year <= last_reference_year(today))
        .group_by(ey.council)
    )
    return {code: census_reference_date(year) for code, year in session.execute(query)}


def _days_between(later, earlier, dialect: str):
    if dialect == "sqlite":  # dates are text there
        return sql_cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _stays_in_region(members: list[str], window_days: int, dialect: str):
    """Every spell (employed or agency) at a member council, with the end of the person's stay in the region it
    belongs to: a stay runs on while each next spell of theirs at any member council starts at most the move
    window's days after the latest end so far (an open spell never ends). `first_employed` marks a stay's
    earliest employed spell. Windows over each person's spells ordered by start: no row joins another."""
    e = employment.c
    reach = func.coalesce(e.end_date, literal(FAR_FUTURE, Date))
    in_order = (e.start_date, e.id)
    ordered = select(
        e.id, e.person, e.council, e.agency, e.org_role, e.start_date, e.end_date, reach.label("reach"),
        func.max(reach).over(partition_by=e.person, order_by=in_order, rows=(None, -1)).label("reach_before"),
    ).where(e.council.in_(members)).subquery("ordered")  # fmt: skip
    o = ordered.c
    gap = or_(o.reach_before.is_(None), o.start_date > moves.add_days(o.reach_before, window_days, dialect))
    numbered = select(
        *o, func.sum(case((gap, 1), else_=0)).over(partition_by=o.person, order_by=(o.start_date, o.id)).label("stay")
    ).subquery("numbered")
    n = numbered.c
    return select(
        *n,
        func.max(n.reach).over(partition_by=(n.person, n.stay)).label("stay_ends"),
        func.row_number()
        .over(partition_by=(n.person, n.stay, n.agency), order_by=(n.start_date, n.id))
        .label("nth_of_kind"),
    ).subquery("stays")


def _censor_table(censor_at: dict[str, date]):
    rows = [
        select(literal(code, String).label("council"), literal(day, Date).label("censor_at"))
        for code, day in sorted(censor_at.items())
    ]
    return (rows[0].union_all(*rows[1:]) if len(rows) > 1 else rows[0]).subquery("censoring")


def time_in_post(
    session: Session,
    members: list[str],
    censor_at: dict[str, date],
    *,
    council: str | None,
    stay: str,
    first_start: date,
    org_role: int | None = None,
    started: tuple[date, date] | None = None,
    window_days: int = 180,
) -> list[tuple[int, int, int]]:
    """(days, events, censored) for the subjects of a retention curve, grouped by days: set-based.

    Subjects: employed spells started at `council` (any member when None) from `first_start` up to its
    censoring date, optionally of one OrgRole and started in the `started` days. `stay` "council": the event is
    the spell's end; "region": the end of the person's stay in the region (a member council's spell, employed
    or agency, starting within the move window after each end keeps them in it), and without a council only the
    first employed spell of each stay is a subject. Not ended by the censoring date (the subject's council's
    latest 30 September with records; for the region, the latest of any member): censored there."""
    if not censor_at:
        return []
    dialect = session.get_bind().dialect.name
    stays = _stays_in_region(members, window_days, dialect)
    s = stays.c
    censoring = _censor_table(censor_at)
    region_censor = literal(max(censor_at.values()), Date)
    censor = censoring.c.censor_at if stay == "council" else region_censor
    ended = s.end_date if stay == "council" else s.stay_ends
    event = and_(ended.is_not(None), ended <= censor)
    subjects = and_(s.agency.is_(False), s.start_date >= first_start, s.start_date <= censor)
    if council is not None:
        subjects = and_(subjects, s.council == council)
    elif stay == "region":
        subjects = and_(subjects, s.nth_of_kind == 1)
    if org_role is not None:
        subjects = and_(subjects, s.org_role == org_role)
    if started is not None:
        subjects = and_(subjects, s.start_date >= started[0], s.start_date <= started[1])
    stops = (
        select(
            _days_between(case((event, ended), else_=censor), s.start_date, dialect).label("days"),
            case((event, 1), else_=0).label("event"),
        )
        .select_from(stays)
        .join(censoring, censoring.c.council == s.council)
        .where(subjects)
        .subquery("stops")
    )
    query = (
        select(stops.c.days, _sum_if(stops.c.event == 1, 1), _sum_if(stops.c.event == 0, 1))
        .group_by(stops.c.days)
        .order_by(stops.c.days)
    )
    return [(int(days), int(events), int(censored)) for days, events, censored in session.execute(query)]
