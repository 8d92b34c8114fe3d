"""The DfE's workforce measures for councils, their region and England, from the records each year held."""

from datetime import date

from sqlmodel import Session

from services.analytics import workforce_sql
from services.analytics.measures import RATE_NAMES, Totals, measures
from services.analytics.schemas import WorkforceArea
from services.common.auth import Principal, Role
from services.common.census_calendar import census_year_of
from services.common.errors import Forbidden, NotFound

ENGLAND = ("E92000001", "England")
READERS = (Role.academy_admin, Role.dfe, Role.council_hr, Role.service)
RATES_ONLY = "rates only: another council's figures"
AS_OF_DAYS_LOST = "working days lost are collected per census year: ask for a 30 September"


def require_reader(principal: Principal) -> None:
    if principal.role not in READERS:
        raise Forbidden("Your role has no access to analytics.")


def _area(code: str, name: str, level: str, year: int, totals: Totals, rates_only: bool) -> WorkforceArea:
    computed = measures(totals, year)
    values, reasons = dict(computed.values), dict(computed.reasons)
    if rates_only:
        for name_ in list(values):
            if name_ not in RATE_NAMES:
                values[name_] = None
                reasons[name_] = RATES_ONLY
    return WorkforceArea(code=code, name=name, level=level, census_year=year, reasons=reasons, **values)


def workforce_areas(
    session: Session,
    principal: Principal,
    years: list[int],
    council: str | None,
    as_of: date | None = None,
) -> list[WorkforceArea]:
    """Each council with records (or just `council`), each of their regions, and England, per year.

    Region and England are sums of their councils' numerators and denominators. With `as_of`, one
    "year": the 12 months to that date (workforce_sql.as_of_totals_query says how it is read)."""
    require_reader(principal)
    known = workforce_sql.councils(session)
    if council is not None and council not in known:
        raise NotFound(f"No council {council}.")
    if as_of is not None:
        years = [census_year_of(as_of)]
        totals = workforce_sql.council_totals_as_of(session, as_of)
    else:
        totals = workforce_sql.council_totals(session, years)
    areas = _areas(known, principal, years, council, totals)
    if as_of is not None and (as_of.month, as_of.day) != (9, 30):
        for area in areas:
            _census_year_flows_only(area)
    return areas


def _census_year_flows_only(area: WorkforceArea) -> None:
    """Days lost are collected for a census year, not for any 12 months: null, with why, off 30 Sep."""
    for name in ("working_days_lost_fte", "absence_rate_fte"):
        setattr(area, name, None)
        area.reasons[name] = AS_OF_DAYS_LOST


def _areas(
    known: dict[str, workforce_sql.CouncilRow],
    principal: Principal,
    years: list[int],
    council: str | None,
    totals: dict[tuple[str, int], Totals],
) -> list[WorkforceArea]:
    areas: list[WorkforceArea] = []
    for year in years:
        in_year = {code: t for (code, y), t in totals.items() if y == year}
        regions: dict[str, Totals] = {}
        for code, council_totals in in_year.items():
            region = known[code].region_code
            regions[region] = regions.get(region, Totals()) + council_totals
        england = sum(in_year.values(), Totals())
        shown = [council] if council else sorted(in_year)
        for code in shown:
            row = known[code]
            hidden = principal.role is Role.council_hr and code != principal.council
            areas.append(_area(code, row.name, "council", year, in_year.get(code, Totals()), hidden))
        region_codes = {known[code].region_code for code in shown} if council else sorted(regions)
        for region in sorted(region_codes):
            name = next(r.region_name for r in known.values() if r.region_code == region)
            areas.append(_area(region, name, "region", year, regions.get(region, Totals()), False))
        areas.append(_area(*ENGLAND, "national", year, england, False))
    return areas
