"""analytics: extract runs and scheduled claims

Revision ID: a5a7a1f71c05
Revises: a4e7e70e7704
Create Date: 2026-11-22 14:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op  # noqa: F401

revision: str = 'a5a7a1f71c05'
down_revision: str | None = 'a4e7e70e7704'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
