"""Feedback's tables. So far only the local read model of the organisation tree."""

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()
org_tables = define_org_tables(metadata)
