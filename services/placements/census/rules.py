"""The census's rules across fields: a record's dates against its census year and each other, the leaver's
fields, a plausible age, and the header naming the return that was asked for. Plain functions: each takes
what it checks and yields its problems."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from services.common.census_calendar import census_reference_date
from services.common.dates import END_BEFORE_START, end_before_start
from services.placements.census.fields import CensusRecord
from services.placements.census.problems import Problem

PLAUSIBLE_AGES = range(18, 81)


def across_fields(
    record: CensusRecord, values: dict[str, str | None], year: int, year_start: date, reference_date: date
) -> Iterator[Problem]:
    """The problems of one record (read from `values`, element to text) that no single field shows."""
    location = record.location
    start, end = record.role_start_date, record.role_end_date
    if end is not None and not year_start <= end <= reference_date:
        yield Problem(
            location,
            "RoleEndDate",
            end.isoformat(),
            "date_outside_census_year",
            f"RoleEndDate must fall in census year {year} ({year_start} to {reference_date})",
        )
    if start is not None and start > reference_date:
        yield Problem(
            location,
            "RoleStartDate",
            start.isoformat(),
            "start_after_reference_date",
            f"RoleStartDate is after the census reference date {reference_date}",
        )
    if end_before_start(start, end):
        yield Problem(
            location,
            "RoleEndDate",
            end.isoformat(),
            END_BEFORE_START,
            f"RoleEndDate is before RoleStartDate {start}",
        )
    if "RoleEndDate" not in values:
        for element in ("LeaverDestination", "ReasonLeave"):
            if element in values:
                yield Problem(
                    location,
                    element,
                    values[element],
                    "leaver_fields_without_end_date",
                    f"{element} is given but RoleEndDate is not: only leavers have one",
                )
    else:
        if "ReasonLeave" not in values:
            yield Problem(
                location,
                "ReasonLeave",
                None,
                "missing_reason_leave",
                "a leaver (RoleEndDate given) should have a ReasonLeave",
                "warning",
            )
        if record.agency_worker:
            yield Problem(
                location,
                "RoleEndDate",
                values["RoleEndDate"],
                "agency_worker_with_end_date",
                "agency workers in the return are those in post on 30 September, so have no RoleEndDate",
                "warning",
            )
    if record.birth_date is not None:
        born, ref = record.birth_date, reference_date
        age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
        if age not in PLAUSIBLE_AGES:
            yield Problem(
                location,
                "PersonBirthDate",
                born.isoformat(),
                "implausible_age",
                f"PersonBirthDate gives an age of {age} on {ref}; check it",
                "warning",
            )


def header_problems(header: Any, census_year: int, council: str) -> Iterator[Problem]:
    """The header must name the CSWW collection, the census year and its reference date, and the council."""
    expected = {
        "CollectionDetails/Collection": ("CSWW", "wrong_collection"),
        "CollectionDetails/Year": (str(census_year), "wrong_year"),
        "CollectionDetails/ReferenceDate": (census_reference_date(census_year).isoformat(), "wrong_reference_date"),
        "Source/LEA": (council, "wrong_council"),
    }
    for path, (want, code) in expected.items():
        location = f"/Message/Header/{path}"
        element = path.rpartition("/")[2]
        got = header.findtext(path)
        if got is None or not got.strip():
            yield Problem(location, element, None, "missing_required", f"the header needs {element}")
        elif got.strip() != want:
            yield Problem(location, element, got, code, f"{element} must be {want}, not {got.strip()}")
