"""Platform tables and the organisation tree (organisationsträdet).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from servicekit.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # btree_gist lets an exclusion constraint combine equality on a code with overlap of periods;
    # it is a trusted extension, so the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    create_platform_tables(op)
    op.create_table(
        "org_units",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_org_units"),
    )
    op.create_table(
        "org_unit_versions",
        sa.Column("unit_id", sa.UUID(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.PrimaryKeyConstraint("unit_id", "valid_from", name="pk_org_unit_versions"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="ck_org_unit_versions_valid_period"),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name="fk_org_unit_versions_unit_id_org_units", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["org_units.id"], name="fk_org_unit_versions_parent_id_org_units"),
        postgresql.ExcludeConstraint(
            (sa.column("code"), "="), (sa.text("daterange(valid_from, valid_to)"), "&&"),
            using="gist", name="ex_org_unit_versions_code",
        ),
        postgresql.ExcludeConstraint(
            (sa.column("unit_id"), "="), (sa.text("daterange(valid_from, valid_to)"), "&&"),
            using="gist", name="ex_org_unit_versions_period",
        ),
    )
    op.create_index("ix_org_unit_versions_parent", "org_unit_versions", ["parent_id", "valid_from"])
    op.create_index("ix_org_unit_versions_code", "org_unit_versions", ["code", "valid_from"])


def downgrade() -> None:
    op.drop_table("org_unit_versions")
    op.drop_table("org_units")
    drop_platform_tables(op)
    op.execute("DROP EXTENSION IF EXISTS btree_gist")
