"""The examination: individual assessments and their scores, consensus with its changes, site visits, the jury.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:05:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_assessments_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_assessments_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_assessments_examiner_id_examiners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_assessments_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('application_id', 'examiner_id', name='uq_assessments_application_examiner')
    )
    op.create_index('ix_assessments_round', 'assessments', ['round_id'], unique=False)
    op.create_table('assessment_scores',
    sa.Column('assessment_id', sa.UUID(), nullable=False),
    sa.Column('area_number', sa.SmallInteger(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('strengths', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('improvements', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 100 AND score % 5 = 0', name=op.f('ck_assessment_scores_score_on_grid')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_scores_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'area_number', name=op.f('pk_assessment_scores'))
    )
    op.create_table('consensus_scores',
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('area_number', sa.SmallInteger(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('strengths', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('improvements', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 100 AND score % 5 = 0', name=op.f('ck_consensus_scores_score_on_grid')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_consensus_scores_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'area_number', name=op.f('pk_consensus_scores'))
    )
    op.create_table('consensus_changes',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('area_number', sa.SmallInteger(), nullable=False),
    sa.Column('consensus_revision', sa.Integer(), nullable=False),
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.Column('individual_score', sa.SmallInteger(), nullable=False),
    sa.Column('consensus_score', sa.SmallInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_consensus_changes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_consensus_changes_examiner_id_examiners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consensus_changes'))
    )
    op.create_index('ix_consensus_changes_application', 'consensus_changes', ['application_id', 'area_number'], unique=False)
    op.create_table('site_visits',
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_site_visits_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_site_visits'))
    )
    op.create_table('jury_shortlists',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('application_ids', postgresql.ARRAY(sa.UUID()), nullable=False),
    sa.Column('set_by', sa.String(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_jury_shortlists_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_jury_shortlists'))
    )
    op.create_table('jury_decisions',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_jury_decisions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_jury_decisions'))
    )
    op.create_table('jury_awards',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('placement', sa.String(length=30), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_jury_awards_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['jury_decisions.round_id'], name=op.f('fk_jury_awards_round_id_jury_decisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'application_id', name=op.f('pk_jury_awards'))
    )
    op.create_table('blinding_terms',
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('people', postgresql.ARRAY(sa.String(length=200)), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_blinding_terms_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', name=op.f('pk_blinding_terms'))
    )


def downgrade() -> None:
    op.drop_table('blinding_terms')
    op.drop_table('jury_awards')
    op.drop_table('jury_decisions')
    op.drop_table('jury_shortlists')
    op.drop_table('site_visits')
    op.drop_index('ix_consensus_changes_application', table_name='consensus_changes')
    op.drop_table('consensus_changes')
    op.drop_table('consensus_scores')
    op.drop_table('assessment_scores')
    op.drop_index('ix_assessments_round', table_name='assessments')
    op.drop_table('assessments')
