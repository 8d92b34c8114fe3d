"""Who sees whom: academy staff everyone; a host council's HR the applicants placed with it and the talent
pool (anyone else answers 404, like a missing one); reads of personal data are audited."""

import uuid
from datetime import date

from sqlmodel import select

from services.common.models import AuditEvent
from services.returners.models import HostOffer, HostPlacement
from tests.returners.conftest import BASE, BIRMINGHAM, COVENTRY, move, put_in_stage


def place_with(session, cohort_id: str, applicant_id: uuid.UUID, council: str) -> None:
    offer = HostOffer(cohort_id=uuid.UUID(cohort_id), council=council, places=5, places_taken=1)
    session.add(offer)
    session.flush()
    session.add(HostPlacement(applicant_id=applicant_id, host_offer_id=offer.id, council=council, matched_by="t"))
    session.commit()


def test_a_host_council_sees_the_applicants_placed_with_it_and_the_talent_pool_only(
    gateway, admin, birmingham, session, cohort
):
    placed = put_in_stage(session, cohort["id"], "supervised_practice")
    place_with(session, cohort["id"], placed.id, BIRMINGHAM)
    elsewhere = put_in_stage(session, cohort["id"], "in_training")
    pooled = put_in_stage(session, cohort["id"], "not_selected")
    unplaced = put_in_stage(session, cohort["id"], "offered")
    listed = gateway.get(f"{BASE}/applicants", params={"cohort_id": cohort["id"]}, headers=birmingham).json()
    assert {item["id"] for item in listed["items"]} == {str(placed.id), str(pooled.id)}
    assert gateway.get(f"{BASE}/applicants/{placed.id}", headers=birmingham).status_code == 200
    for hidden in (elsewhere, unplaced):
        answer = gateway.get(f"{BASE}/applicants/{hidden.id}", headers=birmingham)
        assert answer.status_code == 404
        assert (
            answer.json()["detail"]
            == gateway.get(f"{BASE}/applicants/{uuid.uuid4()}", headers=birmingham).json()["detail"]
        )
    everyone = gateway.get(f"{BASE}/applicants", params={"cohort_id": cohort["id"]}, headers=admin).json()
    assert everyone["total"] == 4


def test_another_council_does_not_see_an_applicant_placed_with_birmingham(client, coventry, session, cohort):
    placed = put_in_stage(session, cohort["id"], "supervised_practice")
    place_with(session, cohort["id"], placed.id, BIRMINGHAM)
    assert client.get(f"{BASE}/applicants/{placed.id}", headers=coventry).status_code == 404
    assert client.get(f"{BASE}/applicants/{placed.id}/updating-activities", headers=coventry).status_code == 404
    assert client.get(f"{BASE}/applicants/{placed.id}/stage-events", headers=coventry).status_code == 404


def test_the_employing_council_sees_its_returner(client, coventry, session, cohort):
    hired = put_in_stage(
        session,
        cohort["id"],
        "employed",
        employed_council=COVENTRY,
        employed_from=date(2025, 1, 6),
        employed_agency=False,
    )
    assert client.get(f"{BASE}/applicants/{hired.id}", headers=coventry).status_code == 200


def test_a_council_reads_but_does_not_move_applicants(client, birmingham, session, cohort):
    placed = put_in_stage(session, cohort["id"], "supervised_practice")
    place_with(session, cohort["id"], placed.id, BIRMINGHAM)
    move(client, birmingham, str(placed.id), "withdraw", expect=403)


def test_the_talent_pool_can_be_searched_by_region(client, birmingham, session, cohort):
    midlands = put_in_stage(session, cohort["id"], "not_selected", region="West Midlands")
    put_in_stage(session, cohort["id"], "not_selected", region="North West")
    put_in_stage(session, cohort["id"], "withdrawn", region="West Midlands")
    pool = client.get(f"{BASE}/talent-pool", params={"region": "west midlands"}, headers=birmingham).json()
    assert [entry["id"] for entry in pool["items"]] == [str(midlands.id)]


def test_reading_an_applicant_is_audited(client, admin, birmingham, session, cohort):
    pooled = put_in_stage(session, cohort["id"], "not_selected")
    client.get(f"{BASE}/applicants/{pooled.id}", headers=admin, params={})
    client.get(f"{BASE}/talent-pool", headers=birmingham)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "applicant", AuditEvent.entity_id == str(pooled.id))
    ).all()
    assert {(event.principal, event.action) for event in events} >= {
        ("academy-admin", "read"),
        ("birmingham-hr", "read"),
    }
    assert {event.council for event in events if event.principal == "birmingham-hr"} == {BIRMINGHAM}


def test_a_change_to_an_applicant_is_audited(client, admin, session, cohort, new_applicant):
    applicant = new_applicant(cohort)
    move(client, admin, applicant["id"], "shortlist")
    actions = {
        event.action for event in session.exec(select(AuditEvent).where(AuditEvent.entity_id == applicant["id"])).all()
    }
    assert {"create", "update"} <= actions


def test_academy_staff_cannot_key_in_the_same_email_twice(client, admin, new_applicant):
    new_applicant(email="twice@example.org")
    again = client.post(f"{BASE}/applicants", json={"name": "Again", "email": "TWICE@example.org"}, headers=admin)
    assert again.status_code == 409


def test_a_request_without_a_token_is_refused_by_the_service_itself(client):
    assert client.get(f"{BASE}/applicants").status_code == 401
