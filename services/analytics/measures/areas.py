"""The DfE's workforce measures for councils, their region and England, from the records each year held."""

from datetime import date

from sqlmodel import Session

from services.analytics.access import RATES_ONLY, require_reader
from services.analytics.measures.published import england, published_area
from services.analytics.measures.rules import RATE_NAMES, Totals, measures
from services.analytics.measures.schemas import Level, WorkforceArea
from services.analytics.workforce import tables
from services.analytics.workforce.totals import council_totals, council_totals_as_of
from services.common import clock
from services.common.auth import Principal, Role
from services.common.census_calendar import census_year_of
from services.common.errors import NotFound
from services.common.models import Council

AS_OF_DAYS_LOST = "working days lost are collected per census year: ask for a 30 September"


def _area(code: str, name: str, level: Level, year: int, totals: Totals, rates_only: bool) -> WorkforceArea:
    computed = measures(totals, year)
    values, reasons = dict(computed.values), dict(computed.reasons)
    if rates_only:
        for name_ in list(values):
            if name_ not in RATE_NAMES:
                values[name_] = None
                reasons[name_] = RATES_ONLY
    return WorkforceArea(
        code=code, name=name, level=level, census_year=year, source="computed", reasons=reasons, **values
    )


def workforce_areas(
    session: Session,
    principal: Principal,
    years: list[int],
    council: str | None,
    as_of: date | None = None,
    today: date | None = None,
) -> list[WorkforceArea]:
    """Per year: each council with records (or just `council`), its region computed from the councils it
    holds (naming those missing), and that region and England as the DfE published them.

    A computed region sums its councils' numerators and denominators. With `as_of`, one "year": the 12
    months to that date (workforce/totals.py, as_of_totals_query, says how it is read); the published areas go with
    it only on a 30 September. A year with no records for the area asked has no computed areas (the DfE's
    still come); when no year asked has any, a 404 names the years there are."""
    require_reader(principal)
    known = tables.councils(session)
    if council is not None and council not in known:
        raise NotFound(f"No council {council}.")
    if as_of is not None:
        years = [census_year_of(as_of)]
        totals = council_totals_as_of(session, as_of)
    else:
        totals = council_totals(session, years)
    if not any(council in (None, code) for code, _ in totals):
        raise _no_records(session, known, years, council, as_of)
    in_progress = census_year_of(today or clock.today())
    areas = _areas(known, principal, years, council, totals, published=as_of is None or _is_30_september(as_of))
    for area in areas:
        area.provisional = area.source == "computed" and area.census_year >= in_progress
    if as_of is not None and not _is_30_september(as_of):
        for area in areas:
            _census_year_flows_only(area)
    return areas


def require_records(session: Session, principal: Principal, year: int, council: str | None) -> None:
    """A 404 naming the years there are, unless census year `year` holds records for the council,
    or for any council when none is named."""
    require_reader(principal)
    known = tables.councils(session)
    if council is not None and council not in known:
        raise NotFound(f"No council {council}.")
    if year not in tables.census_years_held(session, council):
        raise _no_records(session, known, [year], council, None)


def years_without_records(areas: list[WorkforceArea], years: list[int]) -> list[int]:
    computed = {area.census_year for area in areas if area.source == "computed"}
    return [year for year in years if year not in computed]


def _is_30_september(day: date) -> bool:
    return (day.month, day.day) == (9, 30)


def _no_records(session: Session, known: dict[str, Council], years: list[int], council: str | None, as_of) -> NotFound:
    held = tables.census_years_held(session, council)
    where = f"council {council} ({known[council].name})" if council else "any council"
    asked = f"the 12 months to {as_of}" if as_of else f"census year {years[0]}"
    if as_of is None and len(years) > 1:
        asked = f"census years {years[0]} to {years[-1]}"
    there = f"records are held for {_spans(held)}" if held else "no census year has records yet"
    return NotFound(f"No records for {asked} at {where}: {there}.", census_years_held=held)


def _spans(years: list[int]) -> str:
    """[2017, 2018, 2019, 2023] -> "2017 to 2019 and 2023"."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][-1] + 1:
            spans[-1].append(year)
        else:
            spans.append([year])
    parts = [str(s[0]) if len(s) == 1 else f"{s[0]} to {s[-1]}" for s in spans]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _census_year_flows_only(area: WorkforceArea) -> None:
    """Days lost are collected for a census year, not for any 12 months: null, with why, off 30 Sep."""
    for name in ("working_days_lost_fte", "absence_rate_fte"):
        setattr(area, name, None)
        area.reasons[name] = AS_OF_DAYS_LOST


def _areas(
    known: dict[str, Council],
    principal: Principal,
    years: list[int],
    council: str | None,
    totals: dict[tuple[str, int], Totals],
    published: bool,
) -> list[WorkforceArea]:
    held = [council] if council else sorted({code for code, _ in totals})
    regions = sorted({known[code].region_code for code in held})
    areas: list[WorkforceArea] = []
    for year in years:
        in_year = {code: t for (code, y), t in totals.items() if y == year}
        shown = [code for code in held if code in in_year]
        for code in shown:
            hidden = principal.role is Role.council_hr and code != principal.council
            area = _area(code, known[code].name, "council", year, in_year[code], hidden)
            area.councils = [code]
            areas.append(area)
        for region in regions:
            if shown:
                areas.append(_computed_region(known, region, year, in_year))
            if published and (found := published_area(year, region, _region_name(known, region), "region")):
                areas.append(found)
        if published and (found := england(year)):
            areas.append(found)
    return areas


def _region_name(known: dict[str, Council], region: str) -> str:
    return next(row.region_name for row in known.values() if row.region_code == region)


def _computed_region(known: dict[str, Council], region: str, year: int, in_year: dict[str, Totals]) -> WorkforceArea:
    """The region summed from the councils with records that year; its name says when some are missing."""
    members = sorted(code for code, row in known.items() if row.region_code == region and row.academy_member)
    held = [code for code in members if code in in_year]
    missing = [code for code in members if code not in in_year]
    name = _region_name(known, region)
    if missing:
        name = f"{name}: {len(held)} of its {len(members)} councils"
    area = _area(region, name, "region", year, sum((in_year[code] for code in held), Totals()), False)
    area.councils, area.missing_councils = held, missing
    return area
