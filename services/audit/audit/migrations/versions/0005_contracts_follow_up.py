"""Contract and operations follow-up: contracts with their quality requirements, follow-ups, findings
per requirement (action plan, re-check, escalation) and the sanction ladder.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("provider_unit_id", sa.UUID(), nullable=False),
        sa.Column("provider_kind", sa.String(length=50), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("administration_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("quality_follow_up", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index("ix_contracts_committee", "contracts", ["committee_id"])
    op.create_table(
        "contract_requirements",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_contract_requirements_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_requirements")),
    )
    op.create_table(
        "contract_follow_ups",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("performed_by", sa.String(length=200), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_contract_follow_ups_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_follow_ups")),
    )
    op.create_index("ix_contract_follow_ups_contract", "contract_follow_ups", ["contract_id", "performed_on"])
    op.create_table(
        "contract_findings",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("follow_up_id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("requirement_id", sa.UUID(), nullable=False),
        sa.Column("severity", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("action_plan", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("recheck", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("escalation", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["follow_up_id"], ["contract_follow_ups.id"], name=op.f("fk_contract_findings_follow_up_id_contract_follow_ups")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_contract_findings_contract_id_contracts")),
        sa.ForeignKeyConstraint(["requirement_id"], ["contract_requirements.id"], name=op.f("fk_contract_findings_requirement_id_contract_requirements")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_findings")),
    )
    op.create_index("ix_contract_findings_contract", "contract_findings", ["contract_id"])
    op.create_table(
        "contract_sanctions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("step", sa.String(length=50), nullable=False),
        sa.Column("finding_id", sa.UUID(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decision", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_contract_sanctions_contract_id_contracts")),
        sa.ForeignKeyConstraint(["finding_id"], ["contract_findings.id"], name=op.f("fk_contract_sanctions_finding_id_contract_findings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_sanctions")),
    )
    op.create_index("ix_contract_sanctions_contract", "contract_sanctions", ["contract_id"])


def downgrade() -> None:
    for table in ("contract_sanctions", "contract_findings", "contract_follow_ups", "contract_requirements", "contracts"):
        op.drop_table(table)
