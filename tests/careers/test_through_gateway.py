"""Each part of the careers service as a client reaches it: through the gateway, with careers asking
placements for the employment history over HTTP."""

import pytest

from tests.careers.conftest import BIRMINGHAM, CAREERS, COVENTRY, academy_admin, council_hr, social_worker

SWE = "SW900001"


@pytest.fixture
def worker(through_gateway):
    """In post at Birmingham since 2020 (after two years at Coventry), at the social worker level."""
    for body in (
        {"swe_number": SWE, "council": COVENTRY, "start_date": "2018-01-01", "end_date": "2019-12-31"},
        {"swe_number": SWE, "council": BIRMINGHAM, "start_date": "2020-01-01"},
    ):
        response = through_gateway.post("/v1/placements/employments", json=body, headers=academy_admin())
        assert response.status_code == 201, response.text
    record = {"swe_number": SWE, "level": "social_worker", "effective_on": "2019-01-01"}
    response = through_gateway.post(f"{CAREERS}/workers", json=record, headers=council_hr(BIRMINGHAM))
    assert response.status_code == 201, response.text
    return response.json()


def test_the_framework_through_the_gateway(through_gateway):
    framework = through_gateway.get(f"{CAREERS}/framework", headers=social_worker())
    assert framework.status_code == 200
    assert framework.json()["levels"][0]["code"] == "student"
    level = {"code": "x", "name": "X", "rank": 9}
    assert through_gateway.post(f"{CAREERS}/levels", json=level, headers=council_hr()).status_code == 403


def test_my_career_record_through_the_gateway(through_gateway, worker):
    record = through_gateway.get(f"{CAREERS}/me", headers=social_worker(SWE))
    assert record.status_code == 200, record.text
    assert record.json()["level"]["code"] == "social_worker"
    assert record.json()["experience"]["days"] == 3088  # 2018-01-01 to 2026-06-15, two councils
    assert record.json()["experience"]["years"] == "8.46"
    assert record.json()["experience"]["councils_in_post"] == [BIRMINGHAM]
    assert through_gateway.get(f"{CAREERS}/workers/{SWE}", headers=social_worker("SW900002")).status_code == 404


def test_my_cpd_through_the_gateway(through_gateway):
    for day in ("2026-01-10", "2026-03-02"):
        body = {"activity_on": day, "hours": "3", "kind": "course", "title": "Course"}
        assert through_gateway.post(f"{CAREERS}/me/cpd", json=body, headers=social_worker(SWE)).status_code == 201
    check = through_gateway.get(f"{CAREERS}/me/cpd", headers=social_worker(SWE)).json()["registration_year"]
    assert (check["records"], check["peer_reflected"], check["met"]) == (2, 0, False)


def test_my_next_step_through_the_gateway(through_gateway, worker):
    step = through_gateway.get(f"{CAREERS}/me/next-step", headers=social_worker(SWE))
    assert step.status_code == 200
    [option] = step.json()["options"]
    assert option["level"]["code"] == "experienced"
    assert option["requirements"][0]["met"] is True


def test_a_progression_application_through_the_gateway(through_gateway, worker):
    evidence = []
    for kind in ("reflective_account", "service_user_feedback", "manager_endorsement"):
        body = {"kind": kind, "title": kind, "dated_on": "2026-05-01"}
        evidence.append(
            through_gateway.post(f"{CAREERS}/me/evidence", json=body, headers=social_worker(SWE)).json()["id"]
        )
    draft = through_gateway.post(
        f"{CAREERS}/me/applications",
        json={"level": "experienced", "evidence_ids": evidence},
        headers=social_worker(SWE),
    ).json()
    url = f"{CAREERS}/applications/{draft['id']}"
    # an action needs no body at all (issue 13: generated clients send none)
    assert through_gateway.post(f"{url}/submit", headers=social_worker(SWE)).json()["state"] == "submitted"
    assert through_gateway.post(f"{url}/endorse", headers=council_hr()).json()["state"] == "endorsed"
    assert through_gateway.post(f"{url}/endorse", json={}, headers=council_hr()).status_code == 409
    approved = through_gateway.post(f"{url}/approve", json={"effective_on": "2026-06-15"}, headers=academy_admin())
    assert approved.json()["state"] == "approved"
    assert through_gateway.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()["level"]["code"] == "experienced"


def test_regional_opportunities_through_the_gateway(through_gateway):
    body = {
        "kind": "secondment",
        "title": "Secondment",
        "level": "experienced",
        "closing_on": "2026-07-31",
        "description": "Six months",
    }
    posted = through_gateway.post(f"{CAREERS}/opportunities", json=body, headers=council_hr(COVENTRY)).json()
    browse = through_gateway.get(f"{CAREERS}/opportunities", params={"level": "experienced"}, headers=social_worker())
    assert [item["id"] for item in browse.json()["items"]] == [posted["id"]]
    interest = through_gateway.post(
        f"{CAREERS}/opportunities/{posted['id']}/interest", json={}, headers=social_worker()
    )
    assert interest.status_code == 201
    registrations = f"{CAREERS}/opportunities/{posted['id']}/registrations"
    assert through_gateway.get(registrations, headers=council_hr(COVENTRY)).json()["total"] == 1
    assert through_gateway.get(registrations, headers=council_hr(BIRMINGHAM)).status_code == 404
