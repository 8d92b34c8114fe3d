"""Cohorts with their rules as data, and applications whose eligibility is decided and explained."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.common.settings import get_settings
from tests.returners.conftest import BASE, TODAY, application_body, cohort_body, years_before


def test_academy_staff_open_a_cohort_with_eligibility_rules_and_a_default_7_hour_day(gateway, admin):
    answer = gateway.post(
        f"{BASE}/cohorts",
        json=cohort_body(name="West Midlands 2027", min_years_away=2, max_years_away=5, capacity=12),
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    cohort = answer.json()
    assert (cohort["name"], cohort["capacity"], cohort["min_years_away"], cohort["max_years_away"]) == (
        "West Midlands 2027",
        12,
        2,
        5,
    )
    assert cohort["hours_per_day"] == "7.00"
    assert cohort["min_statutory_practice_years"] == "2.0"
    read = gateway.get(f"{BASE}/cohorts/{cohort['id']}", headers=admin)
    assert read.json() == cohort


def test_the_default_hours_in_an_updating_day_come_from_settings(client, admin, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_default_hours_per_day", Decimal(6))
    answer = client.post(f"{BASE}/cohorts", json=cohort_body(), headers=admin)
    assert answer.json()["hours_per_day"] == "6.00"


def test_a_cohort_can_change_its_rules_and_its_hours_per_day(client, admin, cohort):
    answer = client.patch(
        f"{BASE}/cohorts/{cohort['id']}", json={"max_years_away": 5, "hours_per_day": "6"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["max_years_away"], answer.json()["hours_per_day"]) == (5, "6.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_years_away": 6, "max_years_away": 5}, "max_years_away"),
        ({"intake_closes": "2000-01-01"}, "intake_closes"),
        ({"capacity": None}, "capacity"),
    ],
)
def test_a_cohort_cannot_be_made_inconsistent(client, admin, cohort, change, field):
    answer = client.patch(f"{BASE}/cohorts/{cohort['id']}", json=change, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", field]


def test_a_cohorts_start_date_may_be_cleared_and_nothing_else(client, admin, cohort):
    url = f"{BASE}/cohorts/{cohort['id']}"
    assert client.patch(url, json={"starts_on": "2027-01-04"}, headers=admin).json()["starts_on"] == "2027-01-04"
    cleared = client.patch(url, json={"starts_on": None}, headers=admin)
    assert (cleared.status_code, cleared.json()["starts_on"]) == (200, None)
    refused = client.patch(url, json={"hours_per_day": None, "name": None}, headers=admin)
    assert refused.status_code == 422
    assert {(tuple(e["loc"]), e["code"]) for e in refused.json()["errors"]} == {
        (("body", "hours_per_day"), "null_not_allowed"),
        (("body", "name"), "null_not_allowed"),
    }


def test_a_cohort_name_is_used_once(client, admin):
    assert client.post(f"{BASE}/cohorts", json=cohort_body(name="Once"), headers=admin).status_code == 201
    assert client.post(f"{BASE}/cohorts", json=cohort_body(name="Once"), headers=admin).status_code == 409


def test_a_cohort_cannot_be_renamed_to_another_cohorts_name(client, admin, new_cohort):
    taken, renamed = new_cohort(name="Taken"), new_cohort(name="Renamed")
    answer = client.patch(f"{BASE}/cohorts/{renamed['id']}", json={"name": "Taken"}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "'Taken'" in answer.json()["detail"]
    assert client.get(f"{BASE}/cohorts/{renamed['id']}", headers=admin).json()["name"] == "Renamed"
    assert client.get(f"{BASE}/cohorts/{taken['id']}", headers=admin).json()["name"] == "Taken"


def test_a_name_taken_between_the_check_and_the_write_is_still_a_409(client, admin, new_cohort, monkeypatch):
    new_cohort(name="Taken meanwhile")
    renamed = new_cohort()
    monkeypatch.setattr("services.returners.cohorts.service._check_name_free", lambda *_args, **_kwargs: None)
    answer = client.patch(f"{BASE}/cohorts/{renamed['id']}", json={"name": "Taken meanwhile"}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert "'Taken meanwhile'" in answer.json()["detail"]


def test_a_cohort_keeps_its_own_name_when_it_is_sent_again(client, admin, cohort):
    answer = client.patch(f"{BASE}/cohorts/{cohort['id']}", json={"name": cohort["name"], "capacity": 7}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["name"], answer.json()["capacity"]) == (cohort["name"], 7)


def test_a_council_can_read_cohorts_but_not_open_one(client, birmingham, cohort):
    assert client.get(f"{BASE}/cohorts", headers=birmingham).json()["total"] >= 1
    assert client.post(f"{BASE}/cohorts", json=cohort_body(), headers=birmingham).status_code == 403


def test_a_social_worker_token_has_no_access_to_returners(client, auth):
    assert client.get(f"{BASE}/cohorts", headers=auth("social_worker", worker="SW1")).status_code == 403


# --- Applications and eligibility --------------------------------------------------------------


def _apply(gateway, admin, new_applicant, cohort, **application):
    applicant = new_applicant()
    return gateway.post(
        f"{BASE}/applicants/{applicant['id']}/application",
        json=application_body(cohort["id"], **application),
        headers=admin,
    )


@pytest.mark.parametrize(
    ("years_away", "extra_days", "stage", "days"),
    [
        (2, 0, "applied", 30),
        (2, -1, "not_eligible", 0),
        (5, 0, "applied", 30),
        (5, 1, "applied", 60),
        (10, 0, "applied", 60),
        (10, 1, "not_eligible", 60),
    ],
)
def test_an_application_is_decided_at_exactly_2_5_and_10_years_away(
    gateway, admin, cohort, new_applicant, years_away, extra_days, stage, days
):
    left = years_before(TODAY, years_away) - timedelta(days=extra_days)
    answer = _apply(
        gateway,
        admin,
        new_applicant,
        cohort,
        date_left_register=str(left),
        date_last_practised=str(left - timedelta(days=1)),
    )
    assert answer.status_code == 200, answer.text
    applicant = answer.json()
    assert applicant["stage"] == stage
    assert applicant["eligibility"]["updating_days_required"] == days
    assert applicant["eligibility"]["eligible"] is (stage == "applied")


def _historic_cohort(new_cohort) -> dict:
    return new_cohort(intake_opens="2019-09-01", intake_closes="2020-01-31")


@pytest.mark.parametrize(
    ("applied_on", "regulator", "counted_from", "days"),
    [("2019-12-01", "HCPC", "date_last_practised", 60), ("2019-12-02", "SWE", "date_left_register", 30)],
)
def test_the_regulator_rule_in_force_on_the_application_date_counts_the_years_away(
    gateway, admin, new_cohort, new_applicant, applied_on, regulator, counted_from, days
):
    cohort = _historic_cohort(new_cohort)
    answer = _apply(
        gateway,
        admin,
        new_applicant,
        cohort,
        applied_on=applied_on,
        date_last_practised="2014-06-01",  # 5.5 years before: over 5 years from last practice
        date_left_register="2015-02-01",  # under 5 years from leaving the register
    )
    assert answer.status_code == 200, answer.text
    explanation = answer.json()["eligibility"]
    assert (explanation["regulator"], explanation["counted_from_field"]) == (regulator, counted_from)
    assert explanation["updating_days_required"] == days
    assert explanation["application_date"] == applied_on


def test_the_explanation_says_which_rule_decided_with_which_dates(client, admin, cohort, new_applicant):
    applicant = new_applicant()
    left = years_before(TODAY, 12)
    client.post(
        f"{BASE}/applicants/{applicant['id']}/application",
        json=application_body(cohort["id"], date_left_register=str(left), date_last_practised=str(left)),
        headers=admin,
    )
    explanation = client.get(f"{BASE}/applicants/{applicant['id']}/eligibility", headers=admin).json()
    assert explanation["eligible"] is False
    assert explanation["decided_by"] == "maximum_years_away"
    assert explanation["counted_from"] == str(left)
    assert "at most 10 year(s)" in explanation["reason"]
    assert [check["passed"] for check in explanation["checks"]] == [True, True, False]
    events = client.get(f"{BASE}/applicants/{applicant['id']}/stage-events", headers=admin).json()["items"]
    assert [(event["action"], event["to_stage"]) for event in events][-1] == (
        "rule_not_eligible",
        "not_eligible",
    )


def test_an_application_outside_the_intake_dates_or_with_dates_after_it_is_refused(
    client, admin, new_applicant, new_cohort
):
    closed = new_cohort(intake_opens="2020-01-01", intake_closes="2020-12-31")
    applicant = new_applicant()
    answer = client.post(
        f"{BASE}/applicants/{applicant['id']}/application",
        json=application_body(
            closed["id"],
            applied_on="2021-01-01",
            date_left_register="2021-06-01",
            date_last_practised="2018-01-01",
        ),
        headers=admin,
    )
    assert answer.status_code == 422
    assert {tuple(error["loc"]) for error in answer.json()["errors"]} == {
        ("body", "applied_on"),
        ("body", "date_left_register"),
    }


def test_the_previous_registration_number_is_stored_as_social_work_england_spells_it(
    client, admin, cohort, new_applicant
):
    applicant = new_applicant(cohort, registration_number="sw 000987")
    assert applicant["registration_number"] == "SW987"
    bad = new_applicant()
    answer = client.post(
        f"{BASE}/applicants/{bad['id']}/application",
        json=application_body(cohort["id"], registration_number="AB123"),
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "invalid_registration_number"


def test_an_applicant_applies_only_once(client, admin, cohort, new_applicant):
    applicant = new_applicant(cohort)
    again = client.post(
        f"{BASE}/applicants/{applicant['id']}/application", json=application_body(cohort["id"]), headers=admin
    )
    assert again.status_code == 409
    assert again.json()["stage"] == "applied"


def test_an_application_to_a_cohort_that_does_not_exist_is_404(client, admin, new_applicant):
    applicant = new_applicant()
    answer = client.post(
        f"{BASE}/applicants/{applicant['id']}/application",
        json=application_body("00000000-0000-4000-8000-000000000000"),
        headers=admin,
    )
    assert answer.status_code == 404


def test_dates_in_the_future_are_refused(client, admin, cohort, new_applicant):
    applicant = new_applicant()
    answer = client.post(
        f"{BASE}/applicants/{applicant['id']}/application",
        json=application_body(cohort["id"], date_left_register=str(date.today() + timedelta(days=1))),
        headers=admin,
    )
    assert answer.status_code == 422
