"""Delivering finished extracts to the DfE: an HTTPS POST to its endpoint and/or a file written
atomically into an outbox folder. A failed delivery never loses the extract: it is retried with
backoff, and its state is visible on the extract."""

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import or_, select, update
from sqlmodel import Session

from services.analytics.extracts.metrics import DELIVERIES
from services.analytics.extracts.models import ExtractRun
from services.common.settings import get_settings

LEASE = timedelta(minutes=5)  # one instance delivers an extract at a time
MAX_BACKOFF = timedelta(hours=6)


def write_to_outbox(folder: str, extract: ExtractRun) -> Path:
    """Write the file under a temporary name, then rename: a reader never sees half a file."""
    target = Path(folder) / extract.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    with os.fdopen(handle, "wb") as out:
        out.write(extract.content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    return target


def push_to_dfe(client: httpx.Client, url: str, token: str, extract: ExtractRun, replaces: list[str]) -> None:
    """POST the file; the delivery id lets the DfE recognise a repeat of a delivery it already has, and
    X-Supersedes names the earlier deliveries of the same extract this one replaces."""
    headers = {
        "Content-Type": extract.media_type,
        "X-Delivery-ID": str(extract.id),
        "Idempotency-Key": str(extract.id),
        "X-Content-SHA256": extract.sha256,
        "Content-Disposition": f'attachment; filename="{extract.file_name}"',
    }
    if replaces:
        headers["X-Supersedes"] = ", ".join(replaces)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    answer = client.post(url, content=extract.content, headers=headers)
    if answer.status_code == 409:  # the DfE already holds this delivery id
        return
    answer.raise_for_status()


def deliver_due(session: Session, client: httpx.Client, now: datetime) -> list[ExtractRun]:
    """Deliver every pending (or failed and due again) extract; returns those attempted."""
    settings = get_settings()
    table = ExtractRun.__table__
    due = session.execute(
        select(table.c.id, table.c.next_delivery_at).where(
            table.c.status == "succeeded",
            table.c.delivery_status.in_(("pending", "retrying")),
            or_(table.c.next_delivery_at.is_(None), table.c.next_delivery_at <= now),
        )
    ).all()
    attempted = []
    for extract_id, lease_seen in due:
        taken = session.execute(  # lease it, so a second instance skips it
            update(table)
            .where(
                table.c.id == extract_id,
                (table.c.next_delivery_at == lease_seen)
                if lease_seen is not None
                else table.c.next_delivery_at.is_(None),
            )  # fmt: skip
            .values(next_delivery_at=now + LEASE)
        )
        session.commit()
        if taken.rowcount != 1:
            continue
        extract = session.get(ExtractRun, extract_id)
        try:
            if settings.extract_outbox_dir:
                write_to_outbox(settings.extract_outbox_dir, extract)
            if settings.dfe_endpoint_url:
                replaces = session.scalars(
                    select(table.c.id)
                    .where(table.c.superseded_by == extract.id, table.c.delivery_status == "delivered")
                    .order_by(table.c.created_at)
                )
                push_to_dfe(client, settings.dfe_endpoint_url, settings.dfe_endpoint_token, extract,
                            [str(earlier) for earlier in replaces])  # fmt: skip
            extract.delivery_status, extract.delivered_at, extract.delivery_error = "delivered", now, None
            extract.next_delivery_at = None
        except (httpx.HTTPError, OSError) as exc:
            extract.delivery_status = "retrying"
            extract.delivery_error = f"{type(exc).__name__}: {exc}"[:500]
            extract.next_delivery_at = now + min(
                timedelta(seconds=settings.extract_retry_base_seconds * 2**extract.delivery_attempts),
                MAX_BACKOFF,
            )
        extract.delivery_attempts += 1
        DELIVERIES.labels(extract.delivery_status).inc()
        session.add(extract)
        session.commit()
        attempted.append(extract)
    return attempted
