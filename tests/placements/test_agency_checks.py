from datetime import date

import pytest

from services.placements.app import app as placements_app
from tests.placements.factory import person, xml_return

COVENTRY, SOLIHULL = "331", "334"


@pytest.fixture
def placements(app_client, auth):
    client = app_client(placements_app)
    # a permanent Coventry social worker since 2015 who resigned on 30 June 2024
    left = person(77, role_start_date=date(2015, 9, 1), role_end_date=date(2024, 6, 30), reason_leave=1)
    answer = client.post(
        "/v1/placements/imports",
        params={"census_year": 2024},
        files={"file": ("r.xml", xml_return(2024, COVENTRY, [left]))},
        headers=auth("council_hr", council=COVENTRY),
    )
    assert answer.status_code == 201
    return client


def check(client, headers, start: date, council: str = SOLIHULL, swe: str = "sw 0077"):
    return client.post(
        "/v1/placements/agency-checks",
        json={"swe_number": swe, "council": council, "proposed_start": start.isoformat()},
        headers=headers,
    )


def test_agency_engagement_within_twelve_months_of_leaving_a_regional_post_is_refused(placements, auth):
    answer = check(placements, auth("council_hr", council=SOLIHULL), date(2025, 1, 6))
    assert answer.status_code == 200
    body = answer.json()
    assert body["allowed"] is False and body["swe_number"] == "SW77" and body["known_to_region"] is True
    rules = {rule["rule"]: rule for rule in body["rules"]}
    assert rules["regional_mou_cooling_off"]["passed"] is False
    assert rules["national_cooling_off"]["passed"] is True  # 3 months have passed
    assert rules["national_pq_experience"]["passed"] is True
    assert "2024-06-30" in str(rules["regional_mou_cooling_off"]["deciding_dates"].values())


def test_agency_engagement_after_twelve_months_is_allowed(placements, auth):
    body = check(placements, auth("council_hr", council=SOLIHULL), date(2025, 7, 1)).json()
    assert body["allowed"] is True
    assert all(rule["passed"] for rule in body["rules"])


def test_someone_the_region_has_never_employed_fails_the_experience_rule(placements, auth):
    body = check(placements, auth(), date(2025, 7, 1), swe="SW404").json()
    assert body["allowed"] is False and body["known_to_region"] is False


def test_a_council_may_check_only_engagements_at_itself(placements, auth):
    answer = check(placements, auth("council_hr", council=COVENTRY), date(2025, 7, 1), council=SOLIHULL)
    assert answer.status_code == 403


def test_an_swe_number_that_cannot_be_normalised_is_a_422(placements, auth):
    answer = check(placements, auth(), date(2025, 7, 1), swe="XX12")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "swe_number"]
