"""The organisation tree's tables, declared on the caller's metadata.

Every service that needs the tree (goals as its owner, the others as a read model) declares
these two tables in its own database with the same columns, so the queries in
``servicekit.orgtree.queries`` serve both. A unit's versions are contiguous periods
``[valid_from, valid_to)``; ``valid_to`` NULL means open-ended, and a unit whose last version
has a ``valid_to`` is closed from that day (nedlagd).
"""

from dataclasses import dataclass

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import UUID

CODE_LENGTH = 50
NAME_LENGTH = 200
TYPE_LENGTH = 40


@dataclass(frozen=True)
class OrgTables:
    units: Table
    versions: Table


def define_org_tables(metadata: MetaData) -> OrgTables:
    units = Table(
        "org_units",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("revision", Integer, nullable=False),
    )
    versions = Table(
        "org_unit_versions",
        metadata,
        Column("unit_id", UUID(as_uuid=True), ForeignKey(units.c.id, ondelete="CASCADE"), primary_key=True),
        Column("valid_from", Date, primary_key=True),
        Column("valid_to", Date, nullable=True),
        Column("code", String(CODE_LENGTH), nullable=False),
        Column("name", String(NAME_LENGTH), nullable=False),
        Column("type", String(TYPE_LENGTH), nullable=False),
        # No foreign key: a read model may receive a child's event before its parent's.
        Column("parent_id", UUID(as_uuid=True), nullable=True),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_period"),
        # Children of a unit as of a date (subtrees, closure checks).
        Index("ix_org_unit_versions_parent", "parent_id", "valid_from"),
        # Listing in code order and looking a code up as of a date.
        Index("ix_org_unit_versions_code", "code", "valid_from"),
    )
    return OrgTables(units=units, versions=versions)
