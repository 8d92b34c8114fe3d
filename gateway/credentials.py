"""Creating machine clients and user accounts, and checking the secrets they present."""

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from pwdlib import PasswordHash
from sqlmodel import Session, select

from gateway import refresh_tokens
from gateway.models import ApiClient, UserAccount
from services.common.auth import DEFAULT_SCOPES, Role
from services.common.db import release_reads
from services.common.errors import InvalidInput, NotFound, ServiceUnavailable, Unauthorized
from services.common.models import Council
from services.common.settings import get_settings
from services.common.swe import normalise_swe

_hasher = PasswordHash.recommended()  # argon2id
# Verified when the client or user does not exist, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
BAD_CREDENTIALS = "The credentials are not valid."
BUSY_RETRY_AFTER_SECONDS = 1


class Busy(ServiceUnavailable):
    slug = "busy"  # as a service past its request slots answers


@lru_cache
def _check_turns() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(get_settings().credential_checks_at_once)


@contextmanager
def _turn_to_hash() -> Iterator[None]:
    """One of the few argon2 computations this process runs at once. Each takes 64 MiB for its duration, so
    without a bound any number of anonymous token requests could take a gigabyte between them; past the
    bound a request waits its turn a bounded time, then gets 503 with Retry-After."""
    turns = _check_turns()
    if not turns.acquire(timeout=get_settings().credential_check_queue_seconds):
        raise Busy(
            "Too many credentials are being checked at once; retry shortly.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        )
    try:
        yield
    finally:
        turns.release()


def _hash(secret: str) -> str:
    with _turn_to_hash():
        return _hasher.hash(secret)


def _verify(secret: str, stored_hash: str) -> bool:
    with _turn_to_hash():
        return _hasher.verify(secret, stored_hash)


@dataclass(frozen=True)
class Identity:
    subject: str
    role: Role
    council: str | None
    worker: str | None
    scopes: list[str]


def _check_binding(session: Session, role: Role, council: str | None, worker: str | None) -> None:
    if role is Role.council_hr and not council:
        raise InvalidInput("A council_hr principal needs a council (DfE code).")
    if role is Role.social_worker and not worker:
        raise InvalidInput("A social_worker account needs a worker (SWE number).")
    if council and session.get(Council, council) is None:
        raise InvalidInput(f"Unknown council code {council!r}.")


def _scopes(role: Role, scopes: list[str] | None) -> list[str]:
    allowed = DEFAULT_SCOPES[role]
    chosen = scopes or allowed
    extra = sorted(set(chosen) - set(allowed))
    if extra:
        raise InvalidInput(f"Role {role.value} cannot have scopes {', '.join(extra)}.")
    return chosen


def create_client(
    session: Session, *, name: str, role: Role, council: str | None = None, scopes: list[str] | None = None
) -> tuple[ApiClient, str]:
    """Returns the client and its secret; the secret is shown once and stored only as a hash."""
    _check_binding(session, role, council, None)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id="fs_" + secrets.token_hex(12),
        name=name,
        secret_hash=_hash(secret),
        role=role.value,
        council=council,
        scopes=" ".join(_scopes(role, scopes)),
    )
    session.add(client)
    session.flush()
    return client, secret


def reset_client_secret(session: Session, client: ApiClient) -> str:
    secret = secrets.token_urlsafe(32)
    client.secret_hash = _hash(secret)
    session.add(client)
    return secret


def create_user(
    session: Session,
    *,
    username: str,
    role: Role,
    password: str | None = None,
    council: str | None = None,
    worker: str | None = None,
) -> tuple[UserAccount, str]:
    _check_binding(session, role, council, worker)
    if worker is not None:
        try:
            worker = normalise_swe(worker)  # stored as every service matches it: SW0123 is SW123
        except ValueError as refused:
            raise InvalidInput(f"The worker's SWE number is not valid: {refused}.")
    if session.exec(select(UserAccount).where(UserAccount.username == username)).first():
        raise InvalidInput(f"The username {username!r} is taken.")
    if password is None:
        password = secrets.token_urlsafe(18)
    else:
        refuse_a_weak_password(password, username)
    user = UserAccount(
        username=username,
        password_hash=_hash(password),
        role=role.value,
        council=council,
        worker=worker,
        scopes=" ".join(_scopes(role, None)),
    )
    session.add(user)
    session.flush()
    return user, password


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def password_problems(password: str, username: str) -> list[str]:
    """What is wrong with a password someone chose (NIST SP 800-63B: length, not composition rules)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")
    if username.casefold() in password.casefold():
        problems.append("A password may not contain the username.")
    return problems


def refuse_a_weak_password(password: str, username: str, field: str = "password") -> None:
    problems = password_problems(password, username)
    if problems:
        errors = [{"loc": ["body", field], "code": "weak_password", "message": problem} for problem in problems]
        raise InvalidInput(" ".join(problems), errors=errors)


def reset_user_password(session: Session, user: UserAccount) -> str:
    """A new generated password, shown once; every sign-in of the person ends."""
    password = secrets.token_urlsafe(18)
    user.password_hash = _hash(password)
    session.add(user)
    refresh_tokens.revoke_all(session, user)
    return password


class WrongPassword(InvalidInput):
    """A signed-in person's current password, mistyped or guessed: counted like a failed sign-in."""


def change_password(session: Session, username: str, current: str, new: str) -> UserAccount:
    """A signed-in person's new password, once the current one is proven; every sign-in of theirs ends."""
    refuse_a_weak_password(new, username, field="new_password")
    if current == new:
        raise InvalidInput("The new password is the current one.")
    try:
        user = authenticate_user(session, username, current)
    except Unauthorized:
        raise WrongPassword(
            "The current password is not right.",
            errors=[{"loc": ["body", "current_password"], "code": "wrong_password", "message": "Not right."}],
        )
    new_hash = _hash(new)  # before the write begins: no lock held while it is computed
    user = session.get(UserAccount, user.id, with_for_update=True)
    user.password_hash = new_hash
    session.add(user)
    refresh_tokens.revoke_all(session, user)
    return user


def identity_of(user: UserAccount) -> Identity:
    return Identity(f"user:{user.username}", Role(user.role), user.council, user.worker, user.scopes.split())


def find_user(session: Session, username: str) -> UserAccount:
    user = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    if user is None:
        raise NotFound(f"No account is called {username!r}.")
    return user


def authenticate_client(session: Session, client_id: str, secret: str) -> Identity:
    client = session.exec(select(ApiClient).where(ApiClient.client_id == client_id)).first()
    _check_secret(session, secret, client.secret_hash if client else None, bool(client and client.active))
    return Identity(f"client:{client.client_id}", Role(client.role), client.council, None, client.scopes.split())


def authenticate_user(session: Session, username: str, password: str) -> UserAccount:
    """The account whose password this is, or Unauthorized (the same however it is wrong)."""
    user = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    _check_secret(session, password, user.password_hash if user else None, bool(user and user.active))
    return user


def _check_secret(session: Session, secret: str, stored_hash: str | None, active: bool) -> None:
    """Unauthorized, the same whatever is wrong, unless `secret` matches an active holder's hash. A dummy hash
    is checked when there is no holder, so the answer takes as long either way."""
    # Neither a lock (SQLite's writer lock: a token request is a POST) nor a pooled connection is held while
    # the request waits its turn and hashes.
    release_reads(session)
    valid = _verify(secret, stored_hash or _DUMMY_HASH)
    if not (stored_hash and valid and active):
        raise Unauthorized(BAD_CREDENTIALS)
