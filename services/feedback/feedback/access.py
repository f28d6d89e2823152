"""Who may do what with feedback (on top of roles × organisation scope).

- Staff: ``feedback_handler`` and ``unit_manager`` handle the cases of their units; ``controller``
  and ``committee`` read their committee's cases and set its routing and deadlines;
  ``city_controller`` reads everything; ``admin`` does everything.
- A ``system`` key with ``feedback:write`` registers cases (a phone system), with ``feedback:read``
  reads them, within its organisation scope (none: the whole city). With ``feedback:write`` it
  also imports a case's earlier steps with the time they were taken (``at``); only an import
  passes ``at``, a person's step is recorded when it is taken.
- A ``portal`` key (``feedback:submit``) and the ``anonymous`` actor see only what is public or
  what that key submitted itself; never a whole city's cases.
- The resident reads and rates their own case with its secret token, whoever forwards the call.
"""

from servicekit.assertion import Principal
from servicekit.auth import PUBLIC_ACTORS, in_org_scope, is_city_wide_reader
from servicekit.problems import ProblemError

HANDLER_ROLES = frozenset({"admin", "feedback_handler", "unit_manager"})
READER_ROLES = HANDLER_ROLES | {"controller", "committee", "city_controller"}
CONFIGURER_ROLES = frozenset({"admin", "controller", "committee"})
ESCALATION_READER_ROLES = frozenset({"admin", "unit_manager", "controller", "committee", "city_controller"})
REGISTRAR_ROLES = HANDLER_ROLES | {"controller"}


def forbidden(detail: str = "Your role, key scope or organisation scope does not allow this.") -> ProblemError:
    return ProblemError(403, detail, kind="forbidden")


def _in_scope(principal: Principal, lineage) -> bool:
    return in_org_scope(principal, [str(unit_id) for unit_id in lineage])


def can_register(principal: Principal) -> bool:
    if principal.actor_kind == "staff":
        return bool(principal.roles & REGISTRAR_ROLES)
    if principal.actor_kind == "system":
        return "feedback:write" in principal.key_scopes
    if principal.actor_kind == "portal":
        return bool(principal.key_scopes & {"feedback:submit", "feedback:write"})
    return False


def require_register(principal: Principal) -> None:
    if not can_register(principal):
        raise forbidden("Registering a case needs a feedback role, a feedback:write key or a portal's feedback:submit key.")


def can_read_case(principal: Principal, *, lineage, submitted_by: str) -> bool:
    if principal.actor_kind in PUBLIC_ACTORS:
        return principal.actor_kind == "portal" and submitted_by == principal.subject
    if principal.actor_kind == "staff":
        return bool(principal.roles & READER_ROLES) and _in_scope(principal, lineage)
    if principal.actor_kind == "system":
        return bool(principal.key_scopes & {"feedback:read", "feedback:write"}) and _in_scope(principal, lineage)
    return False


def require_handle(principal: Principal, *, lineage) -> None:
    """Handling (transitions, transfers, answers, redaction) takes a person in the unit's scope."""
    if principal.actor_kind != "staff" or not principal.roles & HANDLER_ROLES or not _in_scope(principal, lineage):
        raise forbidden("Handling a case needs a feedback_handler or unit_manager role for its unit.")


def require_import(principal: Principal, *, lineage) -> None:
    """A step from an earlier register, with the time it was taken there: a ``system`` key with
    ``feedback:write`` (an import), within its organisation scope (none: the whole city)."""
    if principal.actor_kind != "system" or "feedback:write" not in principal.key_scopes or not _in_scope(principal, lineage):
        raise forbidden("Importing a case's earlier steps needs a system key with feedback:write for its unit.")


def require_legal_hold(principal: Principal, *, lineage) -> None:
    allowed = HANDLER_ROLES | CONFIGURER_ROLES
    if principal.actor_kind != "staff" or not principal.roles & allowed or not _in_scope(principal, lineage):
        raise forbidden("A legal hold is set by the unit's handlers or managers, or the committee's controllers.")


def require_configure(principal: Principal, *, committee_lineage) -> None:
    """A committee's routing and deadlines: its controllers and the committee, or admin."""
    if principal.actor_kind != "staff" or not principal.roles & CONFIGURER_ROLES:
        raise forbidden("Configuring a committee's feedback needs the controller or committee role.")
    if "admin" not in principal.roles and principal.org_scope.isdisjoint(str(unit_id) for unit_id in committee_lineage):
        raise forbidden("The committee is outside your organisation scope.")


def require_admin(principal: Principal) -> None:
    if principal.actor_kind != "staff" or "admin" not in principal.roles:
        raise forbidden("City-wide categories are maintained by admin.")


def require_committee_reader(principal: Principal, *, committee_lineage) -> None:
    """A committee's follow-up: staff who read cases, with the committee in scope (or city-wide)."""
    if principal.actor_kind != "staff" or not principal.roles & READER_ROLES or not _in_scope(principal, committee_lineage):
        raise forbidden("A committee's statistics are read by its controllers, the committee, or city-wide readers.")


def require_escalation_reader(principal: Principal, *, lineage) -> None:
    if principal.actor_kind != "staff" or not principal.roles & ESCALATION_READER_ROLES or not _in_scope(principal, lineage):
        raise forbidden("Escalations are listed for the unit's managers and the committee's controllers.")


def list_scope(principal: Principal) -> tuple[str, list[str] | None]:
    """How a case list is narrowed: ('all', None), ('org', roots) or ('submitted', None)."""
    if principal.actor_kind == "portal" and principal.key_scopes & {"feedback:submit", "feedback:write"}:
        return "submitted", None
    if principal.actor_kind == "staff" and principal.roles & READER_ROLES:
        if is_city_wide_reader(principal):
            return "all", None
        return "org", sorted(principal.org_scope)
    if principal.actor_kind == "system" and principal.key_scopes & {"feedback:read", "feedback:write"}:
        return ("all", None) if is_city_wide_reader(principal) else ("org", sorted(principal.org_scope))
    raise forbidden("Listing cases needs a feedback role or key.")
