"""The workforce measures for the 12 months to any date (as_of), on hand-made returns."""

from datetime import date
from decimal import Decimal

import pytest

from services.analytics.app import app as analytics_app
from services.analytics.workforce_sql import last_reference_year, twelve_months_to
from services.common.census_calendar import census_year_of
from services.placements.census.fields import Vacancies
from tests.placements.factory import person

DUDLEY = "332"
LEFT = {"fte30": None, "cases30": None, "working_days_lost": None, "reason_leave": 1}


@pytest.fixture
def workforce(app_client, auth):
    client = app_client(analytics_app)

    def _get(**params):
        answer = client.get("/v1/analytics/workforce", params={"council": DUDLEY, **params}, headers=auth())
        assert answer.status_code == 200, answer.text
        report = answer.json()
        return report, next(a for a in report["areas"] if a["level"] == "council")

    return _get


RETURN_2023 = [
    person(1),
    person(2),
    person(5),  # not in the 2024 return, and nobody sent a leaving date
    # started and left within 2023
    person(6, role_start_date=date(2023, 3, 1), role_end_date=date(2023, 8, 31), fte=Decimal("0.5"), **LEFT),
]
RETURN_2024 = [
    person(1),
    person(2, role_end_date=date(2024, 3, 31), leaver_destination=6, **LEFT),
    person(3, role_start_date=date(2024, 2, 1), fte=Decimal("0.8"), fte30=Decimal("0.6")),
    person(4, agency_worker=True, role_start_date=date(2023, 11, 1), start_origin=None, working_days_lost=None,
           contract_weeks=Decimal("30.0")),
]  # fmt: skip
BLOCK_2023, BLOCK_2024 = Vacancies(Decimal("3.00"), Decimal("1.00"), 1), Vacancies(Decimal("1.50"), Decimal("1.00"), 1)


def test_the_12_months_to_a_date_run_from_the_day_after_that_date_a_year_earlier():
    assert twelve_months_to(date(2024, 9, 30)) == date(2023, 10, 1)
    assert twelve_months_to(date(2024, 1, 15)) == date(2023, 1, 16)
    assert twelve_months_to(date(2024, 2, 29)) == date(2023, 3, 1)
    assert census_year_of(date(2023, 10, 1)) == 2024 and census_year_of(date(2024, 9, 30)) == 2024
    assert last_reference_year(date(2024, 9, 29)) == 2023 and last_reference_year(date(2024, 9, 30)) == 2024


def test_as_of_30_september_gives_exactly_that_census_years_figures(load, workforce):
    load(DUDLEY, 2023, RETURN_2023, BLOCK_2023)
    load(DUDLEY, 2024, RETURN_2024, BLOCK_2024)
    report, as_of = workforce(as_of="2024-09-30")
    _, census = workforce(census_year=2024)
    assert report["as_of"] == "2024-09-30" and report["from_census_year"] == report["to_census_year"] == 2024
    assert as_of == census
    assert as_of["inpost_headcount"] == 2 and as_of["leavers_headcount"] == 1 and as_of["starters_headcount"] == 1


def test_as_of_a_date_in_the_year_counts_the_stock_that_day_and_the_moves_of_the_12_months_to_it(load, workforce):
    load(DUDLEY, 2023, RETURN_2023, BLOCK_2023)
    load(DUDLEY, 2024, RETURN_2024, BLOCK_2024)
    report, area = workforce(as_of="2024-01-15")
    assert report["from_census_year"] == 2024 and area["census_year"] == 2024
    # in post on 15 January 2024: SW1, and SW2 who left on 31 March; SW3 starts in February;
    # SW5 is not held by the 2024 return, so had gone
    assert area["inpost_headcount"] == 2 and area["inpost_fte"] == "2.0"
    assert area["agency_headcount"] == 1  # SW4 since November 2023
    # 16 January 2023 to 15 January 2024 spans two census years: SW6 started and left in 2023
    assert area["starters_headcount"] == 1 and area["starters_fte"] == "0.5"
    assert area["leavers_headcount"] == 1 and area["turnover_rate_headcount"] == "50.0"
    # the latest vacancy block on or before the date: 30 September 2023's
    assert area["vacancy_fte"] == "3.0" and area["vacancy_rate_fte"] == "60.0"
    # days lost are collected per census year: no figure for other 12 months
    assert area["absence_rate_fte"] is None and "30 September" in area["reasons"]["absence_rate_fte"]


def test_fte_in_post_is_the_latest_records_at_or_before_the_dates_census_year(load, workforce, app_client, auth):
    load(DUDLEY, 2024, RETURN_2024, BLOCK_2024)
    _, area = workforce(as_of="2024-06-30")
    assert area["inpost_headcount"] == 2 and area["inpost_fte"] == "1.6"  # SW1 1.0 and SW3's 0.6 on 30 Sep
    earlier = app_client(analytics_app).get(  # census year 2023: no record held anyone yet, so no figures at all
        "/v1/analytics/workforce", params={"council": DUDLEY, "as_of": "2023-06-30"}, headers=auth()
    )
    assert earlier.status_code == 404, earlier.text
    assert earlier.json()["census_years_held"] == [2024]
    assert "2023-06-30" in earlier.json()["detail"] and "2024" in earlier.json()["detail"]


def test_until_a_census_years_return_is_in_the_previous_returns_spells_stay_in_post(load, workforce):
    load(DUDLEY, 2023, RETURN_2023, BLOCK_2023)
    _, before = workforce(as_of="2024-01-15")
    assert before["inpost_headcount"] == 3  # SW1, SW2, SW5 as the 2023 return left them
    load(DUDLEY, 2024, RETURN_2024, BLOCK_2024)
    _, after = workforce(as_of="2024-01-15")
    assert after["inpost_headcount"] == 2  # the 2024 return does not hold SW5


def test_as_of_with_a_year_is_refused_with_the_field_named(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/workforce", params={"census_year": 2024, "as_of": "2024-01-15"}, headers=auth()
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["query", "as_of"]


def test_as_of_through_the_gateway_for_a_council_hr_hides_other_councils_counts(load, gateway, auth):
    load(DUDLEY, 2024, RETURN_2024, BLOCK_2024)
    answer = gateway.get(
        "/v1/analytics/workforce", params={"as_of": "2024-06-30"}, headers=auth("council_hr", council="335")
    )
    assert answer.status_code == 200, answer.text
    dudley = next(a for a in answer.json()["areas"] if a["code"] == DUDLEY)
    assert dudley["inpost_headcount"] is None and dudley["agency_rate_headcount"] == "33.3"
