"""returners: cohorts, applicants, stages, updating, hosts

Revision ID: a4e7e70e7704
Revises: a3c0ca7ee703
Create Date: 2026-11-22 14:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = 'a4e7e70e7704'
down_revision: str | None = 'a3c0ca7ee703'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cohort',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('intake_opens', sa.Date(), nullable=False),
    sa.Column('intake_closes', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('min_years_away', sa.Integer(), nullable=False),
    sa.Column('max_years_away', sa.Integer(), nullable=False),
    sa.Column('min_statutory_practice_years', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('hours_per_day', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_cohort_capacity_not_negative')),
    sa.CheckConstraint('min_years_away <= max_years_away', name=op.f('ck_cohort_years_away_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort')),
    sa.UniqueConstraint('name', name=op.f('uq_cohort_name'))
    )
    op.create_table('applicant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('consent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('enquiry_count', sa.Integer(), nullable=False),
    sa.Column('last_enquiry_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('stage_since', sa.Date(), nullable=False),
    sa.Column('cohort_id', sa.Uuid(), nullable=True),
    sa.Column('registration_number', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('date_last_practised', sa.Date(), nullable=True),
    sa.Column('date_left_register', sa.Date(), nullable=True),
    sa.Column('years_statutory_practice', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('eligible', sa.Boolean(), nullable=True),
    sa.Column('updating_days_required', sa.Integer(), nullable=True),
    sa.Column('eligibility', sa.Text(), nullable=True),
    sa.Column('restoration_applied_on', sa.Date(), nullable=True),
    sa.Column('employed_council', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('employed_from', sa.Date(), nullable=True),
    sa.Column('employed_agency', sa.Boolean(), nullable=True),
    sa.Column('employed_fte', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('employed_org_role', sa.Integer(), nullable=True),
    sa.Column('placements_worker_id', sa.Uuid(), nullable=True),
    sa.Column('placements_employment_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_applicant_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['employed_council'], ['council.code'], name=op.f('fk_applicant_employed_council_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant')),
    sa.UniqueConstraint('email', name=op.f('uq_applicant_email'))
    )
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicant_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applicant_employed_council'), ['employed_council'], unique=False)
        batch_op.create_index(batch_op.f('ix_applicant_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_applicant_stage'), ['stage'], unique=False)

    op.create_table('host_offer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('cohort_id', sa.Uuid(), nullable=False),
    sa.Column('council', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('places_taken >= 0 AND places_taken <= places', name=op.f('ck_host_offer_within_places')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_host_offer_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['council'], ['council.code'], name=op.f('fk_host_offer_council_council')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_offer')),
    sa.UniqueConstraint('cohort_id', 'council', name='uq_host_offer_cohort_council')
    )
    with op.batch_alter_table('host_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_offer_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('host_placement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('host_offer_id', sa.Uuid(), nullable=False),
    sa.Column('council', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('matched_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('matched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('released_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_host_placement_applicant_id_applicant')),
    sa.ForeignKeyConstraint(['council'], ['council.code'], name=op.f('fk_host_placement_council_council')),
    sa.ForeignKeyConstraint(['host_offer_id'], ['host_offer.id'], name=op.f('fk_host_placement_host_offer_id_host_offer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_placement')),
    sa.UniqueConstraint('applicant_id', name=op.f('uq_host_placement_applicant_id'))
    )
    with op.batch_alter_table('host_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_placement_council'), ['council'], unique=False)
        batch_op.create_index(batch_op.f('ix_host_placement_host_offer_id'), ['host_offer_id'], unique=False)

    op.create_table('stage_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('from_stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('to_stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_stage_event_applicant_id_applicant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_event'))
    )
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_event_applicant_id'), ['applicant_id'], unique=False)

    op.create_table('updating_activity',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('supervisor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('supervisor_regulator', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('supervisor_registration_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('supervisor_years_registered', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_updating_activity_applicant_id_applicant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_updating_activity'))
    )
    with op.batch_alter_table('updating_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_updating_activity_applicant_id'), ['applicant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('updating_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_updating_activity_applicant_id'))

    op.drop_table('updating_activity')
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_event_applicant_id'))

    op.drop_table('stage_event')
    with op.batch_alter_table('host_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_placement_host_offer_id'))
        batch_op.drop_index(batch_op.f('ix_host_placement_council'))

    op.drop_table('host_placement')
    with op.batch_alter_table('host_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_offer_cohort_id'))

    op.drop_table('host_offer')
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicant_stage'))
        batch_op.drop_index(batch_op.f('ix_applicant_region'))
        batch_op.drop_index(batch_op.f('ix_applicant_employed_council'))
        batch_op.drop_index(batch_op.f('ix_applicant_cohort_id'))

    op.drop_table('applicant')
    op.drop_table('cohort')
