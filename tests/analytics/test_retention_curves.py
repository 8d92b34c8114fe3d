"""Retention curves: the Kaplan-Meier estimate and its band equal lifelines' KaplanMeierFitter on the same
spells, with the times and censoring worked out here, independently, from the people the returns hold."""

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from services.analytics.app import app as analytics_app
from services.analytics.retention.survival import kaplan_meier, median_years
from services.common.census_calendar import census_reference_date, census_year_start
from tests.placements.factory import person

COVENTRY, SOLIHULL, WALSALL = "331", "334", "335"
YEARS = (2022, 2023, 2024, 2025)
DATA_FROM = date(2016, 10, 1)
WINDOW = 180


@dataclass(frozen=True)
class Spell:
    number: int
    council: str
    start: date
    end: date | None = None
    agency: bool = False
    role: int = 5


SPELLS = [
    Spell(1, COVENTRY, date(2015, 4, 1)),  # started before the data window: left out
    Spell(2, COVENTRY, date(2016, 10, 1), date(2022, 3, 31)),
    Spell(3, COVENTRY, date(2018, 1, 15), date(2023, 6, 30)),
    Spell(4, COVENTRY, date(2019, 9, 1)),
    Spell(5, COVENTRY, date(2021, 11, 1), date(2024, 11, 1)),
    Spell(6, COVENTRY, date(2021, 11, 1), date(2024, 11, 1)),  # a tie
    Spell(7, COVENTRY, date(2022, 2, 1), date(2023, 5, 31), role=4),  # moves to Solihull, stays in the region
    Spell(7, SOLIHULL, date(2023, 8, 1)),
    Spell(8, COVENTRY, date(2022, 5, 1), date(2023, 1, 31)),  # leaves, back as an agency worker in the region
    Spell(8, WALSALL, date(2023, 5, 1), date(2025, 2, 28), agency=True),
    Spell(9, COVENTRY, date(2023, 1, 9), date(2024, 3, 31), role=4),  # leaves, back a year later: out between
    Spell(9, SOLIHULL, date(2025, 4, 1)),
    Spell(10, COVENTRY, date(2023, 4, 3), agency=True),  # agency: not a subject
    Spell(11, COVENTRY, date(2024, 2, 5), role=4),
    Spell(12, COVENTRY, date(2024, 10, 1), date(2025, 9, 30)),  # leaves on the reference date itself
    Spell(13, COVENTRY, date(2025, 6, 2)),
    Spell(14, SOLIHULL, date(2010, 1, 4)),  # Solihull: nobody started after the window opened
]


def returns(spells: list[Spell]) -> dict[tuple[str, int], list]:
    """What each council's return of each census year holds: everyone employed there at any time that year."""
    held: dict[tuple[str, int], list] = {}
    for spell in spells:
        for year in YEARS:
            first, last = census_year_start(year), census_reference_date(year)
            if spell.start > last or (spell.end is not None and spell.end < first):
                continue
            changes = {"role_start_date": spell.start, "org_role": spell.role, "agency_worker": spell.agency}
            if spell.agency:
                changes |= {"start_origin": None, "working_days_lost": None}
            if spell.end is not None and spell.end <= last:
                changes |= {"role_end_date": spell.end, "reason_leave": 1, "fte30": None, "cases30": None,
                            "working_days_lost": None}  # fmt: skip
            held.setdefault((spell.council, year), []).append(person(spell.number, **changes))
    return held


@pytest.fixture
def spells_loaded(load):
    for (council, year), records in sorted(returns(SPELLS).items(), key=lambda item: item[0][1]):
        load(council, year, records)


def subjects(council: str | None, role: int | None = None) -> list[Spell]:
    return [
        s for s in SPELLS
        if not s.agency and s.start >= DATA_FROM and (council is None or s.council == council)
        and (role is None or s.role == role)
    ]  # fmt: skip


def with_council(council: str | None, role: int | None = None) -> tuple[list[float], list[bool]]:
    """Years to each subject spell's end, or to the latest 30 September with records, censored there."""
    censor = census_reference_date(YEARS[-1])
    durations, observed = [], []
    for spell in subjects(council, role):
        ended = spell.end is not None and spell.end <= censor
        durations.append(((spell.end if ended else censor) - spell.start).days / 365.25)
        observed.append(ended)
    return durations, observed


def stay_of(spell: Spell) -> list[Spell]:
    """The person's run of member-council spells (employed or agency) that holds `spell`: each next one
    starting at most WINDOW days after the latest end so far."""
    runs: list[list[Spell]] = [[]]
    reach: date | None = None  # the latest end so far; None once a spell is open
    for other in sorted((s for s in SPELLS if s.number == spell.number), key=lambda s: s.start):
        if runs[-1] and reach is not None and (other.start - reach).days > WINDOW:
            runs.append([])
        open_before = bool(runs[-1]) and reach is None
        runs[-1].append(other)
        reach = None if open_before or other.end is None else max(reach or other.end, other.end)
    return next(run for run in runs if spell in run)


def stay_end(spell: Spell) -> date | None:
    """When the person's stay in the region that holds `spell` ended; None: still there."""
    run = stay_of(spell)
    return None if any(s.end is None for s in run) else max(s.end for s in run)


def in_region(council: str | None) -> tuple[list[float], list[bool]]:
    """For a council, each of its subject spells; for the region, each stay's first employed spell."""
    censor = census_reference_date(YEARS[-1])
    durations, observed = [], []
    chosen = subjects(council)
    if council is None:
        chosen = [s for s in chosen if s == next(x for x in stay_of(s) if not x.agency)]
    for spell in chosen:
        end = stay_end(spell)
        ended = end is not None and end <= censor
        durations.append(((end if ended else censor) - spell.start).days / 365.25)
        observed.append(ended)
    return durations, observed


def assert_equals_lifelines(curve: dict, durations: list[float], observed: list[bool]) -> None:
    fitter = KaplanMeierFitter().fit(durations, observed)
    timeline = list(fitter.survival_function_.index)
    points = curve["points"]
    assert [p["years"] for p in points] == pytest.approx(timeline, abs=1e-12)
    assert [p["survival"] for p in points] == pytest.approx(list(fitter.survival_function_.iloc[:, 0]), abs=1e-12)
    bands = fitter.confidence_interval_
    assert [p["lower"] for p in points] == pytest.approx(list(bands.iloc[:, 0]), abs=1e-9)
    assert [p["upper"] for p in points] == pytest.approx(list(bands.iloc[:, 1]), abs=1e-9)
    assert [p["at_risk"] for p in points] == list(fitter.event_table["at_risk"])
    assert [p["events"] for p in points] == list(fitter.event_table["observed"])
    assert [p["censored"] for p in points] == list(fitter.event_table["censored"])
    median = fitter.median_survival_time_
    assert curve["median_years"] == (None if math.isinf(median) else pytest.approx(median, abs=1e-12))


@pytest.fixture
def curve(analytics_get):
    return analytics_get("retention-curve")


def test_staying_with_the_council_equals_lifelines_on_the_same_spells(spells_loaded, curve):
    report = curve({"council": COVENTRY})
    assert report["level"] == "council" and report["source"] == "computed"
    assert report["censored_at"] == {COVENTRY: "2025-09-30"}
    council = next(c for c in report["curves"] if c["stay"] == "council")
    durations, observed = with_council(COVENTRY)
    assert council["subjects"] == len(durations) == 11
    assert council["censored"] == observed.count(False) == 3
    assert_equals_lifelines(council, durations, observed)


def test_staying_in_the_region_equals_lifelines_on_the_stays_worked_out_here(spells_loaded, curve):
    region = next(c for c in curve({"council": COVENTRY})["curves"] if c["stay"] == "region")
    durations, observed = in_region(COVENTRY)
    assert observed.count(False) == 4  # 7 moved to Solihull: still in the region
    assert durations[subjects(COVENTRY).index(SPELLS[8])] == (date(2025, 2, 28) - date(2022, 5, 1)).days / 365.25
    assert_equals_lifelines(region, durations, observed)


def test_the_curve_of_one_role_holds_only_its_spells(spells_loaded, curve):
    council = next(c for c in curve({"council": COVENTRY, "org_role": 4})["curves"] if c["stay"] == "council")
    durations, observed = with_council(COVENTRY, role=4)
    assert council["subjects"] == 3
    assert_equals_lifelines(council, durations, observed)


def test_a_council_with_no_starters_has_a_curve_of_no_one(spells_loaded, curve):
    report = curve({"council": SOLIHULL})
    council = next(c for c in report["curves"] if c["stay"] == "council")
    assert council["subjects"] == 2  # 7 and 9 started at Solihull; 14 before the window
    empty = curve({"council": COVENTRY, "started_census_year": 2018})
    assert [c["subjects"] for c in empty["curves"]] == [1, 1]
    nobody = curve({"council": WALSALL})  # only an agency spell
    for walsall in nobody["curves"]:
        assert walsall["subjects"] == 0 and walsall["median_years"] is None and walsall["median_reason"]
        assert walsall["points"] == [
            {"years": 0.0, "survival": 1.0, "lower": 1.0, "upper": 1.0, "at_risk": 0, "events": 0, "censored": 0}
        ]


def test_the_region_curve_pools_every_member_councils_starters(spells_loaded, curve):
    report = curve()
    assert report["level"] == "region" and report["code"] == "E12000005"
    council = next(c for c in report["curves"] if c["stay"] == "council")
    assert_equals_lifelines(council, *with_council(None))
    region = next(c for c in report["curves"] if c["stay"] == "region")
    durations, observed = in_region(None)
    assert region["subjects"] == len(durations) == 12  # 7's Solihull spell continues its stay; 9 came back
    assert_equals_lifelines(region, durations, observed)


def test_a_council_sees_its_own_curve_and_the_regions_only(spells_loaded, curve, auth):
    curve({"council": COVENTRY}, auth("council_hr", council=COVENTRY))
    curve({}, auth("council_hr", council=COVENTRY))
    curve({"council": SOLIHULL}, auth("council_hr", council=COVENTRY), status=404)
    curve({"council": "201"}, status=404)  # not a member council
    curve({"council": COVENTRY}, auth("social_worker", worker="SW1"), status=403)
    curve({"council": "33"}, status=422)


def test_the_curves_come_as_csv_and_as_a_chart(spells_loaded, app_client, auth):
    client = app_client(analytics_app)
    table = client.get(
        "/v1/analytics/retention-curve", params={"council": COVENTRY}, headers={**auth(), "Accept": "text/csv"}
    )
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text, newline="")))
    report = client.get("/v1/analytics/retention-curve", params={"council": COVENTRY}, headers=auth()).json()
    assert len(rows) == sum(len(c["points"]) for c in report["curves"])
    assert [float(r["survival"]) for r in rows if r["stay"] == "council"] == [
        p["survival"] for p in report["curves"][0]["points"]
    ]
    chart = client.get("/v1/analytics/charts/retention-curve.svg", params={"council": COVENTRY}, headers=auth())
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"Staying with the council" in chart.content and b"in the region: lower" in chart.content


groups = st.lists(
    st.tuples(st.integers(0, 4000), st.integers(0, 5), st.integers(0, 5)).filter(lambda g: g[1] + g[2] > 0),
    min_size=1,
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(groups)
def test_the_estimate_equals_lifelines_for_any_times_and_censoring(found):
    durations, observed = [], []
    for days, events, censored in found:
        durations += [days / 365.25] * (events + censored)
        observed += [True] * events + [False] * censored
    fitter = KaplanMeierFitter().fit(durations, observed)
    points = kaplan_meier(found)
    assert [p.years for p in points] == pytest.approx(list(fitter.survival_function_.index), abs=1e-12)
    assert [p.survival for p in points] == pytest.approx(list(fitter.survival_function_.iloc[:, 0]), abs=1e-12)
    bands = fitter.confidence_interval_
    assert [p.lower for p in points] == pytest.approx(list(bands.iloc[:, 0]), abs=1e-9)
    assert [p.upper for p in points] == pytest.approx(list(bands.iloc[:, 1]), abs=1e-9)
    assert [p.at_risk for p in points] == list(fitter.event_table["at_risk"])
    median = fitter.median_survival_time_
    assert median_years(points) == (None if math.isinf(median) else pytest.approx(median, abs=1e-12))
