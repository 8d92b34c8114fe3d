"""`make run`'s demo: the demo social worker's career, regional opportunities and a Return to Social Work
cohort answer with content through the gateway, and seeding twice changes nothing."""

import pytest
from sqlalchemy import func, table
from sqlmodel import Session, select

from futuresocial.demo import demo_credentials
from futuresocial.demo_journeys import seed_demo_journeys
from futuresocial.demo_workforce import QUAL_INST
from services.careers.app import app as careers_app
from services.careers.placements_client import placements_client as careers_placements
from services.placements.app import app as placements_app
from services.returners.app import app as returners_app
from services.returners.placements_client import placements_client as returners_placements
from tests.conftest import bearer

WORKER = "SW9000004032"  # began at Dudley, Birmingham since 2021: the demo workforce's demo worker
FUNNEL_AND_OFF_RAMPS = {
    "enquiry", "applied", "shortlisted", "assessed", "offered", "pre_employment_checks", "in_training",
    "supervised_practice", "restoration_applied", "restored", "employed", "withdrawn", "not_eligible",
    "not_selected",
}  # fmt: skip


@pytest.fixture
def placements(app_client):
    """Placements in-process with a service token, as the seeding and the services call it."""
    client = app_client(placements_app)
    client.headers.update(bearer("service", subject="demo-seed"))
    return client


@pytest.fixture
def workforce(placements):
    """A slice of the demo workforce: the demo worker's two councils' records, and a colleague who has only
    ever been at Birmingham (not chosen: their record would have no history elsewhere)."""
    admin = bearer("academy_admin")
    for swe_number, spells in {
        "SW9000000002": [("330", "2013-11-06", None)],
        WORKER: [("332", "2017-03-18", "2020-11-30"), ("330", "2021-01-25", None)],
    }.items():
        for council, start, end in spells:
            worker = placements.post(
                "/v1/placements/workers",
                json={"swe_number": swe_number, "council": council, "qual_inst": QUAL_INST},
                headers=admin,
            )
            assert worker.status_code == 201, worker.text
            spell = {"worker_id": worker.json()["id"], "council": council, "start_date": start, "end_date": end}
            answer = placements.post("/v1/placements/employments", json=spell, headers=admin)
            assert answer.status_code == 201, answer.text


@pytest.fixture
def gateway_with_services(gateway, placements):
    """The gateway in-process; careers and returners reach placements in-process too."""
    careers_app.dependency_overrides[careers_placements] = lambda: placements
    returners_app.dependency_overrides[returners_placements] = lambda: placements
    return gateway


def _counts(session: Session) -> dict[str, int]:
    tables = ["career_record", "level_change", "asye_review", "cpd_record", "evidence_item",
              "progression_application", "application_event", "opportunity", "opportunity_interest", "cohort",
              "host_offer", "host_placement", "applicant", "stage_event", "updating_activity", "worker",
              "employment", "user_account"]  # fmt: skip
    return {name: session.exec(select(func.count()).select_from(table(name))).one() for name in tables}


def _sign_in(gateway, credentials, who: str) -> dict[str, str]:
    credential = next(c for c in credentials if c.who == who)
    answer = gateway.post(
        "/v1/auth/token", data={"grant_type": "password", "username": credential.identifier,
                                "password": credential.secret},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_demo_worker_sees_their_career_opportunities_and_the_academy_sees_a_whole_cohort(
    session, workforce, placements, gateway_with_services
):
    gateway = gateway_with_services
    seed_demo_journeys(session, placements)
    credentials = demo_credentials(session)
    me = _sign_in(gateway, credentials, "demo.worker")

    record = gateway.get("/v1/careers/me", headers=me)
    assert record.status_code == 200, record.text
    assert record.json()["swe_number"] == WORKER
    history = [(h["level"]["code"], h["effective_on"], h["council"]) for h in record.json()["history"]]
    assert history == [
        ("asye", "2017-03-18", "332"),  # the ASYE at Dudley, where the first spell began
        ("social_worker", "2018-03-18", "332"),  # the 12-month review passed, still at Dudley
        ("experienced", "2022-01-25", "330"),  # through the panel a year after joining Birmingham
    ]
    assert [r["outcome"] for r in record.json()["asye"]["reviews"]] == ["on_track", "on_track", "concerns", "passed"]

    step = gateway.get("/v1/careers/me/next-step", headers=me)
    assert step.status_code == 200, step.text
    assert step.json()["level"]["code"] == "experienced"
    practitioner = next(o for o in step.json()["options"] if o["pathway"] and o["pathway"]["code"] == "practitioner")
    assert practitioner["open_application_id"] is not None and practitioner["all_met"] is True

    log = gateway.get("/v1/careers/me/cpd", headers=me)
    assert log.status_code == 200, log.text
    assert log.json()["items"] and log.json()["registration_year"]["peer_reflected"] >= 1
    assert float(log.json()["hours_last_12_months"]) >= 30

    mine = gateway.get("/v1/careers/me/applications", headers=me).json()["items"]
    assert sorted(a["state"] for a in mine) == ["approved", "submitted"]
    open_one = gateway.get(f"/v1/careers/applications/{practitioner['open_application_id']}", headers=me).json()
    assert open_one["state"] == "submitted" and open_one["council"] == "330"
    assert {e["kind"] for e in open_one["evidence"]} == {"reflective_account", "service_user_feedback"}

    listed = gateway.get("/v1/careers/opportunities", headers=me, params={"open_only": False}).json()["items"]
    assert len({o["council"] for o in listed}) >= 5
    assert [o["open"] for o in listed].count(False) == 1
    assert any(o["registered"] for o in listed)
    assert all(o["open"] for o in gateway.get("/v1/careers/opportunities", headers=me).json()["items"])

    admin = _sign_in(gateway, credentials, "demo.admin")
    cohorts = gateway.get("/v1/returners/cohorts", headers=admin).json()["items"]
    assert len(cohorts) == 1
    applicants = gateway.get("/v1/returners/applicants", headers=admin, params={"limit": 100}).json()["items"]
    assert {a["stage"] for a in applicants} == FUNNEL_AND_OFF_RAMPS
    # an enquiry names no cohort yet: the cohort is chosen in the application
    assert {a["stage"] for a in applicants if a["cohort_id"] == cohorts[0]["id"]} == FUNNEL_AND_OFF_RAMPS - {"enquiry"}
    offers = gateway.get(f"/v1/returners/cohorts/{cohorts[0]['id']}/host-offers", headers=admin).json()["items"]
    assert len(offers) >= 3 and sum(o["places_taken"] for o in offers) >= 5
    by_stage = {a["stage"]: a for a in applicants}
    in_practice = by_stage["supervised_practice"]
    assert in_practice["host_placement"] is not None
    progress = gateway.get(f"/v1/returners/applicants/{in_practice['id']}/updating-progress", headers=admin).json()
    assert 0 < float(progress["counted_days"]) < progress["required_days"]
    restoring = by_stage["restoration_applied"]
    progress = gateway.get(f"/v1/returners/applicants/{restoring['id']}/updating-progress", headers=admin).json()
    assert progress["complete"] is True
    employed = by_stage["employed"]["employment"]
    spell = placements.get(f"/v1/placements/employments/{employed['placements_employment_id']}")
    assert spell.status_code == 200 and spell.json()["council"] == employed["council"]


def test_seeding_the_demo_a_second_time_changes_nothing(session, workforce, placements):
    first = seed_demo_journeys(session, placements)
    demo_credentials(session)
    assert first["career_record"] and first["opportunities"] and first["applicants"] == 14
    before = _counts(session)
    second = seed_demo_journeys(session, placements)
    demo_credentials(session)
    assert second == {"worker": WORKER, "career_record": False, "opportunities": False, "applicants": 0}
    assert _counts(session) == before
