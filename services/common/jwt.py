"""All JWT handling: RS256 signing and verification with a pinned algorithm, and the signing keys.

Swap the JWT library here and nowhere else.
"""

import base64
import os
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cachetools import TLRUCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key
from jose.exceptions import JOSEError

from services.common.settings import Settings, get_settings

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ("sub", "role", "scope", "iss", "aud", "exp", "iat", "nbf", "jti")
# A client sends the same token for its whole life (15 minutes by default), so a token that verified is
# remembered until its `exp`: later requests skip the RSA check. Bounded, least recently used first out.
VERIFIED_TOKENS_MAX = 4096


class InvalidToken(Exception):
    """The token is missing, malformed, expired, not yet valid, or not ours."""


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str

    @property
    def kid(self) -> str:
        return _kid(self.public_pem)


def _kid(public_pem: str) -> str:
    import hashlib

    return hashlib.sha256(public_pem.encode()).hexdigest()[:16]


def generate_key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair(private_pem, public_pem)


def ensure_development_keys(settings: Settings) -> None:
    """Write a key pair into keys_dir on first run (development only; production passes keys in settings)."""
    if settings.jwt_public_key or settings.environment == "production":
        return
    private_path = settings.keys_dir / "jwt_private.pem"
    public_path = settings.keys_dir / "jwt_public.pem"
    if private_path.exists() and public_path.exists():
        return
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    pair = generate_key_pair()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(pair.private_pem)
    public_path.write_text(pair.public_pem)


def _read_key(settings: Settings, name: str) -> str:
    configured = getattr(settings, f"jwt_{name}_key")
    if configured:
        return configured
    path = settings.keys_dir / f"jwt_{name}.pem"
    if not path.exists():
        raise RuntimeError(f"No JWT {name} key: set FUTURESOCIAL_JWT_{name.upper()}_KEY or run `futuresocial up`")
    return path.read_text()


@lru_cache
def public_key() -> str:
    return _read_key(get_settings(), "public")


@lru_cache
def private_key() -> str:
    return _read_key(get_settings(), "private")


# The key objects are built once per process: parsing PEM (and, for the private key, checking it) on
# every call cost more than the signature itself.
@lru_cache
def verification_key() -> Key:
    return jwk.construct(public_key(), ALGORITHM)


@lru_cache
def signing_key() -> Key:
    return jwk.construct(private_key(), ALGORITHM)


def _until_expiry(_token: str, claims: dict[str, Any], _now: float) -> float:
    return claims["exp"]


_verified = TLRUCache(maxsize=VERIFIED_TOKENS_MAX, ttu=_until_expiry, timer=time.time)
_verified_lock = threading.Lock()  # services verify in their request threads


def issue_token(
    *,
    subject: str,
    role: str,
    scopes: list[str],
    council: str | None = None,
    worker: str | None = None,
    ttl_seconds: int | None = None,
    now: float | None = None,
) -> str:
    settings = get_settings()
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "scope": " ".join(scopes),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + (ttl_seconds if ttl_seconds is not None else settings.token_ttl_seconds),
        "jti": str(uuid.uuid4()),
    }
    if council is not None:
        claims["council"] = council
    if worker is not None:
        claims["worker"] = worker
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM, headers={"kid": key_id()})


def verify_token(token: str) -> dict[str, Any]:
    """Return the claims of a valid token, or raise InvalidToken. Only RS256 is ever accepted."""
    with _verified_lock:
        claims = _verified.get(token)
    if claims is not None:
        return dict(claims)
    claims = _verify(token)
    with _verified_lock:
        _verified[token] = claims
    return dict(claims)


def forget_verified_tokens() -> None:
    """Verify every token afresh from now on (after the keys or the issuer settings change)."""
    with _verified_lock:
        _verified.clear()


@lru_cache
def key_id() -> str:
    """The `kid` our tokens carry: the only one we verify."""
    return _kid(public_key())


def _verify(token: str) -> dict[str, Any]:
    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unsupported algorithm")
        # A token names the key it was signed with; one that names none, or another, was not issued by us
        # now, whatever key happens to verify it (a retired key pair, once keys rotate).
        if header.get("kid") != key_id():
            raise InvalidToken("unknown key id")
        claims = jwt.decode(
            token,
            verification_key(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={f"require_{claim}": True for claim in ("exp", "iat", "nbf", "iss", "aud", "sub", "jti")},
        )
    except JOSEError as exc:
        raise InvalidToken(str(exc)) from exc
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in claims]
    if missing:
        raise InvalidToken(f"missing claims: {', '.join(missing)}")
    # python-jose accepts a list that merely contains our audience: a token meant for several audiences is
    # one another of them could replay to us. We issue exactly our own string, and accept nothing else.
    if claims["aud"] != settings.jwt_audience or not isinstance(claims["aud"], str):
        raise InvalidToken("wrong audience")
    if claims["iat"] > time.time() + 60:
        raise InvalidToken("issued in the future")
    return claims


def jwks() -> dict[str, Any]:
    """The public key as a JSON Web Key Set, for clients that verify our tokens themselves."""
    key = serialization.load_pem_public_key(public_key().encode())
    numbers = key.public_numbers()  # type: ignore[union-attr]

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": ALGORITHM,
                "kid": key_id(),
                "n": b64(numbers.n),
                "e": b64(numbers.e),
            }
        ]
    }
