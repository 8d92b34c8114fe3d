"""The public enquiry: no token, minimal data, the same answer for a known email, rate limited."""

from sqlalchemy import func
from sqlmodel import select

from services.common.models import AuditEvent
from services.common.settings import get_settings
from services.returners.models import Applicant, StageEvent
from tests.returners.conftest import BASE

ENQUIRIES = f"{BASE}/enquiries"


def enquiry(email: str = "ada@example.org", **fields) -> dict:
    return {"name": "Ada Returner", "email": email, "consent": True, **fields}


def test_anyone_can_enquire_through_the_gateway_without_a_token(gateway, session):
    answer = gateway.post(ENQUIRIES, json=enquiry(phone="0121 496 0000", region="West Midlands"))
    assert answer.status_code == 202, answer.text
    applicant = session.exec(select(Applicant).where(Applicant.email == "ada@example.org")).one()
    assert (applicant.stage, applicant.phone, applicant.region) == (
        "enquiry",
        "0121 496 0000",
        "West Midlands",
    )
    event = session.exec(select(StageEvent).where(StageEvent.applicant_id == applicant.id)).one()
    assert (event.to_stage, event.actor) == ("enquiry", "public-enquiry")


def test_every_other_returners_path_through_the_gateway_still_needs_a_token(gateway):
    assert gateway.get(ENQUIRIES).status_code == 401
    assert gateway.post(f"{BASE}/applicants", json={"name": "x", "email": "x@example.org"}).status_code == 401
    assert gateway.post(f"{BASE}/enquiries/", json=enquiry()).status_code == 401
    assert gateway.get(f"{BASE}/cohorts").status_code == 401


def test_a_known_email_gets_exactly_the_same_answer_and_is_stored_as_a_repeat(gateway, session):
    first = gateway.post(ENQUIRIES, json=enquiry("Known@Example.org", phone="0121 496 0000"))
    again = gateway.post(ENQUIRIES, json=enquiry("known@example.org", name="Someone Else", phone="07700 900000"))
    other = gateway.post(ENQUIRIES, json=enquiry("unknown@example.org"))
    assert first.status_code == again.status_code == other.status_code == 202
    assert first.json() == again.json() == other.json()
    assert set(first.headers) - {"x-request-id", "date"} == set(again.headers) - {"x-request-id", "date"}
    known = session.exec(select(Applicant).where(Applicant.email == "known@example.org")).one()
    session.refresh(known)
    assert known.enquiry_count == 2
    assert (known.name, known.phone) == ("Ada Returner", "0121 496 0000")  # a repeat changes nothing held
    assert (
        session.exec(select(func.count()).select_from(Applicant).where(Applicant.email == "known@example.org")).one()
        == 1
    )


def test_an_enquiry_without_consent_or_with_a_malformed_email_is_refused_field_by_field(client):
    answer = client.post(ENQUIRIES, json={"name": "Ada", "email": "not-an-email", "consent": False})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    fields = {tuple(error["loc"]) for error in answer.json()["errors"]}
    assert {("body", "email"), ("body", "consent")} <= fields


def test_an_enquiry_asks_only_for_minimal_data(client):
    answer = client.post(ENQUIRIES, json=enquiry(date_of_birth="1980-01-01"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "date_of_birth"]


def test_an_enquiry_is_audited_as_a_public_change_of_personal_data(client, session):
    client.post(ENQUIRIES, json=enquiry("audited@example.org"))
    applicant = session.exec(select(Applicant).where(Applicant.email == "audited@example.org")).one()
    event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(applicant.id))).one()
    assert (event.principal, event.role, event.action, event.entity) == (
        "public-enquiry",
        "public",
        "create",
        "applicant",
    )


def test_too_many_enquiries_from_one_address_are_refused_with_retry_after(gateway, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "3/minute")
    answers = [gateway.post(ENQUIRIES, json=enquiry(f"person{n}@example.org")) for n in range(4)]
    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    refused = answers[-1]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_too_many_enquiries_for_one_email_are_refused_whether_or_not_it_is_known(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_email", "2/hour")
    same = [client.post(ENQUIRIES, json=enquiry("again@example.org")).status_code for _ in range(3)]
    assert same == [202, 202, 429]
    assert client.post(ENQUIRIES, json=enquiry("different@example.org")).status_code == 202


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(client, monkeypatch):
    # Called directly, not from the gateway: the header is the caller's own invention.
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "1/minute")
    first = client.post(ENQUIRIES, json=enquiry("a@example.org"), headers={"X-Forwarded-For": "203.0.113.7"})
    second = client.post(ENQUIRIES, json=enquiry("b@example.org"), headers={"X-Forwarded-For": "198.51.100.9"})
    assert (first.status_code, second.status_code) == (202, 429)


def test_behind_the_gateway_each_client_address_it_forwards_is_limited_on_its_own(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "1/minute")
    monkeypatch.setattr(get_settings(), "trusted_proxies", ["testclient"])
    # The gateway appends the address it saw; anything before it came from the client.
    one = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}
    other = {"X-Forwarded-For": "10.9.9.9, 198.51.100.9"}
    assert client.post(ENQUIRIES, json=enquiry("a@example.org"), headers=one).status_code == 202
    assert client.post(ENQUIRIES, json=enquiry("b@example.org"), headers=other).status_code == 202
    assert client.post(ENQUIRIES, json=enquiry("c@example.org"), headers=one).status_code == 429
