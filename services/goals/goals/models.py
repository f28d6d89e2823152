"""goals' tables. The organisation tree uses the shared layout plus the write model's invariants."""

from sqlalchemy import ForeignKeyConstraint, func
from sqlalchemy.dialects.postgresql import ExcludeConstraint

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()

org_tables = define_org_tables(metadata)
_versions = org_tables.versions
_period = func.daterange(_versions.c.valid_from, _versions.c.valid_to)
# goals is the owner, so its parents always exist (read models cannot promise that).
_versions.append_constraint(ForeignKeyConstraint([_versions.c.parent_id], [org_tables.units.c.id]))
# A code is unique city-wide on every day; it may be reused once the earlier holder is closed.
_versions.append_constraint(
    ExcludeConstraint((_versions.c.code, "="), (_period, "&&"), using="gist", name="ex_org_unit_versions_code")
)
# A unit has one version per day.
_versions.append_constraint(
    ExcludeConstraint((_versions.c.unit_id, "="), (_period, "&&"), using="gist", name="ex_org_unit_versions_period")
)
