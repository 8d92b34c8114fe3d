"""One row at a time: 404 when it is missing, 409 when a unique constraint refuses it."""

import uuid
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from services.common.errors import Conflict, NotFound

Row = TypeVar("Row", bound=SQLModel)


def get_or_404(session: Session, model: type[Row], row_id: uuid.UUID, not_found: str) -> Row:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(not_found)
    return row


def flush_or_conflict(session: Session, conflict: str) -> None:
    """Flush; a unique constraint a concurrent request won answers 409 with `conflict`, not a 500 (the request's
    session is rolled back as the error leaves the endpoint, so nothing of it is written)."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(conflict)
