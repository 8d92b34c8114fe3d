"""Rankings of every English region or council on one of the DfE's rates, from the published data, with the
academy's own computed figures beside the published ones.

Every ranked rate counts the same way: lower is better (less turnover, less agency work, fewer vacancies,
less absence, lighter caseloads). Equal published values share the best rank they tie for and the next rank
skips, as the DfE ranks local authorities (1, 2, 2, 4). A value the DfE suppressed or did not collect keeps its
symbol's meaning as its reason and has no rank.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from sqlmodel import Session

from services.analytics.access import require_reader
from services.analytics.census_years import CensusYears
from services.analytics.measures import published
from services.analytics.measures.rules import Totals, measures
from services.analytics.measures.schemas import ComputedRank, RankingReport, RankingRow, RankPoint, RankSeries
from services.analytics.workforce import tables
from services.analytics.workforce.totals import council_totals
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.reference import published_rows

RankingLevel = Literal["region", "council"]
# Why a lower value is the better one, per rate that can be ranked.
LOWER_IS_BETTER = {
    "turnover_rate_fte": "lower is better: fewer leavers for the FTE in post",
    "turnover_rate_headcount": "lower is better: fewer leavers for the people in post",
    "agency_rate_fte": "lower is better: less of the workforce (FTE) from agencies",
    "agency_rate_headcount": "lower is better: fewer of the workforce from agencies",
    "vacancy_rate_fte": "lower is better: fewer posts (FTE) vacant",
    "absence_rate_fte": "lower is better: fewer working days lost to sickness",
    "caseload_fte": "lower is better: fewer cases per case-holding FTE",
}
RankedMeasure = Literal[
    "turnover_rate_fte", "turnover_rate_headcount", "agency_rate_fte", "agency_rate_headcount", "vacancy_rate_fte",
    "absence_rate_fte", "caseload_fte",
]  # fmt: skip
TIES = "equal values share the best rank they tie for and the next rank skips (1, 2, 2, 4), as the DfE ranks"
NO_RANK = "no published value: not ranked"


@dataclass(frozen=True)
class PublishedArea:
    code: str  # ONS code of a region; DfE code of a council ("940 / 941" for a combined row)
    name: str
    row: dict[str, str]


@lru_cache
def published_areas(year: int, level: RankingLevel) -> tuple[PublishedArea, ...]:
    """Every English region (the nine, E12: Inner and Outer London are parts of London, not regions) or every
    council row the DfE published for census year `year`."""
    found = []
    for row in published_rows():
        if int(row["time_period"]) != year:
            continue
        if level == "region" and row["geographic_level"] == "Regional" and row["region_code"].startswith("E12"):
            found.append(PublishedArea(row["region_code"], row["region_name"], row))
        elif level == "council" and row["geographic_level"] == "Local authority":
            found.append(PublishedArea(row["old_la_code"], row["la_name"], row))
    return tuple(sorted(found, key=lambda area: area.code))


def competition_ranks(values: dict[str, Decimal | None]) -> dict[str, int]:
    """Rank 1 for the lowest; equal values share a rank and the next one skips; no value, no rank."""
    ordered = sorted(value for value in values.values() if value is not None)
    first_at: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
    return {code: first_at[value] for code, value in values.items() if value is not None}


def rank_among(value: Decimal, published_values: Iterable[Decimal]) -> int:
    """Where a value not in the published set would stand among it: ties share the better rank."""
    return 1 + sum(1 for other in published_values if other < value)


def _require_published(year: int) -> None:
    years = published.published_years()
    if year not in years:
        raise NotFound(f"The DfE has not published census year {year}.", census_years_published=years)


@dataclass(frozen=True)
class Members:
    """The academy's member councils, their region, and their records' totals for the years asked."""

    codes: list[str]
    region: str | None
    totals: dict[tuple[str, int], Totals]

    @classmethod
    def read(cls, session: Session, years: list[int]) -> "Members":
        known = tables.councils(session)
        codes = tables.member_codes(known)
        if not codes:
            return cls([], None, {})
        return cls(codes, known[codes[0]].region_code, council_totals(session, years, codes))

    def computed(self, measure: str, year: int, level: RankingLevel, ranked: list[Decimal]) -> dict[str, ComputedRank]:
        """Each member council's own figure (or the region's, summed from them) and where it would rank."""
        totals = {code: t for (code, y), t in self.totals.items() if y == year}

        def figure(in_area: list[str]) -> ComputedRank:
            held = [code for code in in_area if code in totals]
            missing = [code for code in in_area if code not in totals]
            if not held:
                return ComputedRank(reason=f"no records for census year {year}", councils=[], missing_councils=missing)
            computed = measures(sum((totals[code] for code in held), Totals()), year)
            value = computed.values[measure]
            value = None if value is None else Decimal(value)
            return ComputedRank(
                value=value, rank=None if value is None else rank_among(value, ranked),
                reason=computed.reasons.get(measure), councils=held, missing_councils=missing,
            )  # fmt: skip

        if level == "council":
            return {code: figure([code]) for code in self.codes}
        return {self.region: figure(self.codes)} if self.region else {}


def _report(members: Members, measure: str, year: int, level: RankingLevel) -> RankingReport:
    areas = published_areas(year, level)
    figures = {area.code: published.published_figure(area.row[measure]) for area in areas}
    values = {code: found.value for code, found in figures.items()}
    ranks = competition_ranks(values)
    computed = members.computed(measure, year, level, [value for value in values.values() if value is not None])
    rows = [
        RankingRow(
            code=area.code,
            name=area.name,
            level=level,
            value=values[area.code],
            rank=ranks.get(area.code),
            reason=figures[area.code].reason or (None if area.code in ranks else NO_RANK),
            computed=computed.get(area.code),
        )  # fmt: skip
        for area in areas
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.code))
    return RankingReport(
        measure=measure, census_year=year, level=level, better="lower", direction=LOWER_IS_BETTER[measure], ties=TIES,
        ranked=len(ranks), unranked=len(rows) - len(ranks), rows=rows,
    )  # fmt: skip


def ranking_report(
    session: Session, principal: Principal, measure: str, year: int, level: RankingLevel
) -> RankingReport:
    """Every region or council of England ranked on `measure` in census year `year`, best first, the unranked
    after; the academy's councils (or its region) carry their computed figure and where it would rank."""
    require_reader(principal)
    _require_published(year)
    return _report(Members.read(session, [year]), measure, year, level)


def rank_series(
    session: Session,
    principal: Principal,
    measure: str,
    code: str,
    asked: CensusYears,
) -> RankSeries:
    """One region's or council's rank on `measure` in each published census year (by default every one)."""
    require_reader(principal)
    level: RankingLevel = "council" if code[:1].isdigit() else "region"
    years_published = published.published_years()
    series = asked.series(years_published[0], years_published[-1])
    first, last = series[0], series[-1]
    years = [year for year in years_published if first <= year <= last]
    members = Members.read(session, years) if years else Members([], None, {})
    points, name = [], None
    for year in years:
        report = _report(members, measure, year, level)
        row = next((row for row in report.rows if row.code == code), None)
        if row is None:
            points.append(RankPoint(census_year=year, out_of=report.ranked, reason=published.NOT_PUBLISHED))
            continue
        name = row.name
        points.append(
            RankPoint(
                census_year=year,
                value=row.value,
                rank=row.rank,
                out_of=report.ranked,
                reason=row.reason,
                computed=row.computed,
            )  # fmt: skip
        )
    if name is None:
        raise NotFound(f"No published {level} {code} in census years {first} to {last}.")
    return RankSeries(
        measure=measure, code=code, name=name, level=level, better="lower", direction=LOWER_IS_BETTER[measure],
        from_census_year=first, to_census_year=last, points=points,
    )  # fmt: skip
