"""Census returns for tests, written with the product's own census writers."""

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from services.placements.census import (
    CensusRecord,
    CensusReturn,
    Vacancies,
    write_census_csv,
    write_census_xml,
)

IN_POST = CensusRecord(
    agency_worker=False,
    swe_number="SW1001",
    fte=Decimal("1"),
    birth_date=date(1985, 4, 2),
    gender=2,
    ethnicity="WBRI",
    qual_level=1,
    org_role=5,
    role_start_date=date(2019, 1, 7),
    start_origin=1,
    fte30=Decimal("1"),
    cases30=16,
    working_days_lost=Decimal("4.50"),
)


def person(number: int, **changes) -> CensusRecord:
    return replace(IN_POST, swe_number=f"SW{number}", **changes)


def xml_return(year: int, council: str, records: list[CensusRecord], vacancies: Vacancies | None = None) -> bytes:
    out = io.BytesIO()
    census_return = CensusReturn(year, council, vacancies or Vacancies(Decimal("3.00"), Decimal("1.50"), 2), records)
    write_census_xml(census_return, out, generated_at=datetime(year, 10, 15, 9, 0, tzinfo=UTC))
    return out.getvalue()


def csv_return(records: list[CensusRecord]) -> bytes:
    out = io.StringIO(newline="")
    write_census_csv(records, out)
    return out.getvalue().encode()
