"""The stage funnel over HTTP: every (stage, action) pair, who and when, and what stages need beyond the
table (cohort capacity, a host before supervised practice, updating done before restoration)."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from services.returners.models import HostOffer, HostPlacement, StageEvent
from services.returners.rules import TRANSITIONS, Action, Stage
from tests.returners.conftest import BASE, BIRMINGHAM, TODAY, application_body, move, put_in_stage

MANUAL_ACTIONS = [action for action in Action if action not in (Action.apply, Action.employ)]


def _host(session, cohort_id: str, applicant_id: uuid.UUID) -> None:
    offer = HostOffer(cohort_id=uuid.UUID(cohort_id), council=BIRMINGHAM, places=1, places_taken=1)
    session.add(offer)
    session.flush()
    session.add(HostPlacement(applicant_id=applicant_id, host_offer_id=offer.id, council=BIRMINGHAM, matched_by="t"))
    session.flush()


@pytest.mark.parametrize("action", MANUAL_ACTIONS)
@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_and_action_pair_over_http(client, admin, session, cohort, stage, action):
    # Updating already complete (none required) and a host matched, so only the table decides.
    applicant = put_in_stage(session, cohort["id"], stage.value, updating_days_required=0)
    _host(session, cohort["id"], applicant.id)
    answer = client.post(f"{BASE}/applicants/{applicant.id}/transitions", json={"action": action.value}, headers=admin)
    target = TRANSITIONS.get((stage, action))
    if target is None:
        assert answer.status_code == 409, answer.text
        problem = answer.json()
        assert problem["stage"] == stage.value
        assert problem["action"] == action.value
        assert action.value not in problem["allowed_actions"]
        session.refresh(applicant)
        assert applicant.stage == stage.value
    else:
        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == target.value


@pytest.mark.parametrize("stage", [stage for stage in Stage if stage is not Stage.enquiry])
def test_only_an_enquiry_can_submit_an_application(client, admin, session, cohort, stage):
    applicant = put_in_stage(session, cohort["id"], stage.value)
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/application", json=application_body(cohort["id"]), headers=admin
    )
    assert answer.status_code == 409
    assert answer.json()["action"] == "apply"


def test_apply_and_employ_have_endpoints_of_their_own(client, admin, new_applicant):
    applicant = new_applicant()
    for action in ("apply", "employ", "enquire"):
        answer = client.post(f"{BASE}/applicants/{applicant['id']}/transitions", json={"action": action}, headers=admin)
        assert answer.status_code == 422


def test_every_transition_is_stored_with_who_and_when(gateway, admin, cohort, new_applicant):
    applicant = new_applicant(cohort)
    effective = str(TODAY)
    answer = gateway.post(
        f"{BASE}/applicants/{applicant['id']}/transitions",
        json={"action": "shortlist", "effective_on": effective, "note": "strong application"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    events = gateway.get(f"{BASE}/applicants/{applicant['id']}/stage-events", headers=admin).json()["items"]
    assert [(e["from_stage"], e["to_stage"], e["action"]) for e in events] == [
        (None, "enquiry", "enquire"),
        ("enquiry", "applied", "apply"),
        ("applied", "shortlisted", "shortlist"),
    ]
    last = events[-1]
    assert (last["actor"], last["actor_role"], last["effective_on"], last["note"]) == (
        "academy-admin",
        "academy_admin",
        effective,
        "strong application",
    )
    recorded = datetime.fromisoformat(last["recorded_at"])
    assert recorded.tzinfo is not None
    assert abs(recorded.date() - TODAY) <= timedelta(days=1)  # UTC and local dates differ near midnight


def test_an_invalid_transition_through_the_gateway_is_a_409_problem_naming_what_is_possible(
    gateway, admin, cohort, new_applicant
):
    applicant = new_applicant(cohort)
    answer = gateway.post(f"{BASE}/applicants/{applicant['id']}/transitions", json={"action": "restore"}, headers=admin)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["allowed_actions"] == ["shortlist", "withdraw", "rule_not_eligible", "not_select"]


def test_a_transition_cannot_take_effect_before_the_current_stage_began(client, admin, cohort, new_applicant):
    applicant = new_applicant(cohort)
    answer = client.post(
        f"{BASE}/applicants/{applicant['id']}/transitions",
        json={"action": "shortlist", "effective_on": str(TODAY - timedelta(days=1))},
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "effective_on"]


def test_offers_stop_at_the_cohorts_capacity(client, admin, session, new_cohort):
    small = new_cohort(capacity=1)
    first = put_in_stage(session, small["id"], "assessed")
    second = put_in_stage(session, small["id"], "assessed")
    assert move(client, admin, str(first.id), "offer")["stage"] == "offered"
    refused = client.post(f"{BASE}/applicants/{second.id}/transitions", json={"action": "offer"}, headers=admin)
    assert refused.status_code == 409
    assert "full" in refused.json()["detail"]
    move(client, admin, str(first.id), "withdraw")  # a place given back can be offered again
    assert move(client, admin, str(second.id), "offer")["stage"] == "offered"


def test_supervised_practice_needs_a_host_council_first(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "in_training")
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/transitions",
        json={"action": "start_supervised_practice"},
        headers=admin,
    )
    assert answer.status_code == 409
    assert "host council" in answer.json()["detail"]


def test_the_restoration_application_needs_the_updating_done(client, admin, session, cohort):
    applicant = put_in_stage(session, cohort["id"], "supervised_practice", updating_days_required=30)
    answer = client.post(
        f"{BASE}/applicants/{applicant.id}/transitions",
        json={"action": "apply_for_restoration"},
        headers=admin,
    )
    assert answer.status_code == 409
    assert answer.json()["remaining_days"] == "30.00"
    assert "0.00 of 30 day(s)" in answer.json()["detail"]


def test_not_selected_applicants_go_to_the_talent_pool(gateway, admin, birmingham, cohort, new_applicant):
    applicant = new_applicant(cohort)
    move(gateway, admin, applicant["id"], "shortlist", "not_select")
    pool = gateway.get(f"{BASE}/talent-pool", headers=birmingham)
    assert pool.status_code == 200
    assert [entry["id"] for entry in pool.json()["items"]] == [applicant["id"]]
    assert pool.json()["items"][0]["in_pool_since"] == str(TODAY)


def test_the_stage_history_is_kept_for_the_event_log(client, admin, session, cohort, new_applicant):
    applicant = new_applicant(cohort)
    move(client, admin, applicant["id"], "withdraw")
    events = session.exec(select(StageEvent).where(StageEvent.applicant_id == uuid.UUID(applicant["id"]))).all()
    assert {event.to_stage for event in events} == {"enquiry", "applied", "withdrawn"}
