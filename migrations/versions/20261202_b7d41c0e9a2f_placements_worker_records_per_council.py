"""placements: a worker record per council (tenancy); one person's record is split per council of their spells

Revision ID: b7d41c0e9a2f
Revises: a5a7a1f71c05
Create Date: 2026-12-02 18:30:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = "b7d41c0e9a2f"
down_revision: str | None = "a5a7a1f71c05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSONAL = ("birth_date", "gender", "ethnicity", "qual_inst", "qual_level", "step_up_grad", "frontline_grad")


def upgrade() -> None:
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("council", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_worker_swe_number"), type_="unique")
    _split_by_council()
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_worker_council_swe_number", ["council", "swe_number"])
        batch_op.create_index(batch_op.f("ix_worker_council"), ["council"], unique=False)
        batch_op.create_index(batch_op.f("ix_worker_swe_number"), ["swe_number"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_worker_council_council"), "council", ["council"], ["code"])


def _split_by_council() -> None:
    """Each person's record goes to the council of their spells; a person with spells at several councils
    gets a copy per council (each council had been shown the one record), and those spells move to it."""
    connection = op.get_bind()
    worker = sa.table(
        "worker",
        sa.column("id", sa.Uuid()),
        sa.column("council", sa.String()),
        sa.column("swe_number", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", sa.DateTime()),
        sa.column("updated_at", sa.DateTime()),
        *(sa.column(name) for name in PERSONAL),
    )
    employment = sa.table("employment", sa.column("worker_id", sa.Uuid()), sa.column("council", sa.String()))
    pairs = connection.execute(
        sa.select(employment.c.worker_id, employment.c.council)
        .distinct()
        .order_by(employment.c.worker_id, employment.c.council)
    ).all()
    councils: dict[uuid.UUID, list[str]] = {}
    for worker_id, council in pairs:
        councils.setdefault(worker_id, []).append(council)
    for worker_id, held_at in councils.items():
        first, *others = held_at
        connection.execute(sa.update(worker).where(worker.c.id == worker_id).values(council=first))
        if not others:
            continue
        original = connection.execute(sa.select(worker).where(worker.c.id == worker_id)).mappings().one()
        for council in others:
            copy_id = uuid.uuid4()
            connection.execute(sa.insert(worker).values({**original, "id": copy_id, "council": council}))
            connection.execute(
                sa.update(employment)
                .where(employment.c.worker_id == worker_id, employment.c.council == council)
                .values(worker_id=copy_id)
            )


def downgrade() -> None:
    """Records of one person at several councils become one again (the one made first is kept)."""
    connection = op.get_bind()
    worker = sa.table(
        "worker", sa.column("id", sa.Uuid()), sa.column("swe_number", sa.String()), sa.column("created_at", sa.DateTime())
    )
    employment = sa.table("employment", sa.column("worker_id", sa.Uuid()))
    rows = connection.execute(sa.select(worker.c.id, worker.c.swe_number).order_by(worker.c.swe_number, worker.c.created_at, worker.c.id)).all()
    kept: dict[str, uuid.UUID] = {}
    for worker_id, swe_number in rows:
        if swe_number not in kept:
            kept[swe_number] = worker_id
            continue
        connection.execute(
            sa.update(employment).where(employment.c.worker_id == worker_id).values(worker_id=kept[swe_number])
        )
        connection.execute(sa.delete(worker).where(worker.c.id == worker_id))
    with op.batch_alter_table("worker", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_worker_council_council"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_worker_swe_number"))
        batch_op.drop_index(batch_op.f("ix_worker_council"))
        batch_op.drop_constraint("uq_worker_council_swe_number", type_="unique")
        batch_op.drop_column("council")
        batch_op.create_unique_constraint(batch_op.f("uq_worker_swe_number"), ["swe_number"])
