"""Tables owned by the gateway: machine clients and people's accounts, with hashed secrets."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from services.common.models import utcnow


class _Holder(SQLModel):
    """What a client and an account both hold: a role, perhaps a council, scopes, and whether it is active."""

    role: str = Field(max_length=32)
    council: str | None = Field(default=None, max_length=3, foreign_key="council.code")
    scopes: str = Field(max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ApiClient(_Holder, table=True):
    """A machine client (a council HR system, the DfE, a service) using client credentials."""

    __tablename__ = "api_client"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    client_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)
    secret_hash: str = Field(max_length=255)


class UserAccount(_Holder, table=True):
    """A person (academy staff, council HR staff, a social worker) signing in with a password."""

    __tablename__ = "user_account"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str = Field(max_length=120, unique=True)
    password_hash: str = Field(max_length=255)
    worker: str | None = Field(default=None, max_length=12, description="SWE number of a social worker")


class RefreshToken(SQLModel, table=True):
    """A person's refresh token, stored as its SHA-256 (the token is 256 random bits, shown once). Each use
    replaces it with a new one of the same family; a used or revoked one presented again revokes the family."""

    __tablename__ = "refresh_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    family: uuid.UUID = Field(index=True, description="Every token descended from one sign-in")
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    scopes: str = Field(max_length=255)
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None
