"""The updating log over HTTP: the supervisor rule, the private-study cap, the 12-month window before the
restoration application, and progress shown with its reasons."""

from datetime import date, timedelta

import pytest

from tests.returners.conftest import BASE, TODAY, move, put_in_stage, years_before


def supervised(hours: str = "7", started: date = TODAY, ended: date | None = None, **fields) -> dict:
    return {
        "kind": "supervised_practice",
        "started_on": str(started),
        "ended_on": str(ended or started),
        "hours": hours,
        "supervisor_name": "Sam Supervisor",
        "supervisor_regulator": "SWE",
        "supervisor_registration_number": "SW5555",
        "supervisor_years_registered": "6",
        "supervisor_fitness_to_practise_sanction": False,
        **fields,
    }


def study(kind: str, hours: str, started: date = TODAY, ended: date | None = None) -> dict:
    return {"kind": kind, "started_on": str(started), "ended_on": str(ended or started), "hours": hours}


def log(client, headers, applicant_id, body, expect: int = 201) -> dict:
    answer = client.post(f"{BASE}/applicants/{applicant_id}/updating-activities", json=body, headers=headers)
    assert answer.status_code == expect, answer.text
    return answer.json()


def progress(client, headers, applicant_id) -> dict:
    answer = client.get(f"{BASE}/applicants/{applicant_id}/updating-progress", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_supervised_practice_is_logged_with_its_supervisor(gateway, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice")
    logged = log(gateway, admin, applicant.id, supervised("35", TODAY - timedelta(days=4), TODAY))
    assert (
        logged["supervisor_name"],
        logged["supervisor_regulator"],
        logged["supervisor_years_registered"],
    ) == (
        "Sam Supervisor",
        "SWE",
        "6.0",
    )
    listed = gateway.get(f"{BASE}/applicants/{applicant.id}/updating-activities", headers=admin).json()["items"]
    assert [item["id"] for item in listed] == [logged["id"]]
    assert progress(gateway, admin, applicant.id)["counted_days"] == "5.00"


def test_a_supervisor_registered_under_3_years_is_refused_with_the_reason(gateway, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice")
    answer = gateway.post(
        f"{BASE}/applicants/{applicant.id}/updating-activities",
        json=supervised(supervisor_years_registered="2.9"),
        headers=admin,
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert "registered at least 3 years" in problem["detail"]
    assert problem["errors"][0]["loc"] == ["body", "supervisor_years_registered"]
    assert gateway.get(f"{BASE}/applicants/{applicant.id}/updating-activities", headers=admin).json()["items"] == []


def test_a_supervisor_registered_exactly_3_years_is_accepted(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice")
    log(client, admin, applicant.id, supervised(supervisor_years_registered="3"))


def test_a_supervisor_with_a_fitness_to_practise_sanction_is_refused(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice")
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/updating-activities",
        json=supervised(supervisor_fitness_to_practise_sanction=True),
        headers=admin,
    )
    assert answer.status_code == 422
    assert "sanction" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**supervised(), "supervisor_name": None}, "supervisor_required"),
        ({**study("formal_study", "7"), "supervisor_name": "Not Needed"}, "supervisor_not_expected"),
        (study("private_study", "7", TODAY, TODAY - timedelta(days=1)), "ended_before_started"),
        (study("private_study", "25"), "too_many_hours"),
    ],
)
def test_an_activity_that_does_not_hold_together_is_refused(client, admin, session, cohort, body, code):
    applicant = put_in_stage(session, cohort["id"], "in_training")
    answer = client.post(f"{BASE}/applicants/{applicant.id}/updating-activities", json=body, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == code


def test_private_study_counts_for_at_most_half_the_required_days(gateway, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice", updating_days_required=30)
    log(gateway, admin, applicant.id, study("private_study", str(20 * 7), TODAY - timedelta(days=40), TODAY))
    log(gateway, admin, applicant.id, study("formal_study", str(10 * 7), TODAY - timedelta(days=20), TODAY))
    shown = progress(gateway, admin, applicant.id)
    assert shown["days_by_kind"]["private_study"] == "20.00"
    assert (shown["private_study_cap_days"], shown["private_study_days_counted"]) == ("15.00", "15.00")
    assert (shown["counted_days"], shown["remaining_days"], shown["complete"]) == ("25.00", "5.00", False)


def test_only_the_12_months_before_today_count_until_restoration_is_applied_for(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice", updating_days_required=30)
    year_ago = years_before(TODAY, 1)
    log(client, admin, applicant.id, study("formal_study", "21", year_ago, year_ago))
    log(
        client,
        admin,
        applicant.id,
        study("formal_study", "21", year_ago - timedelta(days=1), year_ago - timedelta(days=1)),
    )
    shown = progress(client, admin, applicant.id)
    assert (shown["window_start"], shown["window_end"], shown["window_ends_at"]) == (
        str(year_ago),
        str(TODAY),
        "today",
    )
    assert shown["counted_days"] == "3.00"
    assert len(shown["excluded"]) == 1
    assert "started before the window opened" in shown["excluded"][0]["reason"]


def test_after_the_restoration_application_the_window_ends_on_that_day(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice", updating_days_required=30)
    applied = TODAY - timedelta(days=10)
    for day in range(5):
        start = applied - timedelta(days=6 * day + 5)
        log(client, admin, applicant.id, supervised("42", start, start + timedelta(days=4)))
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/transitions",
        json={"action": "apply_for_restoration", "effective_on": str(applied)},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["restoration_applied_on"] == str(applied)
    # Updating done after the application does not count toward it.
    log(client, admin, applicant.id, study("formal_study", "7", applied + timedelta(days=1)))
    shown = progress(client, admin, applicant.id)
    assert (shown["window_end"], shown["window_ends_at"]) == (str(applied), "restoration application")
    assert shown["counted_days"] == "30.00"
    assert "ended after the window closed" in shown["excluded"][0]["reason"]


def test_the_restoration_application_counts_updating_up_to_its_own_date(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice", updating_days_required=30)
    log(client, admin, applicant.id, supervised("210", TODAY - timedelta(days=30), TODAY - timedelta(days=1)))
    too_early = client.post(
        f"{BASE}/applicants/{applicant.id}/transitions",
        json={"action": "apply_for_restoration", "effective_on": str(TODAY - timedelta(days=2))},
        headers=admin,
    )
    assert too_early.status_code == 409
    assert move(client, admin, str(applicant.id), "apply_for_restoration")["stage"] == "restoration_applied"


def test_no_updating_is_logged_for_someone_who_left_the_programme(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "withdrawn")
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/updating-activities",
        json=study("formal_study", "7"),
        headers=admin,
    )
    assert answer.status_code == 409


def test_no_progress_before_an_application(client, admin, new_applicant):
    applicant = new_applicant()
    answer = client.get(f"{BASE}/applicants/{applicant['id']}/updating-progress", headers=admin)
    assert answer.status_code == 409
