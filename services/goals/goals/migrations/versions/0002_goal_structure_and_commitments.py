"""The ILS goal structure, indicator definitions, business plans, commitments and follow-ups.

The four goal levels of the city's budget are inserted as configuration (goal_levels); the
city changes them through the API, not through code.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


DEFAULT_LEVELS = (
    # code, rank, Swedish name, English name, horizon, owner unit types, writer roles
    ("vision", 1, "Vision", "Vision", "long", ["city"], ["admin"]),
    ("direction_goal", 2, "Kommunfullmäktiges inriktningsmål", "City council direction goal", "term", ["city"], ["admin"]),
    ("area_goal", 3, "Kommunfullmäktiges mål för verksamhetsområdet", "City council goal for the area", "multi_year", ["city"], ["admin"]),
    (
        "committee_goal", 4, "Nämndmål", "Committee goal", "year",
        ["district_committee", "specialist_committee", "company_board"], ["committee"],
    ),
)


def upgrade() -> None:
    levels = op.create_table('goal_levels',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('horizon', sa.String(length=20), nullable=False),
    sa.Column('owner_unit_types', postgresql.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('writer_roles', postgresql.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("horizon IN ('long', 'term', 'multi_year', 'year')", name=op.f('ck_goal_levels_horizon')),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_goal_levels_rank_positive')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_goal_levels')),
    sa.UniqueConstraint('rank', name=op.f('uq_goal_levels_rank'))
    )
    op.create_table('indicators',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit_of_measure', sa.String(length=50), nullable=False),
    sa.Column('polarity', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('kolada_kpi_id', sa.String(length=20), nullable=True),
    sa.Column('by_gender', sa.Boolean(), nullable=False),
    sa.Column('decimals', sa.SmallInteger(), nullable=False),
    sa.Column('measures_volume', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("polarity IN ('higher_is_better', 'lower_is_better')", name=op.f('ck_indicators_polarity')),
    sa.CheckConstraint('decimals BETWEEN 0 AND 6', name=op.f('ck_indicators_decimals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('code', name=op.f('uq_indicators_code')),
    sa.UniqueConstraint('kolada_kpi_id', name=op.f('uq_indicators_kolada_kpi_id'))
    )
    op.create_table('business_plans',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decision', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'adopted')", name=op.f('ck_business_plans_status')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_business_plans_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_plans')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_business_plans_unit_year')
    )
    op.create_table('goals',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('level_code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=False),
    sa.Column('to_year', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.UUID(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f('ck_goals_status')),
    sa.CheckConstraint('to_year >= from_year', name=op.f('ck_goals_years')),
    sa.ForeignKeyConstraint(['level_code'], ['goal_levels.code'], name=op.f('fk_goals_level_code_goal_levels'), onupdate='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['goals.id'], name=op.f('fk_goals_parent_id_goals')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_goals_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    op.create_index('ix_goals_parent_id', 'goals', ['parent_id'], unique=False)
    op.create_index('ix_goals_unit_years', 'goals', ['unit_id', 'from_year'], unique=False)
    op.create_table('commitments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('business_plan_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('proposed_from_finding_id', sa.UUID(), nullable=True),
    sa.Column('authors', postgresql.ARRAY(sa.String(length=200)), nullable=False),
    sa.Column('assessment', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved', 'adopted', 'followed_up', 'closed')", name=op.f('ck_commitments_status')),
    sa.ForeignKeyConstraint(['business_plan_id'], ['business_plans.id'], name=op.f('fk_commitments_business_plan_id_business_plans')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_commitments_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments')),
    sa.UniqueConstraint('proposed_from_finding_id', name=op.f('uq_commitments_proposed_from_finding_id'))
    )
    op.create_index('ix_commitments_business_plan_id', 'commitments', ['business_plan_id'], unique=False)
    op.create_index('ix_commitments_unit_year', 'commitments', ['unit_id', 'year'], unique=False)
    op.create_table('commitment_versions',
    sa.Column('commitment_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('decision', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('committee_goal_id', sa.UUID(), nullable=True),
    sa.Column('indicator_id', sa.UUID(), nullable=True),
    sa.Column('responsible_subject', sa.String(length=200), nullable=True),
    sa.Column('responsible_unit_id', sa.UUID(), nullable=True),
    sa.Column('content', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_versions_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['committee_goal_id'], ['goals.id'], name=op.f('fk_commitment_versions_committee_goal_id_goals')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_commitment_versions_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['org_units.id'], name=op.f('fk_commitment_versions_responsible_unit_id_org_units')),
    sa.PrimaryKeyConstraint('commitment_id', 'version', name=op.f('pk_commitment_versions'))
    )
    op.create_index('ix_commitment_versions_committee_goal_id', 'commitment_versions', ['committee_goal_id'], unique=False)
    op.create_table('follow_ups',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.UUID(), nullable=False),
    sa.Column('commitment_version', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('outcome_value', sa.Numeric(), nullable=True),
    sa.Column('reached_item_ids', postgresql.ARRAY(sa.String(length=100)), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('suggested_assessment', sa.String(length=20), nullable=True),
    sa.Column('suggestion_basis', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('assessment', sa.String(length=20), nullable=False),
    sa.Column('analysis', sa.Text(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('reported_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_follow_ups_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_follow_ups_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('commitment_id', 'period', name='uq_follow_ups_commitment_period')
    )
    op.create_index('ix_follow_ups_unit_period', 'follow_ups', ['unit_id', 'period'], unique=False)
    op.bulk_insert(
        levels,
        [
            {
                "code": code, "revision": 1, "rank": rank, "name_sv": name_sv, "name_en": name_en, "horizon": horizon,
                "owner_unit_types": owners, "writer_roles": writers,
            }
            for code, rank, name_sv, name_en, horizon, owners, writers in DEFAULT_LEVELS
        ],
    )


def downgrade() -> None:
    op.drop_index('ix_follow_ups_unit_period', table_name='follow_ups')
    op.drop_table('follow_ups')
    op.drop_index('ix_commitment_versions_committee_goal_id', table_name='commitment_versions')
    op.drop_table('commitment_versions')
    op.drop_index('ix_commitments_unit_year', table_name='commitments')
    op.drop_index('ix_commitments_business_plan_id', table_name='commitments')
    op.drop_table('commitments')
    op.drop_index('ix_goals_unit_years', table_name='goals')
    op.drop_index('ix_goals_parent_id', table_name='goals')
    op.drop_table('goals')
    op.drop_table('business_plans')
    op.drop_table('indicators')
    op.drop_table('goal_levels')
