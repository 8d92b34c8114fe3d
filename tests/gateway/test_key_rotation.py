"""Rotating the signing key while processes run: the JWKS lists the current and the previous key, tokens
name the key that signed them, and a verifier finds a new key by its kid without a restart."""

import time
import uuid

import httpx
import pytest
from jose import jwt

from services.careers.app import app as careers_app
from services.common import jwt as tokens
from services.common.jwt import (
    InvalidToken,
    ensure_development_keys,
    generate_key_pair,
    issue_token,
    jwks,
    rotate_keys,
    verify_token,
)
from services.common.settings import get_settings


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    """Key files of this test's own, so rotating them leaves every other test's keys alone."""
    settings = get_settings().model_copy(update={"keys_dir": tmp_path / "keys"})
    monkeypatch.setattr(tokens, "get_settings", lambda: settings)
    ensure_development_keys(settings)
    return settings


def _token(subject: str = "coventry-hr") -> str:
    return issue_token(subject=subject, role="academy_admin", scopes=["careers"])


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_after_a_rotation_new_tokens_name_the_new_key_and_the_jwks_lists_both(own_keys):
    before = _token()
    new_kid, previous_kid = rotate_keys(own_keys)
    after = _token()
    assert _kid(before) == previous_kid
    assert _kid(after) == new_kid != previous_kid
    assert [key["kid"] for key in jwks()["keys"]] == [new_kid, previous_kid]


def test_a_running_service_accepts_tokens_of_the_new_key_and_of_the_previous_one(own_keys, app_client):
    careers = app_client(careers_app)
    before = _token("signed-before")
    assert careers.get("/v1/careers/whoami", headers={"Authorization": f"Bearer {before}"}).status_code == 200
    rotate_keys(own_keys)
    after = _token("signed-after")
    for token in (after, before):
        answer = careers.get("/v1/careers/whoami", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
    tokens.forget_verified_tokens()  # not remembered: the previous key itself still verifies
    assert verify_token(before)["sub"] == "signed-before"


def test_a_token_of_the_key_two_rotations_ago_is_refused(own_keys):
    oldest = _token()
    rotate_keys(own_keys)
    rotate_keys(own_keys)
    tokens.forget_verified_tokens()
    with pytest.raises(InvalidToken):
        verify_token(oldest)
    assert _kid(oldest) not in {key["kid"] for key in jwks()["keys"]}


def test_the_kid_is_the_same_however_the_public_key_is_laid_out():
    pair = generate_key_pair()
    assert tokens.key_id(pair.public_pem) == tokens.key_id(pair.public_pem.replace("\n", "\r\n") + "\n\n")


class FakeGateway:
    """Stands for the gateway's JWKS endpoint: counts the fetches."""

    def __init__(self) -> None:
        self.pair = generate_key_pair()
        self.fetches = 0

    def get(self, url: str, timeout: float) -> httpx.Response:
        self.fetches += 1
        body = {"keys": [{**tokens._public_jwk_members(self.pair.public_pem), "kid": self.pair.kid, "alg": "RS256"}]}
        return httpx.Response(200, json=body, request=httpx.Request("GET", url))

    def token(self, kid: str | None = None) -> str:
        settings = get_settings()
        now = int(time.time())
        claims = {"sub": "from-the-gateway", "role": "academy_admin", "scope": "careers", "jti": str(uuid.uuid4()),
                  "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
                  "iat": now, "nbf": now, "exp": now + 600}  # fmt: skip
        return jwt.encode(claims, self.pair.private_pem, algorithm="RS256", headers={"kid": kid or self.pair.kid})


def test_a_service_with_a_jwks_url_fetches_a_key_it_does_not_hold_at_most_once_per_interval(own_keys, monkeypatch):
    gateway = FakeGateway()
    settings = own_keys.model_copy(update={"jwks_url": "http://gateway.test/v1/auth/jwks.json"})
    monkeypatch.setattr(tokens, "get_settings", lambda: settings)
    monkeypatch.setattr(tokens.httpx, "get", gateway.get)
    tokens.forget_verified_tokens()
    assert verify_token(gateway.token())["sub"] == "from-the-gateway"
    assert gateway.fetches == 1
    for _ in range(20):  # forged kids cannot make it fetch again within the interval
        with pytest.raises(InvalidToken):
            verify_token(gateway.token(kid=f"forged-{uuid.uuid4()}"))
    assert gateway.fetches == 1
