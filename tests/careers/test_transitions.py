"""One endpoint for every transition of a progression application: `POST .../transitions` with the body's
`action` choosing the step, driven by rules.TRANSITIONS; the old path of each action answers the same, marked
deprecated."""

import pytest
from sqlmodel import select

from services.careers.app import app as careers_app
from services.careers.rules import TRANSITIONS, Action
from services.common.models import AuditEvent
from tests.careers.conftest import BIRMINGHAM, CAREERS, COVENTRY, academy_admin, council_hr, social_worker
from tests.careers.test_progression import SWE, add_evidence, draft, worker  # noqa: F401 (a fixture)


def step(careers, application: dict, headers: dict, action: str, **body):
    return careers.post(
        f"{CAREERS}/applications/{application['id']}/transitions", json={"action": action, **body}, headers=headers
    )


def test_every_action_through_one_endpoint(careers, worker):  # noqa: F811
    evidence = add_evidence(careers)
    application = draft(careers)
    submitted = step(careers, application, social_worker(SWE), "submit", evidence_ids=evidence, note="Here it is")
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["state"], len(submitted.json()["evidence"])) == ("submitted", 3)
    returned = step(careers, application, council_hr(BIRMINGHAM), "return", feedback="Say more about supervision")
    assert (returned.json()["state"], returned.json()["feedback"]) == ("returned", "Say more about supervision")
    assert step(careers, application, social_worker(SWE), "submit").json()["state"] == "submitted"
    endorsed = step(careers, application, council_hr(BIRMINGHAM), "endorse", note="Ready for panel")
    assert endorsed.json()["state"] == "endorsed"
    approved = step(careers, application, academy_admin(), "approve", effective_on="2026-06-01", note="Well evidenced")
    assert (approved.json()["state"], approved.json()["effective_on"]) == ("approved", "2026-06-01")
    assert [(e["action"], e["note"]) for e in approved.json()["events"]] == [
        ("create", None),
        ("submit", "Here it is"),
        ("return", "Say more about supervision"),
        ("submit", None),
        ("endorse", "Ready for panel"),
        ("approve", "Well evidenced"),
    ]
    record = careers.get(f"{CAREERS}/me", headers=social_worker(SWE)).json()
    assert record["level"]["code"] == "experienced"

    again = draft(careers, level="advanced", pathway="practitioner")
    assert step(careers, again, social_worker(SWE), "withdraw", note="Not now").json()["state"] == "withdrawn"


def test_decline_and_its_feedback(careers, worker):  # noqa: F811
    application = draft(careers, evidence_ids=add_evidence(careers))
    step(careers, application, social_worker(SWE), "submit")
    step(careers, application, council_hr(BIRMINGHAM), "endorse")
    declined = step(careers, application, council_hr(BIRMINGHAM), "decline", feedback="More service-user feedback")
    assert (declined.json()["state"], declined.json()["feedback"]) == ("declined", "More service-user feedback")
    assert declined.json()["allowed_actions"] == []


def test_a_refused_action_is_a_409_naming_the_allowed_ones(careers, worker):  # noqa: F811
    application = draft(careers)
    response = step(careers, application, academy_admin(), "approve", effective_on="2026-06-01")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["state"] == "draft"
    assert sorted(response.json()["allowed"]) == ["submit", "withdraw"]
    assert "it can be: submit, withdraw" in response.json()["detail"]


def test_another_council_gets_404_and_the_wrong_actor_403(careers, worker):  # noqa: F811
    application = draft(careers, evidence_ids=add_evidence(careers))
    step(careers, application, social_worker(SWE), "submit")
    assert step(careers, application, council_hr(COVENTRY), "endorse").status_code == 404
    assert step(careers, application, social_worker("SW900002"), "withdraw").status_code == 404
    assert step(careers, application, social_worker(SWE), "endorse").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "return"}, "feedback"),
        ({"action": "approve"}, "effective_on"),
        ({"action": "promote"}, "body"),
        ({}, "body"),
        ({"action": "withdraw", "feedback": "x"}, "feedback"),
    ],
)
def test_the_body_is_checked_for_its_action(careers, worker, body, field):  # noqa: F811
    application = draft(careers)
    response = careers.post(
        f"{CAREERS}/applications/{application['id']}/transitions", json=body, headers=social_worker(SWE)
    )
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["errors"]), response.json()


def test_the_old_paths_are_the_tables_actions_and_deprecated():
    operations = careers_app.openapi()["paths"]
    actions = {action for _, action in TRANSITIONS}
    assert actions == set(Action)
    for action in Action:
        operation = operations[f"/v1/careers/applications/{{application_id}}/{action.value}"]["post"]
        assert operation["deprecated"] is True
        assert operation["operationId"] == f"careers_{action.value}_application"
    assert "deprecated" not in operations["/v1/careers/applications/{application_id}/transitions"]["post"]


def test_each_transition_is_audited_with_the_request_it_came_in(careers, worker, session):  # noqa: F811
    application = draft(careers, evidence_ids=add_evidence(careers))
    headers = {**social_worker(SWE), "X-Request-ID": "req-submit-1"}
    assert step(careers, application, headers, "submit").status_code == 200
    updates = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "progression_application", AuditEvent.action == "update")
    ).all()
    assert [(event.entity_id, event.request_id) for event in updates] == [(application["id"], "req-submit-1")]
