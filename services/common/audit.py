"""The audit trail of personal-data reads and changes."""

from sqlmodel import Session

from services.common.auth import Principal
from services.common.models import AuditEvent


def audit(
    session: Session,
    principal: Principal,
    action: str,
    entity: str,
    entity_ids: list[str] | str,
    request_id: str | None = None,
) -> None:
    """Record that `principal` did `action` (read, create, update, download...) to these records."""
    ids = [entity_ids] if isinstance(entity_ids, str) else entity_ids
    session.add_all(
        AuditEvent(
            principal=principal.subject,
            role=principal.role.value,
            council=principal.council,
            action=action,
            entity=entity,
            entity_id=entity_id,
            request_id=request_id,
        )
        for entity_id in ids
    )
