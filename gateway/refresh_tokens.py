"""People's refresh tokens: issued at sign-in, replaced by a new one on each use, revoked by family.

A refresh token is 256 random bits shown once and stored as its SHA-256 (enough for a random secret; argon2
is for what people choose). Every token descended from one sign-in is one family. A token already used or
revoked that is presented again means two parties hold it (RFC 9700, 4.14.2): the whole family is revoked,
so whoever stole it loses it too, and the person signs in again.
"""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from gateway.models import RefreshToken, UserAccount
from gateway.oauth import invalid_grant
from services.common.models import utcnow
from services.common.settings import get_settings

PREFIX = "fsr_"
REFUSED = "The refresh token is not valid: unknown, expired, already used or revoked."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite forgets the zone


def issue(session: Session, user: UserAccount, scopes: list[str], family: uuid.UUID | None = None) -> str:
    """A new refresh token for this person (a new family at sign-in); the token itself is returned once."""
    token = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        RefreshToken(
            token_hash=_digest(token),
            family=family or uuid.uuid4(),
            user_id=user.id,
            scopes=" ".join(scopes),
            issued_at=now,
            expires_at=now + timedelta(seconds=get_settings().refresh_token_ttl_seconds),
        )
    )
    session.flush()
    return token


def rotate(session: Session, presented: str) -> tuple[UserAccount, list[str], str]:
    """Use a refresh token: it is spent, and a new one of its family takes its place. Returns the person,
    the scopes of the sign-in, and the new token. Of several requests presenting one token at once, exactly
    one spends it; the others present a spent token, which revokes the family."""
    now = utcnow()
    held = session.exec(select(RefreshToken).where(RefreshToken.token_hash == _digest(presented))).first()
    if held is None or _aware(held.expires_at) <= now:
        raise invalid_grant(REFUSED)
    if held.used_at is not None or held.revoked_at is not None:
        _refuse_reuse(session, held.family, now)
    spent = session.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.id) == held.id,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(used_at=now)
    ).rowcount
    if spent != 1:  # spent by a concurrent request between our read and this update
        _refuse_reuse(session, held.family, now)
    user = session.get(UserAccount, held.user_id)
    if user is None or not user.active:
        raise invalid_grant(REFUSED)
    granted = set(user.scopes.split())
    scopes = [scope for scope in held.scopes.split() if scope in granted]  # never wider than the account now
    return user, scopes, issue(session, user, scopes, family=held.family)


def _refuse_reuse(session: Session, family: uuid.UUID, now: datetime) -> None:
    revoke_family(session, family, now)
    session.commit()  # the revocation stands although the request fails
    raise invalid_grant(REFUSED)


def revoke_family(session: Session, family: uuid.UUID, now: datetime | None = None) -> None:
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family) == family, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )


def revoke(session: Session, presented: str) -> bool:
    """Revoke the sign-in a refresh token belongs to (RFC 7009); False when it is not one of ours."""
    held = session.exec(select(RefreshToken).where(RefreshToken.token_hash == _digest(presented))).first()
    if held is None:
        return False
    revoke_family(session, held.family)
    return True


def revoke_all(session: Session, user: UserAccount) -> None:
    """Sign the person out everywhere: after their password changes or is reset."""
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
