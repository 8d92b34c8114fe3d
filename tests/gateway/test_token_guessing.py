"""The token endpoint against guessing and against exhaustion: failed requests counted per address whatever
names they try, every request counted per name whatever address it comes from, and only a few secrets hashed
at once in a process (each argon2 check takes 64 MiB), the rest waiting a bounded time for their turn."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway import credentials
from gateway.app import create_gateway
from gateway.credentials import create_user
from services.common import rate_limits
from services.common.auth import Role
from services.common.settings import get_settings


@pytest.fixture
def strict(monkeypatch):
    """Settings for the token endpoint with these values, and fresh in-memory limits and hash turns."""

    def _apply(**update) -> None:
        settings = get_settings().model_copy(update=update)
        for module in ("gateway.tokens", "gateway.credentials"):
            monkeypatch.setattr(f"{module}.get_settings", lambda: settings)
        rate_limits.limiter.cache_clear()
        credentials._check_turns.cache_clear()

    yield _apply
    rate_limits.limiter.cache_clear()
    credentials._check_turns.cache_clear()


def from_address(gateway: TestClient, address: str) -> TestClient:
    """The same gateway app (and test session) as seen from another caller's address."""
    return TestClient(gateway.app, client=(address, 50000), raise_server_exceptions=False)


def guess(client: TestClient, username: str, password: str = "not the password") -> httpx.Response:  # noqa: S107
    return client.post("/v1/auth/token", data={"grant_type": "password", "username": username, "password": password})


def test_one_address_guessing_across_many_usernames_is_refused_once_it_has_failed_enough(gateway, strict):
    strict(token_failures_per_address="5/minute", token_rate_limit="1000/minute")
    attacker = from_address(gateway, "203.0.113.66")
    answers = [guess(attacker, f"someone-{n}") for n in range(7)]
    assert [answer.status_code for answer in answers] == [400] * 5 + [429] * 2
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another address is not held to what this one did.
    assert guess(from_address(gateway, "198.51.100.20"), "someone-0").status_code == 400


def test_an_address_whose_callers_sign_in_correctly_is_never_refused_for_it(gateway, session, strict):
    strict(token_failures_per_address="3/minute", token_rate_limit="1000/minute")
    create_user(session, username="mina", role=Role.academy_admin, password="a long enough password")
    council_office = from_address(gateway, "192.0.2.10")
    answers = [guess(council_office, "mina", "a long enough password").status_code for _ in range(6)]
    assert answers == [200] * 6


def test_one_username_is_limited_whichever_addresses_the_guesses_come_from(gateway, strict):
    strict(token_failures_per_address="1000/minute", token_rate_limit="3/minute")
    answers = [guess(from_address(gateway, f"198.51.100.{n}"), "ravi").status_code for n in range(1, 5)]
    assert answers == [400, 400, 400, 429]


def test_only_a_few_secrets_are_hashed_at_once_and_the_rest_wait_then_get_503(strict, monkeypatch):
    strict(
        token_failures_per_address="1000/minute",
        token_rate_limit="1000/minute",
        credential_checks_at_once=2,
        credential_check_queue_seconds=0.3,
    )
    at_once, most_at_once, lock = 0, 0, threading.Lock()

    class SlowHasher:
        """Stands in for argon2: each check takes a while, and the test sees how many overlap."""

        def verify(self, secret: str, stored_hash: str) -> bool:
            nonlocal at_once, most_at_once
            with lock:
                at_once += 1
                most_at_once = max(most_at_once, at_once)
            time.sleep(0.5)
            with lock:
                at_once -= 1
            return False

    monkeypatch.setattr(credentials, "_hasher", SlowHasher())
    # Sessions of their own (not the test's one session), as concurrent requests have.
    with TestClient(create_gateway(), raise_server_exceptions=False) as gateway, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: guess(gateway, f"crowd-{n}"), range(8)))
    statuses = sorted(answer.status_code for answer in answers)
    assert most_at_once == 2
    assert statuses.count(400) >= 2 and set(statuses) <= {400, 503}  # invalid_grant or busy
    busy = [answer for answer in answers if answer.status_code == 503]
    assert busy, statuses  # 8 checks of 0.5 s, two at a time, cannot all start within 0.3 s
    assert all(answer.headers["content-type"] == "application/problem+json" for answer in busy)
    assert all(answer.headers["retry-after"] == "1" for answer in busy)


def test_a_request_waiting_for_its_turn_to_hash_holds_no_database_transaction(gateway, strict, monkeypatch):
    """On SQLite a token request (a POST) is a writer: were it to wait and hash inside its transaction, it would
    hold the write lock of the whole platform for that long."""
    strict(token_failures_per_address="1000/minute", token_rate_limit="1000/minute")
    held: list[bool] = []
    session_of_request = {}

    real_verify = credentials._verify

    def watching(secret: str, stored_hash: str) -> bool:
        held.append(session_of_request["session"].in_transaction())
        return real_verify(secret, stored_hash)

    real_authenticate = credentials.authenticate_user

    def remembering(session, username, password):
        session_of_request["session"] = session
        return real_authenticate(session, username, password)

    monkeypatch.setattr(credentials, "_verify", watching)
    monkeypatch.setattr(credentials, "authenticate_user", remembering)
    assert guess(gateway, "nobody-here").status_code == 400
    assert held == [False]
