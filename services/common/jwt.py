"""All JWT handling: RS256 signing and verification with a pinned algorithm, and the signing keys.

Swap the JWT library here and nowhere else.
"""

import base64
import hashlib
import json
import logging
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
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
# In keys_dir (development, `futuresocial keys rotate`): the signing key, its public key, and the public key
# it replaced, verified until the tokens it signed have expired.
PRIVATE_FILE = "jwt_private.pem"
PUBLIC_FILE = "jwt_public.pem"
PREVIOUS_PUBLIC_FILE = "jwt_previous_public.pem"

log = logging.getLogger("futuresocial.jwt")


class InvalidToken(Exception):
    """The token is missing, malformed, expired, not yet valid, or not ours."""


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str

    @property
    def kid(self) -> str:
        return key_id(self.public_pem)


def key_id(public_pem: str) -> str:
    """The key's RFC 7638 thumbprint: the same for the same key however its PEM is laid out."""
    canonical = json.dumps(_public_jwk_members(public_pem), separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _public_jwk_members(public_pem: str) -> dict[str, str]:
    numbers = serialization.load_pem_public_key(public_pem.encode()).public_numbers()  # type: ignore[union-attr]

    def b64(value: int) -> str:
        return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    return {"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}


def generate_key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return KeyPair(private_pem, _public_pem_of(private_pem))


def _public_pem_of(private_pem: str) -> str:
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    """Whole or not at all: a process reading the key files never sees half a key."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)


def ensure_development_keys(settings: Settings) -> None:
    """Write a key pair into keys_dir on first run (development only; production passes keys in settings)."""
    if settings.jwt_public_key or settings.environment == "production":
        return
    private_path = settings.keys_dir / PRIVATE_FILE
    public_path = settings.keys_dir / PUBLIC_FILE
    if private_path.exists() and public_path.exists():
        return
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    pair = generate_key_pair()
    _write(private_path, pair.private_pem, 0o600)
    _write(public_path, pair.public_pem)


def rotate_keys(settings: Settings) -> tuple[str, str]:
    """A new signing key in keys_dir; the current public key becomes the previous one, still verified, and
    the one before it is dropped. Returns (new kid, previous kid). The public keys are written before the
    private one, so no process signs with a key the others cannot yet find."""
    if settings.jwt_public_key or settings.jwt_private_key:
        raise RuntimeError(
            "The signing keys come from settings (FUTURESOCIAL_JWT_PRIVATE_KEY and _PUBLIC_KEY): rotate them "
            "there, moving the old public key to FUTURESOCIAL_JWT_PREVIOUS_PUBLIC_KEY, and restart the gateway."
        )
    ensure_development_keys(settings)
    current = (settings.keys_dir / PUBLIC_FILE).read_text()
    pair = generate_key_pair()
    _write(settings.keys_dir / PREVIOUS_PUBLIC_FILE, current)
    _write(settings.keys_dir / PUBLIC_FILE, pair.public_pem)
    _write(settings.keys_dir / PRIVATE_FILE, pair.private_pem, 0o600)
    return pair.kid, key_id(current)


def _read_key(settings: Settings, name: str) -> str:
    configured = getattr(settings, f"jwt_{name}_key")
    if configured:
        return configured
    path = settings.keys_dir / f"jwt_{name}.pem"
    if not path.exists():
        raise RuntimeError(f"No JWT {name} key: set FUTURESOCIAL_JWT_{name.upper()}_KEY or run `futuresocial up`")
    return path.read_text()


def public_key() -> str:
    """The current public key (PEM)."""
    return _read_key(get_settings(), "public")


def private_key() -> str:
    """The current signing key (PEM)."""
    return _read_key(get_settings(), "private")


def _files_state(settings: Settings, *names: str) -> tuple:
    """What the key material is now: the settings' keys, or each key file's identity and modification time.
    Cheap enough to compare on every signature and every unknown kid."""
    if settings.jwt_public_key or settings.jwt_private_key:
        return ("settings", settings.jwt_private_key, settings.jwt_public_key, settings.jwt_previous_public_key)
    state = []
    for name in names:
        try:
            found = (settings.keys_dir / name).stat()
            state.append((str(settings.keys_dir / name), found.st_ino, found.st_mtime_ns, found.st_size))
        except FileNotFoundError:
            state.append((str(settings.keys_dir / name), None))
    return tuple(state)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: Key


_signing: tuple[tuple, SigningKey] | None = None
_signing_lock = threading.Lock()


def signing_key() -> SigningKey:
    """The current private key, read again when its file changes (`futuresocial keys rotate`). Its kid is
    taken from the private key itself, so it always names the key that signs."""
    global _signing
    settings = get_settings()
    state = _files_state(settings, PRIVATE_FILE)
    with _signing_lock:
        if _signing is None or _signing[0] != state:
            pem = _read_key(settings, "private")
            # Parsing the PEM (and checking the private key) costs more than a signature: once per key.
            _signing = (state, SigningKey(key_id(_public_pem_of(pem)), jwk.construct(pem, ALGORITHM)))
        return _signing[1]


class KeyRing:
    """The public keys this process verifies with, by kid: the current and the previous key (from the
    settings or keys_dir) and, when jwks_url is set, those the JWKS there lists. A kid it does not know makes
    it look again: the key files whenever they changed, the JWKS at most once per jwks_refresh_seconds. So a
    rotated key is verified without a restart, and forged kids cannot make it fetch more often than that."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local_state: tuple | None = None
        self._local: dict[str, Key] = {}
        self._local_pems: dict[str, str] = {}
        self._fetched: dict[str, Key] = {}
        self._fetched_at = -math.inf

    def get(self, kid: str) -> Key | None:
        key = self._local.get(kid) or self._fetched.get(kid)
        if key is None:
            self.refresh()
            key = self._local.get(kid) or self._fetched.get(kid)
        return key

    def local_keys(self) -> dict[str, str]:
        """kid -> PEM of the keys held locally, current first (after looking for a rotation)."""
        with self._lock:
            self._reload_local(get_settings())
            return dict(self._local_pems)

    def refresh(self) -> None:
        settings = get_settings()
        with self._lock:
            self._reload_local(settings)
            if settings.jwks_url and time.monotonic() - self._fetched_at >= settings.jwks_refresh_seconds:
                self._fetched_at = time.monotonic()
                self._fetched = _fetch_jwks(settings.jwks_url)

    def forget(self) -> None:
        with self._lock:
            self._local_state, self._local, self._fetched, self._fetched_at = None, {}, {}, -math.inf

    def _reload_local(self, settings: Settings) -> None:
        state = _files_state(settings, PUBLIC_FILE, PREVIOUS_PUBLIC_FILE)
        if state == self._local_state:
            return
        pems = [_read_key(settings, "public")]
        previous = settings.jwt_previous_public_key
        if not (settings.jwt_public_key or settings.jwt_private_key):
            path = settings.keys_dir / PREVIOUS_PUBLIC_FILE
            previous = path.read_text() if path.exists() else ""
        if previous:
            pems.append(previous)
        self._local_pems = {key_id(pem): pem for pem in pems}
        self._local = {kid: jwk.construct(pem, ALGORITHM) for kid, pem in self._local_pems.items()}
        self._local_state = state


def _fetch_jwks(url: str) -> dict[str, Key]:
    """The RS256 signing keys a JWKS lists, by kid; none when it cannot be read (the local keys still serve)."""
    try:
        answer = httpx.get(url, timeout=2.0)
        answer.raise_for_status()
        listed = answer.json()["keys"]
        return {
            entry["kid"]: jwk.construct(entry, ALGORITHM)
            for entry in listed
            if entry.get("kty") == "RSA"
            and entry.get("alg", ALGORITHM) == ALGORITHM
            and isinstance(entry.get("kid"), str)
        }
    except (httpx.HTTPError, ValueError, KeyError, TypeError, JOSEError) as exc:
        log.warning("could not read the JWKS at %s: %s", url, exc)
        return {}


_ring = KeyRing()


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
    signing = signing_key()
    return jwt.encode(claims, signing.key, algorithm=ALGORITHM, headers={"kid": signing.kid})


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
    """Verify every token afresh from now on, with the keys read again (after the settings change)."""
    with _verified_lock:
        _verified.clear()
    _ring.forget()


def _verify(token: str) -> dict[str, Any]:
    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unsupported algorithm")
        # A token names the key it was signed with; one that names none, or one we do not hold, was not
        # issued by us, whatever key happens to verify it (a retired key pair, two rotations ago).
        kid = header.get("kid")
        key = _ring.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown key id")
        claims = jwt.decode(
            token,
            key,
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
    """The current and the previous public key as a JSON Web Key Set, for the services and for clients that
    verify our tokens themselves."""
    return {
        "keys": [
            {**_public_jwk_members(pem), "use": "sig", "alg": ALGORITHM, "kid": kid}
            for kid, pem in _ring.local_keys().items()
        ]
    }
