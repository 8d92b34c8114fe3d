"""analytics: an extract superseded by a later run of the same one; a scheduled run waiting for a return

Revision ID: 2716ed2f8221
Revises: d2f4a8c61e37
Create Date: 2026-12-03 07:47:55
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "2716ed2f8221"
down_revision: str | None = "d2f4a8c61e37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("extract_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_extract_run_period"), ["period"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_extract_run_superseded_by_extract_run"), "extract_run", ["superseded_by"], ["id"]
        )
    with op.batch_alter_table("scheduled_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_for", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    _supersede_earlier_runs()


EMPTY_RETURN = "the return holds no worker"


def _supersede_earlier_runs() -> None:
    """Before this version a census return with no worker was stored as succeeded, and a re-run left the earlier
    extract looking current. Now the empty returns are failed, and the newest succeeded extract of each kind,
    council and period supersedes the earlier ones, as the extracts module does for every new one."""
    extract = sa.table(
        "extract_run",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("council", sa.String()),
        sa.column("period", sa.String()),
        sa.column("status", sa.String()),
        sa.column("errors", sa.Text()),
        sa.column("content", sa.LargeBinary()),
        sa.column("created_at", sa.DateTime()),
        sa.column("superseded_by", sa.Uuid()),
        sa.column("superseded_at", sa.DateTime()),
    )
    connection = op.get_bind()
    returns = connection.execute(
        sa.select(extract.c.id, extract.c.content).where(extract.c.kind == "csww", extract.c.status == "succeeded")
    ).all()
    for extract_id, content in returns:
        if b"<CSWWWorker>" not in content:
            connection.execute(
                sa.update(extract).where(extract.c.id == extract_id).values(status="failed", errors=EMPTY_RETURN)
            )
    rows = connection.execute(
        sa.select(
            extract.c.id, extract.c.kind, extract.c.council, extract.c.period, extract.c.status, extract.c.created_at
        ).order_by(extract.c.created_at.desc(), extract.c.id)
    ).all()
    current: dict[tuple, tuple] = {}  # the newest succeeded extract of each kind, council and period
    for extract_id, kind, council, period, status, created_at in rows:
        key = (kind, council, period)
        if key in current:
            connection.execute(
                sa.update(extract)
                .where(extract.c.id == extract_id)
                .values(status="superseded", superseded_by=current[key][0], superseded_at=current[key][1])
            )
        elif status == "succeeded":
            current[key] = (extract_id, created_at)


def downgrade() -> None:
    """A superseded extract goes back to succeeded or failed (by its errors), as every stored one was."""
    extract = sa.table("extract_run", sa.column("status", sa.String()), sa.column("errors", sa.Text()))
    op.get_bind().execute(
        sa.update(extract)
        .where(extract.c.status == "superseded")
        .values(status=sa.case((extract.c.errors.is_(None), "succeeded"), else_="failed"))
    )
    run = sa.table(
        "scheduled_run", sa.column("status", sa.String()), sa.column("last_error", sa.String()),
        sa.column("waiting_for", sa.String()),
    )  # fmt: skip
    # a run waiting for a return is, to the version before, one that failed and is retried when due
    op.get_bind().execute(
        sa.update(run).where(run.c.status == "waiting").values(status="failed", last_error=run.c.waiting_for)
    )
    with op.batch_alter_table("scheduled_run", schema=None) as batch_op:
        batch_op.drop_column("waiting_for")
    with op.batch_alter_table("extract_run", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_extract_run_superseded_by_extract_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_extract_run_period"))
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("superseded_by")
