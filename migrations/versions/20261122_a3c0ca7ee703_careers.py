"""careers: career framework, records, CPD, progression, opportunities

Revision ID: a3c0ca7ee703
Revises: ff5226e56c99
Create Date: 2026-11-22 14:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op  # noqa: F401

revision: str = 'a3c0ca7ee703'
down_revision: str | None = 'ff5226e56c99'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
