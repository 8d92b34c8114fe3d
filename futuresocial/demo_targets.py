"""Exact totals for the demo workforce: values that round to every published figure and give every
published rate, for each West Midlands council and for the region, year by year.

The DfE publishes FTE to one decimal place and rates computed from unrounded totals, so the
published FTE figures alone do not always reproduce the published rates. A small seeded search
over the values each published figure could have been (to 0.01) finds totals that reproduce both.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from services.analytics.measures.rules import working_days
from services.common.reference import ACADEMY_MEMBERS, WEST_MIDLANDS, published_rows

FTE_MEASURES = (
    "inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "agency_cover_fte", "vacancy_fte",
    "case_holders_fte", "working_days_lost_fte",
)  # fmt: skip
COUNT_MEASURES = ("inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases")
# rate name -> (numerator, denominator terms, scale); denominators are sums of measures
RATES = {
    "turnover_rate_fte": ("leavers_fte", ("inpost_fte",), 1000),
    "turnover_rate_headcount": ("leavers_headcount", ("inpost_headcount",), 1000),
    "agency_rate_headcount": ("agency_headcount", ("agency_headcount", "inpost_headcount"), 1000),
    "agency_rate_fte": ("agency_fte", ("agency_fte", "inpost_fte"), 1000),
    "agency_cover_rate_fte": ("agency_cover_fte", ("agency_fte",), 1000),
    "vacancy_rate_fte": ("vacancy_fte", ("vacancy_fte", "inpost_fte"), 1000),
    "vacancy_agency_cover_rate_fte": ("agency_cover_fte", ("vacancy_fte",), 1000),
    "caseload_fte": ("cases", ("case_holders_fte",), 10),
    "absence_rate_fte": ("working_days_lost_fte", ("inpost_fte",), 1000),
}


# FTE totals and the headcounts they belong to: one record's FTE is at most 1
FTE_HEADCOUNTS = {
    "inpost_fte": "inpost_headcount", "starters_fte": "starters_headcount",
    "leavers_fte": "leavers_headcount", "agency_fte": "agency_headcount",
}  # fmt: skip


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def _tenths(value: Decimal) -> int:
    return int((value * 10).to_integral_value())


@dataclass
class Area:
    """One area-year: published figures (None where the DfE gave a symbol) and chosen exact totals."""

    code: str
    published: dict[str, Decimal | None]
    chosen: dict[str, int] = field(default_factory=dict)  # FTE in hundredths, counts as they are
    free: set[str] = field(default_factory=set)  # measures the DfE did not publish for this area


def _rate_tenths(numerator: int, denominator: int, scale: int, numerator_is_count: bool) -> int | None:
    """The published rate in tenths, half up: scale*num/den with FTE in hundredths."""
    if denominator <= 0:
        return None
    if numerator_is_count:  # cases / (hundredths FTE): 100*cases/ch is the caseload
        numerator *= 100
    return (2 * scale * numerator + denominator) // (2 * denominator)


def _violations(area: Area, values: dict[str, int], year: int, fte_weight: int = 3) -> int:
    bad = 0
    for name in FTE_MEASURES:
        target = area.published.get(name)
        if target is not None and (2 * values[name] + 10) // 20 != _tenths(target):
            bad += fte_weight
        people = values.get(FTE_HEADCOUNTS.get(name, ""))
        if people is not None and values[name] > 100 * people and (target is None or target <= people):
            bad += 3  # more FTE than people, where the published figures leave room not to
    for name in COUNT_MEASURES:
        target = area.published.get(name)
        if target is not None and values[name] != int(target):
            bad += 3  # counts are exact, and a region's include every council
    for rate, (numerator, denominator, scale) in RATES.items():
        target = area.published.get(rate)
        if target is None:
            continue
        den = sum(values[term] for term in denominator)
        if rate == "absence_rate_fte":
            den *= working_days(year)
        got = _rate_tenths(values[numerator], den, scale, numerator == "cases")
        if got != _tenths(target):
            bad += 3
    return bad


def _region_values(councils: list[Area]) -> dict[str, int]:
    return {name: sum(c.chosen[name] for c in councils) for name in (*FTE_MEASURES, *COUNT_MEASURES)}


def solve_year(
    region: Area, councils: list[Area], year: int, seed: int, steps: int = 400000, patience: int = 40000
) -> int:
    """Choose each council's exact totals; returns how many published figures could not be met."""
    rng = random.Random(seed)
    for measure in COUNT_MEASURES:  # counts are exact: a hidden council's is the region's remainder
        hidden = [c for c in councils if c.published.get(measure) is None]
        known = sum(int(c.published[measure]) for c in councils if c.published.get(measure) is not None)
        total = region.published.get(measure)
        for c in hidden:
            share = (int(total) - known) // len(hidden) if total is not None else 0
            c.chosen[measure] = max(share, 0)
            c.free.add(measure)
        for c in councils:
            if measure not in c.free:
                c.chosen[measure] = int(c.published[measure])
    for measure in FTE_MEASURES:
        hidden = [c for c in councils if c.published.get(measure) is None]
        known = sum(c.published[measure] for c in councils if c.published.get(measure) is not None)
        total = region.published.get(measure)
        for c in councils:
            if c.published.get(measure) is not None:
                c.chosen[measure] = int(c.published[measure] * 100)
            else:
                remainder = (total - known) / len(hidden) if total is not None else Decimal(0)
                c.chosen[measure] = max(int(remainder * 100), 0)
                c.free.add(measure)

    for rate, (numerator, _denominator, _scale) in RATES.items():  # agency before its cover, by order
        target = region.published.get(rate)
        for c in councils:
            if numerator in c.free and numerator != "cases" and target is not None:
                _give_regions_rate(c, rate, target, year)

    # a region total the DfE summed over a council it then left out of the region's rates (as
    # unreliable, "u") cannot match both: the rates win
    region_weight = 1 if any(c.free for c in councils) else 3
    sums = _region_values(councils)
    council_bad = [_violations(c, c.chosen, year) for c in councils]
    region_bad = _violations(region, sums, year, region_weight)
    current, since_better = sum(council_bad) + region_bad, 0
    for _ in range(steps):
        if current == 0 or since_better > patience:
            break
        index = rng.randrange(len(councils))
        council = councils[index]
        free_counts = [m for m in COUNT_MEASURES if m in council.free]
        if free_counts and rng.random() < 0.2:
            measure = rng.choice(free_counts)
        else:
            measure = rng.choice(FTE_MEASURES)
        old = council.chosen[measure]
        if measure in COUNT_MEASURES:
            new = max(0, old + rng.randint(-20, 20))
        elif measure in council.free:  # unpublished: anything plausible, near or far
            near = rng.random() < 0.7
            new = max(0, old + rng.randint(-200, 200)) if near else rng.randint(0, 2 * max(old, 10000))
        else:  # published to 0.1: any value that rounds to it
            new = max(0, int(council.published[measure] * 100) + rng.randint(-5, 4))
        council.chosen[measure] = new
        sums[measure] += new - old
        bad = _violations(council, council.chosen, year)
        bad_region = _violations(region, sums, year, region_weight)
        attempt = current - council_bad[index] + bad - region_bad + bad_region
        since_better = 0 if attempt < current else since_better + 1
        if attempt <= current:
            current, council_bad[index], region_bad = attempt, bad, bad_region
        else:
            council.chosen[measure] = old
            sums[measure] -= new - old
    region.chosen = _region_values(councils)
    return current


def _give_regions_rate(council: Area, rate: str, target: Decimal, year: int) -> None:
    """An unpublished council figure set so the council's own rate equals the region's published
    one: the DfE left such a council out of the region's rates, so including it changes nothing."""
    numerator, denominator, _scale = RATES[rate]
    share = target / (1000 if rate == "caseload_fte" else 100)
    others = sum(council.chosen[term] for term in denominator if term != numerator)
    if rate == "caseload_fte":
        return
    if numerator in denominator:  # a / (a + b) = share
        value = share / (1 - share) * others if share < 1 else others
    else:
        value = share * others * (working_days(year) if rate == "absence_rate_fte" else 1)
    council.chosen[numerator] = int(value)


def published_west_midlands(years: range) -> dict[int, tuple[Area, list[Area]]]:
    """The published region and member-council figures for each year."""
    found: dict[int, tuple[Area | None, list[Area]]] = {year: (None, []) for year in years}
    names = (*FTE_MEASURES, *COUNT_MEASURES, *RATES)
    for row in published_rows():
        year = int(row["time_period"])
        if year not in found or row["region_code"] != WEST_MIDLANDS:
            continue
        published = {name: _number(row[name]) for name in names}
        if row["geographic_level"] == "Regional":
            found[year] = (Area(WEST_MIDLANDS, published), found[year][1])
        elif row["old_la_code"] in ACADEMY_MEMBERS:
            found[year][1].append(Area(row["old_la_code"], published))
    return {year: (region, sorted(areas, key=lambda c: c.code)) for year, (region, areas) in found.items()}


def solve(years: range = range(2017, 2026), seed: int = 20261122) -> dict[int, tuple[Area, list[Area], int]]:
    solved = {}
    for year, (region, councils) in published_west_midlands(years).items():
        unmet = solve_year(region, councils, year, seed + year)
        solved[year] = (region, councils, unmet)
    return solved
