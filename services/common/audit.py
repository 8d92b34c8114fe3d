"""The audit trail of personal-data reads and changes."""

import uuid
from collections.abc import Iterable

from sqlalchemy import insert
from sqlmodel import Session

from services.common.auth import Principal
from services.common.logging import current_request_id
from services.common.models import AuditEvent, utcnow


def audit(
    session: Session,
    principal: Principal,
    action: str,
    entity: str,
    entity_ids: Iterable[str] | str,
) -> None:
    """Record that `principal` did `action` (read, create, update, export...) to these records, quoting the
    request being served (services/common/logging.py). Called from the service layer, never from a router.

    Written with one multi-row insert and no ORM objects, so auditing a whole export stays cheap. In a
    read request the rows are written once its reads are over, in a transaction of their own
    (services/common/db.py), before the answer leaves."""
    ids = [entity_ids] if isinstance(entity_ids, str) else list(entity_ids)
    if not ids:
        return
    now, request_id = utcnow(), current_request_id()
    rows = [
        {
            "id": uuid.uuid4(),
            "occurred_at": now,
            "principal": principal.subject,
            "role": principal.role.value,
            "council": principal.council,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "request_id": request_id,
        }  # fmt: skip
        for entity_id in ids
    ]
    if session.info.get("read_only"):
        session.info.setdefault("deferred_audit", []).extend(rows)
    else:
        insert_audit_rows(session, rows)


def insert_audit_rows(session: Session, rows: list[dict]) -> None:
    session.execute(insert(AuditEvent.__table__), rows)
