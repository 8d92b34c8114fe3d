"""The front end's calls count against each browser's address, not its own: the gateway believes the X-Forwarded-For
of a request that carries the platform's service token in X-FutureSocial-Forwarder, and nobody else's."""

import pytest

from gateway.forwarding import forwarded_address
from services.common.settings import get_settings
from tests.conftest import bearer

ENQUIRIES = "/v1/returners/enquiries"


def _proof(role: str = "service", **claims) -> bytes:
    return bearer(role, **claims)["Authorization"].removeprefix("Bearer ").encode()


def _headers(proof: bytes, address: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-futuresocial-forwarder", proof), (b"x-forwarded-for", address.encode())]


def test_the_service_tokens_word_for_the_browsers_address_is_taken():
    assert forwarded_address(_headers(_proof(), "203.0.113.7")) == "203.0.113.7"
    assert forwarded_address(_headers(_proof(), "10.0.0.1, 2001:db8::1")) == "2001:db8::1"


@pytest.mark.parametrize(
    "headers",
    [
        _headers(_proof("council_hr", council="330"), "203.0.113.7"),  # a client that is not the platform
        _headers(_proof("academy_admin"), "203.0.113.7"),
        _headers(b"not-a-token", "203.0.113.7"),
        _headers(_proof(), "not an address"),
        [(b"x-futuresocial-forwarder", _proof())],  # no address named
        [(b"x-forwarded-for", b"203.0.113.7")],  # no proof
    ],
)
def test_anyone_elses_word_is_not(headers):
    assert forwarded_address(headers) is None


def _enquiry(n: int) -> dict:
    return {"name": "Ada Returner", "email": f"person{n}@example.org", "consent": True}


def test_enquiries_the_front_end_sends_for_different_browsers_are_limited_browser_by_browser(gateway, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "2/minute")
    proof = _proof().decode()

    def send(n: int, address: str, forwarder: str = proof) -> int:
        headers = {"X-FutureSocial-Forwarder": forwarder, "X-Forwarded-For": address}
        return gateway.post(ENQUIRIES, json=_enquiry(n), headers=headers).status_code

    browsers = [send(n, f"203.0.113.{n}") for n in range(6)]
    assert browsers == [202] * 6  # six people, one front end: nobody is turned away for the others
    same = [send(10 + n, "198.51.100.1") for n in range(3)]
    assert same == [202, 202, 429]  # one browser is still limited


def test_a_forged_proof_leaves_the_caller_counted_at_its_own_address(gateway, monkeypatch):
    monkeypatch.setattr(get_settings(), "returners_enquiry_rate_per_ip", "2/minute")
    forged = bearer("council_hr", council="330")["Authorization"].removeprefix("Bearer ")
    answers = [
        gateway.post(
            ENQUIRIES,
            json=_enquiry(20 + n),
            headers={"X-FutureSocial-Forwarder": forged, "X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(3)
    ]
    assert answers == [202, 202, 429]
