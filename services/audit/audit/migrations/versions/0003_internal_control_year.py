"""The internal-control year: risk scales (with the city's 4×4 default), risk analyses, control plans,
reviews, findings, action plans, proposed commitments, reports and the hash-chained audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:04:23.371581
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from audit.scales.defaults import CITY_SCALE

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('sequence', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_subject', sa.String(length=200), nullable=False),
    sa.Column('actor_kind', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=False),
    sa.Column('entity_type', sa.String(length=50), nullable=True),
    sa.Column('entity_id', sa.String(length=100), nullable=True),
    sa.Column('committee_id', sa.UUID(), nullable=True),
    sa.Column('outcome', sa.String(length=50), nullable=False),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('id', name=op.f('uq_audit_log_id'))
    )
    op.create_index('ix_audit_log_committee', 'audit_log', ['committee_id', 'sequence'], unique=False)
    op.create_table('control_plans',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('review_from', sa.Date(), nullable=False),
    sa.Column('review_to', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=True),
    sa.Column('decision', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('adopted_by', sa.String(length=200), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.CheckConstraint('review_to >= review_from', name=op.f('ck_control_plans_review_window')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_plans')),
    sa.UniqueConstraint('committee_id', 'year', name='uq_control_plans_committee_year')
    )
    op.create_table('proposed_commitments',
    sa.Column('commitment_id', sa.UUID(), nullable=False),
    sa.Column('finding_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('business_plan_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('commitment_id', name=op.f('pk_proposed_commitments'))
    )
    op.create_index('ix_proposed_commitments_finding', 'proposed_commitments', ['finding_id'], unique=False)
    op.create_table('published_log_heads',
    sa.Column('sequence', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_published_log_heads'))
    )
    op.create_table('reports',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('registration_number', sa.String(length=100), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('requested_by', sa.String(length=200), nullable=True),
    sa.Column('sent_by', sa.String(length=200), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('committee_id', 'year', 'period', name='uq_reports_committee_year_period')
    )
    op.create_table('risk_scales',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.UUID(), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('probability_levels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('consequence_levels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('levels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('grid', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_scales')),
    sa.UniqueConstraint('code', 'version', name='uq_risk_scales_code_version')
    )
    op.create_table('risk_analyses',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('based_on_id', sa.UUID(), nullable=True),
    sa.Column('requested_by', sa.String(length=200), nullable=True),
    sa.Column('decision', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('adopted_by', sa.String(length=200), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['risk_scales.id'], name=op.f('fk_risk_analyses_scale_id_risk_scales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_analyses')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_risk_analyses_unit_year')
    )
    op.create_index('ix_risk_analyses_committee_year', 'risk_analyses', ['committee_id', 'year'], unique=False)
    op.create_table('risks',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('analysis_id', sa.UUID(), nullable=False),
    sa.Column('process', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('consequence', sa.Integer(), nullable=False),
    sa.Column('responsible_subject', sa.String(length=200), nullable=False),
    sa.Column('responsible_unit_id', sa.UUID(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('in_control_plan', sa.Boolean(), nullable=False),
    sa.Column('previous_risk_id', sa.UUID(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['analysis_id'], ['risk_analyses.id'], name=op.f('fk_risks_analysis_id_risk_analyses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risks'))
    )
    op.create_index('ix_risks_analysis', 'risks', ['analysis_id'], unique=False)
    op.create_table('control_items',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('plan_id', sa.UUID(), nullable=False),
    sa.Column('risk_id', sa.UUID(), nullable=True),
    sa.Column('control_object', sa.Text(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('sample', sa.Text(), nullable=False),
    sa.Column('frequency', sa.String(length=500), nullable=False),
    sa.Column('responsible_unit_id', sa.UUID(), nullable=False),
    sa.Column('reviewer_subject', sa.String(length=200), nullable=False),
    sa.Column('reviewer_unit_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['control_plans.id'], name=op.f('fk_control_items_plan_id_control_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['risks.id'], name=op.f('fk_control_items_risk_id_risks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_items'))
    )
    op.create_index('ix_control_items_plan', 'control_items', ['plan_id'], unique=False)
    op.create_table('reviews',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('item_id', sa.UUID(), nullable=False),
    sa.Column('plan_id', sa.UUID(), nullable=False),
    sa.Column('performed_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('sample', sa.Text(), nullable=False),
    sa.Column('result', sa.String(length=50), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['control_items.id'], name=op.f('fk_reviews_item_id_control_items')),
    sa.ForeignKeyConstraint(['plan_id'], ['control_plans.id'], name=op.f('fk_reviews_plan_id_control_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    op.create_index('ix_reviews_plan', 'reviews', ['plan_id'], unique=False)
    op.create_table('findings',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('review_id', sa.UUID(), nullable=False),
    sa.Column('plan_id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('plan_year', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=50), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('carry_over_on', sa.Date(), nullable=False),
    sa.Column('carry_over_year', sa.Integer(), nullable=False),
    sa.Column('unresolved_on', sa.Date(), nullable=True),
    sa.Column('closure_requested_by', sa.String(length=200), nullable=True),
    sa.Column('closed_by', sa.String(length=200), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['control_plans.id'], name=op.f('fk_findings_plan_id_control_plans')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_findings_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    op.create_index('ix_findings_carry_over', 'findings', ['carry_over_on'], unique=False, postgresql_where="unresolved_on IS NULL AND status <> 'closed'")
    op.create_index('ix_findings_committee_year', 'findings', ['committee_id', 'plan_year'], unique=False)
    op.create_table('action_plans',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('finding_id', sa.UUID(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner_subject', sa.String(length=200), nullable=False),
    sa.Column('owner_unit_id', sa.UUID(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('effect', sa.String(length=50), nullable=False),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('clock_timestamp()'), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_action_plans_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_plans')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_action_plans_finding_id'))
    )
    # The city's default scale, so an analysis can be started on a fresh database.
    scales = sa.table(
        "risk_scales", sa.column("id", sa.UUID()), sa.column("code", sa.String()), sa.column("version", sa.Integer()),
        sa.column("name", sa.String()), sa.column("description", sa.Text()),
        sa.column("probability_levels", postgresql.JSONB()), sa.column("consequence_levels", postgresql.JSONB()),
        sa.column("levels", postgresql.JSONB()), sa.column("grid", postgresql.JSONB()),
        sa.column("is_default", sa.Boolean()), sa.column("revision", sa.Integer()),
    )
    op.bulk_insert(scales, [CITY_SCALE | {"id": uuid.UUID("5c0a1e00-0000-4000-8000-000000000001"), "version": 1,
                                          "is_default": True, "revision": 1}])


def downgrade() -> None:
    op.drop_table('action_plans')
    op.drop_index('ix_findings_committee_year', table_name='findings')
    op.drop_index('ix_findings_carry_over', table_name='findings', postgresql_where="unresolved_on IS NULL AND status <> 'closed'")
    op.drop_table('findings')
    op.drop_index('ix_reviews_plan', table_name='reviews')
    op.drop_table('reviews')
    op.drop_index('ix_control_items_plan', table_name='control_items')
    op.drop_table('control_items')
    op.drop_index('ix_risks_analysis', table_name='risks')
    op.drop_table('risks')
    op.drop_index('ix_risk_analyses_committee_year', table_name='risk_analyses')
    op.drop_table('risk_analyses')
    op.drop_table('risk_scales')
    op.drop_table('reports')
    op.drop_table('published_log_heads')
    op.drop_index('ix_proposed_commitments_finding', table_name='proposed_commitments')
    op.drop_table('proposed_commitments')
    op.drop_table('control_plans')
    op.drop_index('ix_audit_log_committee', table_name='audit_log')
    op.drop_table('audit_log')
