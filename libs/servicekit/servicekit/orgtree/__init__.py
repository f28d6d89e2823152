"""The organisation tree (organisationsträdet) as every service stores and reads it.

goals owns the tree; feedback, audit and awards keep a read model of it, fed by
``organisation.unit.*`` events, because authorisation scopes include the units below them.
"""

from servicekit.orgtree.events import apply_unit_event, org_event_handlers
from servicekit.orgtree.queries import (
    get_unit,
    get_unit_state,
    in_effect,
    list_units,
    load_states,
    stockholm_today,
    subtree,
    subtree_cte,
    unit_and_ancestor_ids,
)
from servicekit.orgtree.router import org_read_router, read_access
from servicekit.orgtree.schemas import OrganisationUnit, Subtree, SubtreeNode, UnitStatus, render_unit
from servicekit.orgtree.store import replace_versions
from servicekit.orgtree.tables import OrgTables, define_org_tables

__all__ = [
    "OrgTables", "OrganisationUnit", "Subtree", "SubtreeNode", "UnitStatus", "apply_unit_event", "define_org_tables",
    "get_unit", "get_unit_state", "in_effect", "list_units", "load_states", "org_event_handlers", "org_read_router",
    "read_access", "render_unit", "replace_versions", "stockholm_today", "subtree", "subtree_cte", "unit_and_ancestor_ids",
]
