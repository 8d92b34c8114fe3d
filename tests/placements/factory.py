"""Census returns for tests, written with the product's own census writers."""

import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from services.common.census_calendar import census_reference_date, census_year_start
from services.placements.census.fields import CensusRecord, CensusReturn, Vacancies
from services.placements.census.writers import write_census_csv, write_census_xml

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


# --- A realistic return: varied people, as a council's HR system would send ---------------------

ETHNICITIES = ("WBRI", "WIRI", "WOTH", "MWBC", "MWAS", "AIND", "APKN", "ABAN", "BCRB", "BAFR", "CHNE", "REFU")
ETHNICITY_WEIGHTS = (60, 1, 5, 3, 2, 5, 6, 2, 6, 6, 1, 3)
INSTITUTIONS = (
    "University of Birmingham", "Birmingham City University", "Coventry University", "University of Wolverhampton",
    "Staffordshire University", "University of Worcester", "Open University", "Newman University", None,
)  # fmt: skip
ABSENCES = ("MAT", "OTH", "PUB", "SIC", "TRN", "UNA", "UNP")


def _fte(rng: random.Random) -> Decimal:
    """Mostly full time; some common part-time fractions; some hours-based fractions with 6 places."""
    pick = rng.random()
    if pick < 0.70:
        return Decimal("1")
    if pick < 0.85:
        return rng.choice((Decimal("0.8"), Decimal("0.6"), Decimal("0.5"), Decimal("0.4")))
    return Decimal(rng.randint(300_000, 999_999)).scaleb(-6)


def census_records(count: int, year: int, seed: int = 20261122) -> list[CensusRecord]:
    """`count` worker records: ~10% agency, ~12% leavers, ~12% starters, ~2% people with two spells."""
    rng = random.Random(seed)
    year_start, reference = census_year_start(year), census_reference_date(year)
    year_days = (reference - year_start).days
    records: list[CensusRecord] = []
    number = 100_000
    while len(records) < count:
        number += rng.randint(1, 30)
        pick = rng.random()
        agency, leaver = pick < 0.10, 0.10 <= pick < 0.22
        starter = 0.22 <= pick < 0.34 or (agency and rng.random() < 0.3)
        if starter:
            start = year_start + timedelta(days=rng.randint(0, year_days))
        else:
            start = year_start - timedelta(days=rng.randint(1, 25 * 365))
        end = year_start + timedelta(days=rng.randint(0, year_days)) if leaver else None
        role = rng.choices((1, 2, 3, 4, 5, 6), (1, 4, 10, 15, 60, 10))[0]
        fte = _fte(rng)
        absent = not leaver and rng.random() < 0.05
        record = CensusRecord(
            agency_worker=agency,
            swe_number=f"SW{number}",
            fte=fte,
            birth_date=date(reference.year - rng.randint(23, 64), rng.randint(1, 12), rng.randint(1, 28)),
            gender=rng.choices((1, 2, 0, 9), (17, 80, 2, 1))[0],
            ethnicity=rng.choices(ETHNICITIES, ETHNICITY_WEIGHTS)[0],
            qual_inst=rng.choice(INSTITUTIONS),
            qual_level=rng.choices((1, 2, 3), (60, 35, 5))[0],
            step_up_grad=rng.random() < 0.04,
            org_role=role,
            role_start_date=start,
            start_origin=rng.randint(1, 10) if starter else rng.choice((None, 9, 10, 2, 1)),
            role_end_date=end,
            leaver_destination=rng.randint(1, 9) if leaver else None,
            reason_leave=rng.randint(1, 10) if leaver else None,
            fte30=None if leaver else fte,
            cases30=None if leaver else (rng.randint(8, 24) if role == 5 else rng.randint(0, 8)),
            working_days_lost=None if agency else Decimal(rng.randint(0, 4000)).scaleb(-2),
            contract_weeks=Decimal(rng.randint(40, 520)).scaleb(-1) if agency else None,
            frontline_grad=rng.random() < 0.05,
            absent_30_sept=None if leaver else absent,
            reason_absence=rng.choice(ABSENCES) if absent else None,
            kss_status=rng.randint(1, 4) if rng.random() < 0.3 else None,
        )
        records.append(record)
        if len(records) < count and not leaver and rng.random() < 0.02:  # a second post held at once
            second = year_start - timedelta(days=rng.randint(1, 3 * 365))
            if second != start:
                records.append(
                    CensusRecord(
                        **{
                            **{name: getattr(record, name) for name in record.__dataclass_fields__},
                            "role_start_date": second,
                            "fte": Decimal("0.2"),
                            "fte30": Decimal("0.2"),
                            "org_role": 6,
                            "cases30": 0,
                            "location": "",
                        }
                    )  # fmt: skip
                )
    return records
