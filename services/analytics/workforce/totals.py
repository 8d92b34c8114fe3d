"""The DfE measures' numerators and denominators per council: for a census year, from the rows that census
year holds, or for the 12 months to any date."""

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Date, Integer, and_, func, literal, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from services.analytics.measures.rules import Totals
from services.analytics.workforce.tables import (
    RETURN_STATUSES,
    as_decimal,
    council_vacancy,
    employment,
    employment_year,
    import_batch,
    people_if,
    sum_if,
)
from services.common.census_calendar import census_reference_date, census_year_of, census_year_start


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


def _measure_columns(record, person, *, in_post, started, left) -> tuple:
    """Every numerator and denominator, summed over the spells' year `record`s (employment_year's columns):
    FTE in post is the record's FTE on 30 September (its contract FTE when it has none)."""
    employed = record.agency.is_(False)
    fte_in_post = func.coalesce(record.fte30, record.fte, 0)
    fte = func.coalesce(record.fte, 0)
    return (
        sum_if(and_(employed, in_post), fte_in_post).label("inpost_fte"),
        people_if(and_(employed, in_post), person).label("inpost_headcount"),
        sum_if(and_(employed, started), fte).label("starters_fte"),
        people_if(and_(employed, started), person).label("starters_headcount"),
        sum_if(and_(employed, left), fte).label("leavers_fte"),
        people_if(and_(employed, left), person).label("leavers_headcount"),
        sum_if(and_(~employed, in_post), fte_in_post).label("agency_fte"),
        people_if(and_(~employed, in_post), person).label("agency_headcount"),
        sum_if(and_(in_post, record.cases30 > 0), fte_in_post).label("case_holders_fte"),
        sum_if(in_post, func.coalesce(record.cases30, 0)).label("cases"),
        sum_if(and_(employed, in_post), func.coalesce(record.working_days_lost, 0)).label("working_days_lost_fte"),
    )


def totals_query(years: Iterable[int], councils: Iterable[str] | None = None) -> Select:
    """One row per council and census year with every numerator and denominator of the DfE measures."""
    ey, e = employment_year.c, employment.c
    years_table = _years(years)
    y = years_table.c
    query = (
        select(
            ey.council,
            ey.census_year,
            *_measure_columns(
                ey,
                e.person,
                in_post=ey.end_date.is_(None),  # a spell that year's record holds without an end (30 Sep leavers left)
                started=and_(e.start_date >= y.first_day, e.start_date <= y.reference_date),
                left=and_(ey.end_date >= y.first_day, ey.end_date <= y.reference_date),
            ),
        )
        .select_from(employment_year)
        .join(employment, e.id == ey.employment_id)
        .join(years_table, y.census_year == ey.census_year)
        .group_by(ey.council, ey.census_year)
    )
    if councils is not None:
        query = query.where(ey.council.in_(list(councils)))
    return query


def _totals(row) -> Totals:
    return Totals(
        inpost_fte=as_decimal(row["inpost_fte"]),
        inpost_headcount=row["inpost_headcount"],
        starters_fte=as_decimal(row["starters_fte"]),
        starters_headcount=row["starters_headcount"],
        leavers_fte=as_decimal(row["leavers_fte"]),
        leavers_headcount=row["leavers_headcount"],
        agency_fte=as_decimal(row["agency_fte"]),
        agency_headcount=row["agency_headcount"],
        case_holders_fte=as_decimal(row["case_holders_fte"]),
        cases=int(row["cases"]),
        working_days_lost_fte=as_decimal(row["working_days_lost_fte"], 2),
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
        totals.vacancy_fte, totals.agency_cover_fte = as_decimal(vacancy, 2), as_decimal(cover, 2)
    return found


# --- The 12 months to any date (as_of) ----------------------------------------------------------


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
      so are days lost (its census year's; the measures show them only for a 30 September);
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
    in_post = and_(
        e.start_date <= as_of,
        or_(e.end_date.is_(None), e.end_date > as_of),
        or_(last_return.c.census_year.is_(None), r.census_year >= last_return.c.census_year),
    )
    return (
        select(
            e.council,
            literal(census_year, Integer).label("census_year"),
            *_measure_columns(
                r,
                e.person,
                in_post=in_post,
                started=and_(e.start_date >= first, e.start_date <= as_of),
                left=and_(e.end_date >= first, e.end_date <= as_of),
            ),
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
        totals.vacancy_fte, totals.agency_cover_fte = as_decimal(vacancy, 2), as_decimal(cover, 2)
    return found
