"""Tables owned by the shared kernel: the council reference table and the audit trail."""

import uuid
from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.common import db as _db  # noqa: F401  (naming convention before any table)
from services.common.clock import now as utcnow  # the time every row is stamped with, in UTC


class Keyed(SQLModel):
    """The key of a service's table: a random UUID."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)


class Stamped(Keyed):
    """A row that is changed after it is made: when it was made, and when last changed (the service that
    changes it sets `updated_at`)."""

    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Council(SQLModel, table=True):
    """An English local authority, as the DfE and ONS identify it."""

    code: str = Field(primary_key=True, max_length=3, description="DfE three-digit LA code")
    ons_code: str = Field(max_length=9, unique=True)
    name: str = Field(max_length=120)
    region_code: str = Field(max_length=9, index=True)
    region_name: str = Field(max_length=60)
    academy_member: bool = Field(default=False, index=True)


class AuditEvent(SQLModel, table=True):
    """Who read or changed personal data, and when."""

    __tablename__ = "audit_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, index=True)
    principal: str = Field(max_length=120)
    role: str = Field(max_length=32)
    council: str | None = Field(default=None, max_length=3)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=64, index=True)
    request_id: str | None = Field(default=None, max_length=128)


class IdempotentRequest(SQLModel, table=True):
    """The first answer to a write sent with an Idempotency-Key, replayed to its retries."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotent_request_principal_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    principal: str = Field(max_length=120)
    key: str = Field(max_length=128)
    fingerprint: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
