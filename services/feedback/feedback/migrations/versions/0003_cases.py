"""Cases, categories and their routing, deadline rules, encrypted contacts, redactions, escalations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:04.946971
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One sequence for every year's registration numbers (see feedback.models).
    op.execute("CREATE SEQUENCE case_number_seq")
    op.create_table('categories',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=False),
    sa.Column('description_sv', sa.String(length=2000), server_default='', nullable=False),
    sa.Column('group_sv', sa.String(length=200), server_default='', nullable=False),
    sa.Column('keywords', sa.String(length=500), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_categories'))
    )
    op.create_table('deadline_rules',
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('acknowledge_days', sa.SmallInteger(), nullable=False),
    sa.Column('answer_days', sa.SmallInteger(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('acknowledge_days BETWEEN 0 AND 60 AND answer_days BETWEEN 1 AND 120', name=op.f('ck_deadline_rules_sane_days')),
    sa.PrimaryKeyConstraint('committee_id', 'category_code', name=op.f('pk_deadline_rules'))
    )
    op.create_table('cases',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('registration_number', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=True),
    sa.Column('routed_by', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('privacy', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('long', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('address_id', sa.String(length=100), nullable=True),
    sa.Column('zipcode', sa.String(length=20), nullable=True),
    sa.Column('media_url', sa.String(length=2000), nullable=True),
    sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('guarantee_promise_id', sa.UUID(), nullable=True),
    sa.Column('parent_case_id', sa.UUID(), nullable=True),
    sa.Column('assignee', sa.String(length=200), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('rating_comment', sa.String(length=2000), nullable=True),
    sa.Column('legal_hold', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('legal_hold_reason', sa.String(length=1000), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledge_due', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('submitted_by_kind', sa.String(length=20), nullable=False),
    sa.Column('resident_token_sha256', sa.String(length=64), nullable=False),
    sa.Column('open311_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_cases_rating_range')),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_cases_category_code_categories')),
    sa.ForeignKeyConstraint(['parent_case_id'], ['cases.id'], name=op.f('fk_cases_parent_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('open311_token', name=op.f('uq_cases_open311_token')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_cases_registration_number')),
    sa.UniqueConstraint('resident_token_sha256', name=op.f('uq_cases_resident_token_sha256'))
    )
    op.create_index('ix_cases_committee_received', 'cases', ['committee_id', 'received_at'], unique=False)
    op.create_index('ix_cases_received', 'cases', ['received_at'], unique=False)
    op.create_index('ix_cases_submitted_by', 'cases', ['submitted_by', 'received_at'], unique=False)
    op.create_index('ix_cases_unit_received', 'cases', ['unit_id', 'received_at'], unique=False)
    op.create_table('category_routes',
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_category_routes_category_code_categories')),
    sa.PrimaryKeyConstraint('committee_id', 'category_code', name=op.f('pk_category_routes'))
    )
    op.create_index('ix_category_routes_category', 'category_routes', ['category_code'], unique=False)
    op.create_table('case_contacts',
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('key_id', sa.String(length=16), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(ciphertext IS NULL) = (erased_at IS NOT NULL)', name=op.f('ck_case_contacts_erased_or_sealed')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_contacts_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_contacts'))
    )
    op.create_table('case_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('from_unit_id', sa.UUID(), nullable=True),
    sa.Column('to_unit_id', sa.UUID(), nullable=True),
    sa.Column('by_subject', sa.String(length=200), nullable=False),
    sa.Column('by_kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    op.create_index('ix_case_events_case', 'case_events', ['case_id', 'id'], unique=False)
    op.create_table('case_redactions',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('removed_characters', sa.Integer(), nullable=False),
    sa.Column('by_subject', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_redactions_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_redactions'))
    )
    op.create_index('ix_case_redactions_case', 'case_redactions', ['case_id'], unique=False)
    op.create_table('escalations',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('deadline', sa.String(length=20), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_escalations_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('case_id', 'deadline', name='uq_escalations_case_deadline')
    )
    op.create_index('ix_escalations_unit', 'escalations', ['unit_id', 'escalated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_escalations_unit', table_name='escalations')
    op.drop_table('escalations')
    op.drop_index('ix_case_redactions_case', table_name='case_redactions')
    op.drop_table('case_redactions')
    op.drop_index('ix_case_events_case', table_name='case_events')
    op.drop_table('case_events')
    op.drop_table('case_contacts')
    op.drop_index('ix_category_routes_category', table_name='category_routes')
    op.drop_table('category_routes')
    op.drop_index('ix_cases_unit_received', table_name='cases')
    op.drop_index('ix_cases_submitted_by', table_name='cases')
    op.drop_index('ix_cases_received', table_name='cases')
    op.drop_index('ix_cases_committee_received', table_name='cases')
    op.drop_table('cases')
    op.drop_table('deadline_rules')
    op.drop_table('categories')
    op.execute("DROP SEQUENCE case_number_seq")
