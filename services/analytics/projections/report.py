"""The projection report: the recent census years' flows read from the records, each measure's paths, and each
member council and the region as the answer shows them (docs/projections.md)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from services.analytics.access import member_councils
from services.analytics.projections.model import (
    Rates,
    Stock,
    mean_rates,
    moved_in,
    project,
    rates_of_year,
    replay,
    starters_needed,
    target_path,
)
from services.analytics.projections.schemas import ProjectionArea, ProjectionReport, ProjectionYear
from services.analytics.workforce import tables
from services.analytics.workforce.totals import council_totals, last_reference_year
from services.common.auth import Principal, Role
from services.common.errors import NotFound
from services.common.moves import move_pairs
from services.common.rounding import half_up


@dataclass
class History:
    """What the recent census years held: per measure ("headcount", "fte"), each year's rates; the latest
    year's stock, vacancies and the councils with records then."""

    census_years: list[int]
    rates: dict[str, list[Rates]]
    stock: dict[str, Stock]
    vacancy_fte: Stock


def read_history(session: Session, members: list[str], census_years: list[int], window_days: int) -> History:
    totals = council_totals(session, census_years, members)
    rates: dict[str, list[Rates]] = {"headcount": [], "fte": []}
    for year in census_years:
        in_year = {code: t for (code, y), t in totals.items() if y == year and t.inpost_headcount + t.leavers_headcount}
        pairs = move_pairs(session, year, members, window_days)
        for measure in ("headcount", "fte"):

            def figure(name: str, in_year=in_year, measure=measure) -> Stock:
                return {code: float(getattr(t, f"{name}_{measure}")) for code, t in in_year.items()}

            moves = {
                (p.from_council, p.to_council): float(p.headcount if measure == "headcount" else p.fte) for p in pairs
            }
            rates[measure].append(rates_of_year(figure("inpost"), figure("starters"), figure("leavers"), moves))
    last = census_years[-1]
    latest = {code: t for (code, y), t in totals.items() if y == last}
    return History(
        census_years=census_years,
        rates=rates,
        stock={
            "headcount": {code: float(t.inpost_headcount) for code, t in latest.items()},
            "fte": {code: float(t.inpost_fte) for code, t in latest.items()},
        },
        vacancy_fte={code: float(t.vacancy_fte) for code, t in latest.items() if t.vacancy_fte is not None},
    )


@dataclass
class Paths:
    """One measure's projection: the central path, every scenario's (the band), and the starters needed."""

    stock: Stock
    central: list[Stock]
    scenarios: list[list[Stock]]
    hold: list[Stock]  # starters from outside needed to hold each council's stock
    hold_all: list[Stock]  # starters needed to hold it, moves in from other member councils included
    target: list[Stock] | None = None  # the FTE path to the target vacancy rate
    target_outside: list[Stock] | None = None
    target_all: list[Stock] | None = None


def measure_paths(history: History, measure: str, years: int, target_vacancy_rate: Decimal | None) -> Paths:
    stock = history.stock[measure]
    central = mean_rates(history.rates[measure])

    def needed(path: list[Stock]) -> tuple[list[Stock], list[Stock]]:
        outside = starters_needed(stock, path, central)
        before = [stock, *path[:-1]]
        every = [
            {code: wanted[code] + moved_in(prev, central).get(code, 0.0) for code in wanted}
            for wanted, prev in zip(outside, before, strict=True)
        ]
        return outside, every

    hold, hold_all = needed([stock] * years)
    paths = Paths(
        stock=stock,
        central=project(stock, central, years),
        scenarios=[project(stock, replay(rates, central), years) for rates in history.rates[measure]],
        hold=hold,
        hold_all=hold_all,
    )
    if measure == "fte" and target_vacancy_rate is not None:
        share = 1 - float(target_vacancy_rate) / 100
        # the establishment is the FTE in post and vacant; a council that sent no vacancy block holds its FTE
        target = {
            code: (held + history.vacancy_fte[code]) * share if code in history.vacancy_fte else held
            for code, held in stock.items()
        }
        paths.target = target_path(stock, target, years)
        paths.target_outside, paths.target_all = needed(paths.target)
    return paths


def _round(value: float) -> Decimal:
    return half_up(Decimal(repr(value)))


def projection_report(
    session: Session,
    principal: Principal,
    council: str | None,
    years: int,
    history_years: int,
    target_vacancy_rate: Decimal | None,
    window_days: int,
    today: date,
) -> ProjectionReport:
    """Each member council (or the one asked) and the region, projected `years` census years past the latest
    ended census year with records, from the `history_years` census years to it. A council's HR sees its own
    council and the region; another council answers 404."""
    known, members = member_councils(session, principal, council)
    ended = last_reference_year(today)
    held = [year for year in tables.census_years_held(session) if year <= ended]
    if not held:
        raise NotFound("No records for an ended census year: nothing to project from.", census_years_held=held)
    base = held[-1]
    history = read_history(session, members, [year for year in held if year > base - history_years], window_days)
    paths = {measure: measure_paths(history, measure, years, target_vacancy_rate) for measure in ("headcount", "fte")}
    shown = [council] if council else [principal.council] if principal.role is Role.council_hr else members
    region = known[members[0]]
    areas = [_area(code, known[code].name, "council", [code], base, paths, history) for code in shown] + [
        _area(region.region_code, region.region_name, "region", members, base, paths, history)
    ]
    return ProjectionReport(
        base_census_year=base, history_census_years=history.census_years, years=years,
        target_vacancy_rate=target_vacancy_rate, movement_window_days=window_days, method="docs/projections.md",
        areas=areas,
    )  # fmt: skip


def _area(
    code: str, name: str, level: str, in_area: list[str], base: int, paths: dict[str, Paths], history: History
) -> ProjectionArea:
    def total(stock: Stock) -> Decimal:
        return _round(sum(stock.get(c, 0.0) for c in in_area))

    projected = []
    for t in range(len(paths["fte"].central)):
        bands = {
            measure: sorted(float(total(scenario[t])) for scenario in [p.central, *p.scenarios])
            for measure, p in paths.items()
        }
        year = ProjectionYear(
            census_year=base + t + 1,
            inpost_headcount=total(paths["headcount"].central[t]),
            inpost_headcount_lower=_round(bands["headcount"][0]), inpost_headcount_upper=_round(bands["headcount"][-1]),
            inpost_fte=total(paths["fte"].central[t]),
            inpost_fte_lower=_round(bands["fte"][0]), inpost_fte_upper=_round(bands["fte"][-1]),
            starters_needed_to_hold_headcount=total(paths["headcount"].hold_all[t]),
            starters_from_outside_needed_to_hold_headcount=total(paths["headcount"].hold[t]),
            starters_needed_to_hold_fte=total(paths["fte"].hold_all[t]),
            starters_from_outside_needed_to_hold_fte=total(paths["fte"].hold[t]),
        )  # fmt: skip
        fte = paths["fte"]
        if fte.target is not None and fte.target_outside is not None and fte.target_all is not None:
            year.target_inpost_fte = total(fte.target[t])
            year.starters_needed_for_target_fte = total(fte.target_all[t])
            year.starters_from_outside_needed_for_target_fte = total(fte.target_outside[t])
        projected.append(year)
    councils = [c for c in in_area if c in history.stock["headcount"]]
    return ProjectionArea(
        code=code, name=name, level=level, source="computed", councils=councils,
        missing_councils=[c for c in in_area if c not in councils], base_census_year=base,
        inpost_headcount=round(total(history.stock["headcount"])), inpost_fte=total(history.stock["fte"]),
        vacancy_fte=_round(sum(history.vacancy_fte.get(c, 0.0) for c in councils)) if history.vacancy_fte else None,
        leaver_rate_headcount=_share(paths["headcount"], in_area), leaver_rate_fte=_share(paths["fte"], in_area),
        years=projected,
    )  # fmt: skip


def _share(paths: Paths, in_area: list[str]) -> Decimal | None:
    """The area's central leaver rate: its councils' expected leavers as a percentage of their stock."""
    stock = sum(paths.stock.get(c, 0.0) for c in in_area)
    if stock == 0:
        return None
    return _round(100 * sum(paths.hold_all[0].get(c, 0.0) for c in in_area) / stock)  # hold_all: stock x leave
