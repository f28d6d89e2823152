"""Feedback reports (frozen on release), consents, the good-examples bank (Swedish full text, GIN) and uptake.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 12:02:54.251081
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('good_example_consents',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('given', 'declined')", name=op.f('ck_good_example_consents_decision_known')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_good_example_consents_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_good_example_consents'))
    )
    op.create_index('ix_good_example_consents_round_unit', 'good_example_consents', ['round_id', 'unit_id', 'recorded_at'], unique=False)
    op.create_table('feedback_reports',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('areas', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('authors', postgresql.ARRAY(sa.String(length=200)), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by', sa.String(length=200), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_number', sa.String(length=100), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'approved', 'released')", name=op.f('ck_feedback_reports_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_feedback_reports_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_feedback_reports_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_reports')),
    sa.UniqueConstraint('application_id', name=op.f('uq_feedback_reports_application_id'))
    )
    op.create_index('ix_feedback_reports_round', 'feedback_reports', ['round_id'], unique=False)
    op.create_table('good_examples',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('areas', postgresql.ARRAY(sa.String(length=10)), nullable=False),
    sa.Column('lenses', postgresql.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consent_id', sa.UUID(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=200), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.Column('search', postgresql.TSVECTOR(), sa.Computed("setweight(to_tsvector('swedish'::regconfig, title), 'A') || setweight(to_tsvector('swedish'::regconfig, summary), 'B') || setweight(to_tsvector('swedish'::regconfig, body), 'C')", persisted=True), nullable=False),
    sa.CheckConstraint("kind IN ('practice', 'finding')", name=op.f('ck_good_examples_kind_known')),
    sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name=op.f('ck_good_examples_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_good_examples_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_id'], ['good_example_consents.id'], name=op.f('fk_good_examples_consent_id_good_example_consents')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_good_examples_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_good_examples'))
    )
    op.create_index('ix_good_examples_round_unit', 'good_examples', ['round_id', 'unit_id'], unique=False)
    op.create_index('ix_good_examples_search', 'good_examples', ['search'], unique=False, postgresql_using='gin')
    op.create_index('ix_good_examples_status_published', 'good_examples', ['status', sa.text('published_at DESC NULLS LAST'), sa.text('created_at DESC'), 'id'], unique=False)
    op.create_table('good_example_uptakes',
    sa.Column('example_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['good_examples.id'], name=op.f('fk_good_example_uptakes_example_id_good_examples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('example_id', 'unit_id', name=op.f('pk_good_example_uptakes'))
    )


def downgrade() -> None:
    op.drop_table('good_example_uptakes')
    op.drop_index('ix_good_examples_status_published', table_name='good_examples')
    op.drop_index('ix_good_examples_search', table_name='good_examples', postgresql_using='gin')
    op.drop_index('ix_good_examples_round_unit', table_name='good_examples')
    op.drop_table('good_examples')
    op.drop_index('ix_feedback_reports_round', table_name='feedback_reports')
    op.drop_table('feedback_reports')
    op.drop_index('ix_good_example_consents_round_unit', table_name='good_example_consents')
    op.drop_table('good_example_consents')
