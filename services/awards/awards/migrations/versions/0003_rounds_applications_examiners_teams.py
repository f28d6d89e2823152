"""Rounds, rubrics, eligibility winners, applications, evidence read models, examiners, conflicts and teams.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:06:33.202176
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('award_winners',
    sa.Column('prize', sa.String(length=20), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('decision', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('prize', 'year', 'unit_id', name=op.f('pk_award_winners'))
    )
    op.create_table('evidence_commitments',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('state', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_commitments'))
    )
    op.create_index('ix_evidence_commitments_unit_year', 'evidence_commitments', ['unit_id', 'year'], unique=False)
    op.create_table('evidence_follow_ups',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('state', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_follow_ups'))
    )
    op.create_index('ix_evidence_follow_ups_commitment', 'evidence_follow_ups', ['commitment_id'], unique=False)
    op.create_table('examiners',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('sectors', postgresql.ARRAY(sa.String(length=40)), nullable=False),
    sa.Column('stated_rounds_served', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('stated_rounds_served >= 0', name=op.f('ck_examiners_stated_rounds_served_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_examiners')),
    sa.UniqueConstraint('subject_id', name=op.f('uq_examiners_subject_id'))
    )
    op.create_table('rounds',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('prize', sa.String(length=20), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=40), nullable=False),
    sa.Column('deadlines', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('eligibility_rules', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
    sa.UniqueConstraint('prize', 'year', name='uq_rounds_prize_year')
    )
    op.create_table('applications',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rubric_version', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=True),
    sa.Column('answers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('introductions', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('attachments', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('evidence', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('eligibility', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_applications_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('round_id', 'unit_id', name='uq_applications_round_unit')
    )
    op.create_table('assignment_plans',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('solver', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('edits', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('proposed_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_assignment_plans_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_assignment_plans'))
    )
    op.create_table('declared_conflicts',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('declared_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=200), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_declared_conflicts_examiner_id_examiners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_conflicts'))
    )
    op.create_index('ix_declared_conflicts_examiner', 'declared_conflicts', ['examiner_id'], unique=False)
    op.create_table('examiner_trainings',
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_examiner_trainings_examiner_id_examiners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('examiner_id', 'year', name=op.f('pk_examiner_trainings'))
    )
    op.create_table('round_examiners',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.Column('capacity', sa.SmallInteger(), nullable=False),
    sa.Column('manager_approved_on', sa.Date(), nullable=True),
    sa.Column('manager_subject_id', sa.String(length=200), nullable=True),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_round_examiners_capacity_non_negative')),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_round_examiners_examiner_id_examiners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_examiners_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'examiner_id', name=op.f('pk_round_examiners'))
    )
    op.create_table('round_phase_changes',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('from_phase', sa.String(length=40), nullable=False),
    sa.Column('to_phase', sa.String(length=40), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_phase_changes_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'to_phase', name=op.f('pk_round_phase_changes'))
    )
    op.create_table('rubrics',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('areas', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_rubrics_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'version', name=op.f('pk_rubrics'))
    )
    op.create_table('team_members',
    sa.Column('round_id', sa.UUID(), nullable=False),
    sa.Column('application_id', sa.UUID(), nullable=False),
    sa.Column('examiner_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_team_members_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiners.id'], name=op.f('fk_team_members_examiner_id_examiners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['assignment_plans.round_id'], name=op.f('fk_team_members_round_id_assignment_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'examiner_id', name=op.f('pk_team_members'))
    )
    op.create_index('ix_team_members_examiner', 'team_members', ['examiner_id'], unique=False)
    op.create_index('ix_team_members_round', 'team_members', ['round_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_team_members_round', table_name='team_members')
    op.drop_index('ix_team_members_examiner', table_name='team_members')
    op.drop_table('team_members')
    op.drop_table('rubrics')
    op.drop_table('round_phase_changes')
    op.drop_table('round_examiners')
    op.drop_table('examiner_trainings')
    op.drop_index('ix_declared_conflicts_examiner', table_name='declared_conflicts')
    op.drop_table('declared_conflicts')
    op.drop_table('assignment_plans')
    op.drop_table('applications')
    op.drop_table('rounds')
    op.drop_table('examiners')
    op.drop_index('ix_evidence_follow_ups_commitment', table_name='evidence_follow_ups')
    op.drop_table('evidence_follow_ups')
    op.drop_index('ix_evidence_commitments_unit_year', table_name='evidence_commitments')
    op.drop_table('evidence_commitments')
    op.drop_table('award_winners')
