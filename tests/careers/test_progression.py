"""Next steps and progression applications through the API: what the next level needs, the life of an
application (each transition stored with who and when), who may take each step, invalid transitions,
a declined application resubmitted, and the level changing on approval."""

import uuid

import pytest
from sqlmodel import select

from services.careers.models import ApplicationEvent
from tests.careers.conftest import BIRMINGHAM, CAREERS, COVENTRY, academy_admin, council_hr, social_worker

SWE = "SW900001"
EXPERIENCED_EVIDENCE = ["reflective_account", "service_user_feedback", "manager_endorsement"]


@pytest.fixture
def worker(employ, start_record):
    """A social worker in post at Birmingham since 2020, at the social worker level."""
    employ(SWE, BIRMINGHAM, "2020-01-06")
    return start_record(level="social_worker", effective_on="2021-01-06")


def add_evidence(careers, kinds=EXPERIENCED_EVIDENCE, swe=SWE) -> list[str]:
    ids = []
    for kind in kinds:
        body = {"kind": kind, "title": kind.replace("_", " "), "dated_on": "2026-05-01"}
        response = careers.post(f"{CAREERS}/me/evidence", json=body, headers=social_worker(swe))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def draft(careers, level="experienced", pathway=None, swe=SWE, **fields) -> dict:
    body = {"level": level, "statement": "I am ready.", **fields}
    if pathway:
        body["pathway"] = pathway
    response = careers.post(f"{CAREERS}/me/applications", json=body, headers=social_worker(swe))
    assert response.status_code == 201, response.text
    return response.json()


def act(careers, application: dict, action: str, headers: dict, body: dict | None = None):
    return careers.post(f"{CAREERS}/applications/{application['id']}/{action}", json=body or {}, headers=headers)


def submitted(careers) -> dict:
    application = draft(careers, evidence_ids=add_evidence(careers))
    response = act(careers, application, "submit", social_worker(SWE))
    assert response.status_code == 200, response.text
    return response.json()


def endorsed(careers) -> dict:
    application = submitted(careers)
    response = act(careers, application, "endorse", council_hr(BIRMINGHAM), {"note": "Ready for panel"})
    assert response.status_code == 200, response.text
    return response.json()


# --- Next step ---------------------------------------------------------------------------------


def test_next_step_lists_each_requirement_met_or_not_and_what_is_missing(careers, worker):
    body = {"activity_on": "2026-02-01", "hours": "12.5", "kind": "course", "title": "Course"}
    careers.post(f"{CAREERS}/me/cpd", json=body, headers=social_worker(SWE))
    add_evidence(careers, ["reflective_account"])

    step = careers.get(f"{CAREERS}/me/next-step", headers=social_worker(SWE)).json()
    assert step["level"]["code"] == "social_worker"
    assert step["cpd_hours_last_12_months"] == "12.5"
    [option] = step["options"]
    assert (option["level"]["code"], option["pathway"], option["how_reached"]) == (
        "experienced",
        None,
        "panel",
    )
    assert [(r["requirement"], r["evidence_kind"], r["met"]) for r in option["requirements"]] == [
        ("post_qualifying_years", None, True),
        ("cpd_hours_last_12_months", None, False),
        ("evidence", "reflective_account", True),
        ("evidence", "service_user_feedback", False),
        ("evidence", "manager_endorsement", False),
    ]
    assert option["requirements"][0]["actual"] == "6.44"
    assert option["missing"] == [
        "17.5 more hours of CPD in the last 12 months",
        "feedback from people who use services",
        "the manager's endorsement",
    ]
    assert option["all_met"] is False
    assert option["can_apply"] is True and option["open_application_id"] is None


def test_the_advanced_level_offers_three_pathways_and_only_panel_ones_can_be_applied_for(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2015-01-05")
    start_record(level="experienced", effective_on="2019-01-01")
    options = careers.get(f"{CAREERS}/me/next-step", headers=social_worker(SWE)).json()["options"]
    assert [(o["level"]["code"], o["pathway"]["code"], o["how_reached"], o["can_apply"]) for o in options] == [
        ("advanced", "educator", "panel", True),
        ("advanced", "manager", "recruitment", False),
        ("advanced", "practitioner", "panel", True),
    ]


def test_at_the_top_there_is_no_next_step(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2005-01-05")
    start_record(level="strategic", effective_on="2019-01-01")
    assert careers.get(f"{CAREERS}/me/next-step", headers=social_worker(SWE)).json()["options"] == []


def test_the_workers_council_sees_their_next_step(careers, worker):
    response = careers.get(f"{CAREERS}/workers/{SWE}/next-step", headers=council_hr(BIRMINGHAM))
    assert response.status_code == 200
    assert careers.get(f"{CAREERS}/workers/{SWE}/next-step", headers=council_hr(COVENTRY)).status_code == 404


# --- Drafts ------------------------------------------------------------------------------------


def test_only_the_next_level_and_only_a_panel_level_can_be_applied_for(careers, worker):
    response = careers.post(
        f"{CAREERS}/me/applications",
        json={"level": "advanced", "pathway": "educator"},
        headers=social_worker(SWE),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "not_next_level"


def test_recruitment_levels_are_not_applied_for(careers, employ, start_record):
    employ(SWE, BIRMINGHAM, "2015-01-05")
    start_record(level="experienced", effective_on="2019-01-01")
    response = careers.post(
        f"{CAREERS}/me/applications",
        json={"level": "advanced", "pathway": "manager"},
        headers=social_worker(SWE),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "not_reached_by_panel"


def test_one_application_open_at_a_time(careers, worker):
    first = draft(careers)
    response = careers.post(f"{CAREERS}/me/applications", json={"level": "experienced"}, headers=social_worker(SWE))
    assert response.status_code == 409
    assert response.json()["application_id"] == first["id"]
    step = careers.get(f"{CAREERS}/me/next-step", headers=social_worker(SWE)).json()["options"][0]
    assert step["open_application_id"] == first["id"] and step["can_apply"] is False


def test_submitting_needs_evidence_of_each_kind_the_level_needs(careers, worker):
    application = draft(careers)
    response = act(careers, application, "submit", social_worker(SWE))
    assert response.status_code == 422
    evidence = add_evidence(careers, ["reflective_account", "service_user_feedback"])
    response = act(careers, application, "submit", social_worker(SWE), {"evidence_ids": evidence})
    assert response.status_code == 422
    assert response.json()["detail"].endswith("missing: manager_endorsement.")
    evidence += add_evidence(careers, ["manager_endorsement"])
    response = act(careers, application, "submit", social_worker(SWE), {"evidence_ids": evidence})
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response.json()["council"] == BIRMINGHAM


def test_evidence_of_another_worker_cannot_be_attached(careers, worker):
    theirs = add_evidence(careers, ["reflective_account"], swe="SW900002")
    response = careers.post(
        f"{CAREERS}/me/applications",
        json={"level": "experienced", "evidence_ids": theirs},
        headers=social_worker(SWE),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_evidence"


def test_evidence_attached_to_an_application_cannot_be_deleted(careers, worker):
    application = submitted(careers)
    evidence_id = application["evidence"][0]["id"]
    assert careers.delete(f"{CAREERS}/me/evidence/{evidence_id}", headers=social_worker(SWE)).status_code == 409


# --- The whole life of an application ----------------------------------------------------------


def test_returned_resubmitted_endorsed_and_approved_changes_the_level(careers, worker, session):
    application = submitted(careers)
    returned = act(careers, application, "return", council_hr(BIRMINGHAM), {"feedback": "Add a second reflection"})
    assert returned.status_code == 200
    assert (returned.json()["state"], returned.json()["feedback"]) == ("returned", "Add a second reflection")
    assert returned.json()["allowed_actions"] == []  # what the council may do now: nothing

    edited = careers.patch(
        f"{CAREERS}/applications/{application['id']}",
        json={"statement": "Now with more"},
        headers=social_worker(SWE),
    )
    assert edited.status_code == 200
    assert sorted(edited.json()["allowed_actions"]) == ["submit", "withdraw"]
    assert act(careers, application, "submit", social_worker(SWE)).json()["state"] == "submitted"
    assert act(careers, application, "endorse", council_hr(BIRMINGHAM)).json()["state"] == "endorsed"
    approved = act(careers, application, "approve", academy_admin(), {"effective_on": "2026-06-01"})
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["effective_on"]) == ("approved", "2026-06-01")

    record = careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()
    assert record["level"]["code"] == "experienced"
    assert (record["history"][-1]["reason"], record["history"][-1]["application_id"]) == (
        "progression",
        application["id"],
    )
    events = approved.json()["events"]
    assert [(e["action"], e["from_state"], e["to_state"], e["actor_role"]) for e in events] == [
        ("create", None, "draft", "social_worker"),
        ("submit", "draft", "submitted", "social_worker"),
        ("return", "submitted", "returned", "council_hr"),
        ("submit", "returned", "submitted", "social_worker"),
        ("endorse", "submitted", "endorsed", "council_hr"),
        ("approve", "endorsed", "approved", "academy_admin"),
    ]
    assert all(e["occurred_at"] and e["actor"] for e in events)
    assert events[2]["actor"] == f"hr-{BIRMINGHAM}" and events[2]["note"] == "Add a second reflection"
    stored = session.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == uuid.UUID(application["id"]))
    ).all()
    assert len(stored) == 6


def test_an_application_declined_then_resubmitted(careers, worker):
    application = endorsed(careers)
    declined = act(careers, application, "decline", council_hr(BIRMINGHAM), {"feedback": "More service-user feedback"})
    assert declined.status_code == 200
    assert (declined.json()["state"], declined.json()["feedback"]) == (
        "declined",
        "More service-user feedback",
    )
    assert declined.json()["allowed_actions"] == []

    # Declined is final: it cannot be submitted again as it is ...
    assert act(careers, application, "submit", social_worker(SWE)).status_code == 409
    # ... the worker opens a new draft for the same level, which links back to the declined one.
    again = draft(careers, evidence_ids=[e["id"] for e in declined.json()["evidence"]])
    assert again["resubmission_of"] == application["id"]
    assert act(careers, again, "submit", social_worker(SWE)).json()["state"] == "submitted"
    assert act(careers, again, "endorse", council_hr(BIRMINGHAM)).status_code == 200
    assert act(careers, again, "approve", council_hr(BIRMINGHAM), {"effective_on": "2026-06-15"}).status_code == 200

    mine = careers.get(f"{CAREERS}/me/applications", headers=social_worker(SWE)).json()["items"]
    assert sorted((a["id"], a["state"]) for a in mine) == sorted(
        [(application["id"], "declined"), (again["id"], "approved")]
    )
    assert careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()["level"]["code"] == "experienced"


def test_an_approval_effective_later_changes_the_level_on_that_day(careers, worker):
    application = endorsed(careers)
    act(careers, application, "approve", academy_admin(), {"effective_on": "2026-07-01"})
    record = careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()
    assert record["level"]["code"] == "social_worker"
    assert record["history"][-1]["level"]["code"] == "experienced"
    assert record["history"][-1]["effective_on"] == "2026-07-01"


@pytest.mark.parametrize(
    ("action", "body"),
    [("approve", {"effective_on": "2026-06-01"}), ("decline", {"feedback": "No"}), ("endorse", {})],
)
def test_an_invalid_transition_answers_409(careers, worker, action, body):
    application = draft(careers)
    headers = council_hr(BIRMINGHAM)
    response = act(careers, application, action, headers, body)
    assert response.status_code == 409
    assert response.json()["state"] == "draft"
    assert response.headers["content-type"] == "application/problem+json"


def test_a_final_application_cannot_be_withdrawn(careers, worker):
    application = endorsed(careers)
    act(careers, application, "approve", academy_admin(), {"effective_on": "2026-06-01"})
    assert act(careers, application, "withdraw", social_worker(SWE)).status_code == 409


def test_the_worker_withdraws_and_may_apply_again(careers, worker):
    application = submitted(careers)
    assert act(careers, application, "withdraw", social_worker(SWE), {"note": "Not now"}).json()["state"] == "withdrawn"
    assert draft(careers)["resubmission_of"] is None


def test_who_may_take_each_step(careers, worker):
    application = submitted(careers)
    # Only the worker's council endorses; the worker, academy staff and another council may not.
    assert act(careers, application, "endorse", social_worker(SWE)).status_code == 403
    assert act(careers, application, "endorse", academy_admin()).status_code == 403
    assert act(careers, application, "endorse", council_hr(COVENTRY)).status_code == 404
    # Only the worker submits or withdraws.
    assert act(careers, application, "withdraw", council_hr(BIRMINGHAM)).status_code == 403
    # Another worker does not see it at all.
    assert act(careers, application, "withdraw", social_worker("SW900002")).status_code == 404
    assert (
        careers.get(f"{CAREERS}/applications/{application['id']}", headers=social_worker("SW900002")).status_code == 404
    )


def test_approval_needs_an_effective_date_and_decline_and_return_need_feedback(careers, worker):
    application = endorsed(careers)
    assert act(careers, application, "approve", academy_admin(), {}).status_code == 422
    assert act(careers, application, "decline", academy_admin(), {}).status_code == 422
    assert act(careers, application, "decline", academy_admin(), {"feedback": ""}).status_code == 422


def test_a_council_sees_its_own_queue_only(careers, worker):
    application = submitted(careers)
    queue = careers.get(f"{CAREERS}/applications", params={"state": "submitted"}, headers=council_hr(BIRMINGHAM))
    assert [a["id"] for a in queue.json()["items"]] == [application["id"]]
    assert careers.get(f"{CAREERS}/applications", headers=council_hr(COVENTRY)).json()["items"] == []
    assert (
        careers.get(f"{CAREERS}/applications", params={"council": BIRMINGHAM}, headers=council_hr(COVENTRY)).json()[
            "items"
        ]
        == []
    )
    everything = careers.get(f"{CAREERS}/applications", headers=academy_admin()).json()
    assert everything["total"] == 1
    own = careers.get(f"{CAREERS}/applications", headers=social_worker(SWE)).json()
    assert (
        own["total"] == 1
        and careers.get(f"{CAREERS}/applications", headers=social_worker("SW900002")).json()["total"] == 0
    )
