"""A synthetic, clearly labelled workforce for the 14 member councils, census years 2017 to 2025,
whose census aggregates equal the DfE's published figures, loaded through placements' census import.

Every person is invented: SWE numbers from SW9000000001 up (never issued), qualifying institution
"DEMO (synthetic)". People stay at a council from year to year, leave, and some move to another
council of the region within weeks, so the retention and movement views have something to show.
"""

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import Session

from futuresocial.demo_targets import FTE_HEADCOUNTS, solve
from services.common.auth import Principal, Role
from services.common.census_calendar import census_reference_date, census_year_start
from services.placements.census.fields import CensusRecord, CensusReturn, Vacancies
from services.placements.census.imports import import_census
from services.placements.census.writers import write_census_xml

YEARS = range(2017, 2026)
SEED = 20261122
DEMO_SWE_BASE = 9_000_000_000
SOFTWARE_CODE = "FutureSocial-DEMO"
QUAL_INST = "DEMO (synthetic)"
LO, HI = 10, 100  # FTE per record, in hundredths: 0.10 to 1.00
ETHNICITIES = ["WBRI"] * 12 + [
    "WIRI",
    "WOTH",
    "MWBC",
    "MWBA",
    "MWAS",
    "AIND",
    "APKN",
    "ABAN",
    "BCRB",
    "BAFR",
    "OOTH",
]


@dataclass
class Person:
    swe: str
    birth_date: date
    gender: int
    ethnicity: str
    qual_level: int
    step_up: bool
    frontline: bool


@dataclass
class Spell:
    person: Person
    start: date
    end: date | None = None
    moving: bool = False  # leaves for another council of the region


@dataclass
class CouncilYear:
    """What one council's return for one year holds, decided before records are written."""

    council: str
    target: dict[str, int]
    in_post: list[Spell] = field(default_factory=list)
    starters_in_post: list[Spell] = field(default_factory=list)
    leavers: list[Spell] = field(default_factory=list)
    starters_left: list[Spell] = field(default_factory=list)
    agency: list[Spell] = field(default_factory=list)


def distribute(rng: random.Random, total: int, n: int, lo: int, hi: int) -> list[int]:
    """n whole numbers in [lo, hi] that add up to `total` exactly, spread at random."""
    if n == 0:
        return []
    total = min(max(total, 0), n * hi)
    lo = min(lo, total // n)  # a published total below n x lo (11 agency workers, 0.0 FTE) is kept
    base, extra = divmod(total, n)
    values = [base + (1 if i < extra else 0) for i in range(n)]
    for _ in range(2 * n):
        i, j = rng.randrange(n), rng.randrange(n)
        moved = rng.randint(0, max(0, min(values[i] - lo, hi - values[j], 40)))
        values[i] -= moved
        values[j] += moved
    rng.shuffle(values)
    return values


def _fte(hundredths: int) -> Decimal:
    return Decimal(hundredths) / 100


class Workforce:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.next_number = DEMO_SWE_BASE
        self.pool: dict[str, list[Spell]] = {}
        self.agency_pool: dict[str, list[Spell]] = {}

    def person(self, year: int) -> Person:
        rng = self.rng
        self.next_number += 1
        return Person(
            swe=f"SW{self.next_number}",
            birth_date=date(year - rng.randint(23, 62), rng.randint(1, 12), rng.randint(1, 28)),
            gender=rng.choice([2, 2, 2, 2, 1, 1, 9]),
            ethnicity=rng.choice(ETHNICITIES),
            qual_level=rng.choice([1, 1, 2, 2, 3]),
            step_up=rng.random() < 0.05,
            frontline=rng.random() < 0.08,
        )

    def day_in(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def plan(self, year: int, council: str, target: dict[str, int]) -> CouncilYear:
        """Who is in post, who started and who left, before any figure is assigned."""
        rng, first, last = self.rng, census_year_start(year), census_reference_date(year)
        plan = CouncilYear(council, target)
        in_post, starters, leavers = (
            target["inpost_headcount"],
            target["starters_headcount"],
            target["leavers_headcount"],
        )
        started_and_left = min(starters, leavers, round(0.08 * starters))
        started_in_post = min(starters - started_and_left, in_post)
        started_and_left = min(starters - started_in_post, leavers)
        stock_leavers = leavers - started_and_left
        stock = self.pool.get(council, [])
        rng.shuffle(stock)
        needed = in_post - started_in_post + stock_leavers
        while len(stock) < needed:  # someone the previous return did not hold
            stock.append(Spell(self.person(year), self.day_in(date(year - 15, 1, 1), first - timedelta(days=365))))
        stock = stock[:needed]
        plan.in_post = stock[: in_post - started_in_post]
        plan.leavers = [Spell(s.person, s.start) for s in stock[in_post - started_in_post :]]
        for spell in plan.leavers:
            spell.end = self.day_in(first, last)
            spell.moving = rng.random() < 0.2 and spell.end < last - timedelta(days=100)
        plan.starters_in_post = [None] * started_in_post  # filled by movers and new people
        for _ in range(started_and_left):
            start = self.day_in(first, last - timedelta(days=30))
            plan.starters_left.append(Spell(self.person(year), start, self.day_in(start + timedelta(days=7), last)))
        agency_stock = self.agency_pool.get(council, [])
        rng.shuffle(agency_stock)
        plan.agency = agency_stock[: target["agency_headcount"]]
        while len(plan.agency) < target["agency_headcount"]:
            plan.agency.append(Spell(self.person(year), self.day_in(first - timedelta(days=700), last)))
        return plan

    def fill_starters(self, year: int, plans: list[CouncilYear]) -> None:
        """New people start, and some of the region's movers start at another council within weeks."""
        rng, first, last = self.rng, census_year_start(year), census_reference_date(year)
        movers = [(plan.council, s) for plan in plans for s in plan.leavers if s.moving]
        rng.shuffle(movers)
        for plan in plans:
            for index in range(len(plan.starters_in_post)):
                mover = next((m for m in movers if m[0] != plan.council), None) if rng.random() < 0.3 else None
                if mover:
                    movers.remove(mover)
                    start = mover[1].end + timedelta(days=rng.randint(7, 90))
                    plan.starters_in_post[index] = Spell(mover[1].person, min(start, last), moving=True)
                else:
                    plan.starters_in_post[index] = Spell(self.person(year), self.day_in(first, last))
        for _council, spell in movers:  # nobody took them on in the region after all
            spell.moving = False

    def records(self, year: int, plan: CouncilYear) -> Iterator[CensusRecord]:
        """The return's records, with figures that add up exactly to the targets."""
        rng, t = self.rng, plan.target
        employed = plan.in_post + plan.starters_in_post
        employed += self._second_roles(plan.in_post, t["inpost_fte"] - HI * len(employed))
        rng.shuffle(employed)
        leavers = plan.leavers + self._second_roles(plan.leavers, t["leavers_fte"] - HI * len(plan.leavers))
        # leavers' FTE, and the part of the starters' FTE that left the same year
        share = t["starters_fte"] * len(plan.starters_left) // max(1, t["starters_headcount"])
        left_starters_fte = min(max(share, LO * len(plan.starters_left)), HI * len(plan.starters_left))
        left_starters_fte = min(left_starters_fte, t["starters_fte"], t["leavers_fte"])
        left_starters = distribute(rng, left_starters_fte, len(plan.starters_left), LO, HI)
        stock_leavers = distribute(rng, t["leavers_fte"] - sum(left_starters), len(leavers), LO, HI)
        starters_fte = distribute(rng, t["starters_fte"] - sum(left_starters), len(plan.starters_in_post), LO, HI)
        # case holders among the employed and the agency workers
        agency_holders = round(len(plan.agency) * 0.9)
        agency_holder_fte = t["agency_fte"] * agency_holders // max(1, len(plan.agency))
        agency_fte = distribute(rng, agency_holder_fte, agency_holders, LO, HI) + distribute(
            rng, t["agency_fte"] - agency_holder_fte, len(plan.agency) - agency_holders, LO, HI
        )
        employed_holder_fte = t["case_holders_fte"] - sum(agency_fte[:agency_holders])
        average = t["inpost_fte"] / max(1, len(employed))
        holders = min(len(employed), max(0, round(employed_holder_fte / max(average, 1))))
        while holders < len(employed) and (t["inpost_fte"] - employed_holder_fte) < LO * (len(employed) - holders):
            holders += 1
        while holders > 0 and employed_holder_fte < LO * holders:
            holders -= 1
        fte30 = distribute(rng, employed_holder_fte, holders, LO, HI) + distribute(
            rng, t["inpost_fte"] - employed_holder_fte, len(employed) - holders, LO, HI
        )
        cases = distribute(rng, t["cases"], holders + agency_holders, 1, max(1, t["cases"]))
        days_lost = distribute(rng, t["working_days_lost_fte"], len(employed), 0, max(0, t["working_days_lost_fte"]))
        starter_fte = dict(zip((id(s) for s in plan.starters_in_post), starters_fte, strict=True))
        for index, spell in enumerate(employed):
            holds_cases = index < holders
            absent = rng.random() < 0.03
            contract = starter_fte.get(id(spell), fte30[index])
            yield self._record(
                spell, agency=False, fte=_fte(contract), fte30=_fte(fte30[index]),
                role=rng.choice([5, 5, 4]) if holds_cases else rng.choice([1, 2, 3, 3, 6]),
                cases=cases[index] if holds_cases else 0, days_lost=Decimal(days_lost[index]) / 100,
                absent=absent, year=year,
            )  # fmt: skip
        for index, spell in enumerate(plan.agency):
            holds_cases = index < agency_holders
            yield self._record(
                spell, agency=True, fte=_fte(agency_fte[index]), fte30=_fte(agency_fte[index]), role=5,
                cases=cases[holders + index] if holds_cases else 0, days_lost=None, absent=False, year=year,
            )  # fmt: skip
        for spell, fte in zip(leavers + plan.starters_left, stock_leavers + left_starters, strict=True):
            yield self._record(spell, agency=False, fte=_fte(fte), fte30=None, role=rng.choice([5, 5, 4, 3]),
                               cases=None, days_lost=None, absent=False, year=year)  # fmt: skip

    def _second_roles(self, spells: list[Spell], excess_fte: int) -> list[Spell]:
        """Second concurrent roles (begun a day earlier) where a return holds more FTE than people:
        the census counts the person once and both roles' FTE."""
        if excess_fte <= 0 or not spells:
            return []
        count = min(len(spells), -(-excess_fte // HI) + 1)
        return [Spell(s.person, s.start - timedelta(days=1), s.end) for s in self.rng.sample(spells, count)]

    def _record(self, spell: Spell, *, agency, fte, fte30, role, cases, days_lost, absent, year) -> CensusRecord:
        rng, person, first = self.rng, spell.person, census_year_start(year)
        started = spell.start >= first
        leaving = spell.end is not None
        return CensusRecord(
            agency_worker=agency,
            swe_number=person.swe,
            fte=fte,
            birth_date=person.birth_date,
            gender=person.gender,
            ethnicity=person.ethnicity,
            qual_inst=QUAL_INST,
            qual_level=person.qual_level,
            step_up_grad=person.step_up,
            org_role=role,
            role_start_date=spell.start,
            start_origin=(2 if spell.moving else rng.choice([1, 1, 4, 5, 6, 7, 9])) if started and not agency else None,
            role_end_date=spell.end,
            leaver_destination=(1 if spell.moving else rng.choice([2, 3, 4, 5, 6, 6, 8])) if leaving else None,
            reason_leave=(1 if spell.moving else rng.choice([1, 1, 1, 5, 2, 8])) if leaving else None,
            fte30=fte30,
            cases30=cases,
            working_days_lost=days_lost,
            contract_weeks=Decimal(rng.randint(12, 52)) if agency else None,
            frontline_grad=person.frontline,
            absent_30_sept=absent if not agency and not leaving else None,
            reason_absence=rng.choice(["SIC", "MAT", "OTH"]) if absent and not agency and not leaving else None,
            kss_status=rng.choice([None, None, None, 1, 2, 3]) if not agency else None,
        )

    def close_year(self, plans: list[CouncilYear]) -> None:
        for plan in plans:
            self.pool[plan.council] = plan.in_post + plan.starters_in_post
            self.agency_pool[plan.council] = [a for a in plan.agency if self.rng.random() < 0.7]


def demo_returns(seed: int = SEED) -> Iterator[tuple[int, str, bytes]]:
    """(year, council, census XML) for each member council and year, oldest year first."""
    solved = solve(YEARS, seed)
    workforce = Workforce(seed)
    for year in YEARS:
        _region, councils, _unmet = solved[year]
        for area in councils:  # an unpublished headcount must at least carry its FTE
            for fte, people in FTE_HEADCOUNTS.items():
                if people in area.free:
                    area.chosen[people] = max(area.chosen[people], -(-area.chosen[fte] // HI))
        plans = [workforce.plan(year, area.code, area.chosen) for area in councils]
        workforce.fill_starters(year, plans)
        for plan in plans:
            records = list(workforce.records(year, plan))
            target = plan.target
            covering = min(len(plan.agency), round(target["agency_cover_fte"] / 100))
            vacancies = Vacancies(_fte(target["vacancy_fte"]), _fte(target["agency_cover_fte"]), covering)
            out = io.BytesIO()
            write_census_xml(
                CensusReturn(year, plan.council, vacancies, records), out, software_code=SOFTWARE_CODE,
                generated_at=datetime(year, 10, 15, 9, 0, tzinfo=UTC),
            )  # fmt: skip
            yield year, plan.council, out.getvalue()
        workforce.close_year(plans)


def seed_demo_workforce(session: Session, progress: Callable[[int, str], None] | None = None) -> int:
    """Import every demo return through placements' census import; returns the records loaded."""
    principal = Principal(subject="demo-seed", role=Role.academy_admin)
    loaded = 0
    for year, council, data in demo_returns():
        outcome = import_census(
            session, principal, data=data, file_name=f"demo-csww-{council}-{year}.xml", kind="xml",
            census_year=year, council=council, dry_run=False,
        )  # fmt: skip
        if outcome.status == "rejected":
            raise RuntimeError(f"demo return {council} {year} rejected: {outcome.problems[:3]}")
        session.commit()
        loaded += outcome.summary.records
        if progress:
            progress(year, council)
    if session.get_bind().dialect.name == "postgresql":
        # fresh statistics after a bulk load, so the planner does not take 45,000 rows for a few; committed,
        # since rolled back they leave PostgreSQL no column statistics while autovacuum takes the tables as
        # analysed
        session.execute(text("ANALYZE worker, employment, employment_year, council_vacancy"))
        session.commit()
    return loaded
