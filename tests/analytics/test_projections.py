"""Projections: the stock-and-flow model's formulas (plain functions, with hypothesis), then the endpoint on
returns loaded through placements' census import."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.analytics.app import app as analytics_app
from services.analytics.projections.model import (
    Rates,
    mean_rates,
    project,
    rates_of_year,
    starters_needed,
    step,
    target_path,
)
from tests.placements.factory import person

COVENTRY, SOLIHULL = "331", "334"
LEFT = {"reason_leave": 1, "fte30": None, "cases30": None, "working_days_lost": None}
stocks = st.floats(0, 5000, allow_nan=False)
shares = st.floats(0, 0.9, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["330", "331", "334"]), stocks, min_size=1), st.integers(1, 10))
def test_a_workforce_with_no_leavers_and_no_starters_stays_flat(stock, years):
    assert project(stock, Rates(), years) == [stock] * years


@settings(max_examples=100, deadline=None)
@given(stocks, shares, st.integers(1, 10))
def test_a_constant_leaver_rate_decays_the_workforce_geometrically(start, leave, years):
    path = project({COVENTRY: start}, Rates(leave={COVENTRY: leave}), years)
    assert [stock[COVENTRY] for stock in path] == pytest.approx(
        [start * (1 - leave) ** t for t in range(1, years + 1)], rel=1e-9, abs=1e-9
    )


@settings(max_examples=100, deadline=None)
@given(stocks, stocks, shares, shares, st.integers(1, 6))
def test_moves_between_councils_keep_the_regions_workforce(coventry, solihull, out, back, years):
    """Every leaver moves to the other council: the region keeps them all."""
    rates = Rates(leave={COVENTRY: out, SOLIHULL: back}, move={(COVENTRY, SOLIHULL): out, (SOLIHULL, COVENTRY): back})
    for stock in project({COVENTRY: coventry, SOLIHULL: solihull}, rates, years):
        assert sum(stock.values()) == pytest.approx(coventry + solihull, rel=1e-9, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(stocks, stocks, shares, shares, shares, stocks, stocks, st.integers(1, 6))
def test_the_starters_needed_bring_the_workforce_to_its_target(coventry, solihull, leave_c, leave_s, move, t_c, t_s,
                                                                years):  # fmt: skip
    rates = Rates(
        leave={COVENTRY: leave_c, SOLIHULL: leave_s}, move={(COVENTRY, SOLIHULL): leave_c * move},
        external={COVENTRY: 3.0, SOLIHULL: 1.0},
    )  # fmt: skip
    start = {COVENTRY: coventry, SOLIHULL: solihull}
    targets = target_path(start, {COVENTRY: t_c, SOLIHULL: t_s}, years)
    needed = starters_needed(start, targets, rates)
    path = project(start, rates, years, external=needed)
    for got, wanted in zip(path, targets, strict=True):
        assert got == pytest.approx(wanted, rel=1e-9, abs=1e-6)
    assert path[-1] == pytest.approx({COVENTRY: t_c, SOLIHULL: t_s}, rel=1e-9, abs=1e-6)
    held = starters_needed(start, [start] * years, rates)
    assert project(start, rates, years, external=held)[-1] == pytest.approx(start, rel=1e-9, abs=1e-6)


def test_one_years_rates_come_from_its_opening_stock():
    """In post 8 at the end, 2 starters and 4 leavers (1 of them to Solihull): 10 at the start."""
    rates = rates_of_year({COVENTRY: 8.0}, {COVENTRY: 2.0}, {COVENTRY: 4.0}, {(COVENTRY, SOLIHULL): 1.0})
    assert rates.leave == {COVENTRY: 0.4} and rates.move == {(COVENTRY, SOLIHULL): 0.1}
    assert rates.external == {COVENTRY: 2.0}
    assert step({COVENTRY: 10.0, SOLIHULL: 0.0}, rates) == {COVENTRY: 8.0, SOLIHULL: 1.0}


def test_the_central_rates_average_the_years_a_council_has_records():
    """Coventry sent 2023 and 2024; it moved people to Solihull only in 2024; Solihull sent 2024 alone."""
    y2023 = Rates(leave={COVENTRY: 0.1}, external={COVENTRY: 4.0})
    y2024 = Rates(leave={COVENTRY: 0.3, SOLIHULL: 0.2}, move={(COVENTRY, SOLIHULL): 0.04},
                  external={COVENTRY: 2.0, SOLIHULL: 1.0})  # fmt: skip
    central = mean_rates([y2023, y2024])
    assert central.leave == pytest.approx({COVENTRY: 0.2, SOLIHULL: 0.2})
    assert central.move == pytest.approx({(COVENTRY, SOLIHULL): 0.02})  # none in 2023 counts as none
    assert central.external == pytest.approx({COVENTRY: 3.0, SOLIHULL: 1.0})


# --- The endpoint -----------------------------------------------------------------------------------------


@pytest.fixture
def projections(analytics_get):
    return analytics_get("projections")


def by_code(report) -> dict:
    return {area["code"]: area for area in report["areas"]}


def test_a_workforce_with_no_flows_is_projected_flat(load, projections):
    ten = [person(n) for n in range(1, 11)]
    load(COVENTRY, 2023, ten)
    load(COVENTRY, 2024, ten)
    report = projections({"council": COVENTRY})
    assert report["base_census_year"] == 2024 and report["history_census_years"] == [2023, 2024]
    coventry = by_code(report)[COVENTRY]
    assert coventry["source"] == "computed" and coventry["inpost_headcount"] == 10
    for year in coventry["years"]:
        assert Decimal(year["inpost_headcount"]) == Decimal(year["inpost_headcount_lower"]) == Decimal(10)
        assert Decimal(year["inpost_fte"]) == Decimal(10)
        assert Decimal(year["starters_needed_to_hold_headcount"]) == 0
    assert [y["census_year"] for y in coventry["years"]] == [2025, 2026, 2027]
    region = by_code(report)["E12000005"]
    assert region["councils"] == [COVENTRY] and len(region["missing_councils"]) == 13


def test_a_constant_leaver_rate_decays_the_projection_and_the_starters_needed_hold_it(load, projections):
    """10 at the start of 2024, 2 left and none started: 20% a year."""
    load(COVENTRY, 2024, [*(person(n) for n in range(1, 9)),
                          *(person(n, role_end_date=date(2024, 3, 31), **LEFT) for n in (9, 10))])  # fmt: skip
    report = projections({"council": COVENTRY, "years": 3, "target_vacancy_rate": "10"})
    coventry = by_code(report)[COVENTRY]
    assert coventry["leaver_rate_headcount"] == "20.0"
    assert [Decimal(y["inpost_headcount"]) for y in coventry["years"]] == [Decimal(str(round(8 * 0.8**t, 1)))
                                                                            for t in (1, 2, 3)]  # fmt: skip
    assert {y["starters_needed_to_hold_headcount"] for y in coventry["years"]} == {"1.6"}  # 20% of 8
    assert {y["starters_from_outside_needed_to_hold_fte"] for y in coventry["years"]} == {"1.6"}
    # the vacancy block: 3 FTE vacant beside 8 in post; at 10% vacant the 11 FTE posts hold 9.9 in post
    assert coventry["vacancy_fte"] == "3.0"
    assert [y["target_inpost_fte"] for y in coventry["years"]] == ["8.6", "9.3", "9.9"]
    first = coventry["years"][0]
    assert Decimal(first["starters_needed_for_target_fte"]) == Decimal("2.2")  # 8 x 0.8 + 2.2 = 8.6 (8 + 1.9/3)


def test_the_band_spans_the_projections_of_each_past_years_flows(load, projections):
    ten = [person(n) for n in range(1, 11)]
    load(COVENTRY, 2023, ten)  # no one left in 2023
    load(COVENTRY, 2024, [*ten[:5], *(person(n, role_end_date=date(2024, 3, 31), **LEFT) for n in range(6, 11))])
    coventry = by_code(projections({"council": COVENTRY, "years": 1}))[COVENTRY]
    year = coventry["years"][0]
    # 2023: nobody left, 5 stay; 2024: half left, 2.5 stay; the central rate is their mean, 25%
    assert (year["inpost_headcount_lower"], year["inpost_headcount"], year["inpost_headcount_upper"]) == (
        "2.5", "3.8", "5.0",
    )  # fmt: skip


def test_a_council_projects_itself_and_the_region_only(load, projections, auth):
    load(COVENTRY, 2024, [person(1)])
    load(SOLIHULL, 2024, [person(2)])
    own = projections({}, auth("council_hr", council=COVENTRY))
    assert [area["code"] for area in own["areas"]] == [COVENTRY, "E12000005"]
    projections({"council": SOLIHULL}, auth("council_hr", council=COVENTRY), status=404)
    projections({"council": "201"}, status=404)
    projections({"council": COVENTRY, "years": 0}, status=422)
    projections({"council": COVENTRY, "target_vacancy_rate": "100"}, status=422)
    projections({}, auth("social_worker", worker="SW1"), status=403)
    every = projections()
    assert [area["code"] for area in every["areas"]][-1] == "E12000005" and len(every["areas"]) == 15


def test_with_no_ended_year_held_there_is_nothing_to_project(projections):
    problem = projections({"council": COVENTRY}, status=404)
    assert problem["census_years_held"] == []


def test_the_projection_comes_as_csv_and_as_a_chart(load, app_client, auth):
    load(COVENTRY, 2024, [person(1), person(2), person(3, role_end_date=date(2024, 3, 31), **LEFT)])
    client = app_client(analytics_app)
    table = client.get(
        "/v1/analytics/projections", params={"council": COVENTRY}, headers={**auth(), "Accept": "text/csv"}
    )
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text, newline="")))
    assert [(row["code"], row["census_year"]) for row in rows] == [
        (code, str(year)) for code in (COVENTRY, "E12000005") for year in (2025, 2026, 2027)
    ]
    chart = client.get("/v1/analytics/charts/projection.svg", params={"council": COVENTRY}, headers=auth())
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"Social workers in post (FTE): Coventry, 2024 and projected to 2027" in chart.content
