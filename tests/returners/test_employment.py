"""Into employment: placements records the worker and the spell through its API with the service token;
when placements cannot be reached the stage does not change, and a retry never records twice."""

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from services.placements.models import Employment, Worker
from services.returners.app import app as returners_app
from services.returners.models import StageEvent
from services.returners.placements_client import placements_client
from tests.returners.conftest import BASE, BIRMINGHAM, COVENTRY, LANCASHIRE, TODAY, put_in_stage

SWE = "SW4242"  # put_in_stage's registration number


def employed_body(**fields) -> dict:
    return {
        "council": BIRMINGHAM,
        "start_date": str(TODAY),
        "agency": False,
        "fte": "0.8",
        "org_role": 5,
        **fields,
    }


def record(client, headers, applicant_id, **fields):
    return client.post(f"{BASE}/applicants/{applicant_id}/employment", json=employed_body(**fields), headers=headers)


def workers(session, swe=SWE) -> list[Worker]:
    return list(session.exec(select(Worker).where(Worker.swe_number == swe)))


def spells(session, worker_id) -> list[Employment]:
    return list(session.exec(select(Employment).where(Employment.worker_id == worker_id)))


def test_recording_employed_creates_the_worker_and_the_spell_in_placements(gateway, admin, session, cohort, placements):
    applicant = put_in_stage(session, cohort["id"], "restored")
    answer = record(gateway, admin, applicant.id, agency=True)
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert shown["stage"] == "employed"
    employment = shown["employment"]
    assert (employment["council"], employment["agency"], employment["fte"], employment["org_role"]) == (
        BIRMINGHAM,
        True,
        "0.800000",
        5,
    )
    # Placements holds them, as its own API shows them to academy staff.
    spell = gateway.get(f"/v1/placements/employments/{employment['placements_employment_id']}", headers=admin).json()
    assert (
        spell["worker_id"],
        spell["council"],
        spell["agency"],
        spell["start_date"],
        spell["org_role"],
    ) == (
        employment["placements_worker_id"],
        BIRMINGHAM,
        True,
        str(TODAY),
        5,
    )
    worker = gateway.get(f"/v1/placements/workers/{employment['placements_worker_id']}", headers=admin).json()
    assert worker["swe_number"] == SWE


def test_when_placements_cannot_be_reached_the_stage_change_is_refused_with_503(
    gateway, admin, session, cohort, placements_down
):
    applicant = put_in_stage(session, cohort["id"], "restored")
    answer = record(gateway, admin, applicant.id)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert "cannot be reached" in answer.json()["detail"]
    session.refresh(applicant)
    assert applicant.stage == "restored"
    assert applicant.placements_worker_id is None
    events = session.exec(select(StageEvent).where(StageEvent.applicant_id == applicant.id)).all()
    assert [event.to_stage for event in events] == ["restored"]
    assert workers(session) == []


class SpellCallsFail(httpx.BaseTransport):
    """Placements that records the worker but goes down before the spell is sent."""

    def __init__(self, placements):
        self.placements = placements
        self.down = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.url.path.startswith("/v1/placements/employments"):
            raise httpx.ConnectError("placements went away", request=request)
        answer = self.placements.request(
            request.method, request.url.path, params=request.url.params, content=request.content,
            headers=dict(request.headers),
        )  # fmt: skip
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def test_a_worker_recorded_before_a_failure_is_completed_by_the_retry_without_duplicates(
    client, admin, session, cohort, placements
):
    flaky = SpellCallsFail(placements)
    returners_app.dependency_overrides[placements_client] = lambda: httpx.Client(
        transport=flaky, base_url="http://placements"
    )
    applicant = put_in_stage(session, cohort["id"], "restored")
    first = record(client, admin, applicant.id)
    assert first.status_code == 503
    assert len(workers(session)) == 1  # the worker call got through
    session.refresh(applicant)
    assert applicant.stage == "restored"

    flaky.down = False
    retry = record(client, admin, applicant.id)
    assert retry.status_code == 200, retry.text
    (worker,) = workers(session)
    assert [spell.council for spell in spells(session, worker.id)] == [BIRMINGHAM]
    assert retry.json()["employment"]["placements_worker_id"] == str(worker.id)


def test_a_returner_the_employing_council_already_recorded_keeps_its_worker_record(
    client, admin, session, cohort, placements
):
    known = placements.post("/v1/placements/workers", json={"swe_number": "sw 0004242", "council": BIRMINGHAM})
    assert known.status_code == 201
    applicant = put_in_stage(session, cohort["id"], "restored")
    answer = record(client, admin, applicant.id)
    assert answer.status_code == 200, answer.text
    assert answer.json()["employment"]["placements_worker_id"] == known.json()["id"]
    assert len(workers(session)) == 1


def test_a_spell_the_council_recorded_first_is_the_one_the_returner_gets(client, admin, session, cohort, placements):
    applicant = put_in_stage(session, cohort["id"], "restored")
    starter = placements.post(
        "/v1/placements/employments",
        json={"swe_number": SWE, "council": BIRMINGHAM, "start_date": str(TODAY)},
    )
    assert starter.status_code == 201, starter.text
    answer = record(client, admin, applicant.id)
    assert answer.status_code == 200, answer.text
    assert answer.json()["employment"]["placements_employment_id"] == starter.json()["id"]
    assert len(spells(session, workers(session)[0].id)) == 1


def test_placements_refusing_the_spell_is_passed_on_and_nothing_changes(client, admin, session, cohort, placements):
    applicant = put_in_stage(session, cohort["id"], "restored")
    answer = record(client, admin, applicant.id, start_date="2199-01-01")
    assert answer.status_code == 422
    assert "Placements refused the employment" in answer.json()["detail"]
    session.refresh(applicant)
    assert applicant.stage == "restored"


def test_only_a_restored_returner_can_be_recorded_as_employed_and_placements_is_not_asked_before(
    client, admin, session, cohort, placements_down
):
    applicant = put_in_stage(session, cohort["id"], "restoration_applied")
    answer = record(client, admin, applicant.id)
    assert answer.status_code == 409  # not 503: the stage is checked before placements is called
    assert answer.json()["allowed_actions"] == ["restore", "withdraw"]


@pytest.mark.parametrize(("council", "status"), [(LANCASHIRE, 422)])
def test_the_employing_council_must_be_an_academy_member(client, admin, session, cohort, placements, council, status):
    applicant = put_in_stage(session, cohort["id"], "restored")
    assert record(client, admin, applicant.id, council=council).status_code == status


def test_a_council_cannot_record_the_employment_itself(client, coventry, session, cohort, placements):
    applicant = put_in_stage(session, cohort["id"], "restored")
    assert record(client, coventry, applicant.id, council=COVENTRY).status_code == 403
    assert session.exec(select(func.count()).select_from(Worker).where(Worker.swe_number == SWE)).one() == 0
