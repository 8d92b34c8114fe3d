"""The placements tables analytics reads, and the few questions asked of them directly.

Placements owns these tables; this module names only the columns analytics reads, so a change to
placements' internals breaks here and nowhere else. Year N's figures use only the rows that census
year N holds (employment_year), exactly as the DfE computes each year from that year's return.
"""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Boolean, Date, Integer, Numeric, String, Uuid, case, column, func, select, table
from sqlalchemy import distinct as sql_distinct
from sqlmodel import Session
from sqlmodel import select as select_rows

from services.common import moves
from services.common.models import Council

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
import_batch = table(
    "import_batch", column("council", String), column("census_year", Integer), column("status", String),
)  # fmt: skip
RETURN_STATUSES = ("applied", "unchanged")  # a return that is in (a dry run or a rejected file is not)


def sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def people_if(condition, person):
    return func.count(sql_distinct(case((condition, person))))


def as_decimal(value, places: int = 6) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to the census's precision.
    return Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-places))


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def councils(session: Session) -> dict[str, Council]:
    """Every council known (the shared kernel's reference table), by DfE code."""
    return {row.code: row for row in session.exec(select_rows(Council))}


def member_codes(known: dict[str, Council]) -> list[str]:
    """The academy's member councils among `known`, by code, in order."""
    return sorted(code for code, row in known.items() if row.academy_member)


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
