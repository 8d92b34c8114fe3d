"""analytics: extract runs and scheduled claims

Revision ID: a5a7a1f71c05
Revises: a4e7e70e7704
Create Date: 2026-11-22 14:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = 'a5a7a1f71c05'
down_revision: str | None = 'a4e7e70e7704'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('extract_run',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('census_year', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('council', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('errors', sa.Text(), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('delivery_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('delivery_attempts', sa.Integer(), nullable=False),
    sa.Column('next_delivery_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('delivery_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extract_run'))
    )
    with op.batch_alter_table('extract_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extract_run_census_year'), ['census_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_extract_run_council'), ['council'], unique=False)
        batch_op.create_index(batch_op.f('ix_extract_run_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_extract_run_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_extract_run_status'), ['status'], unique=False)

    op.create_table('scheduled_run',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('extract_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['extract_id'], ['extract_run.id'], name=op.f('fk_scheduled_run_extract_id_extract_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_run')),
    sa.UniqueConstraint('job', 'period', name='uq_scheduled_run_job_period')
    )


def downgrade() -> None:
    op.drop_table('scheduled_run')
    with op.batch_alter_table('extract_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extract_run_status'))
        batch_op.drop_index(batch_op.f('ix_extract_run_kind'))
        batch_op.drop_index(batch_op.f('ix_extract_run_created_at'))
        batch_op.drop_index(batch_op.f('ix_extract_run_council'))
        batch_op.drop_index(batch_op.f('ix_extract_run_census_year'))

    op.drop_table('extract_run')
