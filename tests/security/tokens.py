"""Forged and broken tokens, made the ways attackers and clock drift make them."""

import base64
import hashlib
import hmac
import json
import time
import uuid

from jose import jwt

from services.common.jwt import generate_key_pair, jwks, private_key, public_key
from services.common.settings import get_settings

OURS = object()  # the kid of our own signing key


def claims(**overrides) -> dict:
    settings = get_settings()
    now = int(time.time())
    base = {
        "sub": "client:test",
        "role": "academy_admin",
        "scope": "careers placements returners analytics",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": str(uuid.uuid4()),
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def signed(payload: dict, key: str | None = None, kid: object = OURS) -> str:
    """Signed RS256 with our private key (or `key`), naming our key id (or `kid`; None names none)."""
    headers = {"kid": jwks()["keys"][0]["kid"] if kid is OURS else kid} if kid is not None else None
    return jwt.encode(payload, key or private_key(), algorithm="RS256", headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(payload: dict, alg: str = "none") -> str:
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(payload).encode())}."


def hs256_with_public_key(payload: dict) -> str:
    """The classic key-confusion attack: HMAC keyed with the RSA public key."""
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(payload).encode())}"
    mac = hmac.new(public_key().encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def bad_tokens() -> dict[str, str]:
    now = int(time.time())
    return {
        "expired": signed(claims(iat=now - 3600, nbf=now - 3600, exp=now - 60)),
        "not yet valid": signed(claims(nbf=now + 600, exp=now + 1200)),
        "wrong issuer": signed(claims(iss="https://evil.example")),
        "wrong audience": signed(claims(aud="someone-else")),
        "bad signature": signed(claims(), key=generate_key_pair().private_pem),
        "alg none": unsigned(claims()),
        "HS256 keyed with the public key": hs256_with_public_key(claims()),
        "missing jti": signed(claims(jti=None)),
        "missing role": signed(claims(role=None)),
        "missing exp": signed(claims(exp=None)),
        "unknown role": signed(claims(role="superuser")),
        "council_hr without council": signed(claims(role="council_hr")),
        "no kid": signed(claims(), kid=None),
        "an unknown kid": signed(claims(), kid="0123456789abcdef"),
        "the kid of another key": signed(claims(), kid=generate_key_pair().kid),
        "a kid that is not a string": signed(claims(), kid=12345),
        "aud a list with ours in it": signed(claims(aud=[get_settings().jwt_audience, "someone-else"])),
        "aud a list of ours alone": signed(claims(aud=[get_settings().jwt_audience])),
        "aud not a string": signed(claims(aud=12345)),
        "garbled": "not.a.token",
        "empty": "",
    }
