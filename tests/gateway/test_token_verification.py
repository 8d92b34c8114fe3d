"""What the gateway (and every service) does per request to check a token: the key built once, a token that
verified remembered until it expires and never after, and nothing but the exact token it verified."""

import time

import pytest
from jose import jwk

from services.common.jwt import InvalidToken, forget_verified_tokens, issue_token, verify_token


def _token(subject: str = "coventry-hr", ttl_seconds: int = 600) -> str:
    return issue_token(
        subject=subject, role="council_hr", council="331", scopes=["placements"], ttl_seconds=ttl_seconds
    )


def test_the_public_key_is_parsed_once_for_many_verifications(monkeypatch):
    built: list[str] = []
    construct = jwk.construct

    def counting(key, algorithm=None):
        built.append(algorithm)
        return construct(key, algorithm)

    monkeypatch.setattr(jwk, "construct", counting)
    forget_verified_tokens()  # and the keys
    many = [_token(subject=f"client-{n}") for n in range(5)]  # distinct tokens: none is a repeat
    built.clear()  # signing is not what is measured here
    assert [verify_token(token)["sub"] for token in many] == [f"client-{n}" for n in range(5)]
    assert len(built) == 1


def test_a_remembered_token_is_refused_once_it_has_expired():
    forget_verified_tokens()
    token = _token(ttl_seconds=2)
    expires = verify_token(token)["exp"]
    assert verify_token(token)["exp"] == expires  # remembered
    # python-jose reads the clock in whole seconds, so the token is refused from the second after `exp`.
    while time.time() < expires + 1.05:
        time.sleep(0.05)
    with pytest.raises(InvalidToken):
        verify_token(token)


def test_only_the_exact_token_that_verified_is_remembered():
    forget_verified_tokens()
    token = _token()
    verify_token(token)
    head, claims, signature = token.split(".")
    forged = f"{head}.{claims}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(InvalidToken):
        verify_token(forged)


def test_callers_cannot_change_the_remembered_claims():
    forget_verified_tokens()
    token = _token()
    verify_token(token)["role"] = "academy_admin"
    assert verify_token(token)["role"] == "council_hr"
