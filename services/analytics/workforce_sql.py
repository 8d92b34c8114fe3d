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
    select,
    table,
)
from sqlalchemy import distinct as sql_distinct
from sqlalchemy.sql import Select
from sqlmodel import Session

from services.analytics.measures import Totals

employment_year = table(
    "employment_year",
    column("employment_id", Uuid), column("council", String), column("census_year", Integer),
    column("agency", Boolean), column("end_date", Date), column("fte", Numeric), column("fte30", Numeric),
    column("cases30", Integer), column("working_days_lost", Numeric),
)  # fmt: skip
employment = table(
    "employment",
    column("id", Uuid), column("worker_id", Uuid), column("council", String), column("agency", Boolean),
    column("start_date", Date), column("end_date", Date), column("leaver_destination", Integer),
)  # fmt: skip
council_vacancy = table(
    "council_vacancy",
    column("council", String), column("census_year", Integer), column("number_of_vacancies", Numeric),
    column("agency_fte_covering", Numeric),
)  # fmt: skip
council = table(
    "council", column("code", String), column("ons_code", String), column("name", String),
    column("region_code", String), column("region_name", String), column("academy_member", Boolean),
)  # fmt: skip


def census_year_start(year: int) -> date:
    return date(year - 1, 10, 1)


def census_reference_date(year: int) -> date:
    return date(year, 9, 30)


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
            _people_if(and_(employed, in_post), e.worker_id).label("inpost_headcount"),
            _sum_if(and_(employed, started), fte).label("starters_fte"),
            _people_if(and_(employed, started), e.worker_id).label("starters_headcount"),
            _sum_if(and_(employed, left), fte).label("leavers_fte"),
            _people_if(and_(employed, left), e.worker_id).label("leavers_headcount"),
            _sum_if(and_(~employed, in_post), fte_on_30_sept).label("agency_fte"),
            _people_if(and_(~employed, in_post), e.worker_id).label("agency_headcount"),
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


def council_totals(
    session: Session, years: Iterable[int], councils_wanted: Iterable[str] | None = None
) -> dict[tuple[str, int], Totals]:
    """Totals per (council, census year), vacancy blocks included, for councils that sent records."""
    years = list(years)
    found: dict[tuple[str, int], Totals] = {}
    for row in session.execute(totals_query(years, councils_wanted)).mappings():
        found[(row["council"], row["census_year"])] = Totals(
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


def add_days(value, days: int, dialect: str):
    """date + days, portably (SQLite keeps dates as text)."""
    if dialect == "sqlite":
        return func.date(value, f"+{int(days)} days")
    return value + timedelta(days=days)
