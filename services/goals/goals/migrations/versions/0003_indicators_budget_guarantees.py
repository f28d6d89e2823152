"""Indicator targets and value versions, units' external ids, budget figures, quality guarantees.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('budget_years',
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('amount_unit', sa.String(length=10), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("amount_unit IN ('kr', 'tkr', 'mkr')", name=op.f('ck_budget_years_amount_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_budget_years_unit_id_org_units')),
    sa.PrimaryKeyConstraint('unit_id', 'year', name=op.f('pk_budget_years'))
    )
    op.create_table('indicator_values',
    sa.Column('indicator_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=50), nullable=True),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("gender IN ('T', 'K', 'M')", name=op.f('ck_indicator_values_gender')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_indicator_values_unit_id_org_units')),
    sa.PrimaryKeyConstraint('indicator_id', 'unit_id', 'period', 'gender', 'version', name=op.f('pk_indicator_values'))
    )
    op.create_index('ix_indicator_values_unit_period', 'indicator_values', ['unit_id', 'period'], unique=False)
    op.create_index('uq_indicator_values_current', 'indicator_values', ['indicator_id', 'unit_id', 'period', 'gender'], unique=True, postgresql_where='current')
    op.create_table('quality_guarantees',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_quality_guarantees_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_guarantees')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_quality_guarantees_unit_year')
    )
    op.create_table('unit_external_ids',
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('kolada_municipality_id', sa.String(length=10), nullable=True),
    sa.Column('kolada_ou_id', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_unit_external_ids_unit_id_org_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_external_ids')),
    sa.UniqueConstraint('kolada_municipality_id', name=op.f('uq_unit_external_ids_kolada_municipality_id')),
    sa.UniqueConstraint('kolada_ou_id', name=op.f('uq_unit_external_ids_kolada_ou_id'))
    )
    op.create_table('budget_lines',
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('line', sa.String(length=20), nullable=False),
    sa.Column('budget', sa.Numeric(), nullable=False),
    sa.Column('outcome', sa.Numeric(), nullable=True),
    sa.Column('stated_deviation', sa.Numeric(), nullable=True),
    sa.CheckConstraint("line IN ('income', 'costs', 'salaries', 'other', 'net')", name=op.f('ck_budget_lines_line')),
    sa.ForeignKeyConstraint(['unit_id', 'year'], ['budget_years.unit_id', 'budget_years.year'], name=op.f('fk_budget_lines_unit_id_budget_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'year', 'line', name=op.f('pk_budget_lines'))
    )
    op.create_table('quality_guarantee_versions',
    sa.Column('guarantee_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('business_idea', sa.Text(), nullable=False),
    sa.Column('promises', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('feedback_routine', sa.Text(), nullable=False),
    sa.Column('contact_channel', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('authors', postgresql.ARRAY(sa.String(length=200)), nullable=False),
    sa.Column('adopted_by', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'adopted', 'published', 'withdrawn', 'superseded')", name=op.f('ck_quality_guarantee_versions_status')),
    sa.ForeignKeyConstraint(['guarantee_id'], ['quality_guarantees.id'], name=op.f('fk_quality_guarantee_versions_guarantee_id_quality_guarantees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('guarantee_id', 'version', name=op.f('pk_quality_guarantee_versions'))
    )
    op.create_index('uq_quality_guarantee_versions_published', 'quality_guarantee_versions', ['guarantee_id'], unique=True, postgresql_where="status = 'published'")
    op.create_table('indicator_targets',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.UUID(), nullable=False),
    sa.Column('goal_id', sa.UUID(), nullable=True),
    sa.Column('commitment_id', sa.UUID(), nullable=True),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('target_value', sa.Numeric(), nullable=False),
    sa.Column('comparison', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("gender IN ('T', 'K', 'M')", name=op.f('ck_indicator_targets_gender')),
    sa.CheckConstraint('(goal_id IS NULL) <> (commitment_id IS NULL)', name=op.f('ck_indicator_targets_goal_or_commitment')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_indicator_targets_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_indicator_targets_goal_id_goals')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_targets_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_indicator_targets_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_targets'))
    )
    op.create_index('ix_indicator_targets_unit_period', 'indicator_targets', ['unit_id', 'period'], unique=False)
    op.create_index('uq_indicator_targets_commitment', 'indicator_targets', ['indicator_id', 'commitment_id', 'period', 'gender'], unique=True, postgresql_where='commitment_id IS NOT NULL')
    op.create_index('uq_indicator_targets_goal', 'indicator_targets', ['indicator_id', 'goal_id', 'period', 'gender'], unique=True, postgresql_where='goal_id IS NOT NULL')


def downgrade() -> None:
    op.drop_index('uq_indicator_targets_goal', table_name='indicator_targets', postgresql_where='goal_id IS NOT NULL')
    op.drop_index('uq_indicator_targets_commitment', table_name='indicator_targets', postgresql_where='commitment_id IS NOT NULL')
    op.drop_index('ix_indicator_targets_unit_period', table_name='indicator_targets')
    op.drop_table('indicator_targets')
    op.drop_index('uq_quality_guarantee_versions_published', table_name='quality_guarantee_versions', postgresql_where="status = 'published'")
    op.drop_table('quality_guarantee_versions')
    op.drop_table('budget_lines')
    op.drop_table('unit_external_ids')
    op.drop_table('quality_guarantees')
    op.drop_index('uq_indicator_values_current', table_name='indicator_values', postgresql_where='current')
    op.drop_index('ix_indicator_values_unit_period', table_name='indicator_values')
    op.drop_table('indicator_values')
    op.drop_table('budget_years')
