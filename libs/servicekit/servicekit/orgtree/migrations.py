"""Migration steps for the organisation tree's read model (feedback, audit, awards).

The read model's schema is the same in every consuming service, so its DDL lives here once and
each service's migration calls it. A later change to the read model's tables adds a new step
function here (never edits this one) and a migration in each consumer that calls it.
"""

import sqlalchemy as sa


def create_read_model_tables_v1(op) -> None:
    op.create_table(
        "org_units",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
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
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_org_unit_versions_valid_period")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_org_unit_versions_unit_id_org_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("unit_id", "valid_from", name=op.f("pk_org_unit_versions")),
    )
    op.create_index("ix_org_unit_versions_code", "org_unit_versions", ["code", "valid_from"], unique=False)
    op.create_index("ix_org_unit_versions_parent", "org_unit_versions", ["parent_id", "valid_from"], unique=False)


def drop_read_model_tables_v1(op) -> None:
    op.drop_index("ix_org_unit_versions_parent", table_name="org_unit_versions")
    op.drop_index("ix_org_unit_versions_code", table_name="org_unit_versions")
    op.drop_table("org_unit_versions")
    op.drop_table("org_units")
