"""Retention, regional retention, stability, leaver destinations and time in service, on hand-made
returns loaded through placements' census import."""

from datetime import date
from decimal import Decimal

import pytest

from services.analytics.app import app as analytics_app
from tests.placements.factory import person

COVENTRY, SOLIHULL, WALSALL, DUDLEY = "331", "334", "335", "332"
REGION = "E12000005"
LEFT = {"fte30": None, "cases30": None, "working_days_lost": None}


def leaver(number: int, ended: date, destination: int | None, **changes):
    return person(number, role_end_date=ended, leaver_destination=destination, reason_leave=1, **LEFT | changes)


def agency(number: int, started: date, **changes):
    return person(
        number, agency_worker=True, role_start_date=started, start_origin=None, working_days_lost=None,
        contract_weeks=Decimal("26.0"), **changes,
    )  # fmt: skip


@pytest.fixture
def retention(app_client, auth):
    client = app_client(analytics_app)

    def _get(year, council=None, headers=None):
        answer = client.get(
            "/v1/analytics/retention",
            params={"census_year": year, **({"council": council} if council else {})},
            headers=headers or auth(),
        )
        assert answer.status_code == 200, answer.text
        return {(a["level"], a["code"]): a for a in answer.json()["areas"]}

    return _get


@pytest.fixture
def region_2024(load):
    """Coventry loses four of its five; one goes to Solihull, one becomes an agency worker at Walsall."""
    load(COVENTRY, 2023, [person(1), person(2), person(3), person(4), person(6, fte=Decimal("0.5"),
                                                                        fte30=Decimal("0.5"))])  # fmt: skip
    load(SOLIHULL, 2023, [person(20)])
    load(WALSALL, 2023, [person(30)])
    load(COVENTRY, 2024, [
        person(1),
        leaver(2, date(2024, 1, 31), 1),  # to Solihull, starting a month later
        leaver(3, date(2024, 2, 29), 3),  # agency work at Walsall
        leaver(4, date(2024, 6, 30), 6),  # left social work: nobody in the region takes them on
        leaver(6, date(2024, 7, 31), None, fte=Decimal("0.5")),  # not known
        person(5, role_start_date=date(2024, 5, 1)),  # a starter
    ])  # fmt: skip
    load(SOLIHULL, 2024, [person(20), person(2, role_start_date=date(2024, 3, 1), start_origin=2)])
    load(WALSALL, 2024, [person(30), agency(3, date(2024, 4, 1))])


def test_a_regional_move_counts_as_council_turnover_but_regional_retention(region_2024, retention, app_client, auth):
    workforce = app_client(analytics_app).get(
        "/v1/analytics/workforce", params={"census_year": 2024, "council": COVENTRY}, headers=auth()
    )
    coventry_dfe = {a["code"]: a for a in workforce.json()["areas"]}[COVENTRY]
    assert coventry_dfe["leavers_headcount"] == 4  # the DfE's view: SW2 is simply Coventry's leaver
    assert coventry_dfe["turnover_rate_headcount"] == "200.0"  # 4 leavers / 2 in post

    areas = retention(2024)
    coventry = areas[("council", COVENTRY)]
    assert (coventry["name"], coventry["census_year"]) == ("Coventry", 2024)
    assert coventry["in_post_last_year_headcount"] == 5 and coventry["retained_headcount"] == 1
    assert coventry["retention_rate_headcount"] == "20.0"
    assert coventry["retention_rate_fte"] == "22.2"  # 1.0 of 4.5 FTE
    # employed -> employed or agency in the region, said which
    assert coventry["retained_employed_headcount"] == 2  # SW1 still there, SW2 at Solihull
    assert coventry["retained_agency_headcount"] == 1  # SW3 as an agency worker at Walsall
    assert coventry["regional_retention_rate_headcount"] == "60.0"

    region = areas[("region", REGION)]
    assert region["name"] == "West Midlands"
    assert region["regional_base_headcount"] == 7  # Coventry's five, SW20, SW30
    assert region["retained_employed_headcount"] == 4 and region["retained_agency_headcount"] == 1
    assert region["regional_retention_rate_headcount"] == "71.4"  # 5 / 7: the region kept SW2 and SW3
    assert region["retention_rate_headcount"] == "42.9"  # 3 of 7 stayed at their own council


def test_leaver_destinations_match_records_first_and_the_councils_code_otherwise(region_2024, retention):
    coventry = retention(2024, COVENTRY)[("council", COVENTRY)]
    destinations = {d["destination"]: d for d in coventry["leaver_destinations"]}
    assert {k: d["headcount"] for k, d in destinations.items()} == {
        "moved_in_region": 1,  # coded 1 (another council) and matched at Solihull
        "agency_in_region": 1,  # coded 3 (agency) and matched at Walsall
        "moved_elsewhere": 0,
        "left_social_work": 1,  # coded 6, no match
        "not_known": 1,  # no code, no match
    }
    assert destinations["not_known"]["fte"] == "0.5"
    assert destinations["moved_in_region"]["share_headcount"] == "25.0"
    assert coventry["leavers_headcount"] == 4


def test_a_start_in_the_region_after_the_movement_window_is_not_a_move(load, retention, app_client, auth):
    load(COVENTRY, 2024, [person(1), leaver(2, date(2023, 11, 30), 1)])
    load(SOLIHULL, 2025, [person(2, role_start_date=date(2024, 6, 1))])  # 184 days later: over 180
    destinations = retention(2024, COVENTRY)[("council", COVENTRY)]["leaver_destinations"]
    assert {d["destination"]: d["headcount"] for d in destinations}["moved_elsewhere"] == 1
    matrix = app_client(analytics_app).get("/v1/analytics/movements", params={"census_year": 2024}, headers=auth())
    assert matrix.json()["moves"] == []


def test_the_movement_matrix_shows_each_move_and_each_councils_net_flow(region_2024, app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/movements", params={"census_year": 2024}, headers=auth("council_hr", council=SOLIHULL)
    )
    assert answer.status_code == 200, answer.text  # a council's HR sees the matrix: aggregates only
    report = answer.json()
    assert report["movement_window_days"] == 180
    cells = [
        (m["from_council"], m["to_council"], m["headcount"], m["fte"], m["agency_headcount"]) for m in report["moves"]
    ]
    assert cells == [(COVENTRY, SOLIHULL, 1, "1.0", 0), (COVENTRY, WALSALL, 1, "1.0", 1)]
    flows = {c["code"]: c for c in report["councils"]}
    assert len(flows) == 14
    assert flows[COVENTRY]["net_headcount"] == -2 and flows[COVENTRY]["moved_out_fte"] == "2.0"
    assert flows[SOLIHULL]["net_headcount"] == 1 and flows[WALSALL]["net_fte"] == "1.0"
    assert flows[DUDLEY]["net_headcount"] == 0
    assert report["total_headcount"] == 2


def test_stability_and_time_in_service_count_unbroken_service_at_the_council(load, retention):
    load(DUDLEY, 2021, [leaver(2, date(2021, 6, 30), 6, role_start_date=date(2010, 1, 1))])
    load(DUDLEY, 2023, [
        # a new role three days after the last: service since 2008 goes on
        leaver(1, date(2023, 3, 31), None, role_start_date=date(2008, 5, 1)),
        person(1, role_start_date=date(2023, 4, 3)),
        # back after two years away: service starts again
        person(2, role_start_date=date(2023, 6, 1)),
    ])  # fmt: skip
    load(DUDLEY, 2024, [
        person(1, role_start_date=date(2023, 4, 3)),
        person(2, role_start_date=date(2023, 6, 1)),
        person(3, role_start_date=date(2023, 10, 1)),  # a starter: under a year on 30 September
        person(4, role_start_date=date(2004, 9, 30)),  # exactly 20 years on 30 September 2024
    ])  # fmt: skip
    dudley = retention(2024, DUDLEY)[("council", DUDLEY)]
    bands = {b["band"]: b["headcount"] for b in dudley["service_bands"]}
    assert bands == {"under_2": 2, "2_to_5": 0, "5_to_10": 0, "10_to_20": 1, "20_and_over": 1}
    assert dudley["inpost_headcount"] == 4 and dudley["year_or_more_headcount"] == 3
    assert dudley["stability_index"] == "75.0"
    assert dudley["retention_rate_headcount"] == "100.0"  # SW1 and SW2 both still there


def test_rates_with_a_zero_denominator_are_null_with_a_reason(load, retention):
    load(DUDLEY, 2024, [person(1, role_start_date=date(2024, 2, 1))])  # no return for 2023
    dudley = retention(2024, DUDLEY)[("council", DUDLEY)]
    assert dudley["in_post_last_year_headcount"] == 0
    for rate in ("retention_rate_fte", "retention_rate_headcount", "regional_retention_rate_headcount"):
        assert dudley[rate] is None and dudley["reasons"][rate] == "zero denominator"
    assert dudley["stability_index"] == "0.0"
    assert all(d["share_headcount"] is None for d in dudley["leaver_destinations"])
    assert "zero denominator" in dudley["reasons"]["leaver_destinations"]


def test_a_council_sees_its_own_retention_in_full_and_other_councils_rates_only(region_2024, retention, auth):
    areas = retention(2024, headers=auth("council_hr", council=SOLIHULL))
    assert areas[("council", SOLIHULL)]["retained_headcount"] == 1
    coventry = areas[("council", COVENTRY)]
    assert coventry["retained_headcount"] is None and coventry["reasons"]["retained_headcount"].startswith("rates")
    assert coventry["retention_rate_headcount"] == "20.0"
    assert {d["destination"]: d["headcount"] for d in coventry["leaver_destinations"]}["moved_in_region"] is None
    assert areas[("region", REGION)]["regional_base_headcount"] == 7


@pytest.mark.parametrize("path", ["/v1/analytics/retention", "/v1/analytics/movements"])
def test_social_workers_have_no_access_to_retention_or_movements(app_client, auth, path):
    answer = app_client(analytics_app).get(
        path, params={"census_year": 2024}, headers=auth("social_worker", worker="SW1")
    )
    assert answer.status_code == 403


def test_retention_for_a_council_outside_the_academy_is_not_found(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/retention", params={"census_year": 2024, "council": "201"}, headers=auth()
    )
    assert answer.status_code == 404


def test_the_region_keeps_the_coventry_leaver_who_starts_at_solihull_through_the_gateway(region_2024, gateway, auth):
    answer = gateway.get("/v1/analytics/retention", params={"census_year": 2024}, headers=auth("dfe"))
    assert answer.status_code == 200, answer.text
    region = next(a for a in answer.json()["areas"] if a["level"] == "region")
    assert region["regional_retention_rate_headcount"] == "71.4"
    moves = gateway.get("/v1/analytics/movements", params={"census_year": 2024}, headers=auth("dfe")).json()["moves"]
    assert (moves[0]["from_council"], moves[0]["to_council"]) == (COVENTRY, SOLIHULL)
