"""The DfE's formulas on hand-made cases, through census imports and the workforce endpoint."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.analytics.app import app as analytics_app
from services.analytics.measures import Totals, half_up, measures, rate
from services.placements.census.fields import Vacancies
from tests.placements.factory import person

DUDLEY, WALSALL = "332", "335"


def test_rates_round_half_up_to_one_place_as_the_dfe_publishes():
    assert rate(Decimal("1"), Decimal("8")) == (Decimal("12.5"), None)
    assert rate(Decimal("0.85"), Decimal("100")) == (Decimal("0.9"), None)  # half-even would say 0.8
    assert half_up(Decimal("8.45")) == Decimal("8.5")


def test_absence_counts_253_working_days_and_254_in_a_year_with_29_february():
    totals = Totals(inpost_fte=Decimal("118.3"), working_days_lost_fte=Decimal("1783"))
    assert measures(totals, 2024).values["absence_rate_fte"] == Decimal("5.9")  # Solihull as published
    assert measures(totals, 2025).values["absence_rate_fte"] == Decimal("6.0")


def test_a_rate_with_a_zero_denominator_is_null_with_a_reason():
    computed = measures(Totals(), 2024)
    assert computed.values["turnover_rate_fte"] is None
    assert computed.reasons["turnover_rate_fte"] == "zero denominator"
    assert computed.values["caseload_fte"] is None and computed.reasons["caseload_fte"] == "zero denominator"
    assert computed.values["vacancy_fte"] is None and "vacancy block" in computed.reasons["vacancy_fte"]


@given(st.lists(st.tuples(st.integers(1, 900), st.integers(0, 200)), min_size=1, max_size=14))
def test_a_regions_rate_comes_from_summed_numerators_and_denominators_not_averaged_rates(councils):
    parts = [Totals(inpost_headcount=h, leavers_headcount=le) for h, le in councils]
    region = sum(parts, Totals())
    expected = half_up(Decimal(100) * sum(le for _, le in councils) / sum(h for h, _ in councils))
    assert measures(region, 2025).values["turnover_rate_headcount"] == expected
    assert region.inpost_headcount == sum(h for h, _ in councils)


@pytest.fixture
def analytics(app_client, auth):
    client = app_client(analytics_app)

    def _get(year, council=None, headers=None, **params):
        answer = client.get(
            "/v1/analytics/workforce",
            params={"census_year": year, **({"council": council} if council else {}), **params},
            headers=headers or auth(),
        )
        assert answer.status_code == 200, answer.text
        return {(a["level"], a["code"]): a for a in answer.json()["areas"] if a["source"] == "computed"}

    return _get


def test_hand_made_return_gives_each_dfe_measure(load, analytics):
    records = [
        person(1, fte=Decimal("1"), fte30=Decimal("1"), cases30=20, working_days_lost=Decimal("10.00")),
        # part-time, holds no cases
        person(2, fte=Decimal("0.5"), fte30=Decimal("0.5"), cases30=0, working_days_lost=Decimal("2.50")),
        # a starter in the year who left in the same year: a starter and a leaver, not in post
        person(3, role_start_date=date(2023, 11, 1), role_end_date=date(2024, 6, 30), reason_leave=1,
               fte=Decimal("0.8"), fte30=None, cases30=None, working_days_lost=None),
        # a leaver on 30 September: a leaver, not in post that day (our reading)
        person(4, role_end_date=date(2024, 9, 30), reason_leave=5, fte=Decimal("1"), fte30=None, cases30=None,
               working_days_lost=None),
        # an agency worker: excluded from in post and turnover, included in caseload
        person(5, agency_worker=True, fte=Decimal("1"), fte30=Decimal("1"), cases30=10,
               working_days_lost=None,
               contract_weeks=Decimal("26.0")),
        # one person with two roles: counted once in headcount, both FTEs in FTE
        person(6, fte=Decimal("0.4"), fte30=Decimal("0.4"), cases30=5, working_days_lost=None),
        person(6, role_start_date=date(2020, 2, 1), org_role=4, fte=Decimal("0.6"), fte30=Decimal("0.6"),
               cases30=0, working_days_lost=None),
    ]  # fmt: skip
    load(DUDLEY, 2024, records, Vacancies(Decimal("1.50"), Decimal("1.00"), 1))
    area = analytics(2024, DUDLEY)[("council", DUDLEY)]
    assert area["inpost_fte"] == "2.5" and area["inpost_headcount"] == 3  # SW1, SW2, SW6 (two roles)
    assert area["starters_fte"] == "0.8" and area["starters_headcount"] == 1
    assert area["leavers_fte"] == "1.8" and area["leavers_headcount"] == 2
    assert area["turnover_rate_fte"] == "72.0"  # 100 x 1.8 / 2.5
    assert area["turnover_rate_headcount"] == "66.7"  # 100 x 2 / 3
    assert area["agency_fte"] == "1.0" and area["agency_headcount"] == 1
    assert area["agency_rate_fte"] == "28.6"  # 100 x 1 / 3.5
    assert area["agency_rate_headcount"] == "25.0"
    assert area["vacancy_fte"] == "1.5" and area["vacancy_rate_fte"] == "37.5"  # 1.5 / 4.0
    assert area["agency_cover_fte"] == "1.0" and area["agency_cover_rate_fte"] == "100.0"
    assert area["case_holders_fte"] == "2.4"  # SW1 1.0 + SW6's case-holding role 0.4 + agency 1.0
    assert area["cases"] == 35 and area["caseload_fte"] == "14.6"  # 35 / 2.4
    assert area["working_days_lost_fte"] == "12.5"
    assert area["absence_rate_fte"] == "2.0"  # 100 x 12.5 / (2.5 x 254): 2024 held 29 February


def test_a_computed_region_sums_the_councils_it_holds_and_names_those_missing(load, analytics):
    load(DUDLEY, 2024, [person(1), person(2, role_end_date=date(2024, 1, 31), reason_leave=1)])
    load(WALSALL, 2024, [person(11), person(12), person(13), person(14)])
    areas = analytics(2024)
    region = areas[("region", "E12000005")]
    assert region["inpost_headcount"] == 5 and region["leavers_headcount"] == 1
    assert region["turnover_rate_headcount"] == "20.0"  # not the mean of 100.0 and 0.0
    assert region["councils"] == [DUDLEY, WALSALL]
    assert len(region["missing_councils"]) == 12 and DUDLEY not in region["missing_councils"]
    assert region["name"] == "West Midlands: 2 of its 14 councils"
    assert ("national", "E92000001") not in areas  # the platform never computes England


def test_a_council_sees_its_own_detail_and_only_rates_of_others(load, analytics, auth):
    load(DUDLEY, 2024, [person(1)])
    load(WALSALL, 2024, [person(11), person(12)])
    areas = analytics(2024, headers=auth("council_hr", council=DUDLEY))
    assert areas[("council", DUDLEY)]["inpost_headcount"] == 1
    walsall = areas[("council", WALSALL)]
    assert walsall["inpost_headcount"] is None and walsall["turnover_rate_headcount"] == "0.0"
    assert walsall["reasons"]["inpost_headcount"].startswith("rates only")
    assert areas[("region", "E12000005")]["inpost_headcount"] == 3


def test_social_workers_have_no_access_to_analytics(app_client, auth):
    answer = app_client(analytics_app).get(
        "/v1/analytics/workforce", params={"census_year": 2024}, headers=auth("social_worker", worker="SW1")
    )
    assert answer.status_code == 403


def test_a_later_return_with_an_old_start_date_never_changes_an_earlier_years_figures(load, analytics):
    load(DUDLEY, 2023, [person(1)])
    before = analytics(2023, DUDLEY)[("council", DUDLEY)]
    load(DUDLEY, 2024, [person(1), person(2, role_start_date=date(2021, 5, 1))])
    after = analytics(2023, DUDLEY)[("council", DUDLEY)]
    assert before == after and after["inpost_headcount"] == 1
