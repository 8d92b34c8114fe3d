"""The DfE's workforce measures as plain functions of an area's totals, rounded as the DfE publishes."""

import calendar
from dataclasses import dataclass, field, fields
from decimal import Decimal

from services.common.rounding import half_up


def working_days(census_year: int) -> int:
    """Working days in census year N: the published absence rates fit 253, and 254 in a census year
    holding 29 February (2020, 2024)."""
    return 254 if calendar.isleap(census_year) else 253


ZERO_DENOMINATOR = "zero denominator"


@dataclass
class Totals:
    """An area's census totals for a year: the numerators and denominators of every rate.

    Region and England totals are sums of their councils' totals, never averages of rates."""

    inpost_fte: Decimal = Decimal(0)
    inpost_headcount: int = 0
    starters_fte: Decimal = Decimal(0)
    starters_headcount: int = 0
    leavers_fte: Decimal = Decimal(0)
    leavers_headcount: int = 0
    agency_fte: Decimal = Decimal(0)
    agency_headcount: int = 0
    agency_cover_fte: Decimal | None = None  # from the vacancy block; None when no block was sent
    vacancy_fte: Decimal | None = None
    case_holders_fte: Decimal = Decimal(0)
    cases: int = 0
    working_days_lost_fte: Decimal = Decimal(0)

    def __add__(self, other: "Totals") -> "Totals":
        def plus(a, b):
            return b if a is None else a if b is None else a + b

        return Totals(**{f.name: plus(getattr(self, f.name), getattr(other, f.name)) for f in fields(Totals)})


@dataclass
class Measures:
    """Every measure of the DfE's published table, under its column names."""

    values: dict[str, Decimal | int | None]
    reasons: dict[str, str] = field(default_factory=dict)


Number = Decimal | int


def rate(numerator: Number | None, denominator: Number | None) -> tuple[Decimal | None, str | None]:
    """100 x numerator / denominator to one place, half up; a zero or missing denominator is no value."""
    if numerator is None or denominator is None:
        return None, "not collected"
    if denominator == 0:
        return None, ZERO_DENOMINATOR
    return half_up(Decimal(100) * Decimal(numerator) / Decimal(denominator)), None


def ratio(numerator: Number, denominator: Number) -> tuple[Decimal | None, str | None]:
    if denominator == 0:
        return None, ZERO_DENOMINATOR
    return half_up(Decimal(numerator) / Decimal(denominator)), None


def measures(totals: Totals, census_year: int) -> Measures:
    t = totals
    derived = {
        "turnover_rate_fte": rate(t.leavers_fte, t.inpost_fte),
        "turnover_rate_headcount": rate(t.leavers_headcount, t.inpost_headcount),
        "agency_rate_fte": rate(t.agency_fte, t.agency_fte + t.inpost_fte),
        "agency_rate_headcount": rate(t.agency_headcount, t.agency_headcount + t.inpost_headcount),
        "agency_cover_rate_fte": rate(t.agency_cover_fte, t.agency_fte),
        "vacancy_rate_fte": rate(t.vacancy_fte, None if t.vacancy_fte is None else t.vacancy_fte + t.inpost_fte),
        "vacancy_agency_cover_rate_fte": rate(t.agency_cover_fte, t.vacancy_fte),
        "caseload_fte": ratio(t.cases, t.case_holders_fte),
        "absence_rate_fte": rate(t.working_days_lost_fte, t.inpost_fte * working_days(census_year)),
    }
    values: dict[str, Decimal | int | None] = {
        "inpost_fte": half_up(t.inpost_fte),
        "inpost_headcount": t.inpost_headcount,
        "starters_fte": half_up(t.starters_fte),
        "starters_headcount": t.starters_headcount,
        "leavers_fte": half_up(t.leavers_fte),
        "leavers_headcount": t.leavers_headcount,
        "agency_fte": half_up(t.agency_fte),
        "agency_headcount": t.agency_headcount,
        "agency_cover_fte": None if t.agency_cover_fte is None else half_up(t.agency_cover_fte),
        "vacancy_fte": None if t.vacancy_fte is None else half_up(t.vacancy_fte),
        "case_holders_fte": half_up(t.case_holders_fte),
        "cases": t.cases,
        "working_days_lost_fte": half_up(t.working_days_lost_fte),
    }
    reasons = {}
    for name, (value, reason) in derived.items():
        values[name] = value
        if reason:
            reasons[name] = reason
    for name in ("agency_cover_fte", "vacancy_fte"):
        if values[name] is None:
            reasons[name] = "no vacancy block in the return"
    return Measures(values, reasons)


RATE_NAMES = (
    "turnover_rate_fte", "turnover_rate_headcount", "agency_rate_fte", "agency_rate_headcount",
    "agency_cover_rate_fte", "vacancy_rate_fte", "vacancy_agency_cover_rate_fte", "caseload_fte",
    "absence_rate_fte",
)  # fmt: skip
MEASURE_NAMES = (
    "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte", "turnover_rate_headcount", "agency_fte", "agency_headcount", "agency_rate_fte",
    "agency_rate_headcount", "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases", "caseload_fte", "working_days_lost_fte",
    "absence_rate_fte",
)  # fmt: skip
